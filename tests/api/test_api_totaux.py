from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from pilotage.models import Niveau, Totaux
from pilotage.moteur import recalculer_tout
from projets.models import Statut
from tests.comptes.factories import client_api
from tests.fonds.factories import (
    DispositifFactory,
    engager,
    fonds_2020,
    projet_preselectionne,
)
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84

pytestmark = pytest.mark.django_db

M = Decimal("1000000")
FA = "fonds-acceleration"

CHAMPS = {
    "niveau",
    "code",
    "libelle",
    "dispositif",
    "dispositif_nom",
    "annee",
    "nb_territoires",
    "nb_intercommunalites",
    "nb_projets",
    "nb_projets_par_statut",
    "nb_projets_par_enjeu",
    "nb_engagements",
    "investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "montant_enveloppe",
    "montant_engage",
    "montant_verse",
    "montant_disponible",
    "effet_levier",
    "calcule_le",
}


def _ligne(niveau, code="", dispositif="", annee=0, *, region="", **chiffres):
    return Totaux.objects.create(
        niveau=niveau,
        code=code,
        dispositif=dispositif,
        annee=annee,
        libelle=code or "France",
        dispositif_nom=dispositif or "Tous les dispositifs",
        code_region=region or (code if niveau == Niveau.REGION else ""),
        modifie_le=timezone.now(),
        **chiffres,
    )


@pytest.fixture
def lignes(comptes):
    """Les lignes « tous dispositifs, toutes années » de cinq périmètres, et quelques
    combinaisons du Fonds d'accélération."""
    for dispositif, annee in [("", 0), (FA, 2020), (FA, 0), ("", 2020), (FA, 2021)]:
        _ligne(Niveau.NATIONAL, dispositif=dispositif, annee=annee, nb_projets=annee or 1)
    for code in ["84", "32"]:
        _ligne(Niveau.REGION, code)
        _ligne(Niveau.REGION, code, FA, 2020)
    _ligne(Niveau.TERRITOIRE, TERRITOIRE_84, region="84")
    _ligne(Niveau.TERRITOIRE, TERRITOIRE_32, region="32")
    _ligne(Niveau.TERRITOIRE, TERRITOIRE_84, FA, 2020, region="84")


def _cles(reponse):
    assert reponse.status_code == 200, reponse.json()
    return [
        (t["niveau"], t["code"], t["dispositif"], t["annee"]) for t in reponse.json()["results"]
    ]


@pytest.mark.parametrize(
    ("filtres", "attendu"),
    [
        # Sans dispositif ni année : une ligne par périmètre, tous dispositifs et années.
        (
            {},
            [
                ("national", None, None, None),
                ("region", "32", None, None),
                ("region", "84", None, None),
                ("territoire", "3201", None, None),
                ("territoire", "8414", None, None),
            ],
        ),
        ({"niveau": "national"}, [("national", None, None, None)]),
        (
            {"niveau": "national", "dispositif": FA, "annee": 2020},
            [("national", None, FA, 2020)],
        ),
        ({"niveau": "national", "dispositif": FA}, [("national", None, FA, None)]),
        ({"niveau": "national", "annee": 2020}, [("national", None, None, 2020)]),
        (
            {"niveau": "region", "dispositif": FA, "annee": 2020},
            [("region", "32", FA, 2020), ("region", "84", FA, 2020)],
        ),
        ({"code": "84"}, [("region", "84", None, None)]),
        (
            {"niveau": "territoire", "region": "84"},
            [("territoire", "8414", None, None)],
        ),
        ({"dispositif": FA, "annee": 2021}, [("national", None, FA, 2021)]),
        ({"dispositif": "transition-collective"}, []),
        ({"annee": 2019}, []),
    ],
)
def test_filtres_des_totaux(lignes, filtres, attendu):
    assert _cles(client_api("ministere").get("/api/v1/totaux/", filtres)) == attendu


def test_filtres_invalides_400(lignes):
    client = client_api("ministere")
    reponse = client.get("/api/v1/totaux/", {"niveau": "departement"})
    assert reponse.status_code == 400 and "niveau" in reponse.json()["erreurs"]
    assert client.get("/api/v1/totaux/", {"annee": "2020.5"}).status_code == 400
    assert client.get("/api/v1/totaux/", {"annee": "deux-mille"}).status_code == 400


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [
        ("prefecture-84", [("region", "84"), ("territoire", "8414")]),
        ("region-84", [("region", "84"), ("territoire", "8414")]),
        ("prefecture-32", [("region", "32"), ("territoire", "3201")]),
        ("region-32", [("region", "32"), ("territoire", "3201")]),
        (
            "ministere",
            [
                ("national", None),
                ("region", "32"),
                ("region", "84"),
                ("territoire", "3201"),
                ("territoire", "8414"),
            ],
        ),
        (
            "admin-national",
            [
                ("national", None),
                ("region", "32"),
                ("region", "84"),
                ("territoire", "3201"),
                ("territoire", "8414"),
            ],
        ),
    ],
)
def test_perimetre_des_totaux(lignes, nom, attendu):
    resultats = client_api(nom).get("/api/v1/totaux/").json()["results"]
    assert [(t["niveau"], t["code"]) for t in resultats] == attendu


def test_sans_jeton_401(lignes):
    reponse = APIClient().get("/api/v1/totaux/")
    assert reponse.status_code == 401
    assert reponse.json()["detail"].startswith("Authentification requise")


@pytest.mark.parametrize("supplementaires", [0, 40])
def test_requetes_des_totaux_constantes(lignes, django_assert_num_queries, supplementaires):
    for i in range(supplementaires):
        _ligne(Niveau.TERRITOIRE, f"T{i:03d}", region="84")
    client = client_api("region-84")
    # 1. jeton et utilisateur  2. profil (portée)  3. nombre  4. page de totaux
    with django_assert_num_queries(4):
        reponse = client.get("/api/v1/totaux/", {"niveau": "territoire", "page_size": 500})
    assert reponse.json()["count"] == 1 + supplementaires


def test_totaux_calcules_depuis_les_donnees(comptes):
    """Le parcours réel : enveloppes, deux projets présélectionnés, un engagement, recalcul."""
    admin = comptes["admin-national"]
    fa = DispositifFactory(code=FA, nom="Fonds d'accélération", finance_projets=True, ordre=1)
    _nationale, regionales = fonds_2020(auteur=admin, dispositif=fa, regions={"84": 10 * M})
    projets = {}
    for region, code in [("84", TERRITOIRE_84), ("32", TERRITOIRE_32)]:
        projets[region] = projet_preselectionne(
            prefecture=comptes[f"prefecture-{region}"],
            conseil=comptes[f"region-{region}"],
            territoire=code,
            montant_investissement=50 * M,
            aide_sollicitee=20 * M,
            emplois_crees=20,
            emplois_maintenus=80,
        )
    engager(projets["84"], regionales["84"], Decimal("1500000.00"), auteur=comptes["prefecture-84"])
    recalculer_tout()

    client = client_api("ministere")
    reponse = client.get("/api/v1/totaux/", {"niveau": "national", "dispositif": FA, "annee": 2020})
    [ligne] = reponse.json()["results"]
    assert set(ligne) == CHAMPS
    assert (ligne["niveau"], ligne["code"], ligne["dispositif"], ligne["annee"]) == (
        "national",
        None,
        FA,
        2020,
    )
    # Les chiffres des projets ne portent que sur le projet engagé sur le fonds en 2020.
    assert ligne["nb_projets"] == 1
    assert ligne["nb_engagements"] == 1
    assert ligne["nb_projets_par_statut"][Statut.ENGAGE] == 1
    assert set(ligne["nb_projets_par_statut"]) == set(Statut.values)
    assert ligne["investissement"] == "50000000.00"
    assert ligne["aide_sollicitee"] == "20000000.00"
    # Effet de levier : investissement des projets financés / montant engagé par le fonds.
    assert ligne["effet_levier"] == "33.33"
    assert (ligne["emplois_crees"], ligne["emplois_maintenus"]) == (20, 80)
    assert ligne["montant_enveloppe"] == "150000000.00"
    assert ligne["montant_engage"] == "1500000.00"
    assert ligne["montant_verse"] == "0.00"
    assert ligne["montant_disponible"] == "148500000.00"
    assert ligne["nb_territoires"] == 148
    assert ligne["calcule_le"]

    [tout] = client.get("/api/v1/totaux/", {"niveau": "national"}).json()["results"]
    assert (tout["dispositif"], tout["annee"]) == (None, None)
    assert tout["nb_projets"] == 2
    assert tout["nb_projets_par_statut"][Statut.PRESELECTIONNE] == 1
    assert tout["effet_levier"] is None

    [region] = (
        client_api("prefecture-84")
        .get("/api/v1/totaux/", {"niveau": "region", "dispositif": FA, "annee": 2020})
        .json()["results"]
    )
    assert (region["code"], region["montant_enveloppe"]) == ("84", "10000000.00")
    assert region["montant_disponible"] == "8500000.00"
    [territoire] = (
        client_api("prefecture-84")
        .get("/api/v1/totaux/", {"code": TERRITOIRE_84, "dispositif": FA, "annee": 2020})
        .json()["results"]
    )
    assert territoire["montant_engage"] == "1500000.00"
    assert territoire["montant_enveloppe"] is None
