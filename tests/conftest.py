import pytest
from django.core.management import call_command
from django.test import override_settings

from territoires.models import Region
from tests.comptes.factories import creer_comptes

# Le banc d'essai des tests de saisies générées (fixture `banc`) : `tests/fuzz.py`.
pytest_plugins = ["tests.fuzz"]


def _charger_referentiel():
    if not Region.objects.filter(code="84").exists():
        call_command("importer_referentiel", sans_progression=True, verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Le référentiel réel est chargé une fois dans la base de test."""
    with django_db_blocker.unblock():
        _charger_referentiel()


@pytest.fixture
def referentiel(db):
    """Garantit le référentiel réel (rechargé si un test transactionnel l'a vidé)."""
    _charger_referentiel()


@pytest.fixture
def comptes(referentiel) -> dict:
    """Les comptes de démonstration (`tests.comptes.factories.COMPTES`), par identifiant."""
    return creer_comptes()


@pytest.fixture(autouse=True)
def _celery_immediat(settings):
    """Les tâches s'exécutent dans le processus, sauf dans les tests du vrai worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(scope="session", autouse=True)
def _stockage_temporaire(tmp_path_factory):
    """Les fichiers des travaux de fond (reçus, produits) vont dans un dossier temporaire,
    pour toute la session (jeux de données de module compris)."""
    with override_settings(MEDIA_ROOT=str(tmp_path_factory.getbasetemp() / "stockage")):
        yield


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    """Un hachage de mot de passe rapide : les tests n'éprouvent pas PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sans_donnees_de_demo():
    """Chaque test part d'un cache vide (compteurs de connexion, limites de débit de l'API) ;
    la bannière de démonstration, qui lit le cache, est fixée pour des comptes de requêtes
    stables."""
    from django.core.cache import cache

    from pilotage.context_processors import CLE_DEMO

    cache.clear()
    cache.set(CLE_DEMO, False)
    yield
    cache.delete(CLE_DEMO)
