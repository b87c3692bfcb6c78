"""Tâches Celery des documents : l'analyse antivirus d'un fichier, et sa reprise."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from documents import antivirus, services
from documents.models import Document, EtatDocument

REPRISES = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (antivirus.AntivirusInjoignable,),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


@shared_task(name=services.TACHE_ANALYSE, soft_time_limit=120, time_limit=150, **REPRISES)
def analyser(document_id: int) -> str | None:
    document = services.analyser(document_id)
    return document.etat if document else None


@shared_task(name="documents.reprendre_analyses", soft_time_limit=60, time_limit=90)
def reprendre_analyses() -> int:
    """Les documents restés « analyse en cours » plus de cinq minutes (tâche perdue, clamd
    arrêté) sont renvoyés à l'analyse."""
    avant = timezone.now() - timedelta(minutes=5)
    en_attente = list(
        Document.objects.filter(
            etat=EtatDocument.ANALYSE_EN_COURS, created_at__lt=avant
        ).values_list("pk", flat=True)
    )
    for pk in en_attente:
        analyser.delay(pk)
    return len(en_attente)
