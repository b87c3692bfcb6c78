"""Tâches Celery des échanges : minces, elles appellent les services."""

import logging

from celery import shared_task

from echanges import courriels, distribution, lots, rappels
from socle import travaux

logger = logging.getLogger(__name__)


@shared_task(name="echanges.distribuer_evenements", bind=True)
def distribuer_evenements(self) -> int:
    """Les faits publiés en notifications et courriels (après chaque écriture, et par beat).

    Sans courtier, elle s'exécute à la validation de la requête de l'agent : une erreur ici
    ne doit pas faire échouer son action, déjà enregistrée. Les faits restent alors non
    distribués, et beat les reprend deux minutes plus tard.
    """
    if not self.request.is_eager:
        return distribution.distribuer()  # une erreur va au journal du worker
    try:
        return distribution.distribuer()
    except Exception:
        logger.exception("Distribution des faits interrompue ; beat la reprendra.")
        return 0


@shared_task(name=courriels.TACHE_ENVOI, bind=True, max_retries=courriels.TENTATIVES_MAX - 1)
def envoyer_courriel(self, courriel_id: int) -> bool | None:
    """Une tentative ; en échec, une autre plus tard (1, 2, 4 minutes), puis « échoué »."""
    envoye = courriels.envoyer(courriel_id)
    if envoye is False and self.request.is_eager:
        # Sans courtier (`make run`, tests) : les tentatives suivantes tout de suite ; le
        # nombre en est borné par `courriels.envoyer`.
        while envoye is False:
            envoye = courriels.envoyer(courriel_id)
    elif envoye is False:
        raise self.retry(countdown=60 * 2**self.request.retries)
    return envoye


@shared_task(name="echanges.envoyer_rappels")
def envoyer_rappels() -> int:
    publies = rappels.publier_rappels()
    distribution.distribuer()
    return publies


@shared_task(name="echanges.envoyer_recapitulatifs")
def envoyer_recapitulatifs() -> int:
    distribution.distribuer()
    return courriels.envoyer_recapitulatifs()


@shared_task(name="echanges.reprendre_courriels")
def reprendre_courriels() -> int:
    return courriels.reprendre_en_attente()


@travaux.tache(lots.GENRE)
def action_en_lot(travail):
    """Un changement de statut, un avis ou un export sur plus de 200 projets."""
    return lots.executer_travail(travail)
