"""Un vrai worker Celery pour les tests : Redis (`CELERY_BROKER_URL`) et la base de test.

Le worker est un autre processus, qui doit voir la même base que le test : les
tests qui s'en servent sont ignorés sans courtier, si Redis ne répond pas, et sur
SQLite (marqueurs `EXIGE_UN_WORKER`). Chaque test a sa propre file d'attente
(`file_d_attente`), vidée à la fin (`vider_la_file`).
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

COURTIER = os.environ.get("CELERY_BROKER_URL", "")
ATTENTE_MAX = 60  # secondes


def redis_repond(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


EXIGE_UN_WORKER = [
    pytest.mark.skipif(
        not COURTIER, reason="CELERY_BROKER_URL absent : pas de courtier, pas de vrai worker"
    ),
    pytest.mark.skipif(
        bool(COURTIER) and not redis_repond(COURTIER),
        reason=f"Redis ne répond pas à CELERY_BROKER_URL ({COURTIER})",
    ),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="Le worker doit partager la base du test : PostgreSQL (DATABASE_URL) requis",
    ),
]


def exige_un_worker(test):
    """Les marqueurs `EXIGE_UN_WORKER` pour un seul test (et non tout le module)."""
    for marqueur in EXIGE_UN_WORKER:
        test = marqueur(test)
    return test


def url_de_la_base_de_test() -> str:
    """DATABASE_URL de la base de test elle-même (test_<nom>), pour le worker."""
    reglages = connection.settings_dict
    identifiants = quote(reglages["USER"] or "", safe="")
    if reglages["PASSWORD"]:
        identifiants += ":" + quote(reglages["PASSWORD"], safe="")
    hote = reglages["HOST"] or "127.0.0.1"
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{identifiants}@{hote}{port}/{reglages['NAME']}"


def file_d_attente(settings) -> str:
    """Une file propre au test ; les tâches y sont envoyées au lieu d'être exécutées ici.

    `settings` : la fixture de pytest-django (le conftest force l'exécution immédiate).
    """
    file = f"test-pilotage-{uuid.uuid4().hex[:12]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = file
    return file


def demarrer_worker(
    file: str, journal: Path, *, pool: str = "solo", **environnement: str
) -> subprocess.Popen:
    """Un worker sur cette file, dans son propre groupe de processus (voir `tuer`).

    `pool="solo"` : la tâche s'exécute dans le processus du worker, qui ne lit la file et
    n'acquitte qu'entre deux tâches ; `pool="prefork"` (celui de la production) : un
    processus enfant exécute la tâche pendant que le parent reçoit et acquitte.
    `environnement` : variables ajoutées, ex. `CELERY_VISIBILITY_TIMEOUT="2"`.
    """
    env = {
        **os.environ,
        "DATABASE_URL": url_de_la_base_de_test(),
        "CELERY_BROKER_URL": COURTIER,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "cle-de-test-non-secrete",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **environnement,
    }
    commande = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "config",
        "worker",
        f"--pool={pool}",
        "--concurrency=1",
        "-Q",
        file,
        "-n",
        f"{file}-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with journal.open("ab") as sortie:
        return subprocess.Popen(  # noqa: S603 (commande fixe, sans shell)
            commande,
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=sortie,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def arreter(worker: subprocess.Popen) -> None:
    """Arrêt à chaud (SIGTERM), puis `tuer` s'il ne s'arrête pas."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            tuer(worker)


def tuer(worker: subprocess.Popen) -> None:
    """SIGKILL au worker et à ses processus enfants d'un coup, comme un conteneur tué."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def fin_du_journal(journal: Path) -> str:
    return journal.read_text(errors="replace")[-3000:] if journal.exists() else "(vide)"


def attendre(condition, *, worker: subprocess.Popen | None, journal: Path, quoi: str):
    """Attend que `condition()` rende une valeur vraie (au plus ATTENTE_MAX secondes).

    Échoue aussitôt si `worker` (quand il y en a un) s'arrête entre-temps.
    """
    limite = time.monotonic() + ATTENTE_MAX
    while time.monotonic() < limite:
        valeur = condition()
        if valeur:
            return valeur
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"Le worker s'est arrêté avant : {quoi}.\n{fin_du_journal(journal)}")
        time.sleep(0.2)
    pytest.fail(f"Après {ATTENTE_MAX} s, toujours pas : {quoi}.\n{fin_du_journal(journal)}")


def _redis():
    import redis

    return redis.Redis.from_url(COURTIER)


def non_acquittes(file: str) -> dict[str, tuple[dict, float]]:
    """Messages de cette file reçus par un worker et pas encore acquittés.

    Le transport Redis de kombu les garde dans le hash `unacked` (étiquette ->
    [message, échange, clé de routage]) et leur heure de réception dans `unacked_index`.
    """
    connexion = _redis()
    messages = {}
    for etiquette, brut in connexion.hgetall("unacked").items():
        message, _echange, routage = json.loads(brut)
        if routage == file:
            heure = connexion.zscore("unacked_index", etiquette) or 0.0
            messages[etiquette.decode()] = (message, heure)
    return messages


def vider_la_file(file: str) -> None:
    """La file, ses liaisons et ses messages en attente d'acquittement."""
    connexion = _redis()
    # La file et ses variantes par priorité (`<file>\x06\x16<n>`), puis ses liaisons.
    cles = [
        *connexion.scan_iter(match=f"{file}*"),
        *connexion.scan_iter(match=f"_kombu.binding*.{file}"),
    ]
    if cles:
        connexion.delete(*cles)
    for etiquette in non_acquittes(file):
        connexion.zrem("unacked_index", etiquette)
        connexion.hdel("unacked", etiquette)
