"""Les agents des tests : un compte et son profil (rôle, région), comme les ouvre l'équipe
nationale."""

import factory
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from comptes.models import Profil, Role

factory.Faker._DEFAULT_LOCALE = "fr_FR"

ROLES_NATIONAUX = (Role.MINISTERE, Role.ADMIN_NATIONAL)
MOT_DE_PASSE = "mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@exemple.gouv.fr")
    password = factory.django.Password(MOT_DE_PASSE)


class ProfilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profil

    user = factory.SubFactory(UserFactory)
    role = Role.PREFECTURE
    region_id = "84"


def agent(
    username: str,
    role: str = Role.PREFECTURE,
    region: str | None = "84",
    *,
    departement: str | None = None,
    **champs,
):
    """Un compte et son profil ; un rôle national n'a pas de région."""
    if role in ROLES_NATIONAUX:
        region = None
    return ProfilFactory(
        user=UserFactory(username=username, **champs),
        role=role,
        region_id=region,
        departement_id=departement,
    ).user


# Les comptes des démonstrations (mêmes noms que `generer_demo`).
COMPTES = {
    "prefecture-84": (Role.PREFECTURE, "84"),
    "region-84": (Role.REGION, "84"),
    "prefecture-32": (Role.PREFECTURE, "32"),
    "region-32": (Role.REGION, "32"),
    "ministere": (Role.MINISTERE, None),
    "admin-national": (Role.ADMIN_NATIONAL, None),
}


# Les régions dont chacun de ces comptes voit les projets et les crédits (nationaux : toutes).
REGIONS_VUES = [
    ("prefecture-84", {"84"}),
    ("region-84", {"84"}),
    ("prefecture-32", {"32"}),
    ("region-32", {"32"}),
    ("ministere", {"84", "32"}),
    ("admin-national", {"84", "32"}),
]


def creer_comptes() -> dict:
    """Les six comptes de `COMPTES`, par identifiant."""
    return {nom: agent(nom, role, region) for nom, (role, region) in COMPTES.items()}


def client_api(username: str) -> APIClient:
    """Un client de l'API authentifié comme un script : par le jeton de l'agent."""
    client = APIClient()
    reponse = client.post("/api/v1/auth/token/", {"username": username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 200, reponse.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {reponse.json()['token']}")
    # Le premier usage du jeton est noté (une écriture, puis au plus une par minute) : fait
    # ici, il ne compte pas dans les requêtes mesurées par les tests.
    client.get("/api/v1/")
    return client
