"""Les limites des requêtes : un JSON imbriqué ou énorme est refusé en 400, en français, sans
erreur serveur ; les commentaires et descriptions ont une longueur maximale, dans la saisie
unique (pages et API)."""

import pytest

from comptes.models import Trace
from projets.models import Avis, Projet, Statut
from projets.saisie import COMMENTAIRE_MAX, DESCRIPTION_MAX
from socle.limites import JSON_PROFONDEUR_MAX, JSON_TAILLE_MAX, profondeur_json
from tests.api.test_api_projets import _corps_creation
from tests.comptes.factories import client_api
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def test_json_imbrique_envoye_anonymement_au_jeton_400(client, settings):
    settings.DEBUG = False
    reponse = client.post("/api/v1/auth/token/", "[" * 1000, content_type="application/json")
    assert reponse.status_code == 400
    assert reponse.json() == {
        "detail": f"JSON trop imbriqué : au plus {JSON_PROFONDEUR_MAX} niveaux de tableaux et "
        "d'objets.",
        "code": "parse_error",
    }


def test_json_imbrique_dans_une_ecriture_400_et_rien_d_ecrit(comptes):
    prefecture = client_api("prefecture-84")
    corps = '{"intitule": "x", "description": ' + "[" * 200 + "]" * 200 + "}"
    reponse = prefecture.post("/api/v1/projets/", corps, content_type="application/json")
    assert reponse.status_code == 400
    assert "trop imbriqué" in reponse.json()["detail"]
    assert not Projet.objects.exists()


def test_json_trop_volumineux_400(comptes):
    prefecture = client_api("prefecture-84")
    corps = '{"description": "' + "x" * JSON_TAILLE_MAX + '"}'
    reponse = prefecture.post("/api/v1/projets/", corps, content_type="application/json")
    assert reponse.status_code == 400
    assert reponse.json()["detail"].startswith("Corps de la requête trop volumineux")


def test_json_illisible_400_en_francais(comptes):
    prefecture = client_api("prefecture-84")
    reponse = prefecture.post("/api/v1/projets/", '{"a": NaN}', content_type="application/json")
    assert reponse.status_code == 400
    assert reponse.json()["detail"].startswith("Corps JSON illisible")


@pytest.mark.parametrize(
    ("texte", "profondeur"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'"[[[[["', 0),  # dans une chaîne, les crochets ne comptent pas
        (b'["\\"[[", [[]]]', 3),  # ni après un guillemet échappé
        (b"12", 0),
    ],
)
def test_profondeur_json(texte, profondeur):
    assert profondeur_json(texte) == profondeur


def test_une_imbrication_raisonnable_reste_acceptee(comptes):
    prefecture = client_api("prefecture-84")
    corps = _corps_creation(deposer=True)
    reponse = prefecture.post("/api/v1/projets/", corps, format="json")
    assert reponse.status_code == 201, reponse.json()


def test_description_de_cinq_millions_de_caracteres_refusee_sans_trace(comptes):
    prefecture = client_api("prefecture-84")
    corps = _corps_creation(description="x" * 5_000_000)
    reponse = prefecture.post("/api/v1/projets/", corps, format="json")
    assert reponse.status_code == 400
    assert not Projet.objects.exists()
    assert not Trace.objects.filter(modele="projets.Projet").exists()


def test_description_trop_longue_refusee_par_l_api(comptes):
    prefecture = client_api("prefecture-84")
    corps = _corps_creation(description="x" * (DESCRIPTION_MAX + 1))
    reponse = prefecture.post("/api/v1/projets/", corps, format="json")
    assert reponse.status_code == 400
    assert "description" in reponse.json()["erreurs"]
    assert not Projet.objects.exists()


def test_commentaire_d_avis_trop_long_refuse_a_son_champ(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    prefecture = client_api("prefecture-84")
    reponse = prefecture.post(
        f"/api/v1/projets/{projet.pk}/avis/",
        {"avis": "defavorable", "commentaire": "x" * (COMMENTAIRE_MAX + 1)},
        format="json",
    )
    assert reponse.status_code == 400
    assert reponse.json()["erreurs"]["commentaire"][0].startswith(
        "Le commentaire compte au plus 2\u202f000 caractères"
    )
    assert not Avis.objects.filter(projet=projet).exists()


def test_commentaire_d_abandon_trop_long_refuse_sur_la_page(client, comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        f"/projets/{projet.pk}/transition/",
        {"vers": "abandonne", "commentaire": "x" * (COMMENTAIRE_MAX + 1)},
        follow=True,
    )
    assert "Le commentaire compte au plus 2\u202f000 caractères" in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.statut == Statut.DEPOSE
