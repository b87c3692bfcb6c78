"""Le planificateur : d'un scénario et du référentiel réel, toutes les lignes à écrire.

Les étapes sont les mêmes pour tous les scénarios, et déterministes pour une graine :

1. les projets sont répartis entre les territoires (au moins un chacun, s'il y a
   assez de projets) au prorata de `population / 10 000 + 2 × nombre d'EPCI`, par la
   méthode des plus forts restes, chacun sur une commune tirée parmi celles du
   territoire ;
2. chaque cohorte du scénario prend ses projets : une cohorte au montant fixé les
   choisit région par région (nombre et montant au prorata du poids des régions, au
   moins un projet par région), les autres au hasard parmi ceux qui restent ; les
   statuts d'une cohorte sont en nombres exacts, les années tirées selon leurs poids ;
3. le Fonds reçoit ses crédits (les opérations du scénario), les autres dispositifs
   leurs enveloppes nationales ;
4. chaque projet, dans l'ordre des territoires, reçoit ses chiffres, son porteur, ses
   engagements et versements, ses avis et son historique (`recit`) ;
5. sans opérations du Fonds, ses enveloppes sont dimensionnées sur les engagements.
"""

import datetime
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from pilotage.generation.agents import Auteurs
from pilotage.generation.credits import Caisse
from pilotage.generation.lignes import CleEnveloppe, LigneDispositif, Plan
from pilotage.generation.recit import ProjetPrevu, Recit, Tranche
from pilotage.generation.referentiel import Referentiel, Site, Territoire
from pilotage.generation.repartition import (
    au_millier,
    repartir_entier,
    repartir_montant,
)
from pilotage.generation.scenarios import FONDS, Cohorte, Scenario
from pilotage.generation.tirages import (
    chiffres_finances,
    chiffres_libres,
    jour_entre,
    sirens_fictifs,
)
from projets.models import Statut

STATUTS_FINANCES = (Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE)
PREMIERE_TRANCHE = Decimal("0.6")


@dataclass(slots=True)
class _Destin:
    territoire: Territoire
    site: Site
    cohorte: Cohorte | None = None
    statut: str = ""
    annee: int = 0
    engagement: Decimal | None = None  # fixé d'avance (cohorte au montant fixé)
    emplois: int | None = None


def planifier(scenario: Scenario, referentiel: Referentiel, auteurs: Auteurs) -> Plan:
    rng = random.Random(scenario.graine)  # noqa: S311 (données fictives, pas de la cryptographie)
    destins = _placer(rng, scenario.nb_projets, referentiel)
    _distribuer(rng, scenario, destins, referentiel.poids_des_regions)
    plan = Plan(
        dispositifs=[
            LigneDispositif(d.code, d.nom, d.montant_annonce, d.finance_projets, ordre)
            for ordre, d in enumerate(scenario.dispositifs)
        ]
    )
    caisse = Caisse(
        rng=rng,
        admin=auteurs.admin,
        poids_des_regions=referentiel.poids_des_regions,
        fin=scenario.fin,
    )
    for dispositif in scenario.dispositifs:
        for dotation in dispositif.nationales:
            caisse.appliquer(dispositif.code, dotation)
    for operation in scenario.operations_du_fonds:
        caisse.appliquer(FONDS, operation)
    nb_entreprises = max(1, math.ceil(len(destins) / scenario.projets_par_entreprise))
    recit = Recit(
        rng=rng,
        scenario=scenario,
        referentiel=referentiel,
        auteurs=auteurs,
        caisse=caisse,
        plan=plan,
        sirens=sirens_fictifs(rng, nb_entreprises),
    )
    derniere_annee = max(scenario.annees_dimensionnees, default=0)
    for destin in destins:
        chiffres = (
            chiffres_libres(rng)
            if destin.engagement is None
            else chiffres_finances(rng, destin.engagement, destin.emplois)
        )
        credits = _credits(rng, destin, chiffres.aide_sollicitee, caisse, derniere_annee)
        statut = destin.statut
        if statut in STATUTS_FINANCES and not credits:
            statut = Statut.PRESELECTIONNE  # faute de crédits disponibles
        recit.raconter(
            ProjetPrevu(
                destin.site, destin.territoire.code, statut, destin.annee, chiffres, credits
            )
        )
    if scenario.annees_dimensionnees:
        caisse.dimensionner(FONDS, scenario.annees_dimensionnees, referentiel.regions())
    plan.enveloppes = caisse.enveloppes()
    plan.mouvements, plan.engagements = caisse.mouvements, caisse.engagements
    plan.versements = caisse.versements
    return plan


def _placer(rng: random.Random, nombre: int, referentiel: Referentiel) -> list[_Destin]:
    territoires = referentiel.territoires
    poids = {t.code: t.population / 10_000 + 2 * t.nb_intercommunalites for t in territoires}
    minimum = 1 if nombre >= len(territoires) else 0
    par_territoire = repartir_entier(nombre, poids, minimum=minimum)
    return [
        _Destin(territoire, rng.choice(territoire.sites))
        for territoire in territoires
        for _ in range(par_territoire[territoire.code])
    ]


def _distribuer(rng, scenario: Scenario, destins: list[_Destin], poids_des_regions) -> None:
    """Chaque projet reçoit sa cohorte, son statut, son année (et son engagement fixé)."""
    libres = list(destins)
    for cohorte in scenario.cohortes:
        if cohorte.credits and cohorte.credits.total is not None:
            choisis = _choisir_par_region(rng, cohorte, libres, poids_des_regions)
            _attribuer(rng, cohorte, choisis)
            pris = {id(destin) for destin in choisis}
            libres = [destin for destin in libres if id(destin) not in pris]
    rng.shuffle(libres)
    debut = 0
    for cohorte in scenario.cohortes:
        if not (cohorte.credits and cohorte.credits.total is not None):
            _attribuer(rng, cohorte, libres[debut : debut + cohorte.nombre])
            debut += cohorte.nombre
    if debut != len(libres):
        raise ValueError("Les cohortes du scénario doivent couvrir tous les projets.")


def _choisir_par_region(rng, cohorte: Cohorte, libres, poids_des_regions) -> list[_Destin]:
    """Nombre de projets et montant au prorata du poids des régions ; dans une région, le
    montant partagé selon des poids tirés au hasard ; les emplois au prorata des montants."""
    par_region = defaultdict(list)
    for destin in libres:
        par_region[destin.site.region].append(destin)
    poids = {r: p for r, p in poids_des_regions.items() if par_region[r]}
    nombres = repartir_entier(cohorte.nombre, poids, minimum=1)
    montants = repartir_montant(cohorte.credits.total, poids)
    choisis = []
    for region, nombre in sorted(nombres.items()):
        elus = rng.sample(par_region[region], nombre)
        parts = repartir_montant(
            montants[region], {i: rng.uniform(0.4, 1.6) for i in range(nombre)}
        )
        for i, destin in enumerate(elus):
            destin.engagement = parts[i]
            choisis.append(destin)
    if cohorte.credits.emplois is not None:
        emplois = repartir_entier(
            cohorte.credits.emplois, {i: float(d.engagement) for i, d in enumerate(choisis)}
        )
        for i, destin in enumerate(choisis):
            destin.emplois = emplois[i]
    return choisis


def _attribuer(rng, cohorte: Cohorte, destins: list[_Destin]) -> None:
    nombres = repartir_entier(len(destins), dict(cohorte.statuts))
    statuts = [statut for statut, _poids in cohorte.statuts for _ in range(nombres[statut])]
    rng.shuffle(statuts)
    annees, poids = zip(*cohorte.annees, strict=True)
    for destin, statut in zip(destins, statuts, strict=True):
        destin.cohorte, destin.statut = cohorte, statut
        destin.annee = rng.choices(annees, weights=poids)[0]


def _credits(
    rng, destin: _Destin, aide: Decimal, caisse: Caisse, derniere_annee: int
) -> list[Tranche]:
    """Les engagements prévus d'un projet.

    Jamais plus que l'aide sollicitée ; au plus la part prévue du disponible de
    l'enveloppe ; parfois en deux tranches (60 % puis 40 % l'année suivante).
    """
    credits = destin.cohorte.credits if destin.cohorte else None
    if credits is None:
        return []
    annee = credits.annee or destin.annee
    if destin.engagement is not None:
        tranches = [(annee, destin.engagement)]
    else:
        montant = max(Decimal(1000), min(aide, au_millier(aide * _tirage(rng, credits))))
        if credits.part_du_disponible is not None:
            disponible = caisse.disponible(CleEnveloppe(FONDS, annee, destin.site.region))
            plafond = disponible * Decimal(str(credits.part_du_disponible))
            montant = au_millier(min(montant, plafond), ROUND_DOWN)
            if montant <= 0:
                return []
        tranches = [(annee, montant)]
        if annee < derniere_annee and montant >= 2000 and rng.random() < credits.seconde_tranche:
            premiere = au_millier(montant * PREMIERE_TRANCHE)
            tranches = [(annee, premiere), (annee + 1, montant - premiere)]
    (mois_debut, jour_debut), (mois_fin, jour_fin) = credits.periode
    return [
        Tranche(
            annee,
            montant,
            jour_entre(
                rng,
                datetime.date(annee, mois_debut, jour_debut),
                datetime.date(annee, mois_fin, jour_fin),
            ),
        )
        for annee, montant in tranches
    ]


def _tirage(rng, credits) -> Decimal:
    bas, haut = credits.part_de_l_aide
    return Decimal(str(round(rng.uniform(bas, haut), 2)))
