"""Un petit jeu de données dont les totaux sont calculés à la main (voir test_recalcul.py).

Les projets sont placés dans de vrais Territoires d'industrie du référentiel :
8414 (Vallée de l'Arve, piloté par la région 84), 8401 (84) et 3201 (32).
"""

import datetime
import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest

from fonds.models import Dispositif, Engagement, Enveloppe, StatutEngagement
from projets.models import Entreprise, Projet, Statut
from territoires.models import TerritoireIndustrie
from tests.factories import UserFactory, siren_fictif

M = Decimal("1000000")
K = Decimal("1000")
_numeros = itertools.count(1)


def creer_projet(
    territoire: str,
    *,
    statut=Statut.DEPOSE,
    investissement=M,
    crees=0,
    maintenus=0,
    aide=Decimal("0"),
    annee=2020,
    region: str | None = None,
) -> Projet:
    """Un projet sur la première commune (rattachée à un EPCI) du territoire.

    `region` force la région du site (un territoire peut déborder de sa région de pilotage).
    """
    terr = TerritoireIndustrie.objects.get(code=territoire)
    commune = (
        terr.communes.filter(epci__isnull=False)
        .select_related("departement")
        .order_by("code_insee")
        .first()
    )
    numero = next(_numeros)
    porteur = Entreprise.objects.create(
        siren=siren_fictif(500_000 + numero), raison_sociale=f"Entreprise {numero}", taille="PME"
    )
    return Projet.objects.create(
        intitule=f"Projet {numero}",
        territoire=terr,
        commune=commune,
        epci_id=commune.epci_id,
        departement_id=commune.departement_id,
        region_id=region or commune.departement.region_id,
        porteur=porteur,
        enjeu="innover",
        filiere="metallurgie",
        annee=annee,
        montant_investissement=investissement,
        emplois_crees=crees,
        emplois_maintenus=maintenus,
        aide_sollicitee=aide,
        date_debut=datetime.date(annee, 3, 1),
        date_fin=datetime.date(annee + 2, 3, 1),
        statut=statut,
    )


def engager(projet, enveloppe, montant, *, verse=Decimal("0"), annule=False, auteur=None):
    """Un engagement écrit directement, avec ses montants dénormalisés."""
    return Engagement.objects.create(
        projet=projet,
        enveloppe=enveloppe,
        montant=montant,
        montant_verse=verse,
        montant_libere=(montant - verse) if annule else Decimal("0"),
        statut=StatutEngagement.ANNULE if annule else StatutEngagement.ENGAGE,
        date_engagement=datetime.date(enveloppe.annee, 10, 1),
        auteur=auteur or UserFactory(username="agent-fonds"),
    )


def enveloppe(dispositif, annee, region=None, montant=Decimal("0"), engage=None, verse=None):
    return Enveloppe.objects.create(
        dispositif=dispositif,
        annee=annee,
        region_id=region,
        montant=montant,
        montant_engage=engage or Decimal("0"),
        montant_verse=verse or Decimal("0"),
    )


@pytest.fixture
def jeu(referentiel):
    """Huit projets, deux dispositifs, six enveloppes, six engagements (un annulé)."""
    fa = Dispositif.objects.create(
        code="fonds-acceleration", nom="Fonds d'accélération", finance_projets=True
    )
    tc = Dispositif.objects.create(code="transition-collective", nom="Transition collective")
    env = SimpleNamespace(
        fa2020=enveloppe(fa, 2020, montant=150 * M),
        fa2021=enveloppe(fa, 2021, montant=250 * M),
        tc2021=enveloppe(tc, 2021, montant=500 * M),
        fa2020_84=enveloppe(fa, 2020, "84", 20 * M, engage=1600 * K, verse=400 * K),
        fa2021_84=enveloppe(fa, 2021, "84", 30 * M, engage=200 * K),
        fa2020_32=enveloppe(fa, 2020, "32", 15 * M, engage=400 * K),
    )
    p = SimpleNamespace(
        p1=creer_projet(
            "8414", statut=Statut.ENGAGE, investissement=10 * M, crees=50, maintenus=100, aide=M
        ),
        p2=creer_projet(
            "8414", statut=Statut.EN_COURS, investissement=4 * M, crees=20, aide=800 * K
        ),
        p3=creer_projet("8414", statut=Statut.BROUILLON, investissement=99 * M, crees=999),
        p4=creer_projet("8401", statut=Statut.NON_RETENU, investissement=5 * M, crees=30),
        p5=creer_projet(
            "8401", statut=Statut.DEPOSE, investissement=2 * M, crees=10, maintenus=5, aide=500 * K
        ),
        p6=creer_projet("3201", statut=Statut.ABANDONNE, investissement=6 * M, crees=40),
        p7=creer_projet(
            "3201", statut=Statut.ENGAGE, investissement=3 * M, crees=7, maintenus=3, aide=300 * K
        ),
        # Territoire 8414 (piloté par la région 84), site en Bourgogne-Franche-Comté (27).
        p8=creer_projet(
            "8414",
            statut=Statut.PRESELECTIONNE,
            investissement=M,
            crees=1,
            maintenus=1,
            aide=100 * K,
            region="27",
        ),
    )
    engager(p.p1, env.fa2020_84, M, verse=400 * K)
    engager(p.p2, env.fa2020_84, 600 * K)
    engager(p.p2, env.fa2021_84, 200 * K)
    engager(p.p6, env.fa2020_32, 300 * K, annule=True)
    engager(p.p7, env.fa2020_32, 300 * K)
    engager(p.p7, env.fa2020_32, 100 * K)
    return SimpleNamespace(fa=fa, tc=tc, env=env, **vars(p))
