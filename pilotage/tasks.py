"""Tâches Celery du pilotage : de minces enveloppes autour de `pilotage.services`.

Les autres applications programment le recalcul incrémental par son nom
(`config.celery.TACHE_RECALCUL_PERIMETRES`), après validation de leur transaction.
"""

from celery import shared_task

from pilotage import services


@shared_task(name="pilotage.recalculer_perimetres")
def recalculer_perimetres(*, territoires: list[str] = (), regions: list[str] = ()) -> dict:
    """Recalcule les totaux de ces territoires, de ces régions et du niveau national."""
    rapport = services.recalculer_perimetres(territoires=territoires, regions=regions)
    return rapport.resume()


@shared_task(name="pilotage.recalculer_tout")
def recalculer_tout() -> dict:
    """Recalcule les totaux de tous les périmètres (chaque nuit, ou à la demande)."""
    return services.recalculer_tout().resume()
