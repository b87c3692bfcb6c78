"""Publier un fait du programme, pour que les agents concernés en soient prévenus.

Les services (projets, avis, fonds, travaux de fond) appellent `publier` dans la
transaction de leur écriture : une ligne `Evenement`, validée ou annulée avec elle.
Après validation, la tâche de distribution est envoyée par son nom, une fois par
transaction ; elle décide qui est prévenu (ceux qui voient le projet) et comment
(dans le portail, par courriel, dans le récapitulatif du jour). Le socle ne connaît
pas l'application qui distribue : seulement le nom de sa tâche.
"""

import logging

from celery import current_app
from django.db import connection, transaction

from socle.models import Evenement

logger = logging.getLogger(__name__)

TACHE_DISTRIBUTION = "echanges.distribuer_evenements"


def publier(
    genre: str,
    *,
    acteur=None,
    projet_id: int | None = None,
    region: str = "",
    **donnees,
) -> Evenement:
    """Inscrit le fait `genre` (« projet_depose », « avis_donne »…) et ses données.

    `donnees` doit être sérialisable en JSON (montants en chaînes : `str(Decimal)`).
    """
    evenement = Evenement.objects.create(
        genre=genre,
        acteur=acteur if getattr(acteur, "pk", None) else None,
        projet_id=projet_id,
        region=region or "",
        donnees=donnees,
    )
    if not any(appel is envoyer_tache for _ids, appel, _robuste in connection.run_on_commit):
        transaction.on_commit(envoyer_tache)
    return evenement


def envoyer_tache() -> None:
    tache = current_app.tasks.get(TACHE_DISTRIBUTION)
    if tache is None:
        logger.info("Tâche %s absente : les événements restent à distribuer.", TACHE_DISTRIBUTION)
        return
    tache.delay()


def a_distribuer():
    return Evenement.objects.filter(distribue_le__isnull=True).order_by("pk")
