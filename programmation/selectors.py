"""Lectures des simulations. `simulations_visibles_par` est la seule porte d'accès.

Une simulation se voit par les agents qui la préparent (`permissions.peut_programmer`) :
la préfecture de région et le conseil régional de sa région, l'équipe nationale.
Les totaux d'une simulation, quel que soit son nombre de lignes, sont une seule requête
(une agrégation sur ses lignes jointes à leurs projets).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from comptes.scoping import dans_la_portee, portee_de
from fonds.models import Dispositif, Engagement, Enveloppe, StatutEngagement
from programmation import permissions
from programmation.models import ZERO, LigneSimulation, Simulation
from projets.models import Projet, Statut
from projets.selectors import projets_visibles_par

FONDS = "fonds-acceleration"
# Les projets qu'une simulation peut financer : ceux que les deux avis ont retenus, et
# ceux dont l'instruction est en cours (à présélectionner avant l'application).
STATUTS_CANDIDATS = (Statut.PRESELECTIONNE, Statut.EN_INSTRUCTION)


def _zero():
    return Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))


def simulations_visibles_par(user) -> QuerySet[Simulation]:
    if not permissions.peut_programmer(user):
        return Simulation.objects.none()
    return dans_la_portee(Simulation.objects.all(), portee_de(user), lieu="enveloppe__")


def simulations_masquees_dans_la_region(user) -> QuerySet[Simulation]:
    """Les simulations de la région d'un agent régional qu'il ne voit pas (journal d'audit) :
    toutes, pour une préfecture de département."""
    portee = portee_de(user)
    return Simulation.objects.filter(enveloppe__region_id=portee.region_code).exclude(
        pk__in=simulations_visibles_par(user).values("pk")
    )


def lignes_masquees_dans_la_region(user) -> QuerySet[LigneSimulation]:
    return LigneSimulation.objects.filter(
        simulation__in=simulations_masquees_dans_la_region(user).values("pk")
    )


def pour_affichage(qs: QuerySet[Simulation]) -> QuerySet[Simulation]:
    return qs.select_related(
        "enveloppe__dispositif", "enveloppe__region", "auteur", "modifiee_par", "appliquee_par"
    )


def simulation_detail(user, pk: int) -> Simulation:
    """Une simulation visible par l'utilisateur ; `Simulation.DoesNotExist` sinon (404)."""
    return pour_affichage(simulations_visibles_par(user)).get(pk=pk)


def avec_totaux(qs: QuerySet[Simulation]) -> QuerySet[Simulation]:
    """Chaque simulation avec son montant proposé et son nombre de lignes incluses (une
    requête pour toute la liste)."""
    incluses = Q(lignes__incluse=True)
    return qs.annotate(
        propose=Coalesce(Sum("lignes__montant", filter=incluses), _zero()),
        nb_incluses=Count("lignes", filter=incluses),
    )


# --- Candidats et lignes ---------------------------------------------------------------


def _engagements_actifs():
    return Engagement.objects.exclude(statut=StatutEngagement.ANNULE).order_by()


def deja_engage(projet: str = "projet_id"):
    """Les crédits déjà engagés sur le projet (`projet` : le champ qui le désigne ; "pk" pour
    annoter des projets), nets des parts libérées."""
    engagements = (
        _engagements_actifs()
        .filter(projet_id=OuterRef(projet))
        .values("projet_id")
        .annotate(net=Sum(F("montant") - F("montant_libere")))
        .values("net")
    )
    return Coalesce(Subquery(engagements), _zero())


def deja_engage_de(projet_id: int) -> Decimal:
    net = Sum(F("montant") - F("montant_libere"))
    return (
        _engagements_actifs()
        .filter(projet_id=projet_id)
        .aggregate(net=Coalesce(net, _zero()))["net"]
    )


def candidats(region_code: str, annee: int) -> QuerySet[Projet]:
    """Les projets qu'une simulation de cette région et de cette année peut financer."""
    return Projet.objects.filter(region_id=region_code, annee=annee, statut__in=STATUTS_CANDIDATS)


def nouveaux_candidats(simulation: Simulation) -> QuerySet[Projet]:
    """Les candidats apparus depuis la création de la simulation (pas encore dans ses lignes)."""
    enveloppe = simulation.enveloppe
    return candidats(enveloppe.region_id, enveloppe.annee).exclude(
        lignes_de_simulation__simulation=simulation
    )


def lignes_de(simulation: Simulation) -> QuerySet[LigneSimulation]:
    """Les lignes affichées (projet, porteur, territoire, déjà engagé) : une requête."""
    return (
        LigneSimulation.objects.filter(simulation_id=simulation.pk)
        .select_related("projet__territoire", "projet__porteur", "modifiee_par")
        .annotate(deja_engage=deja_engage())
        .order_by("projet__territoire__nom", "projet__intitule", "pk")
    )


def ligne_detail(simulation: Simulation, pk: int) -> LigneSimulation:
    return lignes_de(simulation).get(pk=pk)


# --- Totaux ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Totaux:
    """Les chiffres d'une simulation : ce qu'elle propose et ce qu'il resterait."""

    disponible: Decimal  # le disponible actuel de l'enveloppe
    nb_lignes: int = 0
    nb_incluses: int = 0
    propose: Decimal = ZERO
    investissement: Decimal = ZERO
    emplois_crees: int = 0
    emplois_maintenus: int = 0

    @property
    def reste_apres(self) -> Decimal:
        return self.disponible - self.propose

    @property
    def depassement(self) -> Decimal:
        return max(self.propose - self.disponible, ZERO)

    @property
    def effet_levier(self) -> Decimal | None:
        """Euros d'investissement productif des projets inclus pour un euro proposé."""
        if not self.propose:
            return None
        return (self.investissement / self.propose).quantize(Decimal("0.1"))


def _agregats(prefixe: str = "") -> dict:
    incluses = Q(**{f"{prefixe}incluse": True})
    entier = Value(0, output_field=IntegerField())
    return {
        "nb_lignes": Count(f"{prefixe}pk"),
        "nb_incluses": Count(f"{prefixe}pk", filter=incluses),
        "propose": Coalesce(Sum(f"{prefixe}montant", filter=incluses), _zero()),
        "investissement": Coalesce(
            Sum(f"{prefixe}projet__montant_investissement", filter=incluses), _zero()
        ),
        "emplois_crees": Coalesce(Sum(f"{prefixe}projet__emplois_crees", filter=incluses), entier),
        "emplois_maintenus": Coalesce(
            Sum(f"{prefixe}projet__emplois_maintenus", filter=incluses), entier
        ),
    }


def totaux(simulation: Simulation) -> Totaux:
    """Une requête, quel que soit le nombre de lignes ; l'enveloppe est celle déjà chargée."""
    chiffres = LigneSimulation.objects.filter(simulation_id=simulation.pk).aggregate(**_agregats())
    return Totaux(disponible=simulation.enveloppe.montant_disponible, **chiffres)


def totaux_de(simulations: list[Simulation]) -> dict[int, Totaux]:
    """Les totaux de plusieurs simulations, en une requête (comparaison)."""
    par_simulation = {
        ligne.pop("simulation_id"): ligne
        for ligne in LigneSimulation.objects.filter(simulation__in=simulations)
        .order_by()
        .values("simulation_id")
        .annotate(**_agregats())
    }
    return {
        s.pk: Totaux(disponible=s.enveloppe.montant_disponible, **par_simulation.get(s.pk, {}))
        for s in simulations
    }


# --- Comparaison -----------------------------------------------------------------------


@dataclass
class LigneComparee:
    projet: Projet
    a: LigneSimulation | None = None
    b: LigneSimulation | None = None

    @staticmethod
    def _montant(ligne: LigneSimulation | None) -> Decimal:
        return ligne.montant if ligne is not None and ligne.incluse else ZERO

    @property
    def ecart(self) -> Decimal:
        return self._montant(self.b) - self._montant(self.a)


def comparaison(a: Simulation, b: Simulation) -> list[LigneComparee]:
    """Les projets des deux simulations, côte à côte (une requête)."""
    lignes: dict[int, LigneComparee] = {}
    for ligne in (
        LigneSimulation.objects.filter(simulation__in=[a, b])
        .select_related("projet__territoire")
        .order_by("projet__territoire__nom", "projet__intitule", "projet_id")
    ):
        comparee = lignes.setdefault(ligne.projet_id, LigneComparee(projet=ligne.projet))
        if ligne.simulation_id == a.pk:
            comparee.a = ligne
        else:
            comparee.b = ligne
    return list(lignes.values())


# --- Enveloppes ------------------------------------------------------------------------


def dispositifs_programmables() -> QuerySet[Dispositif]:
    return Dispositif.objects.filter(finance_projets=True).order_by("ordre", "nom")


def enveloppe_regionale(*, region_code: str, annee: int, dispositif: str = FONDS):
    return (
        Enveloppe.objects.select_related("dispositif", "region")
        .filter(region_id=region_code, annee=annee, dispositif__code=dispositif)
        .first()
    )


@dataclass(frozen=True)
class Demandes:
    """Ce que demandent les projets d'une sélection : présélectionnés, en instruction,
    déposés (aide sollicitée)."""

    nb_preselectionnes: int = 0
    preselectionnes: Decimal = ZERO
    nb_en_instruction: int = 0
    en_instruction: Decimal = ZERO
    nb_deposes: int = 0
    deposes: Decimal = ZERO

    @property
    def selection(self) -> Decimal:
        """Les demandes de la présélection : présélectionnées et en attente d'avis."""
        return self.preselectionnes + self.en_instruction


def demandes(projets: QuerySet[Projet]) -> Demandes:
    """Une requête : nombres et aides sollicitées, par statut."""
    agregats = {}
    for cle, statut in (
        ("preselectionnes", Statut.PRESELECTIONNE),
        ("en_instruction", Statut.EN_INSTRUCTION),
        ("deposes", Statut.DEPOSE),
    ):
        filtre = Q(statut=statut)
        agregats[f"nb_{cle}"] = Count("pk", filter=filtre)
        agregats[cle] = Coalesce(Sum("aide_sollicitee", filter=filtre), _zero())
    return Demandes(**projets.order_by().aggregate(**agregats))


# --- L'enveloppe sur la présélection ------------------------------------------------------


@dataclass(frozen=True)
class Bandeau:
    """L'enveloppe d'une région pour une année, et ce que demande la présélection affichée."""

    annee: int
    region_code: str
    enveloppe: Enveloppe | None
    demandes: Demandes
    territoire: object = None  # le territoire choisi, s'il y en a un

    @property
    def disponible(self) -> Decimal:
        return self.enveloppe.montant_disponible if self.enveloppe else ZERO

    @property
    def solde_apres(self) -> Decimal:
        """Le disponible moins les demandes de la sélection (présélectionnées et en attente)."""
        return self.disponible - self.demandes.selection

    @property
    def depassement(self) -> Decimal:
        return max(-self.solde_apres, ZERO)


def bandeau_enveloppe(
    user, *, region_code: str | None, annee: int | None, territoire=None, dispositif: str = FONDS
) -> Bandeau | None:
    """Deux requêtes (l'enveloppe, les demandes) ; rien sans région ni année choisies."""
    if not region_code or not annee:
        return None
    projets = projets_visibles_par(user).filter(region_id=region_code, annee=annee)
    if territoire is not None:
        projets = projets.filter(territoire=territoire)
    return Bandeau(
        annee=annee,
        region_code=region_code,
        enveloppe=enveloppe_regionale(region_code=region_code, annee=annee, dispositif=dispositif),
        demandes=demandes(projets),
        territoire=territoire,
    )


def annees_programmables(dispositif: str = FONDS) -> list[int]:
    """Les années qui ont des enveloppes régionales de ce dispositif."""
    return list(
        Enveloppe.objects.filter(region__isnull=False, dispositif__code=dispositif)
        .order_by("annee")
        .values_list("annee", flat=True)
        .distinct()
    )


def annee_par_defaut(user, annees: list[int], region_code: str | None) -> int | None:
    """L'année la plus récente qui a des candidats (de la région, ou de la portée de l'agent)
    parmi `annees` ; sinon la plus récente de `annees`."""
    if not annees:
        return None
    projets = projets_visibles_par(user).filter(statut__in=STATUTS_CANDIDATS, annee__in=annees)
    if region_code:
        projets = projets.filter(region_id=region_code)
    return projets.aggregate(annee=Max("annee"))["annee"] or annees[-1]


def autres_simulations(simulation: Simulation) -> QuerySet[Simulation]:
    """Les autres simulations de la même enveloppe (pour les comparer)."""
    return (
        Simulation.objects.filter(enveloppe_id=simulation.enveloppe_id)
        .exclude(pk=simulation.pk)
        .order_by("-updated_at", "-pk")
    )
