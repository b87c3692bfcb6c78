"""Comptes, profils, groupes et jetons dans l'administration : l'équipe nationale seulement.

Un agent régional membre de l'équipe de l'administration, même doté de toutes les
permissions Django sur ces modèles, n'y a aucune page : il ne peut ni changer le mot de
passe d'un agent d'une autre région, ni déplacer un profil, ni se donner le rôle national,
ni lire un jeton d'API.
"""

import pytest
from django.contrib.auth.models import Permission

from comptes import jetons
from comptes.models import Profil, Role
from tests.comptes.factories import agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_regional(referentiel):
    """Une préfecture 84 membre de l'équipe de l'administration, avec toutes les permissions
    Django sur les comptes, les groupes et les jetons."""
    user = agent("staff-84", Role.PREFECTURE, "84", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["auth", "comptes"])
    )
    return user


@pytest.fixture
def autre_region(referentiel):
    return agent("prefecture-32-admin", Role.PREFECTURE, "32")


def test_un_staff_regional_n_ouvre_aucune_page_des_comptes(client, staff_regional, autre_region):
    jeton, cle = jetons.creer_jeton(user=autre_region, nom="Script")
    client.force_login(staff_regional)
    adresses = [
        "/admin/auth/user/",
        f"/admin/auth/user/{autre_region.pk}/change/",
        f"/admin/auth/user/{autre_region.pk}/password/",
        f"/admin/auth/user/{staff_regional.pk}/change/",
        "/admin/auth/user/add/",
        "/admin/comptes/profil/",
        f"/admin/comptes/profil/{autre_region.profil.pk}/change/",
        f"/admin/comptes/profil/{staff_regional.profil.pk}/change/",
        "/admin/auth/group/",
        "/admin/comptes/jeton/",
        f"/admin/comptes/jeton/{jeton.pk}/change/",
    ]
    for adresse in adresses:
        reponse = client.get(adresse)
        assert reponse.status_code in (403, 302), adresse
        assert cle not in reponse.content.decode()
    index = client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in index and "/admin/comptes/profil/" not in index


def test_un_staff_regional_ne_se_donne_pas_le_role_national(client, staff_regional):
    client.force_login(staff_regional)
    profil = staff_regional.profil
    reponse = client.post(
        f"/admin/comptes/profil/{profil.pk}/change/",
        {"user": staff_regional.pk, "role": Role.ADMIN_NATIONAL, "region": "", "departement": ""},
    )
    assert reponse.status_code == 403
    profil.refresh_from_db()
    assert (profil.role, profil.region_id) == (Role.PREFECTURE, "84")


def test_un_staff_regional_ne_change_pas_le_mot_de_passe_d_un_autre(
    client, staff_regional, autre_region
):
    client.force_login(staff_regional)
    reponse = client.post(
        f"/admin/auth/user/{autre_region.pk}/password/",
        {"password1": "Nouveau-mot-de-passe-2020", "password2": "Nouveau-mot-de-passe-2020"},
    )
    assert reponse.status_code == 403
    autre_region.refresh_from_db()
    assert autre_region.check_password("mot-de-passe-de-test")


def test_l_equipe_nationale_gere_les_comptes_sans_voir_les_cles(client, autre_region):
    equipe = agent("equipe-nationale", Role.ADMIN_NATIONAL, is_staff=True)
    equipe.user_permissions.set(Permission.objects.all())
    jeton, cle = jetons.creer_jeton(user=autre_region, nom="Script")
    client.force_login(equipe)
    assert client.get(f"/admin/auth/user/{autre_region.pk}/change/").status_code == 200
    reponse = client.post(
        f"/admin/comptes/profil/{autre_region.profil.pk}/change/",
        {"user": autre_region.pk, "role": Role.PREFECTURE, "region": "84", "departement": ""},
    )
    assert reponse.status_code == 302
    assert Profil.objects.get(user=autre_region).region_id == "84"
    for adresse in [
        "/admin/comptes/jeton/",
        f"/admin/comptes/jeton/{jeton.pk}/change/",
    ]:
        reponse = client.get(adresse)
        assert reponse.status_code == 200
        assert cle not in reponse.content.decode()
