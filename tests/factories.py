"""Fabriques de données de test (noms français, identifiants valides mais fictifs)."""

import datetime
import random

import factory
from django.contrib.auth import get_user_model

from comptes.models import Profil, Role
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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.gouv.fr")
    password = factory.django.Password("mot-de-passe-de-test")


class ProfilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profil

    user = factory.SubFactory(UserFactory)
    role = Role.PREFECTURE
    region_id = "84"
