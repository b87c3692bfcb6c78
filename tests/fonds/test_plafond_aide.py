"""Un engagement ne dépasse jamais l'aide que le porteur a sollicitée."""

from decimal import Decimal

import pytest

from fonds import services
from fonds.models import Engagement
from socle.erreurs import Invalide
from tests.fonds.factories import projet_preselectionne

pytestmark = pytest.mark.django_db


def test_engagement_plafonne_a_l_aide_sollicitee(prefecture_84, region_84, enveloppes_2020):
    projet = projet_preselectionne(
        prefecture=prefecture_84, conseil=region_84, aide_sollicitee=Decimal("300000")
    )
    _, regionales = enveloppes_2020
    enveloppe = regionales["84"]

    services.engager(
        projet_id=projet.pk,
        enveloppe_id=enveloppe.pk,
        montant=Decimal("200000"),
        auteur=prefecture_84,
    )
    with pytest.raises(Invalide) as erreur:
        services.engager(
            projet_id=projet.pk,
            enveloppe_id=enveloppe.pk,
            montant=Decimal("150000"),
            auteur=prefecture_84,
        )
    assert "ne peuvent pas dépasser l'aide sollicitée" in erreur.value.message
    assert "reste sollicité : 100\u202f000,00\u00a0€" in erreur.value.message
    assert list(erreur.value.erreurs) == ["montant"]
    assert Engagement.objects.filter(projet=projet).count() == 1
