import pytest
from rest_framework.test import APIClient

from projets.models import Projet, Statut
from tests.comptes.factories import REGIONS_VUES, client_api
from tests.projets.factories import CLUSES, projet_des_comptes
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db


def _corps_creation(**surcharges):
    corps = {
        "intitule": "Robotisation de l'atelier de décolletage",
        "description": "Créé par l'API.",
        "territoire": "8414",
        "commune": CLUSES,
        "porteur": {
            "raison_sociale": "Décolletage API (test)",
            "siren": "732829320",
            "taille": "PME",
        },
        "enjeu": "innover",
        "filiere": "metallurgie",
        "annee": 2020,
        "montant_investissement": "3000000.00",
        "emplois_crees": 12,
        "emplois_maintenus": 80,
        "aide_sollicitee": "500000.00",
        "date_debut": "2020-12-01",
        "date_fin": "2022-12-31",
    }
    corps.update(surcharges)
    return corps


def test_sans_jeton_401_en_francais(comptes):
    reponse = APIClient().get("/api/v1/projets/")
    assert reponse.status_code == 401
    assert reponse.json()["detail"].startswith("Authentification requise")


def test_mauvais_mot_de_passe_pour_le_jeton(comptes):
    reponse = APIClient().post("/api/v1/auth/token/", {"username": "ministere", "password": "x"})
    assert reponse.status_code == 400


def test_parcours_prefecture_par_l_api(comptes):
    """Un jeton de préfecture : lister sa région, créer, instruire, avis, présélection."""
    projet_des_comptes(Statut.DEPOSE, comptes, TERRITOIRE_32)
    prefecture = client_api("prefecture-84")

    reponse = prefecture.post("/api/v1/projets/", _corps_creation(deposer=True), format="json")
    assert reponse.status_code == 201, reponse.json()
    projet = reponse.json()
    assert projet["statut"] == "depose" and projet["region"] == "84"
    assert projet["montant_investissement"] == "3000000.00"
    assert projet["porteur"]["siren"] == "732829320"

    liste = prefecture.get("/api/v1/projets/").json()
    assert [p["region"] for p in liste["results"]] == ["84"]

    url = f"/api/v1/projets/{projet['id']}/"
    assert prefecture.post(url + "transitions/", {"vers": "en_instruction"}).status_code == 200
    reponse = prefecture.post(url + "avis/", {"avis": "favorable"})
    assert reponse.status_code == 201 and reponse.json()["cote"] == "etat"
    region = client_api("region-84")
    assert region.post(url + "avis/", {"avis": "favorable"}).status_code == 201
    assert prefecture.get(url).json()["statut"] == "preselectionne"
    assert client_api("prefecture-32").get(url).status_code == 404


def test_creation_invalide_400_avec_les_champs(comptes):
    prefecture = client_api("prefecture-84")
    corps = _corps_creation(
        porteur={"raison_sociale": "X", "siren": "123456789", "taille": "PME"},
        aide_sollicitee="9000000.00",
        commune="59350",
    )
    reponse = prefecture.post("/api/v1/projets/", corps, format="json")
    assert reponse.status_code == 400
    erreurs = reponse.json()["erreurs"]
    assert "Luhn" in str(erreurs["porteur_siren"])
    assert "dépasse l'investissement productif" in str(erreurs["aide_sollicitee"])
    assert "n'appartient pas au territoire" in str(erreurs["commune"])
    assert not Projet.objects.filter(intitule=corps["intitule"]).exists()


@pytest.mark.parametrize("nom", ["region-84", "ministere"])
def test_creation_refusee_403_aux_autres_roles(comptes, nom):
    reponse = client_api(nom).post("/api/v1/projets/", _corps_creation(), format="json")
    assert reponse.status_code == 403


def test_modification_avec_version_et_409_si_perimee(comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    prefecture = client_api("prefecture-84")
    url = f"/api/v1/projets/{projet.pk}/"
    reponse = prefecture.patch(url, {"emplois_crees": 40, "version": projet.version}, format="json")
    assert reponse.status_code == 200, reponse.json()
    assert reponse.json()["emplois_crees"] == 40
    reponse = prefecture.patch(url, {"emplois_crees": 99, "version": projet.version}, format="json")
    assert reponse.status_code == 409
    assert reponse.json()["code"] == "version_perimee"
    projet.refresh_from_db()
    assert projet.emplois_crees == 40


def test_transition_par_un_role_non_autorise_403(comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    reponse = client_api("region-84").post(
        f"/api/v1/projets/{projet.pk}/transitions/", {"vers": "en_instruction"}
    )
    assert reponse.status_code == 403
    projet.refresh_from_db()
    assert projet.statut == Statut.DEPOSE


@pytest.mark.parametrize(("nom", "visibles"), REGIONS_VUES)
def test_perimetre_de_la_liste(comptes, nom, visibles):
    projet_des_comptes(Statut.DEPOSE, comptes)
    projet_des_comptes(Statut.DEPOSE, comptes, TERRITOIRE_32)
    resultats = client_api(nom).get("/api/v1/projets/").json()["results"]
    assert {p["region"] for p in resultats} == visibles


def test_filtres_de_la_liste(comptes):
    projet_des_comptes(Statut.DEPOSE, comptes)
    projet_des_comptes(Statut.EN_INSTRUCTION, comptes, enjeu="recruter", annee=2021)
    ministere = client_api("ministere")
    assert ministere.get("/api/v1/projets/", {"enjeu": "recruter"}).json()["count"] == 1
    assert ministere.get("/api/v1/projets/", {"annee": 2021}).json()["count"] == 1
    assert ministere.get("/api/v1/projets/", {"territoire": "8414"}).json()["count"] == 2
    assert ministere.get("/api/v1/projets/", {"statut": "depose"}).json()["count"] == 1
    assert ministere.get("/api/v1/projets/", {"q": "production"}).json()["count"] == 2
    ordonnes = ministere.get("/api/v1/projets/", {"ordering": "id"}).json()["results"]
    assert [p["id"] for p in ordonnes] == sorted(p["id"] for p in ordonnes)
    assert ministere.get("/api/v1/projets/", {"statut": "inconnu"}).status_code == 400


@pytest.mark.parametrize("copies", [0, 40])
def test_requetes_de_la_liste_constantes(comptes, django_assert_num_queries, copies):
    for _ in range(copies + 1):
        projet_des_comptes(Statut.DEPOSE, comptes)
    client = client_api("ministere")
    # 1. jeton et utilisateur  2. profil (portée)  3. nombre  4. page de projets avec porteur
    with django_assert_num_queries(4):
        reponse = client.get("/api/v1/projets/", {"region": "84", "enjeu": "innover"})
    assert reponse.json()["count"] == copies + 1
