"""L'API face à son propre schéma OpenAPI : des requêtes générées (schemathesis, Hypothesis).

Chaque opération reçoit quelques dizaines de requêtes construites d'après le
schéma (valeurs limites, chaînes quelconques, identifiants au hasard), avec le
jeton d'un compte de l'équipe nationale, sur un petit jeu de données réel. Aucune
réponse ne doit être une erreur 500 ; pour des requêtes conformes au schéma, chaque
réponse doit avoir un code de statut documenté et un corps conforme. Un second passage
lance toutes les vérifications de schemathesis ; seuls les refus métier listés dans
`REFUS_METIER`, chacun avec sa raison, y sont tolérés. Exécution dans
le processus, par l'application WSGI de Django. Les tirages sont déterminés
(`derandomize`) mais Hypothesis puise aussi dans les constantes des modules chargés :
lancé seul ou avec toute la suite, le fichier ne tire pas exactement les mêmes cas.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from comptes import jetons
from comptes.models import Role
from config.wsgi import application
from fonds import services as fonds_services
from pilotage.moteur import recalculer_tout
from projets.saisie import LIBELLES
from tests.comptes.factories import agent
from tests.fonds.factories import (
    DispositifFactory,
    enveloppe_nationale,
    fonds_2020,
    projet_preselectionne,
)
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84

M = Decimal("1000000")
VERIFICATIONS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def donnees(referentiel) -> SimpleNamespace:
    """Un compte de l'équipe nationale, deux enveloppes nationales, deux régionales, deux
    projets présélectionnés, un engagement payé en partie, et les totaux recalculés."""
    admin = agent("admin-national-fuzz", Role.ADMIN_NATIONAL)
    fa = DispositifFactory(
        code="fonds-acceleration", nom="Fonds d'accélération", finance_projets=True, ordre=1
    )
    nationale, regionales = fonds_2020(auteur=admin, dispositif=fa)
    enveloppe_nationale(auteur=admin, dispositif=fa, annee=2021, montant=250 * M)
    projets = []
    for region, code in [("84", TERRITOIRE_84), ("32", TERRITOIRE_32)]:
        projets.append(
            projet_preselectionne(
                prefecture=agent(f"prefecture-{region}-fuzz", region=region),
                conseil=agent(f"region-{region}-fuzz", Role.REGION, region=region),
                territoire=code,
                montant_investissement=50 * M,
                aide_sollicitee=20 * M,
            )
        )
    engagement = fonds_services.engager(
        projet_id=projets[0].pk,
        enveloppe_id=regionales["84"].pk,
        montant=Decimal("1500000.00"),
        date_engagement=datetime.date(2020, 10, 1),
        auteur=admin,
    )
    fonds_services.verser(
        engagement_id=engagement.pk,
        montant=Decimal("500000.00"),
        date_versement=datetime.date(2020, 12, 1),
        auteur=admin,
    )
    recalculer_tout()
    return SimpleNamespace(
        admin=admin,
        nationale=nationale,
        r32=regionales["32"],
        projet_32=projets[1],
    )


@pytest.fixture
def jeton(donnees):
    """Le jeton du compte de l'équipe nationale, après la création du jeu de données."""
    return jetons.creer_jeton(user=donnees.admin, nom="Schemathesis")[1]


@pytest.fixture(autouse=True)
def _requetes_en_rafale(monkeypatch):
    """Des centaines de requêtes en quelques secondes : la limite de débit n'est pas testée ici.

    Et, comme le client de test de Django, la connexion à la base (et la transaction du
    test) reste ouverte d'une requête à l'autre.
    """
    monkeypatch.setattr(UserRateThrottle, "rate", "1000000/minute", raising=False)
    monkeypatch.setattr(AnonRateThrottle, "rate", "1000000/minute", raising=False)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _charger(mode: str):
    """Le schéma servi par l'application elle-même, pour un mode de génération.

    Chargé à la collecte (la génération du schéma ne lit pas la base) :
    `schemathesis.pytest.from_fixture` ne fonctionne pas avec pytest 9.2.
    """
    config = schemathesis.Config.from_dict({"seed": 2020, "generation": {"mode": mode}})
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, config=config)


schema = _charger("positive")
schema_negatif = _charger("negative")

# Bornés pour que l'ensemble tienne en une minute environ : 10 tirages par opération
# (6 hors schéma), plus les cas limites de la phase « coverage » de schemathesis.
REGLAGES = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
REGLAGES_NEGATIFS = settings(REGLAGES, max_examples=6)


@pytest.mark.django_db
@schema.parametrize()
@REGLAGES
def test_api_conforme_au_schema(case, jeton):
    """Des requêtes valides selon le schéma : réponses documentées et conformes."""
    case.call_and_validate(headers={"Authorization": f"Token {jeton}"}, checks=VERIFICATIONS)


@pytest.mark.django_db
@schema_negatif.parametrize()
@REGLAGES_NEGATIFS
def test_api_sans_erreur_serveur_sur_des_requetes_invalides(case, jeton):
    """Des requêtes hors schéma (types, champs manquants, corps illisibles) : jamais de 500.

    Une URL qui ne correspond à aucune route (identifiant « 0.5 ») reçoit la page 404
    du site, en HTML : seul le code de statut est vérifié ici.
    """
    case.call_and_validate(headers={"Authorization": f"Token {jeton}"}, checks=[not_a_server_error])


@pytest.mark.django_db
def test_reponses_des_ecritures_conformes_au_schema(donnees, jeton):
    """Les réponses 200, 201 et 409 des crédits, rarement atteintes par des identifiants tirés
    au hasard, passent les mêmes vérifications, sur des requêtes écrites à la main."""
    entete = {"Authorization": f"Token {jeton}"}
    aujourd_hui = datetime.date.today().isoformat()
    mouvement = {"date_effet": "2020-07-30", "motif": "Collectif budgétaire"}

    def appel(methode, chemin, statut, *, parametres=None, corps=None, requete=None):
        operation = schema[chemin][methode]
        arguments = {"path_parameters": parametres or {}, "query": requete or {}}
        if corps is not None:
            arguments.update(body=corps, media_type="application/json")
        reponse = operation.Case(**arguments).call_and_validate(
            headers=entete, checks=VERIFICATIONS
        )
        assert reponse.status_code == statut, reponse.text
        return reponse.json()

    appel("GET", "/api/v1/dispositifs/{code}/", 200, parametres={"code": "fonds-acceleration"})
    appel("GET", "/api/v1/enveloppes/{id}/", 200, parametres={"id": donnees.nationale.pk})
    appel("GET", "/api/v1/enveloppes/{id}/mouvements/", 200, parametres={"id": donnees.r32.pk})
    creee = appel(
        "POST",
        "/api/v1/enveloppes/",
        201,
        corps={"dispositif": "fonds-acceleration", "annee": 2022},
    )
    appel(
        "POST",
        "/api/v1/enveloppes/{id}/mouvements/",
        201,
        parametres={"id": creee["id"]},
        corps={"type": "dotation", "montant": "1000.00", **mouvement},
    )
    appel(
        "POST",
        "/api/v1/enveloppes/anticipation/",
        201,
        corps={
            "dispositif": "fonds-acceleration",
            "annee_source": 2021,
            "annee_cible": 2020,
            "montant": "100000000.00",
            **mouvement,
        },
    )
    appel(
        "POST",
        "/api/v1/enveloppes/{id}/repartition/",
        201,
        parametres={"id": donnees.nationale.pk},
        corps={"montants": {"84": "1000000.00"}, **mouvement},
    )
    appel(
        "POST",
        "/api/v1/enveloppes/redeploiement/",
        201,
        corps={
            "dispositif": "fonds-acceleration",
            "annee": 2020,
            "region_source": "32",
            "region_cible": "84",
            "montant": "1000000.00",
            **mouvement,
        },
    )
    engagement = {"projet": donnees.projet_32.pk, "enveloppe": donnees.r32.pk}
    depassement = appel(
        "POST", "/api/v1/engagements/", 409, corps={**engagement, "montant": "9000000.00"}
    )
    assert depassement["disponible"] == "4000000.00"
    engage = appel("POST", "/api/v1/engagements/", 201, corps={**engagement, "montant": "1000.00"})
    appel("GET", "/api/v1/engagements/{id}/", 200, parametres={"id": engage["id"]})
    versement = {"engagement": engage["id"], "date_versement": aujourd_hui}
    appel("POST", "/api/v1/versements/", 409, corps={**versement, "montant": "2000.00"})
    verse = appel("POST", "/api/v1/versements/", 201, corps={**versement, "montant": "400.00"})
    appel("GET", "/api/v1/versements/{id}/", 200, parametres={"id": verse["id"]})
    appel(
        "GET",
        "/api/v1/totaux/",
        200,
        requete={"niveau": "national", "dispositif": "fonds-acceleration", "annee": 2020},
    )


# Toutes les vérifications de schemathesis (celles de `call_and_validate()` sans `checks=` :
# statuts, types de contenu, en-têtes et corps documentés, données conformes acceptées et
# non conformes refusées, méthodes non déclarées en 405, authentification exigée...), sauf
# les refus métier ci-dessous. Une requête conforme au schéma peut être refusée en 400
# (réponse documentée) quand le schéma décrit la forme des données, pas ce qui existe dans
# la base ni ce qu'exige l'état du dossier : seuls ces champs-là sont tolérés, opération par
# opération ; toute autre erreur sur une donnée conforme reste un échec.
REFUS_METIER = {
    # Identifiant ou mot de passe inconnus : 400, comme le veut la connexion par jeton de DRF.
    ("POST", "/api/v1/auth/token/"): {"non_field_errors"},
    # Un code de dispositif bien formé mais absent du référentiel.
    ("POST", "/api/v1/enveloppes/"): {"dispositif"},
    ("POST", "/api/v1/enveloppes/anticipation/"): {"dispositif"},
    ("POST", "/api/v1/enveloppes/redeploiement/"): {"dispositif"},
    # Une simulation porte sur l'enveloppe régionale existante du dispositif et de l'année.
    ("POST", "/api/v1/simulations/"): {"dispositif", "annee", "region"},
    # Un projet déposé (`deposer`) doit être complet : les champs exigés dépendent de la
    # valeur d'un autre champ (et de l'existence du territoire, de la commune, du porteur).
    ("POST", "/api/v1/projets/"): set(LIBELLES),
    ("PUT", "/api/v1/projets/{id}/"): set(LIBELLES),
    ("PATCH", "/api/v1/projets/{id}/"): set(LIBELLES),
}


def acceptation_hors_refus_metier(ctx, response, case):
    """`positive_data_acceptance`, sauf un 400 limité aux champs de `REFUS_METIER`."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        champs = REFUS_METIER.get((case.method.upper(), case.path), set())
        corps = response.json() if response.status_code == 400 else {}
        erreurs = corps.get("erreurs") if corps.get("code") == "invalide" else None
        if erreurs and set(erreurs) <= champs:
            return None
        raise


def _toutes_verifications(case, jeton):
    case.call_and_validate(
        headers={"Authorization": f"Token {jeton}"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[acceptation_hors_refus_metier],
    )


@pytest.mark.django_db
@schema.parametrize()
@settings(REGLAGES, max_examples=5)
def test_api_conforme_avec_toutes_les_verifications(case, jeton):
    """Requêtes conformes au schéma : toutes les vérifications, hors refus métier documentés."""
    _toutes_verifications(case, jeton)


@pytest.mark.django_db
@schema_negatif.parametrize()
@settings(REGLAGES, max_examples=5)
def test_api_hors_schema_avec_toutes_les_verifications(case, jeton):
    """Requêtes hors schéma : refusées, documentées, sans erreur serveur."""
    _toutes_verifications(case, jeton)
