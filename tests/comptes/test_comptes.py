import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comptes.models import Profil, Role
from comptes.scoping import portee_de
from tests.comptes.factories import ProfilFactory, UserFactory, agent

pytestmark = pytest.mark.django_db

URLS_ADMIN = [
    "/admin/",
    "/admin/territoires/region/",
    "/admin/territoires/departement/",
    "/admin/territoires/intercommunalite/?q=arve",
    "/admin/territoires/commune/?q=cluses",
    "/admin/territoires/territoireindustrie/?region__code__exact=84",
    "/admin/territoires/territoireindustrie/8414/change/",
    "/admin/territoires/perimetre/?perimetre__exact=partiel",
    "/admin/comptes/profil/",
    "/admin/auth/user/",
]


@pytest.mark.parametrize("url", URLS_ADMIN)
def test_admin_exige_une_connexion(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", URLS_ADMIN)
def test_admin_accessible_a_l_equipe_nationale(client, referentiel, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 200


def test_recherche_admin_des_territoires(client, referentiel, admin_user):
    client.force_login(admin_user)
    texte = client.get("/admin/territoires/territoireindustrie/?q=arve").content.decode()
    assert "Vallée de l&#x27;Arve" in texte


def test_page_de_connexion_en_francais(client):
    texte = client.get("/comptes/connexion/").content.decode()
    assert "Se connecter au portail" in texte
    assert 'for="id_username">Identifiant' in texte


def test_connexion_puis_deconnexion(client, referentiel):
    agent("prefecture-test")
    reponse = client.post(
        "/comptes/connexion/", {"username": "prefecture-test", "password": "mot-de-passe-de-test"}
    )
    assert reponse.status_code == 302
    texte = client.get("/").content.decode()
    assert "Se déconnecter" in texte and "Préfecture" in texte
    client.post("/comptes/deconnexion/")
    assert "Se connecter" in client.get("/").content.decode()


def test_mauvais_mot_de_passe_message_clair(client, referentiel):
    UserFactory(username="agent-x")
    reponse = client.post("/comptes/connexion/", {"username": "agent-x", "password": "faux"})
    assert reponse.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in reponse.content.decode()


def test_un_profil_regional_doit_avoir_une_region(referentiel):
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Profil.objects.create(user=user, role=Role.REGION)
    profil = Profil(user=user, role=Role.PREFECTURE, region_id="84", departement_id="59")
    with pytest.raises(ValidationError) as erreur:
        profil.full_clean()
    assert "Ce département n'appartient pas à la région choisie." in str(erreur.value)


def test_portee_des_roles(referentiel):
    prefecture = ProfilFactory(role=Role.PREFECTURE, region_id="32", departement_id="59")
    assert portee_de(prefecture.user).region_code == "32"
    assert portee_de(prefecture.user).departement_code == "59"
    assert portee_de(prefecture.user).regionale
    ministere = ProfilFactory(role=Role.MINISTERE, region_id=None)
    assert portee_de(ministere.user).nationale
    sans_profil = UserFactory()
    assert portee_de(sans_profil).aucune
    superuser = get_user_model().objects.create_superuser("racine", "r@exemple.fr", "x")
    assert portee_de(superuser).role == Role.ADMIN_NATIONAL
