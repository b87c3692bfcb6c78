"""Un vrai worker Celery, branché sur Redis et sur la base de test, recalcule les totaux.

Ignoré sans `CELERY_BROKER_URL` (ou si Redis ne répond pas) et sur SQLite : le
worker est un autre processus, qui doit voir la même base (PostgreSQL) que le test.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from config.celery import programmer_recalcul_totaux
from pilotage.models import Niveau, Totaux
from projets.models import Statut
from tests.pilotage.conftest import M, creer_projet

COURTIER = os.environ.get("CELERY_BROKER_URL", "")
ATTENTE_MAX = 60  # secondes


def _redis_repond(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.skipif(
        not COURTIER, reason="CELERY_BROKER_URL absent : pas de courtier, pas de vrai worker"
    ),
    pytest.mark.skipif(
        bool(COURTIER) and not _redis_repond(COURTIER),
        reason=f"Redis ne répond pas à CELERY_BROKER_URL ({COURTIER})",
    ),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="Le worker doit partager la base du test : PostgreSQL (DATABASE_URL) requis",
    ),
]


def _url_de_la_base_de_test() -> str:
    """DATABASE_URL de la base de test elle-même (test_<nom>), pour le worker."""
    reglages = connection.settings_dict
    identifiants = quote(reglages["USER"] or "", safe="")
    if reglages["PASSWORD"]:
        identifiants += ":" + quote(reglages["PASSWORD"], safe="")
    hote = reglages["HOST"] or "127.0.0.1"
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{identifiants}@{hote}{port}/{reglages['NAME']}"


def _demarrer_worker(file: str, journal: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _url_de_la_base_de_test(),
        "CELERY_BROKER_URL": COURTIER,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "cle-de-test-non-secrete",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    commande = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "-Q",
        file,
        "-n",
        f"{file}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with journal.open("wb") as sortie:
        return subprocess.Popen(  # noqa: S603 (commande fixe, sans shell)
            commande,
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
        )


def _arreter(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def _vider_la_file(file: str) -> None:
    import redis

    connexion = redis.Redis.from_url(COURTIER)
    cles = [file, *connexion.scan_iter(match=f"_kombu.binding*.{file}")]
    connexion.delete(*cles)


@pytest.mark.django_db(transaction=True)
def test_le_worker_recalcule_les_perimetres_apres_validation(referentiel, settings, tmp_path):
    file = f"test-pilotage-{uuid.uuid4().hex[:12]}"
    # Le conftest force l'exécution immédiate : ici, vraie file d'attente, propre à ce test.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = file
    journal = tmp_path / "worker.log"
    worker = _demarrer_worker(file, journal)
    try:
        with transaction.atomic():
            projet = creer_projet("3201", statut=Statut.DEPOSE, investissement=7 * M, crees=4242)
            programmer_recalcul_totaux(territoires=["3201"], regions=[projet.region_id])
            # Rien n'est envoyé avant la validation de la transaction.
            assert not Totaux.objects.exists()

        limite = time.monotonic() + ATTENTE_MAX
        territoire = None
        while time.monotonic() < limite:
            territoire = Totaux.objects.filter(
                niveau=Niveau.TERRITOIRE, code="3201", dispositif="", annee=0
            ).first()
            if territoire is not None:
                break
            if worker.poll() is not None:
                pytest.fail(f"Le worker s'est arrêté :\n{journal.read_text()[-3000:]}")
            time.sleep(0.3)
        else:
            pytest.fail(
                f"Aucun total après {ATTENTE_MAX} s. Journal du worker :\n"
                f"{journal.read_text()[-3000:]}"
            )

        assert (territoire.nb_projets, territoire.emplois_crees) == (1, 4242)
        assert territoire.investissement == 7 * M
        national = Totaux.objects.get(niveau=Niveau.NATIONAL, dispositif="", annee=0)
        assert (national.nb_projets, national.nb_territoires) == (1, 148)
        assert Totaux.objects.get(niveau=Niveau.REGION, code="32", annee=0, dispositif="")
        assert "pilotage.recalculer_perimetres" in journal.read_text()
    finally:
        _arreter(worker)
        _vider_la_file(file)
