"""Le référentiel réel, lu une fois : les territoires, leurs communes et les régions.

Rien n'y est inventé : un projet généré est situé dans une vraie commune d'un vrai
Territoire d'industrie (liste d'octobre 2020), avec l'EPCI, le département et la
région de cette commune.
"""

from collections import defaultdict
from dataclasses import dataclass

from territoires.models import Phase, Region, TerritoireIndustrie


@dataclass(frozen=True, slots=True)
class Site:
    """Une commune où situer un projet (elle appartient à un EPCI)."""

    commune: str
    nom: str
    epci: str
    departement: str
    region: str


@dataclass(frozen=True, slots=True)
class Territoire:
    code: str
    region: str  # région de pilotage
    population: int
    nb_intercommunalites: int
    sites: tuple[Site, ...]


@dataclass(frozen=True)
class Referentiel:
    territoires: tuple[Territoire, ...]  # par code ; seulement ceux qui ont une commune
    noms_des_regions: dict[str, str]
    poids_des_regions: dict[str, int]

    def regions(self) -> list[str]:
        """Les régions qui pilotent un territoire, par code."""
        return sorted(self.poids_des_regions)


def lire_referentiel() -> Referentiel:
    """Les territoires de la phase 1, chacun avec ses communes (membres d'un EPCI) situées
    dans sa région de pilotage (à défaut, toutes ses communes) ; trois requêtes.

    Poids des régions, règle de répartition du programme : la population des
    Territoires d'industrie qu'elles pilotent.
    """
    territoires = list(
        TerritoireIndustrie.objects.filter(phase=Phase.PHASE_1)
        .order_by("code")
        .values_list("code", "region_id", "population", "nb_intercommunalites")
    )
    poids: dict[str, int] = defaultdict(int)
    for _code, region, population, _nb in territoires:
        poids[region] += population
    tous, dans_la_region = defaultdict(list), defaultdict(list)
    lien = TerritoireIndustrie.communes.through
    for code, region_pilote, *commune in (
        lien.objects.filter(territoireindustrie__phase=Phase.PHASE_1, commune__epci__isnull=False)
        .values_list(
            "territoireindustrie_id",
            "territoireindustrie__region_id",
            "commune_id",
            "commune__nom",
            "commune__epci_id",
            "commune__departement_id",
            "commune__departement__region_id",
        )
        .order_by("territoireindustrie_id", "commune_id")
    ):
        site = Site(*commune)
        tous[code].append(site)
        if site.region == region_pilote:
            dans_la_region[code].append(site)
    return Referentiel(
        territoires=tuple(
            Territoire(code, region, population, nb, tuple(dans_la_region[code] or tous[code]))
            for code, region, population, nb in territoires
            if tous[code]
        ),
        noms_des_regions=dict(Region.objects.values_list("code", "nom")),
        poids_des_regions=dict(poids),
    )
