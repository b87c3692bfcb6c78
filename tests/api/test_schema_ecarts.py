"""Les écarts au schéma OpenAPI : avis non donné en `null` (jamais « »), `page_size`
invalide refusé, 404 JSON sous /api/ même avec DEBUG."""

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from projets.models import Statut
from tests.comptes.factories import client_api
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def test_un_avis_non_donne_est_null(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    api = client_api("prefecture-84")
    donnees = api.get(f"/api/v1/projets/{projet.pk}/").json()
    assert (donnees["avis_etat"], donnees["avis_region"]) == (None, None)
    api.post(f"/api/v1/projets/{projet.pk}/avis/", {"avis": "favorable"}, format="json")
    donnees = api.get(f"/api/v1/projets/{projet.pk}/").json()
    assert (donnees["avis_etat"], donnees["avis_region"]) == ("favorable", None)


def test_le_schema_decrit_l_avis_nullable(client):
    schema = client.get("/api/schema/?format=json").json()
    proprietes = schema["components"]["schemas"]["Projet"]["properties"]
    assert proprietes["avis_etat"]["nullable"] is True


@pytest.mark.parametrize("valeur", ["null", "0", "501", "-1", "1.5", "dix", ""])
def test_page_size_invalide_400(comptes, valeur):
    reponse = client_api("prefecture-84").get(f"/api/v1/projets/?page_size={valeur}")
    assert reponse.status_code == 400
    assert reponse.json()["erreurs"]["page_size"] == ["Indiquez un nombre entier de 1 à 500."]


def test_page_size_valide(comptes):
    projet_des_comptes(Statut.DEPOSE, comptes)
    projet_des_comptes(Statut.DEPOSE, comptes)
    reponse = client_api("prefecture-84").get("/api/v1/projets/?page_size=1")
    assert reponse.status_code == 200
    assert len(reponse.json()["results"]) == 1 and reponse.json()["count"] == 2


@pytest.mark.parametrize("debug", [False, True])
def test_adresse_inconnue_de_l_api_404_en_json(client, comptes, debug):
    client.force_login(comptes["prefecture-84"])
    with override_settings(DEBUG=debug):
        clear_url_caches()
        reponse = client.get("/api/v1/inconnue/")
    assert reponse.status_code == 404
    assert reponse["Content-Type"] == "application/json"
    assert reponse.json()["code"] == "not_found"
