"""Les chiffres d'un périmètre en cours de calcul (`Ligne`) et les périmètres à recalculer
(`Portee`) ; les sommes en euros et l'empreinte d'une ligne écrite."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Q

from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau
from projets.models import Projet, Statut

ZERO = Decimal("0.00")
CENTIME = Decimal("0.01")

# Un projet en brouillon, non retenu ou abandonné n'apporte ni investissement ni emplois.
STATUTS_HORS_SOMMES = frozenset({Statut.BROUILLON, Statut.NON_RETENU, Statut.ABANDONNE})

CLE_PARTIELS = ["territoire", "region", "dispositif", "annee"]
CHAMPS_PARTIELS = [
    "nb_projets_par_statut",
    "investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "nb_engagements",
    "montant_engage",
    "montant_verse",
    "nb_projets_par_enjeu",
]

Cle = tuple[str, str, str, int]  # (niveau, code, dispositif, année)
ClePartiel = tuple[str, str, str, int]  # (territoire, région, dispositif, année)


def au_centime(valeur) -> Decimal:
    """Une somme en euros : SQLite rend des flottants, PostgreSQL des décimaux."""
    if valeur is None:
        return ZERO
    if not isinstance(valeur, Decimal):
        valeur = Decimal(str(valeur))
    return valeur.quantize(CENTIME)


def euros_sql(valeur) -> Decimal:
    """Comme `au_centime`, sans arrondir une somme de PostgreSQL (`numeric(…, 2)` : au centime)."""
    return valeur if type(valeur) is Decimal else au_centime(valeur)


def empreinte(valeurs) -> str:
    """Un hachage des chiffres d'une ligne : elle n'est réécrite que s'il change.

    Les montants sont au centime et les dictionnaires triés : deux calculs des mêmes
    chiffres donnent la même empreinte.
    """
    texte = "\x1f".join(map(str, valeurs))
    return hashlib.blake2b(texte.encode(), digest_size=16).hexdigest()


def combinaisons(dispositif: str, annee: int) -> tuple[tuple[str, int], ...]:
    """Les quatre lignes où compte un montant additif d'un dispositif et d'une année."""
    return (
        (dispositif, annee),
        (dispositif, TOUTES_ANNEES),
        (TOUS_DISPOSITIFS, annee),
        (TOUS_DISPOSITIFS, TOUTES_ANNEES),
    )


def _ajouter_au_compte(compte: dict, autre: dict) -> None:
    for cle, nombre in autre.items():
        compte[cle] = compte.get(cle, 0) + nombre


def sans_zeros(compte: dict) -> dict:
    return {cle: n for cle, n in sorted(compte.items()) if n}


class Ligne:
    """Les chiffres d'un périmètre en cours de calcul.

    Une classe à emplacements fixes et des dictionnaires simples : un recalcul complet
    en crée quelques milliers et y ajoute des dizaines de milliers de groupes.
    """

    __slots__ = (
        "par_statut",
        "par_enjeu",
        "investissement",
        "emplois_crees",
        "emplois_maintenus",
        "aide_sollicitee",
        "nb_engagements",
        "montant_enveloppe",
        "montant_engage",
        "montant_verse",
    )

    def __init__(
        self,
        *,
        par_statut: dict | None = None,
        par_enjeu: dict | None = None,
        investissement: Decimal = ZERO,
        emplois_crees: int = 0,
        emplois_maintenus: int = 0,
        aide_sollicitee: Decimal = ZERO,
        nb_engagements: int = 0,
        montant_engage: Decimal = ZERO,
        montant_verse: Decimal = ZERO,
    ):
        self.par_statut = dict(par_statut or {})
        self.par_enjeu = dict(par_enjeu or {})
        self.investissement = investissement
        self.emplois_crees = emplois_crees
        self.emplois_maintenus = emplois_maintenus
        self.aide_sollicitee = aide_sollicitee
        self.nb_engagements = nb_engagements
        self.montant_enveloppe: Decimal | None = None
        self.montant_engage = montant_engage
        self.montant_verse = montant_verse

    def ajouter_projets(
        self, statut, nombre, investissement, crees, maintenus, aide, *, enjeu
    ) -> None:
        par_statut = self.par_statut
        par_statut[statut] = par_statut.get(statut, 0) + nombre
        # Tous les projets comptent par enjeu, brouillons compris : le programme annonce
        # « 1 600 projets » à tous les stades de maturité.
        self.par_enjeu[enjeu] = self.par_enjeu.get(enjeu, 0) + nombre
        if statut not in STATUTS_HORS_SOMMES:
            self.investissement += investissement
            self.emplois_crees += crees
            self.emplois_maintenus += maintenus
            self.aide_sollicitee += aide

    def retirer_projets(
        self, statut, nombre, investissement, crees, maintenus, aide, *, enjeu
    ) -> None:
        """L'inverse d'`ajouter_projets` : un projet compté deux fois par une somme."""
        self.ajouter_projets(
            statut, -nombre, -investissement, -crees, -maintenus, -aide, enjeu=enjeu
        )

    def ajouter_engagements(self, autre: "Ligne") -> None:
        """Les engagements d'une autre ligne seulement : nombre et montants."""
        self.nb_engagements += autre.nb_engagements
        self.montant_engage += autre.montant_engage
        self.montant_verse += autre.montant_verse

    def ajouter(self, autre: "Ligne", *, montants: bool) -> None:
        """Ajoute les projets et les engagements d'une autre ligne.

        `montants` : aussi les montants engagés et versés des engagements (pour un
        territoire) ; une région et le niveau national les tiennent des enveloppes.
        """
        _ajouter_au_compte(self.par_statut, autre.par_statut)
        _ajouter_au_compte(self.par_enjeu, autre.par_enjeu)
        self.investissement += autre.investissement
        self.emplois_crees += autre.emplois_crees
        self.emplois_maintenus += autre.emplois_maintenus
        self.aide_sollicitee += autre.aide_sollicitee
        self.nb_engagements += autre.nb_engagements
        if montants:
            self.montant_engage += autre.montant_engage
            self.montant_verse += autre.montant_verse

    def partiel(self) -> tuple:
        """Les valeurs d'une ligne de `TotauxPartiels`, dans l'ordre de `CHAMPS_PARTIELS`."""
        return (
            sans_zeros(self.par_statut),
            self.investissement,
            self.emplois_crees,
            self.emplois_maintenus,
            self.aide_sollicitee,
            self.nb_engagements,
            self.montant_engage,
            self.montant_verse,
            sans_zeros(self.par_enjeu),
        )

    @classmethod
    def depuis_partiel(
        cls, par_statut, inv, crees, maint, aide, engagements, engage, verse, par_enjeu=None
    ):
        return cls(
            par_statut=par_statut,
            par_enjeu=par_enjeu,
            investissement=au_centime(inv),
            emplois_crees=crees,
            emplois_maintenus=maint,
            aide_sollicitee=au_centime(aide),
            nb_engagements=engagements,
            montant_engage=au_centime(engage),
            montant_verse=au_centime(verse),
        )


@dataclass(frozen=True)
class Portee:
    """Les périmètres à recalculer ; `None` : tous (recalcul complet)."""

    territoires: frozenset[str] | None = None
    regions: frozenset[str] | None = None

    @property
    def complete(self) -> bool:
        return self.territoires is None

    def touche_territoire(self, code: str) -> bool:
        return self.territoires is None or code in self.territoires

    def touche_region(self, code: str) -> bool:
        return self.regions is None or code in self.regions

    def avec_regions(self, regions: Iterable[str]) -> "Portee":
        if self.complete:
            return self
        return Portee(self.territoires, frozenset(self.regions or ()) | frozenset(regions))

    def q_projets(self) -> Q:
        """Les projets des territoires touchés (colonne indexée)."""
        return Q() if self.complete else Q(territoire__in=sorted(self.territoires))

    def sql_projets(self, alias: str) -> tuple[str, list]:
        """`AND alias.territoire IN (…)` pour la requête SQL écrite à la main."""
        if self.complete:
            return "", []
        colonne = connection.ops.quote_name(Projet._meta.get_field("territoire").column)
        marques = ", ".join(["%s"] * len(self.territoires))
        return f" AND {alias}.{colonne} IN ({marques})", sorted(self.territoires)

    def q_partiels(self) -> Q:
        return Q() if self.complete else Q(territoire__in=sorted(self.territoires))

    def q_totaux(self) -> Q:
        if self.complete:
            return Q()
        return (
            Q(niveau=Niveau.NATIONAL)
            | Q(niveau=Niveau.REGION, code__in=sorted(self.regions or ()))
            | Q(niveau=Niveau.TERRITOIRE, code__in=sorted(self.territoires))
        )
