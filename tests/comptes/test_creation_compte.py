"""L'équipe nationale ouvre un compte avec son adresse électronique, dont dépendent la
connexion par ProConnect et « mot de passe oublié »."""

import pytest
from django.contrib.auth.models import User

from comptes.models import Role
from tests.comptes.factories import agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def equipe_nationale(client, referentiel):
    compte = agent("equipe", Role.ADMIN_NATIONAL, is_staff=True, is_superuser=True)
    client.force_login(compte)
    return client


def _formulaire(**champs):
    return {
        "username": "prefecture-69",
        "email": "agent.rhone@exemple.fr",
        "first_name": "Claire",
        "last_name": "Martin",
        "usable_password": "true",
        "password1": "Cluses-Arve-2020!",
        "password2": "Cluses-Arve-2020!",
        "profil-TOTAL_FORMS": "0",
        "profil-INITIAL_FORMS": "0",
        **champs,
    }


def test_le_formulaire_d_ajout_demande_l_adresse(equipe_nationale):
    html = equipe_nationale.get("/admin/auth/user/add/").content.decode()
    assert 'name="email"' in html
    assert "Adresse électronique" in html


def test_le_compte_est_cree_avec_son_adresse(equipe_nationale):
    reponse = equipe_nationale.post("/admin/auth/user/add/", _formulaire())
    assert reponse.status_code == 302, reponse.content.decode()[-3000:]
    compte = User.objects.get(username="prefecture-69")
    assert (compte.email, compte.first_name) == ("agent.rhone@exemple.fr", "Claire")


def test_une_adresse_deja_prise_ou_absente_est_refusee(equipe_nationale):
    agent("prefecture-74", email="Agent.Rhone@exemple.fr")
    html = equipe_nationale.post("/admin/auth/user/add/", _formulaire()).content.decode()
    assert "Un autre compte utilise déjà cette adresse électronique." in html
    html = equipe_nationale.post("/admin/auth/user/add/", _formulaire(email="")).content.decode()
    assert not User.objects.filter(username="prefecture-69").exists()
    assert "errorlist" in html
