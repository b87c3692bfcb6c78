import html

import pytest
from django.test import Client

from tests.comptes.factories import ProfilFactory, UserFactory, agent

pytestmark = pytest.mark.django_db

PAGE = "/comptes/mot-de-passe/"
ANCIEN = "mot-de-passe-de-test"
NOUVEAU = "Usine-du-futur-2020"


@pytest.fixture
def prefecture(referentiel):
    return agent("prefecture-mdp")


def _connecter(client):
    reponse = client.post("/comptes/connexion/", {"username": "prefecture-mdp", "password": ANCIEN})
    assert reponse.status_code == 302
    return client


def _texte(reponse):
    return html.unescape(reponse.content.decode())


def test_la_page_demande_une_connexion(client):
    reponse = client.get(PAGE)

    assert reponse.status_code == 302
    assert reponse["Location"] == f"/comptes/connexion/?next={PAGE}"


def test_la_page_est_en_francais_et_liee_depuis_l_en_tete(client, prefecture):
    _connecter(client)

    assert f'href="{PAGE}"' in client.get("/").content.decode()
    texte = _texte(client.get(PAGE))
    assert "<h1>Changer de mot de passe</h1>" in texte
    assert 'for="id_old_password">Mot de passe actuel' in texte
    assert 'for="id_new_password1">Nouveau mot de passe' in texte
    assert 'for="id_new_password2">Confirmation du nouveau mot de passe' in texte
    assert "Votre mot de passe doit contenir au minimum 8 caractères." in texte


@pytest.mark.parametrize(
    ("ancien", "nouveau1", "nouveau2", "erreur"),
    [
        ("faux", NOUVEAU, NOUVEAU, "Votre ancien mot de passe est incorrect"),
        (ANCIEN, "court", "court", "Ce mot de passe est trop court"),
        (ANCIEN, "20201120", "20201120", "Ce mot de passe est entièrement numérique"),
        (ANCIEN, "password123", "password123", "Ce mot de passe est trop courant"),
        (ANCIEN, NOUVEAU, NOUVEAU + "x", "Les deux mots de passe ne correspondent pas"),
    ],
)
def test_un_mot_de_passe_refuse_l_est_en_francais(
    client, prefecture, ancien, nouveau1, nouveau2, erreur
):
    _connecter(client)

    reponse = client.post(
        PAGE, {"old_password": ancien, "new_password1": nouveau1, "new_password2": nouveau2}
    )

    assert reponse.status_code == 200
    assert erreur in _texte(reponse)
    prefecture.refresh_from_db()
    assert prefecture.check_password(ANCIEN)


def test_changer_garde_cette_session_et_ferme_les_autres(client, prefecture):
    navigateur = _connecter(client)
    autre_poste = _connecter(Client())
    assert autre_poste.get("/projets/").status_code == 200

    reponse = navigateur.post(
        PAGE, {"old_password": ANCIEN, "new_password1": NOUVEAU, "new_password2": NOUVEAU}
    )

    assert reponse.status_code == 302 and reponse["Location"] == "/"
    assert "Votre mot de passe a été changé" in _texte(navigateur.get("/"))
    assert navigateur.get("/projets/").status_code == 200
    deconnecte = autre_poste.get("/projets/")
    assert deconnecte.status_code == 302
    assert deconnecte["Location"].startswith("/comptes/connexion/")
    assert "_auth_user_id" not in autre_poste.session
    prefecture.refresh_from_db()
    assert prefecture.check_password(NOUVEAU) and not prefecture.check_password(ANCIEN)


def test_compte_sans_mot_de_passe_utilisable(client, referentiel):
    user = UserFactory(username="agent-proconnect")
    user.set_unusable_password()
    user.save()
    ProfilFactory(user=user)
    client.force_login(user)

    texte = _texte(client.get(PAGE))

    assert "Votre compte n'a pas de mot de passe du portail" in texte
    assert 'name="new_password1"' not in texte
