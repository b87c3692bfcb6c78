"""Les scénarios : ce qu'une génération raconte, en données.

- `communique_2020()` : la démonstration, le programme tel que le comité de pilotage
  national l'a décrit en novembre 2020 (chiffres exacts, voir `docs/demo.md`) ;
- `croisiere(nb_projets)` : le banc de performance, un programme en régime de
  croisière sur cinq années, de 1 000 à 100 000 projets (`tests/bench/`).

Un scénario dit combien de projets suivent chaque destin (`Cohorte` : statuts, années,
financement) et comment le Fonds d'accélération reçoit ses crédits ; le planificateur
(`pilotage.generation.planification`) en tire les lignes.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from pilotage.generation.repartition import repartir_entier
from projets.models import Statut

FONDS = "fonds-acceleration"
M = Decimal("1000000")
UTC = datetime.UTC


@dataclass(frozen=True)
class Dotation:
    """Des crédits ouverts sur l'enveloppe nationale d'une année."""

    annee: int
    montant: Decimal
    date: datetime.date
    motif: str


@dataclass(frozen=True)
class Anticipation:
    """Des crédits nationaux avancés d'une année sur une autre (le total ne change pas)."""

    source: int
    cible: int
    montant: Decimal
    date: datetime.date
    motif: str


@dataclass(frozen=True)
class Repartition:
    """Une part de l'enveloppe nationale distribuée aux régions, au prorata de leur poids."""

    annee: int
    montant: Decimal
    date: datetime.date
    motif: str


OperationDuFonds = Dotation | Anticipation | Repartition


@dataclass(frozen=True)
class DispositifDuProgramme:
    code: str
    nom: str
    montant_annonce: Decimal | None
    finance_projets: bool
    nationales: tuple[Dotation, ...] = ()


@dataclass(frozen=True)
class Credits:
    """Le financement des projets d'une cohorte sur le Fonds d'accélération.

    `total` : montant engagé fixé d'avance, réparti entre les régions (nombre de projets
    et montants) au prorata de leur poids, puis entre les projets d'une région selon
    des poids tirés au hasard ; l'aide et l'investissement en découlent, et `emplois`
    est réparti au prorata des engagements. Sinon, l'engagement est une part tirée de
    l'aide sollicitée (`part_de_l_aide`), au plus `part_du_disponible` du disponible de
    l'enveloppe ; une part `seconde_tranche` des projets partage son engagement avec
    l'année suivante.
    """

    annee: int | None = None  # année de l'enveloppe ; None : celle du projet
    periode: tuple[tuple[int, int], tuple[int, int]] = ((1, 10), (12, 20))  # (mois, jour)
    total: Decimal | None = None
    emplois: int | None = None
    part_de_l_aide: tuple[float, float] = (0.5, 1.0)
    part_du_disponible: float | None = None
    seconde_tranche: float = 0.0


@dataclass(frozen=True)
class Cohorte:
    """Des projets au destin commun : statuts (nombres exacts au prorata des poids),
    années de programmation (tirées selon leurs poids), financement éventuel."""

    nombre: int
    statuts: tuple[tuple[str, int], ...]
    annees: tuple[tuple[int, int], ...]
    credits: Credits | None = None


@dataclass(frozen=True)
class Scenario:
    nom: str
    graine: int
    cohortes: tuple[Cohorte, ...]
    dispositifs: tuple[DispositifDuProgramme, ...]
    description: str  # de chaque projet
    commentaire_engagement: str
    reference: str  # préfixe des références comptables des versements
    fin: datetime.datetime  # aucun instant du récit au-delà
    # Crédits du Fonds : des opérations datées, ou (à défaut) des enveloppes
    # dimensionnées sur les engagements, pour chacune de ces années.
    operations_du_fonds: tuple[OperationDuFonds, ...] = ()
    annees_dimensionnees: tuple[int, ...] = ()
    projets_par_entreprise: float = 1.0
    historique: bool = True  # lignes `Evenement` (l'historique de chaque projet)

    @property
    def nb_projets(self) -> int:
        return sum(cohorte.nombre for cohorte in self.cohortes)


def _annonce(annee: int, montant: Decimal) -> tuple[Dotation, ...]:
    motif = "Montant annoncé au comité de pilotage national de novembre 2020."
    return (Dotation(annee, montant, datetime.date(annee, 1, 1), motif),)


DISPOSITIFS = (
    DispositifDuProgramme(
        FONDS,
        "Fonds d'accélération des investissements industriels dans les territoires",
        400 * M,
        True,
    ),
    DispositifDuProgramme(
        "transition-collective",
        "Transition collective (bassins d'emploi pilotes)",
        500 * M,
        False,
        _annonce(2021, 500 * M),
    ),
    DispositifDuProgramme(
        "dsil",
        "Dotation de soutien à l'investissement local orientée Territoires d'industrie",
        1000 * M,
        False,
        _annonce(2021, 1000 * M),
    ),
    DispositifDuProgramme(
        "banque-des-territoires",
        "Contribution de la Banque des Territoires",
        1000 * M,
        False,
        _annonce(2020, 1000 * M),
    ),
    DispositifDuProgramme(
        "sites-cles-en-main", "Sites clés en main (appel à candidatures)", None, False
    ),
    DispositifDuProgramme("fonds-friches", "Fonds friches", None, False),
    DispositifDuProgramme(
        "industrie-du-futur", "Accompagnements et aides industrie du futur", None, False
    ),
    DispositifDuProgramme(
        "decarbonation", "Soutien à la décarbonation de l'industrie", None, False
    ),
)

# --- La démonstration : le communiqué de novembre 2020 ----------------------------------

NB_PROJETS = 1600
NB_PROJETS_FINANCES_2020 = 179
FONDS_2020_INITIAL = 150 * M
FONDS_2021_INITIAL = 250 * M
ANTICIPATION = 100 * M
EMPLOIS_VISES_2020 = 7042  # « la perspective de créer 7 000 emplois »
NB_ENGAGES_2021 = 200
# Les 1 221 projets ni financés en 2020 ni engagés sur 2021.
AUTRES_STATUTS = (
    (Statut.BROUILLON, 100),
    (Statut.DEPOSE, 200),
    (Statut.EN_INSTRUCTION, 350),
    (Statut.PRESELECTIONNE, 250),
    (Statut.NON_RETENU, 221),
    (Statut.ABANDONNE, 100),
)
MOTIF_REPARTITION = (
    "Répartition {annee} entre les régions au prorata de la population des Territoires "
    "d'industrie qu'elles pilotent."
)


def communique_2020(graine: int = 2020) -> Scenario:
    """179 projets financés en 2020 pour exactement 150 M€ (7 042 emplois), 200 engagés sur
    2021, 1 221 à tous les autres stades ; 150 M€ en 2020 et 250 M€ en 2021, dont 100 M€
    avancés sur 2020 par la loi de finances rectificative."""
    lfr = datetime.date(2020, 11, 30)
    return Scenario(
        nom="démonstration",
        graine=graine,
        cohortes=(
            Cohorte(
                NB_PROJETS_FINANCES_2020,
                statuts=((Statut.ENGAGE, 66), (Statut.EN_COURS, 26), (Statut.REALISE, 8)),
                annees=((2020, 1),),
                credits=Credits(
                    annee=2020,
                    periode=((9, 21), (11, 13)),
                    total=FONDS_2020_INITIAL,
                    emplois=EMPLOIS_VISES_2020,
                ),
            ),
            Cohorte(
                NB_ENGAGES_2021,
                statuts=((Statut.ENGAGE, 1),),
                annees=((2021, 1),),
                credits=Credits(
                    annee=2021,
                    periode=((2, 1), (6, 30)),
                    part_de_l_aide=(1.0, 1.0),
                    part_du_disponible=0.04,
                ),
            ),
            Cohorte(
                NB_PROJETS - NB_PROJETS_FINANCES_2020 - NB_ENGAGES_2021,
                statuts=AUTRES_STATUTS,
                annees=((2020, 1), (2021, 2)),
            ),
        ),
        dispositifs=DISPOSITIFS,
        description=(
            "Projet fictif des données de démonstration : entreprise, montants et calendrier "
            "sont inventés."
        ),
        commentaire_engagement="Engagement de démonstration.",
        reference="DEMO",
        fin=datetime.datetime(2021, 12, 31, 18, tzinfo=UTC),
        operations_du_fonds=(
            Dotation(
                2020,
                FONDS_2020_INITIAL,
                datetime.date(2020, 9, 7),
                "Dotation 2020 du Fonds d'accélération (France Relance).",
            ),
            Repartition(
                2020,
                FONDS_2020_INITIAL,
                datetime.date(2020, 9, 7),
                MOTIF_REPARTITION.format(annee=2020),
            ),
            Dotation(
                2021,
                FONDS_2021_INITIAL,
                datetime.date(2021, 1, 1),
                "Dotation 2021 du Fonds d'accélération (France Relance).",
            ),
            Anticipation(
                2021,
                2020,
                ANTICIPATION,
                lfr,
                "Loi de finances rectificative pour 2020 : +100 M€ en 2020 par anticipation "
                "des crédits 2021.",
            ),
            Repartition(2020, ANTICIPATION, lfr, MOTIF_REPARTITION.format(annee=2020)),
            Repartition(
                2021,
                FONDS_2021_INITIAL - ANTICIPATION,
                datetime.date(2021, 1, 15),
                MOTIF_REPARTITION.format(annee=2021),
            ),
        ),
        projets_par_entreprise=1.0,
        historique=True,
    )


# --- Le banc : un programme en régime de croisière ---------------------------------------

ANNEES = ((2020, 15), (2021, 25), (2022, 25), (2023, 20), (2024, 15))
# Tous les stades du cycle de vie, en pourcentage ; un tiers des projets financés.
STATUTS = (
    (Statut.BROUILLON, 5),
    (Statut.DEPOSE, 10),
    (Statut.EN_INSTRUCTION, 20),
    (Statut.PRESELECTIONNE, 10),
    (Statut.NON_RETENU, 15),
    (Statut.ENGAGE, 15),
    (Statut.EN_COURS, 12),
    (Statut.REALISE, 8),
    (Statut.ABANDONNE, 5),
)
STATUTS_FINANCES = (Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE)
PART_ABANDONNES_FINANCES = 0.3  # abandonnés après un engagement


def croisiere(nb_projets: int, graine: int = 2020) -> Scenario:
    """`nb_projets` projets sur 2020-2024 : tous les statuts, les engagés, en cours, réalisés
    (et 30 % des abandonnés) financés sur l'enveloppe de leur année, 8 % en deux tranches ;
    1,4 projet par entreprise ; enveloppes dimensionnées sur les engagements."""
    nombres = repartir_entier(nb_projets, dict(STATUTS))
    abandonnes_finances = round(nombres[Statut.ABANDONNE] * PART_ABANDONNES_FINANCES)
    finances = [(s, nombres[s]) for s in STATUTS_FINANCES]
    finances.append((Statut.ABANDONNE, abandonnes_finances))
    autres = [(s, n) for s, n in nombres.items() if s not in STATUTS_FINANCES]
    autres = [(s, n - abandonnes_finances if s == Statut.ABANDONNE else n) for s, n in autres]
    credits = Credits(part_de_l_aide=(0.5, 1.0), seconde_tranche=0.08)
    return Scenario(
        nom="banc de performance",
        graine=graine,
        cohortes=tuple(
            Cohorte(sum(n for _s, n in statuts), tuple(statuts), ANNEES, financement)
            for statuts, financement in ((finances, credits), (autres, None))
            if sum(n for _s, n in statuts)
        ),
        dispositifs=DISPOSITIFS,
        description="Projet fictif du banc de performance.",
        commentaire_engagement="",
        reference="BANC",
        fin=datetime.datetime(2025, 6, 30, 18, tzinfo=UTC),
        annees_dimensionnees=tuple(annee for annee, _poids in ANNEES),
        projets_par_entreprise=1.4,
        historique=False,
    )
