"""Recalcul des totaux : quelques agrégats SQL groupés, puis une écriture groupée.

Un recalcul, complet (`recalculer_tout`) ou limité aux périmètres touchés par
un changement (`recalculer_perimetres`), suit le même chemin :

1. le référentiel (territoires, régions, EPCI en vigueur, noms des dispositifs) ;
2. les projets groupés par territoire, région du site, statut et enjeu ;
3. les engagements et leurs projets groupés de même, par dispositif et année
   d'enveloppe (chaque projet compté une fois par combinaison, même avec deux
   engagements) ;
4. les totaux partiels (territoire × région du site, `TotauxPartiels`) ainsi
   obtenus sont écrits ; chaque ligne de territoire en est la somme sur les
   régions, chaque ligne de région la somme sur les territoires ;
5. les enveloppes (régions et national) ;
6. le niveau national, somme des lignes des régions ;
7. l'écriture : seules les lignes nouvelles ou changées (leur empreinte, un hachage
   de leurs chiffres, diffère) passent par une insertion groupée avec mise à jour en
   cas de conflit ; les lignes des périmètres qui n'existent plus sont supprimées ;
   le recalcul s'inscrit au journal (`Calcul`), dont la date est celle des chiffres.

Une ligne inchangée n'est jamais réécrite : un recalcul nocturne qui ne trouve rien
de neuf n'écrit qu'une ligne de journal, et les tables des totaux ne gonflent pas de
versions mortes (PostgreSQL garde l'ancienne version de chaque ligne mise à jour).

Un recalcul incrémental ne relit que les projets des territoires touchés (colonne
indexée) ; les autres territoires d'une région et les autres régions sont repris
des tables déjà écrites : son coût ne dépend pas de la taille de la région.

Les requêtes renvoient des lignes déjà groupées (quelques milliers au plus, quel
que soit le nombre de projets) : la mémoire ne croît pas avec les projets.
Tout se passe dans une seule transaction : une erreur en cours de route, ou un
worker tué, laisse les totaux précédents et leur date intacts et lisibles ; rejoué,
le recalcul donne les mêmes chiffres qu'un passage sans interruption.

Les montants sont des `Decimal` en euros de bout en bout ; PostgreSQL les rend
déjà au centime (colonnes `numeric(…, 2)`), SQLite en flottants, arrondis ici.
"""

import datetime
import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fonds.models import Dispositif, Engagement, Enveloppe, StatutEngagement
from pilotage.models import (
    TOUS_DISPOSITIFS,
    TOUTES_ANNEES,
    Calcul,
    Niveau,
    Totaux,
    TotauxPartiels,
)
from projets.models import Projet, Statut
from socle.models import DemandeRecalcul
from territoires.models import Perimetre, Region, TerritoireIndustrie

ZERO = Decimal("0.00")
CENTIME = Decimal("0.01")

# Un projet en brouillon, non retenu ou abandonné n'apporte ni investissement ni emplois.
STATUTS_HORS_SOMMES = frozenset({Statut.BROUILLON, Statut.NON_RETENU, Statut.ABANDONNE})

LIBELLE_NATIONAL = "France"
LIBELLE_TOUS_DISPOSITIFS = "Tous les dispositifs"

# Verrou consultatif PostgreSQL : deux recalculs ne se croisent pas (sinon un recalcul
# complet commencé avant un changement pourrait écrire après lui des chiffres périmés).
CLE_VERROU = 20_201_117

# Le journal des recalculs (`Calcul`) garde trois mois : un recalcul par changement.
JOURNAL_JOURS = 90

CHAMPS_CLE = ["niveau", "code", "dispositif", "annee"]
# Les chiffres d'une ligne ; une ligne n'est réécrite que si l'un d'eux change.
CHAMPS_COMPARES = [
    "libelle",
    "dispositif_nom",
    "code_region",
    "nb_territoires",
    "nb_intercommunalites",
    "nb_projets",
    "nb_projets_par_statut",
    "nb_projets_par_enjeu",
    "nb_engagements",
    "investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "montant_enveloppe",
    "montant_engage",
    "montant_verse",
    "montant_disponible",
    "effet_levier",
]
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
TAILLE_LOT = 500

ETAPES = [
    "référentiel",
    "projets",
    "engagements",
    "territoires et régions",
    "enveloppes",
    "niveau national",
    "écriture",
]
NB_ETAPES = len(ETAPES)

Cle = tuple[str, str, str, int]  # (niveau, code, dispositif, année)
ClePartiel = tuple[str, str, str, int]  # (territoire, région, dispositif, année)


def _decimal(valeur) -> Decimal:
    """Une somme en euros : SQLite rend des flottants, PostgreSQL des décimaux."""
    if valeur is None:
        return ZERO
    if not isinstance(valeur, Decimal):
        valeur = Decimal(str(valeur))
    return valeur.quantize(CENTIME)


def _euros(valeur) -> Decimal:
    """Comme `_decimal`, sans arrondir une somme de PostgreSQL (`numeric(…, 2)` : au centime)."""
    return valeur if type(valeur) is Decimal else _decimal(valeur)


def empreinte(valeurs) -> str:
    """Un hachage des chiffres d'une ligne : elle n'est réécrite que s'il change.

    Les montants sont au centime et les dictionnaires triés : deux calculs des mêmes
    chiffres donnent la même empreinte.
    """
    texte = "\x1f".join(map(str, valeurs))
    return hashlib.blake2b(texte.encode(), digest_size=16).hexdigest()


def _combinaisons(dispositif: str, annee: int) -> tuple[tuple[str, int], ...]:
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


def _sans_zeros(compte: dict) -> dict:
    return {cle: n for cle, n in sorted(compte.items()) if n}


class _Ligne:
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

    def ajouter_engagements(self, autre: "_Ligne") -> None:
        """Les engagements d'une autre ligne seulement : nombre et montants."""
        self.nb_engagements += autre.nb_engagements
        self.montant_engage += autre.montant_engage
        self.montant_verse += autre.montant_verse

    def ajouter(self, autre: "_Ligne", *, montants: bool) -> None:
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
            _sans_zeros(self.par_statut),
            self.investissement,
            self.emplois_crees,
            self.emplois_maintenus,
            self.aide_sollicitee,
            self.nb_engagements,
            self.montant_engage,
            self.montant_verse,
            _sans_zeros(self.par_enjeu),
        )

    @classmethod
    def depuis_partiel(
        cls, par_statut, inv, crees, maint, aide, engagements, engage, verse, par_enjeu=None
    ):
        return cls(
            par_statut=par_statut,
            par_enjeu=par_enjeu,
            investissement=_decimal(inv),
            emplois_crees=crees,
            emplois_maintenus=maint,
            aide_sollicitee=_decimal(aide),
            nb_engagements=engagements,
            montant_engage=_decimal(engage),
            montant_verse=_decimal(verse),
        )


@dataclass(frozen=True)
class _Portee:
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

    def avec_regions(self, regions: Iterable[str]) -> "_Portee":
        if self.complete:
            return self
        return _Portee(self.territoires, frozenset(self.regions or ()) | frozenset(regions))

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


@dataclass
class _Referentiel:
    regions: dict[str, str]  # code -> nom
    territoires: dict[str, tuple[str, str]]  # code -> (nom, région de pilotage)
    territoires_par_region: Counter
    epci_par_territoire: dict[str, int]
    epci_par_region: dict[str, int]
    epci_national: int
    dispositifs: dict[str, str]  # code -> nom
    codes_dispositifs: dict[int, str]  # id -> code


@dataclass
class Rapport:
    """Ce qu'un recalcul a écrit."""

    lignes: Counter = field(default_factory=Counter)  # niveau -> lignes recalculées
    ecrites: int = 0  # lignes nouvelles ou dont un chiffre a changé
    supprimees: int = 0
    duree: float = 0.0
    calcule_le: object = None

    def resume(self) -> dict:
        return {
            "lignes": {niveau: self.lignes.get(niveau, 0) for niveau in Niveau.values},
            "ecrites": self.ecrites,
            "supprimees": self.supprimees,
            "duree": round(self.duree, 3),
        }


def recalculer_tout(*, progression: Callable[[str], None] | None = None) -> Rapport:
    """Recalcule tous les périmètres ; idempotent (seul `calcule_le` change).

    Les demandes de recalcul déjà inscrites sont couvertes : elles sont effacées dans la
    même transaction.
    """
    with transaction.atomic():
        derniere = DemandeRecalcul.objects.order_by("-pk").values_list("pk", flat=True).first()
        rapport = _recalculer(_Portee(), progression=progression)
        if derniere is not None:
            DemandeRecalcul.objects.filter(pk__lte=derniere).delete()
    return rapport


def recalculer_les_demandes() -> Rapport | None:
    """Recalcule les périmètres des demandes en attente (`socle.recalcul`), puis les efface.

    Tout se passe dans une transaction : un worker tué en chemin laisse les demandes en
    attente et les totaux précédents ; la tâche suivante les reprend. Deux workers ne
    traitent pas les mêmes demandes (verrou de ligne, lignes verrouillées sautées).
    """
    with transaction.atomic():
        demandes = list(DemandeRecalcul.objects.select_for_update(skip_locked=True).order_by("pk"))
        if not demandes:
            return None
        rapport = recalculer_perimetres(
            territoires={t for d in demandes for t in d.territoires},
            regions={r for d in demandes for r in d.regions},
        )
        DemandeRecalcul.objects.filter(pk__in=[d.pk for d in demandes]).delete()
    return rapport


def recalculer_perimetres(
    *, territoires: Iterable[str] = (), regions: Iterable[str] = ()
) -> Rapport:
    """Recalcule ces territoires, ces régions et le niveau national, et eux seuls."""
    portee = _Portee(
        territoires=frozenset(t for t in territoires if t),
        regions=frozenset(r for r in regions if r),
    )
    return _recalculer(portee)


def _recalculer(portee: _Portee, *, progression=None) -> Rapport:
    etape = progression or (lambda _libelle: None)
    debut = time.perf_counter()
    rapport = Rapport()
    with transaction.atomic():
        _preparer_la_transaction()
        calcule_le = timezone.now()
        ref = _lire_referentiel()
        etape(ETAPES[0])

        partiels: defaultdict[ClePartiel, _Ligne] = defaultdict(_Ligne)
        tout = (TOUS_DISPOSITIFS, TOUTES_ANNEES)
        for territoire, region, statut, enjeu, *chiffres in _projets(portee):
            partiels[(territoire, region, *tout)].ajouter_projets(statut, *chiffres, enjeu=enjeu)
        etape(ETAPES[1])
        _ajouter_engagements(partiels, _engagements(portee, ref.codes_dispositifs))
        etape(ETAPES[2])

        # Les régions où les territoires touchés avaient ou ont des projets changent aussi.
        regions_avant = _ecrire_partiels(partiels, portee)
        portee = portee.avec_regions(regions_avant | {cle[1] for cle in partiels})
        lignes: defaultdict[Cle, _Ligne] = defaultdict(_Ligne)
        _amorcer(lignes, ref, portee)
        for (territoire, region, dispositif, annee), partiel in partiels.items():
            lignes[(Niveau.TERRITOIRE, territoire, dispositif, annee)].ajouter(
                partiel, montants=True
            )
            if portee.touche_region(region):
                lignes[(Niveau.REGION, region, dispositif, annee)].ajouter(partiel, montants=False)
        if not portee.complete:
            for (_t, region, dispositif, annee), partiel in _partiels_ecrits(portee):
                lignes[(Niveau.REGION, region, dispositif, annee)].ajouter(partiel, montants=False)
        etape(ETAPES[3])
        _ajouter_enveloppes(lignes, portee)
        etape(ETAPES[4])
        _ajouter_national(lignes, portee)
        etape(ETAPES[5])
        chiffres = {cle: _chiffres(cle, ligne, ref) for cle, ligne in lignes.items()}
        rapport.ecrites, rapport.supprimees = _ecrire(chiffres, portee, calcule_le)
        rapport.lignes.update(niveau for niveau, _code, _dispositif, _annee in chiffres)
        rapport.calcule_le = calcule_le
        rapport.duree = time.perf_counter() - debut
        _inscrire(rapport, portee)
        etape(ETAPES[6])
    return rapport


def _inscrire(rapport: Rapport, portee: _Portee) -> None:
    """Le recalcul au journal, dans sa transaction : sa date devient celle des chiffres.

    Un recalcul complet efface du journal les recalculs de plus de `JOURNAL_JOURS` jours.
    """
    if portee.complete:
        Calcul.objects.filter(
            calcule_le__lt=rapport.calcule_le - datetime.timedelta(days=JOURNAL_JOURS)
        ).delete()
    Calcul.objects.create(
        calcule_le=rapport.calcule_le,
        complet=portee.complete,
        territoires=sorted(portee.territoires or ()),
        regions=sorted(portee.regions or ()),
        lignes_ecrites=rapport.ecrites,
        lignes_supprimees=rapport.supprimees,
        duree_ms=round(rapport.duree * 1000),
    )


def _ajouter_engagements(partiels: defaultdict[ClePartiel, _Ligne], groupes) -> None:
    """Les engagements dans les quatre combinaisons de chaque couple (territoire, région).

    Un groupe d'engagements (voir `_engagements`) compte d'abord dans sa seule
    combinaison (dispositif, année) : montants engagés et versés, nombre
    d'engagements s'ils ne sont pas annulés, chiffres des projets s'il porte leur
    premier engagement non annulé de ce dispositif cette année-là. Les trois autres
    combinaisons en sont ensuite les sommes, sur les années (dispositif, toutes
    années), sur les dispositifs (tous dispositifs, année) ou sur les deux (où seuls
    les engagements comptent : les projets eux-mêmes remplissent cette ligne).

    Un projet engagé sur deux années d'un même dispositif, ou sur deux dispositifs la
    même année, compterait deux fois dans la somme : ses groupes qui ne sont pas
    premiers à ce niveau sont retirés après coup (ils sont rares). Un groupe premier
    du dispositif ou de l'année l'est toujours de sa combinaison (dispositif, année) :
    la somme corrigée compte chaque projet une fois.
    """
    a_retirer: list[tuple[ClePartiel, str, str, tuple]] = []
    for groupe in groupes:
        territoire, region, statut, enjeu, dispositif, annee, annule, *drapeaux, reste = groupe
        premier, premier_dispositif, premier_annee = drapeaux
        nombre, engage, verse, projets = reste
        partiel = partiels[(territoire, region, dispositif, annee)]
        partiel.montant_engage += engage
        partiel.montant_verse += verse
        if annule:
            continue
        partiel.nb_engagements += nombre
        if premier:
            partiel.ajouter_projets(statut, *projets, enjeu=enjeu)
            if not premier_dispositif:
                a_retirer.append(
                    ((territoire, region, dispositif, TOUTES_ANNEES), statut, enjeu, projets)
                )
            if not premier_annee:
                a_retirer.append(
                    ((territoire, region, TOUS_DISPOSITIFS, annee), statut, enjeu, projets)
                )
    combinaisons = [
        (cle, partiel)
        for cle, partiel in partiels.items()
        if cle[2] != TOUS_DISPOSITIFS and cle[3] != TOUTES_ANNEES
    ]
    for (territoire, region, dispositif, annee), partiel in combinaisons:
        partiels[(territoire, region, dispositif, TOUTES_ANNEES)].ajouter(partiel, montants=True)
        partiels[(territoire, region, TOUS_DISPOSITIFS, annee)].ajouter(partiel, montants=True)
        partiels[(territoire, region, TOUS_DISPOSITIFS, TOUTES_ANNEES)].ajouter_engagements(partiel)
    for cle, statut, enjeu, projets in a_retirer:
        partiels[cle].retirer_projets(statut, *projets, enjeu=enjeu)


def _preparer_la_transaction() -> None:
    """PostgreSQL : un recalcul à la fois ; regroupements et tris en mémoire.

    `work_mem` (4 Mo par défaut) ne vaut que pour cette transaction : les tris des
    engagements (fenêtres) et les regroupements restent en mémoire au lieu d'aller
    sur disque, ce qui divise leur durée par deux à 100 000 projets.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SELECT pg_advisory_xact_lock(%s)", [CLE_VERROU])
            curseur.execute("SET LOCAL work_mem = '64MB'")


def _lire_referentiel() -> _Referentiel:
    """Le référentiel entier : quelques centaines de lignes, quel que soit le nombre de projets."""
    territoires = {
        code: (nom, region)
        for code, nom, region in TerritoireIndustrie.objects.order_by().values_list(
            "code", "nom", "region"
        )
    }
    adhesions = Perimetre.objects.en_vigueur().order_by()
    dispositifs = Dispositif.objects.order_by().values_list("id", "code", "nom")
    return _Referentiel(
        regions=dict(Region.objects.order_by().values_list("code", "nom")),
        territoires=territoires,
        territoires_par_region=Counter(region for _nom, region in territoires.values()),
        epci_par_territoire=dict(
            adhesions.values_list("territoire").annotate(n=Count("epci", distinct=True))
        ),
        epci_par_region=dict(
            adhesions.values_list("territoire__region").annotate(n=Count("epci", distinct=True))
        ),
        epci_national=adhesions.aggregate(n=Count("epci", distinct=True))["n"],
        dispositifs={code: nom for _id, code, nom in dispositifs},
        codes_dispositifs={id_: code for id_, code, _nom in dispositifs},
    )


def _amorcer(lignes: defaultdict[Cle, _Ligne], ref: _Referentiel, portee: _Portee) -> None:
    """Tous dispositifs et toutes années, chaque périmètre du référentiel a sa ligne."""
    tout = (TOUS_DISPOSITIFS, TOUTES_ANNEES)
    lignes.setdefault((Niveau.NATIONAL, "", *tout), _Ligne())
    for code in ref.territoires:
        if portee.touche_territoire(code):
            lignes.setdefault((Niveau.TERRITOIRE, code, *tout), _Ligne())
    for code in ref.territoires_par_region:
        if portee.touche_region(code):
            lignes.setdefault((Niveau.REGION, code, *tout), _Ligne())


def _projets(portee: _Portee) -> Iterator[tuple]:
    """Les projets (des territoires touchés), groupés par territoire, région, statut et enjeu.

    La requête est construite par l'ORM et lue par un curseur : quelques milliers de
    lignes, sans la conversion ligne à ligne des résultats de l'ORM.
    """
    if portee.territoires is not None and not portee.territoires:
        return
    groupes = (
        Projet.objects.filter(portee.q_projets())
        .order_by()
        .values_list("territoire", "region", "statut", "enjeu")
        .annotate(
            nombre=Count("id"),
            investissement=Sum("montant_investissement"),
            crees=Sum("emplois_crees"),
            maintenus=Sum("emplois_maintenus"),
            aide=Sum("aide_sollicitee"),
        )
    )
    sql, params = groupes.query.sql_with_params()
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        for territoire, region, statut, enjeu, nombre, *sommes in curseur:
            investissement, crees, maintenus, aide = sommes
            yield (
                territoire,
                region,
                statut,
                enjeu,
                nombre,
                _euros(investissement),
                crees or 0,
                maintenus or 0,
                _euros(aide),
            )


def _engagements(portee: _Portee, codes_dispositifs: dict[int, str]) -> Iterator[tuple]:
    """Les engagements et leurs projets, groupés ; une seule lecture des engagements.

    Par groupe (territoire, région, statut et enjeu du projet, dispositif, année, annulé) :
    nombre d'engagements, montant net engagé (montant moins la part libérée : ce que
    l'engagement retient sur l'enveloppe, annulé ou non), montant versé, et les
    sommes des projets. Un projet engagé deux fois sur le même dispositif ou la même
    année ne doit compter qu'une fois : trois drapeaux (`ROW_NUMBER() = 1`) marquent
    le premier engagement non annulé du projet pour (dispositif, année), pour le
    dispositif toutes années et pour l'année tous dispositifs ; seuls les premiers
    apportent les chiffres du projet à la combinaison correspondante.
    """
    if portee.territoires is not None and not portee.territoires:
        return
    q = connection.ops.quote_name
    projet, engagement, enveloppe = Projet._meta, Engagement._meta, Enveloppe._meta

    def p(nom):
        return f"p.{q(projet.get_field(nom).column)}"

    def e(nom):
        return f"e.{q(engagement.get_field(nom).column)}"

    filtre, params_filtre = portee.sql_projets("p")
    annule = f"CASE WHEN {e('statut')} = %s THEN 1 ELSE 0 END"
    cle = f"{e('projet')}, {annule}"

    def premier(partition, ordre):
        return (
            f"CASE WHEN ROW_NUMBER() OVER (PARTITION BY {cle}, {partition} ORDER BY {ordre}) = 1 "
            "THEN 1 ELSE 0 END"
        )

    dispositif = f"v.{q(enveloppe.get_field('dispositif').column)}"
    groupe = "territoire, region, statut, enjeu, dispositif, annee"
    drapeaux = "annule, premier, premier_dispositif, premier_annee"
    sql = (
        # Noms de tables et de colonnes tirés des modèles ; toutes les valeurs en paramètres.
        f"SELECT {groupe}, {drapeaux}, COUNT(*), SUM(net), SUM(verse), "  # noqa: S608
        "SUM(investissement), SUM(crees), SUM(maintenus), SUM(aide) "
        "FROM ("
        f"SELECT {p('territoire')} AS territoire, {p('region')} AS region, "
        f"{p('statut')} AS statut, {p('enjeu')} AS enjeu, "
        f"{dispositif} AS dispositif, v.annee AS annee, "
        f"{annule} AS annule, "
        f"{e('montant')} - {e('montant_libere')} AS net, {e('montant_verse')} AS verse, "
        f"{p('montant_investissement')} AS investissement, {p('emplois_crees')} AS crees, "
        f"{p('emplois_maintenus')} AS maintenus, {p('aide_sollicitee')} AS aide, "
        f"{premier(f'{dispositif}, v.annee', e('id'))} AS premier, "
        f"{premier(dispositif, 'v.annee, ' + e('id'))} AS premier_dispositif, "
        f"{premier('v.annee', f'{dispositif}, ' + e('id'))} AS premier_annee "
        f"FROM {q(engagement.db_table)} e "
        f"JOIN {q(projet.db_table)} p ON p.id = {e('projet')} "
        f"JOIN {q(enveloppe.db_table)} v ON v.id = {e('enveloppe')} "
        f"WHERE 1 = 1{filtre}"
        f") x GROUP BY {groupe}, {drapeaux}"
    )
    params = [StatutEngagement.ANNULE] * 4 + list(params_filtre)
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        for ligne in curseur:
            (territoire, region, statut, enjeu, dispositif, annee, *drapeaux) = ligne[:10]
            nombre, net, verse, inv, crees, maint, aide = ligne[10:]
            yield (
                territoire,
                region,
                statut,
                enjeu,
                codes_dispositifs[dispositif],
                int(annee),
                *drapeaux,  # annulé, premier (dispositif, année), du dispositif, de l'année
                (
                    nombre,
                    _euros(net),
                    _euros(verse),
                    (nombre, _euros(inv), int(crees or 0), int(maint or 0), _euros(aide)),
                ),
            )


def _ecrire_partiels(partiels: dict[ClePartiel, _Ligne], portee: _Portee) -> set[str]:
    """Remplace les totaux partiels des territoires recalculés ; rend leurs anciennes régions.

    Comme pour les totaux, seules les lignes nouvelles ou changées sont écrites.
    """
    existants = {
        (territoire, region, dispositif, annee): (pk, ancienne)
        for pk, territoire, region, dispositif, annee, ancienne in TotauxPartiels.objects.filter(
            portee.q_partiels()
        )
        .order_by()
        .values_list("id", *CLE_PARTIELS, "empreinte")
    }
    regions_avant = {region for _t, region, _d, _a in existants}
    a_ecrire = []
    for cle, partiel in partiels.items():
        valeurs = partiel.partiel()
        nouvelle = empreinte(valeurs)
        if existants.pop(cle, (None, None))[1] != nouvelle:
            a_ecrire.append(
                TotauxPartiels(
                    **dict(zip(CLE_PARTIELS, cle, strict=True)),
                    **dict(zip(CHAMPS_PARTIELS, valeurs, strict=True)),
                    empreinte=nouvelle,
                )
            )
    TotauxPartiels.objects.bulk_create(
        a_ecrire,
        batch_size=TAILLE_LOT,
        update_conflicts=True,
        unique_fields=CLE_PARTIELS,
        update_fields=[*CHAMPS_PARTIELS, "empreinte"],
    )
    _supprimer(TotauxPartiels, [pk for pk, _empreinte in existants.values()])
    return regions_avant


def _partiels_ecrits(portee: _Portee) -> Iterator[tuple[ClePartiel, _Ligne]]:
    """Les totaux partiels déjà écrits des régions touchées, hors territoires recalculés."""
    ecrits = (
        TotauxPartiels.objects.filter(region__in=sorted(portee.regions or ()))
        .exclude(territoire__in=sorted(portee.territoires or ()))
        .order_by()
        .values_list(*CLE_PARTIELS, *CHAMPS_PARTIELS)
    )
    for ligne in ecrits:
        yield tuple(ligne[:4]), _Ligne.depuis_partiel(*ligne[4:])


def _ajouter_enveloppes(lignes: defaultdict[Cle, _Ligne], portee: _Portee) -> None:
    """Montants des enveloppes régionales (régions touchées) et nationales.

    Le montant national d'un dispositif pour une année est celui de son enveloppe
    nationale (les enveloppes régionales en sont la répartition) ; à défaut
    d'enveloppe nationale, la somme des enveloppes régionales. Les montants engagés
    et versés sont ceux des enveloppes régionales, où se font les engagements.
    """
    nationales: dict[tuple[str, int], Decimal] = {}
    regionales: Counter = Counter()
    engages: Counter = Counter()
    verses: Counter = Counter()
    enveloppes = Enveloppe.objects.order_by().values_list(
        "region", "dispositif__code", "annee", "montant", "montant_engage", "montant_verse"
    )
    for region, dispositif, annee, montant, engage, verse in enveloppes:
        montant, engage, verse = _decimal(montant), _decimal(engage), _decimal(verse)
        engages[(dispositif, annee)] += engage
        verses[(dispositif, annee)] += verse
        if region is None:
            nationales[(dispositif, annee)] = nationales.get((dispositif, annee), ZERO) + montant
            continue
        regionales[(dispositif, annee)] += montant
        if not portee.touche_region(region):
            continue
        for combinaison in _combinaisons(dispositif, annee):
            ligne = lignes[(Niveau.REGION, region, *combinaison)]
            ligne.montant_enveloppe = (ligne.montant_enveloppe or ZERO) + montant
            ligne.montant_engage += engage
            ligne.montant_verse += verse
    for couple in set(nationales) | set(regionales):
        montant = nationales.get(couple, regionales[couple])
        for combinaison in _combinaisons(*couple):
            ligne = lignes[(Niveau.NATIONAL, "", *combinaison)]
            ligne.montant_enveloppe = (ligne.montant_enveloppe or ZERO) + montant
            ligne.montant_engage += engages[couple]
            ligne.montant_verse += verses[couple]


def _ajouter_national(lignes: defaultdict[Cle, _Ligne], portee: _Portee) -> None:
    """Projets et engagements nationaux = somme des lignes des régions.

    Chaque projet est dans une seule région : la somme des régions compte chaque
    projet une fois. Les régions non touchées sont relues dans la table des totaux
    (une ligne par région, dispositif et année), jamais dans les projets. Les
    montants engagés et versés nationaux viennent des enveloppes.
    """
    regions = [(cle, ligne) for cle, ligne in lignes.items() if cle[0] == Niveau.REGION]
    if not portee.complete:
        regions.extend(_lignes_regions_ecrites(exclure=portee.regions or frozenset()))
    for (_niveau, _code, dispositif, annee), ligne in regions:
        lignes[(Niveau.NATIONAL, "", dispositif, annee)].ajouter(ligne, montants=False)


def _lignes_regions_ecrites(*, exclure: frozenset[str]) -> Iterator[tuple[Cle, _Ligne]]:
    """Les lignes déjà écrites des autres régions ; leurs montants engagés et versés, qui
    viennent des enveloppes, ne sont pas repris au national (`ajouter(montants=False)`)."""
    ecrites = (
        Totaux.objects.filter(niveau=Niveau.REGION)
        .exclude(code__in=sorted(exclure))
        .order_by()
        .values_list("code", "dispositif", "annee", *CHAMPS_PARTIELS)
    )
    for code, dispositif, annee, *chiffres in ecrites:
        yield (Niveau.REGION, code, dispositif, annee), _Ligne.depuis_partiel(*chiffres)


def _chiffres(cle: Cle, ligne: _Ligne, ref: _Referentiel) -> dict:
    """Les champs écrits d'une ligne (sauf ses dates), dans l'ordre de `CHAMPS_COMPARES`."""
    niveau, code, dispositif, annee = cle
    if niveau == Niveau.NATIONAL:
        libelle, code_region = LIBELLE_NATIONAL, ""
        nb_territoires, nb_epci = len(ref.territoires), ref.epci_national
    elif niveau == Niveau.REGION:
        libelle, code_region = ref.regions.get(code, code), code
        nb_territoires = ref.territoires_par_region.get(code, 0)
        nb_epci = ref.epci_par_region.get(code, 0)
    else:
        libelle, code_region = ref.territoires.get(code, (code, ""))
        nb_territoires, nb_epci = 1, ref.epci_par_territoire.get(code, 0)
    if niveau == Niveau.TERRITOIRE:
        enveloppe = disponible = None
    else:
        enveloppe = ligne.montant_enveloppe or ZERO
        disponible = enveloppe - ligne.montant_engage
    effet_levier = None
    if ligne.aide_sollicitee > 0:
        effet_levier = (ligne.investissement / ligne.aide_sollicitee).quantize(
            CENTIME, rounding=ROUND_HALF_UP
        )
    par_statut = _sans_zeros(ligne.par_statut)
    return dict(
        libelle=libelle,
        dispositif_nom=ref.dispositifs.get(dispositif, dispositif) or LIBELLE_TOUS_DISPOSITIFS,
        code_region=code_region,
        nb_territoires=nb_territoires,
        nb_intercommunalites=nb_epci,
        nb_projets=sum(par_statut.values()),
        nb_projets_par_statut=par_statut,
        nb_projets_par_enjeu=_sans_zeros(ligne.par_enjeu),
        nb_engagements=ligne.nb_engagements,
        investissement=ligne.investissement,
        emplois_crees=ligne.emplois_crees,
        emplois_maintenus=ligne.emplois_maintenus,
        aide_sollicitee=ligne.aide_sollicitee,
        montant_enveloppe=enveloppe,
        montant_engage=ligne.montant_engage,
        montant_verse=ligne.montant_verse,
        montant_disponible=disponible,
        effet_levier=effet_levier,
    )


def _ecrire(chiffres: dict[Cle, dict], portee: _Portee, calcule_le) -> tuple[int, int]:
    """Écrit les lignes nouvelles ou changées et supprime les disparues ; rien d'autre.

    Seules les lignes dont l'empreinte a changé passent par l'insertion groupée (avec
    mise à jour en cas de conflit) et reçoivent `modifie_le` : un recalcul qui ne
    trouve presque rien de neuf n'écrit presque rien.
    """
    existantes = {
        (niveau, code, dispositif, annee): (pk, ancienne)
        for pk, niveau, code, dispositif, annee, ancienne in Totaux.objects.filter(
            portee.q_totaux()
        )
        .order_by()
        .values_list("id", *CHAMPS_CLE, "empreinte")
    }
    a_ecrire = []
    for cle, valeurs in chiffres.items():
        nouvelle = empreinte(valeurs.values())
        if existantes.pop(cle, (None, None))[1] != nouvelle:
            a_ecrire.append(
                Totaux(
                    **dict(zip(CHAMPS_CLE, cle, strict=True)),
                    **valeurs,
                    empreinte=nouvelle,
                    modifie_le=calcule_le,
                )
            )
    Totaux.objects.bulk_create(
        a_ecrire,
        batch_size=TAILLE_LOT,
        update_conflicts=True,
        unique_fields=CHAMPS_CLE,
        update_fields=[*CHAMPS_COMPARES, "empreinte", "modifie_le"],
    )
    supprimees = _supprimer_disparus([pk for pk, _empreinte in existantes.values()])
    return len(a_ecrire), supprimees


def _supprimer_disparus(ids: list[int]) -> int:
    """Les lignes des périmètres recalculés qui n'existent plus (plus d'enveloppe, etc.)."""
    return _supprimer(Totaux, ids)


def _supprimer(modele, ids: list[int]) -> int:
    supprimees = 0
    for debut in range(0, len(ids), TAILLE_LOT):
        supprimees += modele.objects.filter(pk__in=ids[debut : debut + TAILLE_LOT]).delete()[0]
    return supprimees
