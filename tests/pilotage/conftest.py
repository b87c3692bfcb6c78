"""Un petit jeu de données dont les totaux sont calculés à la main (voir test_recalcul.py).

Tout passe par les services, comme le feraient les agents : enveloppes dotées puis
réparties par l'équipe nationale, projets déposés, instruits, présélectionnés par les
deux avis, engagés, payés, abandonnés. Les projets sont placés dans de vrais
Territoires d'industrie du référentiel : 8414 (Vallée de l'Arve) et 8401, pilotés par
la région 84, 3201 (région 32), et 2404 (piloté par la région 24), dont une commune
est en Bourgogne-Franche-Comté (27) : un projet peut avoir son site hors de la région
qui pilote son territoire.

| projet | terr. | site | statut         | année | invest. | créés | maint. | aide   | enjeu    |
| p1     | 8414  | 84   | engagé         | 2020  | 10 M€   | 50    | 100    | 1 M€   | recruter |
| p2     | 8414  | 84   | en cours       | 2021  | 4 M€    | 20    | 0      | 800 k€ | innover  |
| p3     | 8414  | 84   | brouillon      | 2020  | 99 M€   | 999   | 0      | 0      | innover  |
| p4     | 8401  | 84   | non retenu     | 2020  | 5 M€    | 30    | 0      | 0      | recruter |
| p5     | 8401  | 84   | déposé         | 2020  | 2 M€    | 10    | 5      | 500 k€ | innover  |
| p6     | 3201  | 32   | abandonné      | 2020  | 6 M€    | 40    | 0      | 300 k€ | innover  |
| p7     | 3201  | 32   | engagé         | 2020  | 3 M€    | 7     | 3      | 300 k€ | attirer  |
| p8     | 2404  | 27   | en instruction | 2020  | 1 M€    | 1     | 1      | 100 k€ | innover  |

Enveloppes du Fonds d'accélération : 2020, 150 M€ dont 20 M€ pour la région 84 et
15 M€ pour la région 32 ; 2021, 250 M€ dont 30 M€ pour la région 84. Transition
collective : 2021, 500 M€, non réparti (ce dispositif n'engage pas de crédits).

Engagements : p1, 1 M€ sur 84-2020 (400 k€ versés) ; p2, 800 k€ sur 84-2021 ; p6,
300 k€ sur 32-2020, annulé par l'abandon du projet (rendu à l'enveloppe) ; p7, deux
engagements sur 32-2020, 200 k€ et 100 k€.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from fonds import services as fonds_services
from fonds.models import Dispositif
from projets.models import Enjeu, Statut
from tests.comptes.factories import creer_comptes
from tests.fonds.factories import (
    DispositifFactory,
    engager,
    fonds_acceleration,
    fonds_reparti,
    projet_engage,
)
from tests.projets.factories import projet_au_statut

M = Decimal("1000000")
K = Decimal("1000")
FA = "fonds-acceleration"
TC = "transition-collective"

# Une commune du territoire 2404 (piloté par la région 24) située dans l'Yonne (27).
COMMUNE_2404_EN_27 = "89350"


@pytest.fixture
def comptes(referentiel) -> dict:
    """Les agents des régions 84 et 32, le ministère et l'équipe nationale."""
    return creer_comptes()


def chiffres(investissement, crees, maintenus, aide, **valeurs) -> dict:
    """Les valeurs saisies d'un projet (les montants en euros)."""
    return dict(
        montant_investissement=Decimal(investissement),
        emplois_crees=crees,
        emplois_maintenus=maintenus,
        aide_sollicitee=Decimal(aide),
        **valeurs,
    )


def agents_de(comptes: dict, region: str) -> dict:
    """La préfecture et le conseil régional qui mènent un projet de la région 84 ou 32."""
    return {"prefecture": comptes[f"prefecture-{region}"], "conseil": comptes[f"region-{region}"]}


def _dispositifs() -> tuple[Dispositif, Dispositif]:
    fa = fonds_acceleration()
    tc = DispositifFactory(
        code=TC, nom="Transition collective", finance_projets=False, montant_annonce=500 * M
    )
    return fa, tc


@pytest.fixture
def jeu(comptes):
    """Huit projets, deux dispositifs, six enveloppes, cinq engagements (un annulé)."""
    admin = comptes["admin-national"]
    a84, a32 = agents_de(comptes, "84"), agents_de(comptes, "32")
    fa, tc = _dispositifs()
    fa2020, regionales_2020 = fonds_reparti(
        auteur=admin,
        dispositif=fa,
        annee=2020,
        national=150 * M,
        regions={"84": 20 * M, "32": 15 * M},
    )
    fa2021, regionales_2021 = fonds_reparti(
        auteur=admin, dispositif=fa, annee=2021, national=250 * M, regions={"84": 30 * M}
    )
    tc2021, _aucune = fonds_reparti(
        auteur=admin, dispositif=tc, annee=2021, national=500 * M, regions={}
    )
    env = SimpleNamespace(
        fa2020=fa2020,
        fa2021=fa2021,
        tc2021=tc2021,
        fa2020_84=regionales_2020["84"],
        fa2021_84=regionales_2021["84"],
        fa2020_32=regionales_2020["32"],
    )
    p1 = projet_engage(
        **a84,
        enveloppe=env.fa2020_84,
        verse=400 * K,
        territoire="8414",
        enjeu=Enjeu.RECRUTER,
        **chiffres(10 * M, 50, 100, M),
    )
    p2 = projet_engage(
        Statut.EN_COURS,
        **a84,
        enveloppe=env.fa2021_84,
        territoire="8414",
        **chiffres(4 * M, 20, 0, 800 * K),
    )
    p3 = projet_au_statut(Statut.BROUILLON, **a84, territoire="8414", **chiffres(99 * M, 999, 0, 0))
    p4 = projet_au_statut(
        Statut.NON_RETENU,
        **a84,
        territoire="8401",
        enjeu=Enjeu.RECRUTER,
        **chiffres(5 * M, 30, 0, 0),
    )
    p5 = projet_au_statut(
        Statut.DEPOSE, **a84, territoire="8401", **chiffres(2 * M, 10, 5, 500 * K)
    )
    p6 = projet_engage(
        **a32, enveloppe=env.fa2020_32, territoire="3201", **chiffres(6 * M, 40, 0, 300 * K)
    )
    p6 = fonds_services.abandonner_projet(
        projet_id=p6.pk, auteur=a32["prefecture"], commentaire="Le porteur renonce."
    )
    p7 = projet_engage(
        **a32,
        enveloppe=env.fa2020_32,
        montant=200 * K,
        territoire="3201",
        enjeu=Enjeu.ATTIRER,
        **chiffres(3 * M, 7, 3, 300 * K),
    )
    engager(p7, env.fa2020_32, 100 * K, auteur=a32["prefecture"])
    # Territoire 2404 (piloté par la région 24), site dans l'Yonne (Bourgogne-Franche-Comté) :
    # saisi et instruit par l'équipe nationale (aucun agent de la région 27 dans le jeu).
    p8 = projet_au_statut(
        Statut.EN_INSTRUCTION,
        prefecture=admin,
        territoire="2404",
        commune=COMMUNE_2404_EN_27,
        **chiffres(M, 1, 1, 100 * K),
    )
    for enveloppe in vars(env).values():
        enveloppe.refresh_from_db()
    return SimpleNamespace(
        fa=fa,
        tc=tc,
        env=env,
        comptes=comptes,
        p1=p1,
        p2=p2,
        p3=p3,
        p4=p4,
        p5=p5,
        p6=p6,
        p7=p7,
        p8=p8,
    )
