"""Données du banc : N projets fictifs sur le référentiel réel, du générateur commun.

Pour une taille donnée, les tables des projets, des avis, des crédits et des totaux
sont vidées puis remplies de nouveau par `pilotage.generation` (le générateur de la
démonstration) avec le scénario `croisiere` (graine fixe : mêmes données à chaque
passage) : un programme en régime de croisière sur cinq années, tous les statuts avec
les avis qui les expliquent, un tiers des projets financés (engagements, versements),
des enveloppes à la mesure de leurs engagements. Voir `pilotage/generation/scenarios.py`.

Les lignes s'écrivent par COPY (`pilotage.generation.copie`) : à 100 000 projets,
l'écriture prend 14 s contre 41 s par `bulk_create` (2 processeurs, PostgreSQL 15).
L'historique des projets (`Evenement`) n'est pas généré : aucune page mesurée ne le lit.
"""

import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from comptes.models import Role
from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, Versement
from pilotage.generation import (
    Agent,
    Auteurs,
    creer_agents,
    croisiere,
    ecrire,
    lire_referentiel,
    planifier,
)
from pilotage.generation.copie import inserer
from pilotage.models import Calcul, Totaux, TotauxPartiels
from projets.models import Avis, Entreprise, Evenement, Projet
from territoires.models import TerritoireIndustrie

GRAINE = 2020


@dataclass
class Generation:
    """Ce qui a été écrit pour une taille, et en combien de temps."""

    projets: int = 0
    entreprises: int = 0
    avis: int = 0
    engagements: int = 0
    versements: int = 0
    enveloppes: int = 0
    mouvements: int = 0
    duree: float = 0.0
    par_statut: dict = field(default_factory=dict)


def preparer_comptes() -> Auteurs:
    """Les agents du banc (sans mot de passe : le banc se connecte par `force_login`)."""
    regions = sorted(set(TerritoireIndustrie.objects.values_list("region_id", flat=True)))
    agents = [
        Agent("banc-admin", Role.ADMIN_NATIONAL, None, "Banc"),
        Agent("banc-ministere", Role.MINISTERE, None, "Banc"),
        *(Agent(f"banc-prefecture-{r}", Role.PREFECTURE, r, "Banc") for r in regions),
        *(Agent(f"banc-region-{r}", Role.REGION, r, "Banc") for r in regions),
    ]
    return Auteurs.des_agents(
        agents, creer_agents(agents, mot_de_passe=None, domaine="banc.invalid")
    )


def vider() -> None:
    """Vide les tables que le banc remplit (projets, crédits, totaux), compteurs remis à 1."""
    modeles = [
        Versement,
        Engagement,
        Mouvement,
        Enveloppe,
        Dispositif,
        Avis,
        Evenement,
        Projet,
        Entreprise,
        Totaux,
        TotauxPartiels,
        Calcul,
    ]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in modeles)
    with connection.cursor() as curseur:
        curseur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def generer(taille: int, auteurs: Auteurs, *, graine: int = GRAINE) -> Generation:
    """Vide puis écrit `taille` projets, leurs avis, engagements, versements et enveloppes."""
    debut = time.perf_counter()
    vider()
    plan = planifier(croisiere(taille, graine), lire_referentiel(), auteurs)
    with transaction.atomic(), connection.cursor() as curseur:
        # Base du banc : inutile d'attendre l'écriture du journal sur disque à la validation.
        curseur.execute("SET LOCAL synchronous_commit = off")
        ecrit = ecrire(plan, inserer=inserer)
    with connection.cursor() as curseur:
        curseur.execute("VACUUM ANALYZE")
    return Generation(
        projets=ecrit.projets,
        entreprises=ecrit.entreprises,
        avis=ecrit.avis,
        engagements=ecrit.engagements,
        versements=ecrit.versements,
        enveloppes=ecrit.enveloppes,
        mouvements=ecrit.mouvements,
        duree=time.perf_counter() - debut,
        par_statut=plan.par_statut(),
    )
