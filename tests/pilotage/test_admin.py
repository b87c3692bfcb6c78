"""Le tableau de bord des totaux à l'accueil de l'administration, et son bouton."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilotage import moteur
from pilotage.models import Niveau, Totaux
from socle.format_fr import format_euros
from tests.comptes.factories import UserFactory
from tests.fonds.factories import projet_engage
from tests.pilotage.conftest import K, M, agents_de, chiffres
from tests.projets.factories import creer_projet

pytestmark = pytest.mark.django_db


def euros(montant) -> str:
    return format_euros(montant, centimes=False)


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
    # Le fonds d'accélération par année (test_recalcul.py) : enveloppe, engagé, disponible,
    # investissement des projets financés et effet de levier, toutes années.
    fonds = page[page.index('id="totaux-fonds-fonds-acceleration"') :]
    for texte in [euros(400 * M), euros(2_100_000), euros(397_900_000), euros(17 * M), "× 8,1"]:
        assert texte in fonds, texte
    assert euros(148_700_000) in fonds  # disponible 2020
    # Jamais de crédits additionnés entre instruments : ni 900 M€, ni 897,9 M€.
    assert euros(900 * M) not in page and euros(897_900_000) not in page
    # La transition collective a sa propre ligne : son enveloppe.
    assert 'data-instrument="transition-collective"' in page and euros(500 * M) in page
    # Projets par statut actuel et référentiel.
    assert "148 Territoires d'industrie, 541 intercommunalités" in page
    assert 'data-statut="engage">2<' in page
    # Les régions (le fonds, toutes années) avec leurs chiffres.
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

    # « Tous les dispositifs » : les projets seulement, pas de colonne de crédits.
    reponse = client.get("/admin/", {"choix": "tous|0"})
    tableau = reponse.context["totaux"]
    assert not tableau.avec_montants
    page = reponse.content.decode()
    regions = page[page.index('id="totaux-regions"') :]
    assert "Disponible" not in regions[: regions.index("</thead>")]


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

    assert [lignes for _dispositif, lignes in tableau.fonds] == [[]]
    assert tableau.national_tout is None
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

    # 1 session, 2 utilisateur, 3 profil (portée), 4 dispositifs, 5 lignes nationales et
    # 6 lignes des régions (chacune avec la date du dernier recalcul, par sous-requête),
    # 7 indicateurs des autres instruments (dernière valeur, enveloppe), 8 demandes de
    # recalcul en attente, 9 actions récentes (liste sous les totaux).
    with django_assert_num_queries(9):
        client.get("/admin/")
    assert len(_requetes_de_l_accueil(client)) == len(petit)
