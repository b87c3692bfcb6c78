"""Une simulation de 300 lignes : ses totaux en une requête, sa page et ses modifications en
autant de requêtes qu'une simulation de deux lignes (`test_pages.py`)."""

from decimal import Decimal

import pytest

from programmation import selectors
from programmation.models import Simulation
from projets.models import Statut
from tests.programmation.factories import AIDE, M, candidats, enveloppes, ligne_de, simulation

pytestmark = pytest.mark.django_db


def test_une_simulation_de_300_lignes(client, comptes, django_assert_num_queries):
    enveloppes(comptes, region_84=100 * M)
    preselectionnes = candidats(comptes, 150)
    candidats(comptes, 150, Statut.EN_INSTRUCTION)
    sim = Simulation.objects.select_related("enveloppe").get(pk=simulation(comptes).pk)

    # Une agrégation sur les lignes jointes à leurs projets ; l'enveloppe est déjà chargée.
    with django_assert_num_queries(1):
        totaux = selectors.totaux(sim)

    assert (totaux.nb_lignes, totaux.nb_incluses) == (300, 150)
    assert totaux.propose == 150 * AIDE == 60 * M
    assert totaux.investissement == 150 * Decimal("2500000")
    assert (totaux.emplois_crees, totaux.emplois_maintenus) == (150 * 25, 150 * 110)
    assert totaux.reste_apres == 40 * M
    assert totaux.effet_levier == Decimal("6.2")

    client.force_login(comptes["region-84"])
    # Les mêmes huit requêtes qu'à deux lignes (détail dans test_pages.py).
    with django_assert_num_queries(8):
        page = client.get(f"/programmation/{sim.pk}/")
    assert page.content.decode().count('data-ligne="') == 300
    ligne = ligne_de(sim, preselectionnes[0])
    with django_assert_num_queries(16):
        reponse = client.post(
            f"/programmation/{sim.pk}/lignes/{ligne.pk}/",
            {f"ligne-{ligne.pk}-montant": "1 000", f"ligne-{ligne.pk}-version": "1"},
            HTTP_X_REQUESTED_WITH="fetch",
        )
    assert reponse.json()["ok"]
    assert selectors.totaux(sim).nb_incluses == 149  # la case décochée n'a pas été envoyée
