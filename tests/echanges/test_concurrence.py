"""Deux beats en même temps : chaque rappel n'est publié qu'une fois, chaque récapitulatif
n'est préparé qu'une fois, chaque fait n'est notifié qu'une fois (PostgreSQL)."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

from django.db import connections
from django.utils import timezone

from comptes.models import Role
from echanges import courriels, distribution, rappels
from echanges.models import Courriel, Mode, Notification, Preference, Rappel
from projets.models import Projet, Statut
from socle.models import Evenement
from tests.comptes.factories import agent
from tests.processus import CONNEXIONS_CONCURRENTES
from tests.projets.factories import projet_au_statut
from tests.territoires.factories import territoire_factice

pytestmark = CONNEXIONS_CONCURRENTES
PASSAGES = 4


def _en_meme_temps(fonction) -> list:
    depart = threading.Barrier(PASSAGES)

    def passer(_):
        try:
            depart.wait(timeout=30)
            return fonction()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=PASSAGES) as executeur:
        return list(executeur.map(passer, range(PASSAGES)))


def test_rappels_et_recapitulatif_une_fois_malgre_des_beats_simultanes():
    # Une région inventée : le test transactionnel vide la base, référentiel compris.
    territoire, _commune = territoire_factice("X92")
    prefecture = agent("prefecture-x92", region="X92")
    conseil = agent("region-x92", Role.REGION, region="X92")
    Preference.objects.create(user=conseil, genre="delai_depasse", mode=Mode.QUOTIDIEN)
    projets = [
        projet_au_statut(Statut.EN_INSTRUCTION, prefecture=prefecture, territoire=territoire.code)
        for _ in range(5)
    ]
    Projet.objects.filter(pk__in=[p.pk for p in projets]).update(
        date_limite_avis=timezone.localdate() - datetime.timedelta(days=2)
    )

    publies = _en_meme_temps(rappels.publier_rappels)
    assert sum(publies) == 5
    assert Rappel.objects.count() == 5
    assert Evenement.objects.filter(genre="delai_depasse").count() == 5

    _en_meme_temps(distribution.distribuer)
    assert Notification.objects.filter(genre="delai_depasse", destinataire=conseil).count() == 5
    assert Notification.objects.filter(genre="delai_depasse", destinataire=prefecture).count() == 5

    recapitulatifs = _en_meme_temps(courriels.envoyer_recapitulatifs)
    assert sum(recapitulatifs) == 1
    assert Courriel.objects.filter(destinataire=conseil, recapitulatif=True).count() == 1
