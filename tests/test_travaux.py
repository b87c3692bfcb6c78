"""Les travaux de fond : lancés par une page, exécutés par Celery, suivis par leur auteur."""

import datetime
import threading

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from comptes.models import Role
from socle import travaux
from socle.erreurs import Invalide
from socle.models import EtatTravail, Evenement, Travail
from tests.comptes.factories import agent

pytestmark = pytest.mark.django_db


@travaux.tache("essai_lignes")
def _compter_les_lignes(travail):
    total = travail.parametres["lignes"]
    for fait in range(1, total + 1):
        travaux.avancer(travail, fait, total, etape="Lecture des lignes")
        travail.parametres.setdefault("vus", []).append(
            Travail.objects.values_list("fait", flat=True).get(pk=travail.pk)
        )
    return {"lignes": total, "vus": travail.parametres["vus"]}


@travaux.tache("essai_refus")
def _refuser(travail):
    raise Invalide("Le fichier ne contient aucune ligne de projet.")


@travaux.tache("essai_panne")
def _tomber_en_panne(travail):
    raise ZeroDivisionError("division par zéro")


@travaux.tache("essai_fichier")
def _produire_un_fichier(travail):
    travaux.terminer(
        travail,
        resultat={"nom_fichier": "projets.csv", "format": "csv"},
        message="Export prêt : 2 projets.",
        fichier=ContentFile(b"N;Intitule\r\n1;Atelier\r\n"),
        nom_fichier="projets.csv",
    )


@pytest.fixture
def auteur(referentiel):
    return agent("prefecture-84")


def _lancer(genre, auteur, capture, **parametres):
    with capture(execute=True):
        travail = travaux.lancer(genre, auteur=auteur, libelle="Essai", parametres=parametres)
    travail.refresh_from_db()
    return travail


def test_un_travail_lance_s_execute_apres_validation_et_publie_sa_fin(
    auteur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        travail = travaux.lancer("essai_lignes", auteur=auteur, libelle="Essai", parametres={})
    assert Travail.objects.get(pk=travail.pk).etat == EtatTravail.EN_ATTENTE
    assert len(rappels) == 1  # la tâche n'est envoyée qu'à la validation

    travail = _lancer("essai_lignes", auteur, django_capture_on_commit_callbacks, lignes=3)

    assert travail.etat == EtatTravail.TERMINE
    assert (travail.fait, travail.total, travail.pourcentage) == (3, 3, 100)
    assert travail.resultat["lignes"] == 3
    assert travail.started_at <= travail.finished_at
    fin = Evenement.objects.get(genre="travail_termine")
    assert fin.acteur == auteur
    assert fin.donnees["travail_id"] == travail.pk
    assert (fin.donnees["genre_travail"], fin.donnees["etat"]) == ("essai_lignes", "termine")


def test_l_avancement_s_ecrit_au_plus_toutes_les_demi_secondes(
    auteur, django_capture_on_commit_callbacks, monkeypatch
):
    horloge = iter([0.0, 0.1, 0.2, 0.6, 0.7, 1.3, 1.4, 1.5, 1.6, 1.7])
    monkeypatch.setattr(travaux, "horloge", lambda: next(horloge))

    travail = _lancer("essai_lignes", auteur, django_capture_on_commit_callbacks, lignes=6)

    # Ligne 1 : nouvelle étape, écrite ; 2, 3 : trop tôt ; 4 (0,6 s) écrite ; 5 non ; 6 (1,3 s).
    assert travail.resultat["vus"] == [1, 1, 1, 4, 4, 6]


def test_une_erreur_metier_fait_echouer_le_travail_avec_son_message(
    auteur, django_capture_on_commit_callbacks
):
    travail = _lancer("essai_refus", auteur, django_capture_on_commit_callbacks)

    assert travail.etat == EtatTravail.ECHOUE
    assert travail.message == "Le fichier ne contient aucune ligne de projet."
    assert Evenement.objects.get(genre="travail_termine").donnees["etat"] == "echoue"


def test_une_panne_fait_echouer_le_travail_sans_montrer_le_detail(
    auteur, django_capture_on_commit_callbacks, caplog
):
    travail = _lancer("essai_panne", auteur, django_capture_on_commit_callbacks)

    assert travail.etat == EtatTravail.ECHOUE
    assert travail.message == travaux.MESSAGE_ERREUR_INATTENDUE
    assert "division" not in travail.message
    assert "ZeroDivisionError" in caplog.text


def test_une_tache_livree_deux_fois_ne_s_execute_qu_une_fois(
    auteur, django_capture_on_commit_callbacks
):
    travail = _lancer("essai_lignes", auteur, django_capture_on_commit_callbacks, lignes=2)
    assert travaux.executer(travail.pk, _compter_les_lignes.fonction) is None
    assert Evenement.objects.filter(genre="travail_termine").count() == 1


def test_un_travail_interrompu_est_repris_par_sa_tache_rendue_a_la_file(auteur):
    travail = Travail.objects.create(
        genre="essai_lignes",
        libelle="Essai",
        auteur=auteur,
        etat=EtatTravail.EN_COURS,
        parametres={"lignes": 2},
    )
    Travail.objects.filter(pk=travail.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    travail.refresh_from_db()
    assert travaux.interrompu(travail)

    travaux.executer(travail.pk, _compter_les_lignes.fonction)

    travail.refresh_from_db()
    assert travail.etat == EtatTravail.TERMINE


def test_un_genre_sans_tache_echoue_clairement(auteur, django_capture_on_commit_callbacks):
    travail = _lancer("genre_inconnu", auteur, django_capture_on_commit_callbacks)
    assert travail.etat == EtatTravail.ECHOUE
    assert travail.message == "Ce genre de travail n'est pas disponible sur ce serveur."


def test_les_vieux_travaux_et_leurs_fichiers_sont_effaces(
    auteur, django_capture_on_commit_callbacks
):
    travail = _lancer("essai_fichier", auteur, django_capture_on_commit_callbacks)
    stockage = travail.fichier.storage
    assert stockage.exists(travail.fichier.name)

    assert travaux.purger(avant=timezone.now() - datetime.timedelta(days=1)) == 0
    assert travaux.purger(avant=timezone.now() + datetime.timedelta(seconds=1)) == 1

    assert not Travail.objects.exists()
    assert not stockage.exists(travail.fichier.name)


# --- La page du travail ----------------------------------------------------------------------


def test_la_page_d_un_travail_en_cours_montre_sa_barre_et_se_recharge(client, auteur):
    travail = Travail.objects.create(
        genre="essai_lignes",
        libelle="Import de projets.csv",
        auteur=auteur,
        etat=EtatTravail.EN_COURS,
        etape="Vérification des lignes",
        fait=1250,
        total=5000,
    )
    client.force_login(auteur)

    page = client.get(f"/travaux/{travail.pk}/").content.decode()

    assert "<h1>Import de projets.csv</h1>" in page
    assert "Vérification des lignes" in page
    assert 'max="5000" value="1250"' in page
    assert "1\u202f250 sur 5\u202f000 (25 %)" in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "js/travail.js" in page
    partiel = client.get(f"/travaux/{travail.pk}/?partiel=1").content.decode()
    assert partiel.startswith('<div class="portail-etat-travail" data-fini="0">')
    assert "<html" not in partiel


def test_la_page_d_un_travail_fini_montre_son_resultat_et_son_fichier(
    client, auteur, django_capture_on_commit_callbacks
):
    travail = _lancer("essai_fichier", auteur, django_capture_on_commit_callbacks)
    client.force_login(auteur)

    page = client.get(f"/travaux/{travail.pk}/").content.decode()

    assert "Export prêt : 2 projets." in page
    assert f'href="/travaux/{travail.pk}/fichier/"' in page
    assert "http-equiv" not in page and "travail.js" not in page
    reponse = client.get(f"/travaux/{travail.pk}/fichier/")
    assert reponse.status_code == 200
    assert 'filename="projets.csv"' in reponse["Content-Disposition"]
    assert b"".join(reponse.streaming_content) == b"N;Intitule\r\n1;Atelier\r\n"
    liste = client.get("/travaux/").content.decode()
    assert f'href="/travaux/{travail.pk}/"' in liste and "Terminé" in liste


def test_la_page_d_un_echec_en_donne_la_raison(client, auteur, django_capture_on_commit_callbacks):
    travail = _lancer("essai_refus", auteur, django_capture_on_commit_callbacks)
    client.force_login(auteur)
    page = client.get(f"/travaux/{travail.pk}/").content.decode()
    assert "fr-alert--error" in page
    assert "Le fichier ne contient aucune ligne de projet." in page


def test_un_travail_n_est_visible_que_de_son_auteur_et_de_l_equipe_nationale(
    client, auteur, django_capture_on_commit_callbacks
):
    travail = _lancer("essai_fichier", auteur, django_capture_on_commit_callbacks)
    for nom, role, attendu in (
        ("prefecture-84-bis", Role.PREFECTURE, 404),
        ("region-84", Role.REGION, 404),
        ("ministere", Role.MINISTERE, 404),
        ("admin-national", Role.ADMIN_NATIONAL, 200),
    ):
        client.force_login(agent(nom, role))
        for adresse in (f"/travaux/{travail.pk}/", f"/travaux/{travail.pk}/fichier/"):
            assert client.get(adresse).status_code == attendu, (nom, adresse)
    client.logout()
    assert client.get(f"/travaux/{travail.pk}/").status_code == 302


@pytest.mark.skipif(connection.vendor != "postgresql", reason="connexion à part : PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_l_avancement_se_voit_pendant_la_transaction_du_travail(referentiel):
    """Le travail tient sa transaction ouverte ; la page (une autre connexion) voit
    pourtant son avancement."""
    auteur = agent("prefecture-84")
    travail = Travail.objects.create(genre="essai", libelle="Essai", auteur=auteur)
    vu_de_la_page = []

    def lire():
        from django.db import connections

        vu_de_la_page.append(Travail.objects.values_list("fait", flat=True).get(pk=travail.pk))
        connections.close_all()

    with transaction.atomic():
        travaux.avancer(travail, 40, 100, etape="Enregistrement")
        lecteur = threading.Thread(target=lire)
        lecteur.start()
        lecteur.join()
    travaux._fermer_connexion_a_part()
    assert vu_de_la_page == [40]
