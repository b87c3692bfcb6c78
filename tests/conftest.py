import io
import os

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from territoires.models import Region
from tests.comptes.factories import creer_comptes

# Le banc d'essai des tests de saisies générées (fixture `banc`) : `tests/fuzz.py`.
pytest_plugins = ["tests.fuzz"]


# Les tables que remplit `importer_referentiel`, copiées (COPY) après le premier chargement :
# un test transactionnel vide toute la base, et les recopier prend 0,5 s au lieu de 5 s.
_INSTANTANE: dict[str, str] = {}


def _tables() -> list[str]:
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True)})


def _remplies() -> dict[str, int]:
    with connection.cursor() as curseur:
        comptes = {}
        for table in _tables():
            curseur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            comptes[table] = curseur.fetchone()[0]
    return comptes


def _photographier(avant: dict[str, int]) -> None:
    for table, nombre in _remplies().items():
        if nombre != avant[table]:
            tampon = io.StringIO()
            with connection.cursor() as curseur:
                curseur.cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(table)} TO STDOUT", tampon
                )
            _INSTANTANE[table] = tampon.getvalue()


def _restaurer() -> bool:
    """Recopie les tables du référentiel dans une base qui les a vidées ; `False` si l'une
    d'elles n'est pas vide (le référentiel est alors chargé de nouveau par la commande)."""
    noms = {table: connection.ops.quote_name(table) for table in _INSTANTANE}
    with connection.cursor() as curseur:
        for nom in noms.values():
            curseur.execute(f"SELECT EXISTS (SELECT 1 FROM {nom})")  # noqa: S608
            if curseur.fetchone()[0]:
                return False
    modeles = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in noms]
    # Dans une transaction : les clés étrangères (différées) ne sont vérifiées qu'à la fin.
    with transaction.atomic(), connection.cursor() as curseur:
        for table, nom in noms.items():
            curseur.cursor.copy_expert(f"COPY {nom} FROM STDIN", io.StringIO(_INSTANTANE[table]))
        for requete in connection.ops.sequence_reset_sql(no_style(), modeles):
            curseur.execute(requete)
    return True


def _charger_referentiel():
    if Region.objects.filter(code="84").exists():
        return
    postgresql = connection.vendor == "postgresql"
    if postgresql and _INSTANTANE and _restaurer():
        return
    avant = _remplies() if postgresql else None
    call_command("importer_referentiel", sans_progression=True, verbosity=0)
    if postgresql and not _INSTANTANE:
        _photographier(avant)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """`make test` lance les tests de bout en bout à côté des autres : chacun sa base de
    test, nommée avec le suffixe de `SUFFIXE_BASE_DE_TEST` (SQLite : chacun sa mémoire)."""
    from django.conf import settings

    if not (suffixe := os.environ.get("SUFFIXE_BASE_DE_TEST")):
        return
    for base in settings.DATABASES.values():
        if base["ENGINE"] == "django.db.backends.sqlite3":
            continue
        test = base.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + base['NAME']}_{suffixe}"


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
