"""Le tableau de bord des totaux à l'accueil de l'administration, et son bouton."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats

from pilotage import moteur
from pilotage.models import Niveau, Totaux
from tests.comptes.factories import UserFactory
from tests.fonds.factories import projet_engage
from tests.pilotage.conftest import K, M, agents_de, chiffres
from tests.projets.factories import creer_projet

pytestmark = pytest.mark.django_db


def euros(montant) -> str:
    return f"{formats.number_format(montant, 0, use_l10n=True, force_grouping=True)} €"


@pytest.fixture
def superutilisateur(client):
    user = UserFactory(username="equipe-nationale", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_l_accueil_montre_les_totaux_et_la_liste_des_applications(jeu, client, superutilisateur):
    moteur.recalculer_tout()

    reponse = client.get("/admin/")

    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "Totaux du programme" in page
    assert "Données au" in page
    assert 'action="/admin/pilotage/recalculer/"' in page
    # National, tous dispositifs (test_recalcul.py) : enveloppes, engagé, disponible,
    # investissement, levier.
    for texte in [euros(900 * M), euros(2_100_000), euros(897_900_000), euros(20 * M), "× 7,4"]:
        assert texte in page, texte
    # Par dispositif et par année : le disponible du fonds d'accélération 2020.
    assert "Fonds d&#x27;accélération" in page
    assert euros(148_700_000) in page
    # Projets par statut et référentiel.
    assert "148 Territoires d'industrie, 541 intercommunalités" in page
    assert 'data-statut="engage">2<' in page
    # Les régions (tous dispositifs, toutes années) avec leurs chiffres.
    assert 'data-region="84"' in page and "Auvergne-Rhône-Alpes" in page
    assert euros(48_200_000) in page
    # La liste des applications reste là.
    assert "/admin/pilotage/totaux/" in page
    assert "/admin/territoires/" in page


def test_choisir_le_dispositif_et_l_annee_des_regions(jeu, client, superutilisateur):
    moteur.recalculer_tout()

    reponse = client.get("/admin/", {"choix": "fonds-acceleration|2020"})

    regions = reponse.context["totaux"].regions
    assert [t.code for t in regions] == ["84", "32"]
    assert reponse.context["totaux"].dispositif == "fonds-acceleration"
    assert euros(14_700_000) in reponse.content.decode()  # disponible des Hauts-de-France


def test_le_bouton_recalcule_les_totaux(
    jeu, client, superutilisateur, django_capture_on_commit_callbacks
):
    assert not Totaux.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/admin/pilotage/recalculer/")

    assert reponse.status_code == 302
    assert reponse.url == "/admin/"
    assert [str(m) for m in get_messages(reponse.wsgi_request)] == [
        "Les totaux ont été recalculés."
    ]
    assert Totaux.objects.get(niveau=Niveau.NATIONAL, dispositif="", annee=0).nb_projets == 8


def test_le_bouton_avec_un_courtier_met_la_tache_en_file(
    jeu, client, superutilisateur, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from pilotage import tasks

    envoyees = []
    monkeypatch.setattr(tasks.recalculer_tout, "delay", lambda: envoyees.append("tout"))
    settings.CELERY_TASK_ALWAYS_EAGER = False

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/admin/pilotage/recalculer/", follow=True)

    assert envoyees == ["tout"]
    assert "Le recalcul des totaux est demandé" in reponse.content.decode()


def test_le_bouton_refuse_get_et_les_non_agents(jeu, client, superutilisateur):
    assert client.get("/admin/pilotage/recalculer/").status_code == 405
    client.logout()
    client.force_login(UserFactory(username="public"))
    reponse = client.post("/admin/pilotage/recalculer/")
    assert reponse.status_code == 302 and "/admin/login/" in reponse.url
    assert not Totaux.objects.exists()


def test_le_bouton_exige_le_jeton_csrf(jeu, superutilisateur):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(superutilisateur)
    assert client.post("/admin/pilotage/recalculer/").status_code == 403


def test_les_totaux_sont_en_lecture_seule_dans_l_admin(jeu, client, superutilisateur):
    moteur.recalculer_tout()
    totaux = Totaux.objects.get(niveau=Niveau.NATIONAL, dispositif="", annee=0)

    assert client.get("/admin/pilotage/totaux/").status_code == 200
    assert client.get(f"/admin/pilotage/totaux/{totaux.pk}/change/").status_code == 200
    assert client.get("/admin/pilotage/totaux/add/").status_code == 403
    assert client.post(f"/admin/pilotage/totaux/{totaux.pk}/delete/").status_code == 403


def test_un_agent_regional_ne_voit_que_sa_region(jeu, client):
    moteur.recalculer_tout()
    agent = jeu.comptes["prefecture-32"]
    agent.is_staff = True
    agent.save(update_fields=["is_staff"])
    client.force_login(agent)

    tableau = client.get("/admin/").context["totaux"]

    assert tableau.national == []
    assert [t.code for t in tableau.regions] == ["32"]


def _requetes_de_l_accueil(client):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get("/admin/").status_code == 200
    return [q["sql"] for q in requetes]


def test_l_accueil_fait_autant_de_requetes_quel_que_soit_le_nombre_de_projets(
    jeu, client, superutilisateur, django_assert_num_queries
):
    moteur.recalculer_tout()
    petit = _requetes_de_l_accueil(client)

    for i in range(40):
        territoire = ["8414", "3201", "2701"][i % 3]
        if territoire == "2701":  # région 27 : déposé par l'équipe nationale
            creer_projet(
                jeu.comptes["admin-national"],
                deposer=True,
                territoire=territoire,
                **chiffres(M, 1, 0, 0),
            )
            continue
        region = territoire[:2]
        projet_engage(
            **agents_de(jeu.comptes, region),
            enveloppe=jeu.env.fa2020_84 if region == "84" else jeu.env.fa2020_32,
            montant=K,
            territoire=territoire,
            **chiffres(M, 1, 0, 100 * K),
        )
    moteur.recalculer_tout()

    # 1 session, 2 utilisateur, 3 profil (portée), 4 combinaisons (dispositif, année),
    # 5 lignes nationales et 6 lignes des régions (chacune avec la date du dernier
    # recalcul, par sous-requête), 7 actions récentes (colonne de droite).
    with django_assert_num_queries(7):
        client.get("/admin/")
    assert len(_requetes_de_l_accueil(client)) == len(petit)
