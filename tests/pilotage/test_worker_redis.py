"""Un vrai worker Celery, branché sur Redis et sur la base de test, recalcule les totaux.

Ignoré sans `CELERY_BROKER_URL` (ou si Redis ne répond pas) et sur SQLite : le
worker est un autre processus, qui doit voir la même base (PostgreSQL) que le test.
"""

import pytest
from django.db import transaction

from pilotage.models import Niveau, Totaux
from socle.models import DemandeRecalcul
from tests.comptes.factories import agent
from tests.pilotage.conftest import M, chiffres
from tests.pilotage.worker import (
    EXIGE_UN_WORKER,
    arreter,
    attendre,
    demarrer_worker,
    file_d_attente,
    vider_la_file,
)
from tests.projets.factories import creer_projet

pytestmark = EXIGE_UN_WORKER


@pytest.mark.django_db(transaction=True)
def test_le_worker_recalcule_les_perimetres_apres_validation(referentiel, settings, tmp_path):
    prefecture = agent("prefecture-32", region="32")
    file = file_d_attente(settings)
    journal = tmp_path / "worker.log"
    worker = demarrer_worker(file, journal)
    try:
        with transaction.atomic():
            # Le service demande lui-même le recalcul du territoire et de la région du projet.
            creer_projet(prefecture, deposer=True, territoire="3201", **chiffres(7 * M, 4242, 0, 0))
            assert DemandeRecalcul.objects.exists()
            # Rien n'est envoyé avant la validation de la transaction.
            assert not Totaux.objects.exists()

        territoire = attendre(
            lambda: Totaux.objects.filter(
                niveau=Niveau.TERRITOIRE, code="3201", dispositif="", annee=0
            ).first(),
            worker=worker,
            journal=journal,
            quoi="le total du territoire 3201",
        )

        assert (territoire.nb_projets, territoire.emplois_crees) == (1, 4242)
        assert territoire.investissement == 7 * M
        national = Totaux.objects.get(niveau=Niveau.NATIONAL, dispositif="", annee=0)
        assert (national.nb_projets, national.nb_territoires) == (1, 148)
        assert Totaux.objects.get(niveau=Niveau.REGION, code="32", annee=0, dispositif="")
        assert "pilotage.recalculer_demandes" in journal.read_text()
        assert not DemandeRecalcul.objects.exists()
    finally:
        arreter(worker)
        vider_la_file(file)
