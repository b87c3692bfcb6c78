"""Une enveloppe n'est jamais sur-engagée, même quand vingt agents engagent en même temps.

Chaque fil d'exécution a sa propre connexion à la base : c'est le verrou de
ligne (`select_for_update`) pris par `fonds.services.engager` qui sérialise les
engagements. SQLite verrouille toute la base et n'a pas de verrou de ligne :
le test n'a de sens que sur PostgreSQL.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import connections

from comptes.models import Role
from fonds import services
from fonds.models import Engagement, Enveloppe
from projets.models import Projet, Statut
from tests.comptes.factories import agent
from tests.fonds.factories import DispositifFactory, fonds_reparti, projet_preselectionne
from tests.processus import CONNEXIONS_CONCURRENTES
from tests.territoires.factories import territoire_factice

M = Decimal("1000000")
NB_AGENTS = 20

pytestmark = CONNEXIONS_CONCURRENTES


def test_vingt_engagements_simultanes_ne_depassent_jamais_l_enveloppe():
    # Une région inventée : le test transactionnel vide la base, référentiel compris.
    territoire, _commune = territoire_factice("X91")
    prefecture = agent("prefecture-x91", region="X91")
    conseil = agent("region-x91", Role.REGION, region="X91")
    admin = agent("admin-concurrence", Role.ADMIN_NATIONAL)
    dispositif = DispositifFactory(code="fonds-acceleration-concurrence")
    _, regionales = fonds_reparti(
        auteur=admin, dispositif=dispositif, annee=2020, national=50 * M, regions={"X91": 10 * M}
    )
    enveloppe = regionales["X91"]
    projets = [
        projet_preselectionne(
            prefecture=prefecture, conseil=conseil, territoire=territoire.code, aide_sollicitee=M
        )
        for _ in range(NB_AGENTS)
    ]
    prefecture.profil  # noqa: B018 (profil chargé une fois, avant les fils)
    depart = threading.Barrier(NB_AGENTS)

    def engager(projet_id: int) -> str:
        try:
            depart.wait(timeout=30)
            services.engager(
                projet_id=projet_id, enveloppe_id=enveloppe.pk, montant=M, auteur=prefecture
            )
            return "engagé"
        except services.DepassementEnveloppe as erreur:
            assert erreur.demande == M
            assert 0 <= erreur.disponible < M
            return "refusé"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=NB_AGENTS) as executeur:
        issues = list(executeur.map(engager, [p.pk for p in projets]))

    assert issues.count("engagé") == 10
    assert issues.count("refusé") == 10
    enveloppe.refresh_from_db()
    assert enveloppe.montant == 10 * M
    assert enveloppe.montant_engage == enveloppe.montant
    assert enveloppe.montant_disponible == 0
    assert Engagement.objects.filter(enveloppe=enveloppe).count() == 10
    assert sum(e.montant for e in Engagement.objects.filter(enveloppe=enveloppe)) == 10 * M
    assert Projet.objects.filter(statut=Statut.ENGAGE).count() == 10
    assert Projet.objects.filter(statut=Statut.PRESELECTIONNE).count() == 10
    assert Enveloppe.objects.filter(montant_engage__gt=M * 10).count() == 0
