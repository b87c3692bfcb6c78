"""Application Celery du portail.

Sans `CELERY_BROKER_URL` (le défaut embarqué), les tâches s'exécutent
immédiatement dans le processus appelant : `make run` n'a besoin que de Python.
"""

import logging
import os
import threading

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tâches périodiques, lancées par `celery -A config beat` (fuseau : CELERY_TIMEZONE, Paris).
app.conf.beat_schedule = {
    # Chaque nuit à 2 h 30, heure de Paris : recalcul complet de tous les totaux.
    "recalculer-totaux-chaque-nuit": {
        "task": "pilotage.recalculer_tout",
        "schedule": crontab(hour=2, minute=30),
    },
}

logger = logging.getLogger(__name__)

# Nom de la tâche de recalcul incrémental (définie dans pilotage/tasks.py). Les
# applications inférieures la programment par son nom, sans importer `pilotage`.
TACHE_RECALCUL_PERIMETRES = "pilotage.recalculer_perimetres"

_attente = threading.local()


def programmer_recalcul_totaux(*, territoires=(), regions=()) -> None:
    """Programme, après validation de la transaction, le recalcul des périmètres touchés.

    Plusieurs écritures d'une même transaction ne déclenchent qu'une tâche.
    """
    from django.db import transaction

    if not hasattr(_attente, "territoires"):
        _attente.territoires, _attente.regions = set(), set()
    _attente.territoires.update(t for t in territoires if t)
    _attente.regions.update(r for r in regions if r)
    # Même sans territoire ni région (une enveloppe nationale), le national est à recalculer.
    _attente.demande = True
    transaction.on_commit(_envoyer_recalcul)


def _envoyer_recalcul() -> None:
    territoires = sorted(getattr(_attente, "territoires", ()))
    regions = sorted(getattr(_attente, "regions", ()))
    demande = getattr(_attente, "demande", False)
    _attente.territoires, _attente.regions, _attente.demande = set(), set(), False
    if not demande:
        return
    tache = app.tasks.get(TACHE_RECALCUL_PERIMETRES)
    if tache is None:
        logger.info("Tâche %s absente : recalcul non programmé.", TACHE_RECALCUL_PERIMETRES)
        return
    tache.delay(territoires=territoires, regions=regions)
