"""Demander le recalcul des totaux après une écriture : un seul mécanisme pour toutes.

Chaque service qui change un chiffre des tableaux de bord (projet, avis, mouvement
d'enveloppe, engagement, versement, abandon, import) appelle `demander_recalcul` avec
les territoires et les régions touchés. La demande est une ligne (`DemandeRecalcul`)
écrite dans la transaction de l'écriture ; après validation, la tâche de recalcul est
envoyée par son nom, une fois par transaction. Le socle ne connaît pas l'application
qui recalcule (`pilotage`) : seulement le nom de sa tâche.
"""

import logging
from collections.abc import Iterable

from celery import current_app
from django.db import connection, transaction

from socle.models import DemandeRecalcul

logger = logging.getLogger(__name__)

# La tâche qui traite les demandes en attente (définie dans pilotage/tasks.py).
TACHE_RECALCUL = "pilotage.recalculer_demandes"


def demander_recalcul(*, territoires: Iterable[str] = (), regions: Iterable[str] = ()) -> None:
    """Inscrit les périmètres touchés ; le national est toujours recalculé."""
    DemandeRecalcul.objects.create(
        territoires=sorted({t for t in territoires if t}),
        regions=sorted({r for r in regions if r}),
    )
    # Une seule tâche par transaction, quel que soit le nombre d'écritures.
    if not any(appel is envoyer_tache for _ids, appel, _robuste in connection.run_on_commit):
        transaction.on_commit(envoyer_tache)


def envoyer_tache() -> None:
    tache = current_app.tasks.get(TACHE_RECALCUL)
    if tache is None:
        logger.warning("Tâche %s absente : les demandes restent en attente.", TACHE_RECALCUL)
        return
    tache.delay()


def demandes_en_attente() -> bool:
    return DemandeRecalcul.objects.exists()
