from decimal import Decimal

import pytest

from comptes.models import Role
from tests.comptes.factories import agent
from tests.fonds.factories import fonds_2020, projet_preselectionne
from tests.fonds.factories import fonds_acceleration as creer_fonds_acceleration
from tests.territoires.factories import TERRITOIRE_32

M = Decimal("1000000")


@pytest.fixture
def admin_national(referentiel):
    return agent("admin-national-fonds", Role.ADMIN_NATIONAL)


@pytest.fixture
def prefecture_84(referentiel):
    return agent("prefecture-84-fonds")


@pytest.fixture
def region_84(referentiel):
    return agent("region-84-fonds", Role.REGION)


@pytest.fixture
def prefecture_32(referentiel):
    return agent("prefecture-32-fonds", region="32")


@pytest.fixture
def region_32(referentiel):
    return agent("region-32-fonds", Role.REGION, region="32")


@pytest.fixture
def ministere(referentiel):
    return agent("ministere-fonds", Role.MINISTERE)


@pytest.fixture
def fonds_acceleration(db):
    return creer_fonds_acceleration()


@pytest.fixture
def enveloppes_2020(admin_national, fonds_acceleration):
    """150 M€ en 2020, dont 10 M€ pour la région 84 et 5 M€ pour la région 32."""
    return fonds_2020(auteur=admin_national, dispositif=fonds_acceleration)


# Les projets des tests du fonds : 50 M€ d'investissement, 20 M€ d'aide sollicitée.
GRAND_PROJET = {"montant_investissement": 50 * M, "aide_sollicitee": 20 * M}


@pytest.fixture
def projet_84(prefecture_84, region_84):
    """Présélectionné, programmé en 2020."""
    return projet_preselectionne(prefecture=prefecture_84, conseil=region_84, **GRAND_PROJET)


@pytest.fixture
def projet_32(prefecture_32, region_32):
    return projet_preselectionne(
        prefecture=prefecture_32, conseil=region_32, territoire=TERRITOIRE_32, **GRAND_PROJET
    )
