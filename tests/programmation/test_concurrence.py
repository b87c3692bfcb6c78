"""Deux simulations appliquées en même temps ne sur-engagent jamais l'enveloppe ; la même
simulation appliquée deux fois en même temps n'engage qu'une fois.

Chaque fil a sa propre connexion : ce sont les verrous de ligne (projets, enveloppe, simulation)
qui sérialisent les applications. PostgreSQL seulement (voir `tests.processus`).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import connections

from comptes.models import Role
from fonds.models import Engagement
from fonds.services import DepassementEnveloppe
from programmation import services
from projets.models import Statut
from socle.erreurs import Conflit
from tests.comptes.factories import agent
from tests.fonds.factories import DispositifFactory, fonds_reparti, projet_preselectionne
from tests.processus import CONNEXIONS_CONCURRENTES
from tests.territoires.factories import territoire_factice

M = Decimal("1000000")

pytestmark = CONNEXIONS_CONCURRENTES


def _region_x92():
    """Une région inventée (le test transactionnel vide la base, référentiel compris) : son
    enveloppe de 1 M€ et deux projets présélectionnés de 600 000 € chacun."""
    territoire, _commune = territoire_factice("X92")
    prefecture = agent("prefecture-x92", region="X92")
    conseil = agent("region-x92", Role.REGION, region="X92")
    admin = agent("admin-programmation", Role.ADMIN_NATIONAL)
    dispositif = DispositifFactory(code="fonds-programmation-concurrence")
    _, regionales = fonds_reparti(
        auteur=admin, dispositif=dispositif, annee=2020, national=10 * M, regions={"X92": M}
    )
    projets = [
        projet_preselectionne(
            prefecture=prefecture,
            conseil=conseil,
            territoire=territoire.code,
            aide_sollicitee=Decimal("600000"),
        )
        for _ in range(2)
    ]
    return prefecture, conseil, dispositif, regionales["X92"], projets


def _simulation(prefecture, dispositif, nom, *, garder):
    """Une simulation qui n'inclut que le projet `garder`."""
    sim = services.creer_simulation(
        auteur=prefecture, region="X92", annee=2020, nom=nom, dispositif=dispositif.code
    )
    for ligne in sim.lignes.exclude(projet=garder):
        services.modifier_ligne(
            ligne_id=ligne.pk, auteur=prefecture, version_attendue=ligne.version, incluse=False
        )
    sim.refresh_from_db()
    return sim


def _appliquer_ensemble(prefecture, simulations) -> list[str]:
    prefecture.profil  # noqa: B018 (profil chargé une fois, avant les fils)
    depart = threading.Barrier(len(simulations))

    def appliquer(sim) -> str:
        try:
            depart.wait(timeout=30)
            services.appliquer(
                simulation_id=sim.pk, auteur=prefecture, version_attendue=sim.version
            )
            return "appliquée"
        except DepassementEnveloppe as erreur:
            assert (erreur.demande, erreur.disponible) == (Decimal("600000"), Decimal("400000"))
            return "dépassement"
        except Conflit as erreur:
            return erreur.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(simulations)) as executeur:
        return sorted(executeur.map(appliquer, simulations))


def test_deux_simulations_qui_tiennent_chacune_mais_pas_ensemble():
    prefecture, _conseil, dispositif, enveloppe, (a, b) = _region_x92()
    sims = [
        _simulation(prefecture, dispositif, "Avec A", garder=a),
        _simulation(prefecture, dispositif, "Avec B", garder=b),
    ]

    issues = _appliquer_ensemble(prefecture, sims)

    assert issues == ["appliquée", "dépassement"]
    enveloppe.refresh_from_db()
    assert enveloppe.montant_engage == Decimal("600000") <= enveloppe.montant
    assert Engagement.objects.filter(enveloppe=enveloppe).count() == 1
    a.refresh_from_db(), b.refresh_from_db()
    assert sorted([a.statut, b.statut]) == sorted([Statut.ENGAGE, Statut.PRESELECTIONNE])


def test_la_meme_simulation_appliquee_deux_fois_en_meme_temps_n_engage_qu_une_fois():
    prefecture, _conseil, dispositif, enveloppe, (a, _b) = _region_x92()
    sim = _simulation(prefecture, dispositif, "Avec A", garder=a)

    issues = _appliquer_ensemble(prefecture, [sim, sim])

    assert issues == ["appliquée", "simulation_appliquee"]
    enveloppe.refresh_from_db()
    assert enveloppe.montant_engage == Decimal("600000")
    assert Engagement.objects.filter(projet=a).count() == 1
