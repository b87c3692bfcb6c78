import pytest
from rest_framework.test import APIClient

from comptes.models import Role
from tests.comptes.factories import agent
from tests.territoires.factories import (
    IntercommunaliteFactory,
    PerimetreFactory,
    RegionFactory,
    TerritoireFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(referentiel):
    client = APIClient()
    client.force_authenticate(agent("ministere", Role.MINISTERE))
    return client


def test_regions_et_departements(client):
    regions = client.get("/api/v1/regions/", {"page_size": 100}).json()
    assert regions["count"] == 26
    assert {"code": "84", "nom": "Auvergne-Rhône-Alpes", "zone": "metro"} in regions["results"]
    assert client.get("/api/v1/departements/74/").json()["region"] == "84"


def test_territoire_et_ses_epci(client):
    territoire = client.get("/api/v1/territoires/8414/").json()
    assert territoire["nom"] == "Vallée de l'Arve"
    assert territoire["intercommunalites"] == ["200000172", "200033116"]
    assert client.get("/api/v1/territoires/", {"region": "84"}).json()["count"] == 17
    assert client.get("/api/v1/territoires/", {"q": "vallee de l arve"}).json()["count"] == 1
    assert client.get("/api/v1/territoires/0000/").status_code == 404


def test_intercommunalites_filtres(client):
    epci = client.get("/api/v1/intercommunalites/", {"territoire": "8414"}).json()
    assert {e["siren"] for e in epci["results"]} == {"200000172", "200033116"}
    assert client.get("/api/v1/intercommunalites/", {"type": "MET69"}).json()["count"] == 1
    lyon = client.get("/api/v1/intercommunalites/", {"type": "MET69"}).json()["results"][0]
    assert lyon["regions"] == ["84"]
    assert client.get("/api/v1/intercommunalites/", {"page_size": 500}).json()["results"]


@pytest.mark.parametrize("supplementaires", [0, 60])
def test_requetes_des_territoires_constantes(client, django_assert_num_queries, supplementaires):
    region = RegionFactory(code="X02")
    for _ in range(supplementaires):
        PerimetreFactory(territoire=TerritoireFactory(region=region))
    # (le profil est déjà chargé sur l'utilisateur authentifié par force_authenticate)
    # 1. nombre  2. page de territoires  3. adhésions en vigueur de la page
    with django_assert_num_queries(3):
        reponse = client.get("/api/v1/territoires/", {"page_size": 500})
    assert reponse.json()["count"] == 148 + supplementaires


def test_schema_openapi_valide(client):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    chemins = schema["paths"]
    for chemin in [
        "/api/v1/projets/",
        "/api/v1/projets/{id}/transitions/",
        "/api/v1/projets/{id}/avis/",
        "/api/v1/territoires/",
        "/api/v1/intercommunalites/",
        "/api/v1/regions/",
        "/api/v1/departements/",
        "/api/v1/auth/token/",
    ]:
        assert chemin in chemins
    parametres = {p["name"] for p in chemins["/api/v1/projets/"]["get"]["parameters"]}
    assert {"region", "departement", "territoire", "epci", "statut", "enjeu", "annee"} <= parametres
    assert {"dispositif", "q", "ordering", "page", "page_size"} <= parametres


def test_page_de_documentation_sans_cdn(client):
    reponse = APIClient().get("/api/docs/")
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "/static/drf_spectacular_sidecar/" in texte
    assert "cdn" not in texte.lower()


@pytest.mark.parametrize("supplementaires", [0, 40])
def test_requetes_des_intercommunalites_constantes(
    client, django_assert_num_queries, supplementaires
):
    IntercommunaliteFactory.create_batch(supplementaires)
    # 1. nombre  2. page d'EPCI  3. départements de la page  4. régions de la page
    with django_assert_num_queries(4):
        reponse = client.get("/api/v1/intercommunalites/", {"page_size": 100})
    assert reponse.json()["count"] == 1255 + supplementaires
