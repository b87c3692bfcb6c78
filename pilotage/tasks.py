"""Tâches Celery du pilotage : de minces enveloppes autour du moteur des totaux (`pilotage.moteur`).

Les écritures demandent le recalcul par `socle.recalcul.demander_recalcul` : une
ligne de demande dans leur transaction, puis la tâche `pilotage.recalculer_demandes`
envoyée par son nom après validation.

Un recalcul est idempotent et remplace les totaux dans une seule transaction :
une tâche interrompue (worker tué, base indisponible) laisse les chiffres
précédents et peut être rejouée sans risque. D'où `acks_late` (le message n'est
acquitté qu'après l'exécution : un worker tué le rend à la file), des reprises
bornées avec attente croissante, et des limites de durée.
"""

from celery import shared_task
from django.db import DatabaseError

from pilotage import moteur

REPRISES = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="pilotage.recalculer_perimetres", soft_time_limit=60, time_limit=90, **REPRISES)
def recalculer_perimetres(*, territoires: list[str] = (), regions: list[str] = ()) -> dict:
    """Recalcule les totaux de ces territoires, de ces régions et du niveau national."""
    rapport = moteur.recalculer_perimetres(territoires=territoires, regions=regions)
    return rapport.resume()


@shared_task(name="pilotage.recalculer_tout", soft_time_limit=600, time_limit=900, **REPRISES)
def recalculer_tout() -> dict:
    """Recalcule les totaux de tous les périmètres (chaque nuit, ou à la demande)."""
    return moteur.recalculer_tout().resume()


@shared_task(name="pilotage.recalculer_demandes", soft_time_limit=60, time_limit=90, **REPRISES)
def recalculer_demandes() -> dict | None:
    """Recalcule les périmètres des demandes en attente et les efface."""
    rapport = moteur.recalculer_les_demandes()
    return rapport.resume() if rapport else None
