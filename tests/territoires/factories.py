"""Le référentiel des tests : le réel (chargé une fois), ou des lieux inventés.

Les tests placent leurs projets dans de vrais Territoires d'industrie (`territoire_reel`) ;
les fabriques ci-dessous inventent une région, un département, un EPCI, une commune ou
un territoire quand un test a besoin d'un lieu hors du référentiel réel.
"""

import datetime
import random

import factory

from territoires.models import (
    Commune,
    Departement,
    Intercommunalite,
    Perimetre,
    Region,
    TerritoireIndustrie,
    TypeEpci,
)
from territoires.validators import cle_luhn_valide, normaliser

factory.Faker._DEFAULT_LOCALE = "fr_FR"


def siren_fictif(n: int) -> str:
    """SIREN valide (clé de Luhn) commençant par 99, absent du référentiel réel."""
    base = f"99{n:06d}"
    for cle in range(10):
        if cle_luhn_valide(base + str(cle)):
            return base + str(cle)
    raise AssertionError("inatteignable")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"X{n % 100:02d}")
    nom = factory.Faker("city")
    zone = "metro"


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"Y{n % 100:02d}")
    nom = factory.Faker("city")
    region = factory.SubFactory(RegionFactory)
    zone = "metro"


class IntercommunaliteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intercommunalite

    siren = factory.Sequence(siren_fictif)
    nom = factory.LazyAttribute(lambda o: f"CC de {o.ville}")
    type = TypeEpci.CC
    nb_communes = 10
    population = factory.LazyFunction(lambda: random.randint(5_000, 200_000))  # noqa: S311
    recherche = factory.LazyAttribute(lambda o: normaliser(f"{o.siren} {o.nom}"))

    class Params:
        ville = factory.Faker("city")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code_insee = factory.Sequence(lambda n: f"Z{n:04d}")
    nom = factory.Faker("city")
    departement = factory.SubFactory(DepartementFactory)
    epci = factory.SubFactory(IntercommunaliteFactory)
    population = 1000
    recherche = factory.LazyAttribute(lambda o: normaliser(o.nom))


class TerritoireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoireIndustrie

    code = factory.Sequence(lambda n: f"{9500 + n % 500}")
    nom = factory.LazyAttribute(lambda o: f"Territoire de {o.ville}")
    region = factory.SubFactory(RegionFactory)
    nb_intercommunalites = 1
    nb_communes = 10
    population = 50_000
    recherche = factory.LazyAttribute(lambda o: normaliser(f"{o.code} {o.nom}"))

    class Params:
        ville = factory.Faker("city")


class PerimetreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perimetre

    territoire = factory.SubFactory(TerritoireFactory)
    epci = factory.SubFactory(IntercommunaliteFactory)
    perimetre = "complet"
    nb_communes = 10
    valide_du = datetime.date(2025, 1, 1)


# Vallée de l'Arve (région 84) et Agglomération Creil Sud Oise (région 32).
TERRITOIRE_84 = "8414"
TERRITOIRE_32 = "3201"


def territoire_reel(code: str = TERRITOIRE_84) -> tuple[TerritoireIndustrie, Commune]:
    """Un territoire du référentiel réel et sa première commune rattachée à un EPCI,
    située dans la région qui pilote le territoire."""
    territoire = TerritoireIndustrie.objects.get(code=code)
    commune = (
        territoire.communes.filter(epci__isnull=False, departement__region_id=territoire.region_id)
        .select_related("departement")
        .order_by("code_insee")
        .first()
    )
    return territoire, commune


def territoire_factice(region_code: str) -> tuple[TerritoireIndustrie, Commune]:
    """Une région, un département, un EPCI, une commune et un territoire inventés."""
    region = RegionFactory(code=region_code, nom=f"Région {region_code}")
    departement = DepartementFactory(code=f"Y{region_code[-2:]}", region=region)
    commune = CommuneFactory(departement=departement)
    territoire = TerritoireFactory(region=region, code=f"95{region_code[-2:]}")
    territoire.communes.add(commune)
    return territoire, commune
