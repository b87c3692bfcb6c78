"""Tâches du socle : l'effacement des vieux travaux de fond."""

from celery import shared_task

from socle import travaux


@shared_task(name="socle.purger_travaux")
def purger_travaux() -> int:
    """Efface les travaux de plus de trente jours et leurs fichiers (chaque nuit)."""
    return travaux.purger()
