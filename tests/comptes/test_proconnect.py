"""Connexion par ProConnect, de bout en bout, avec un faux fournisseur sur 127.0.0.1.

Le client de test de Django joue le navigateur côté portail ; `requests` le joue chez le
fournisseur. Le portail, lui, appelle le fournisseur par le réseau (jeton, clés, userinfo).
"""

import html
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache

from comptes.models import Profil
from projets.models import Statut
from tests.comptes.factories import UserFactory, agent, creer_comptes
from tests.comptes.fournisseur_oidc import CLIENT_ID, FournisseurOIDC
from tests.projets.factories import CAUFFRY, CLUSES, projet_au_statut
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db

DEPART = "/comptes/proconnect/connexion/"
RETOUR = "/comptes/proconnect/retour/"
CONNEXION = "/comptes/connexion/"
ECHEC = "La connexion avec ProConnect n'a pas abouti."


@pytest.fixture
def fournisseur(settings):
    fournisseur = FournisseurOIDC().demarrer()
    for nom, valeur in fournisseur.reglages().items():
        setattr(settings, nom, valeur)
    yield fournisseur
    fournisseur.arreter()


def _agent(email="camille.durand@exemple.gouv.fr", region="84", **champs):
    return agent("prefecture-aura", region=region, email=email, **champs)


def _chez_le_fournisseur(client, suivant=""):
    """Clic sur le bouton, puis passage chez le fournisseur ; renvoie l'adresse de retour."""
    depart = client.get(DEPART + (f"?next={suivant}" if suivant else ""))
    assert depart.status_code == 302
    reponse = requests.get(depart["Location"], allow_redirects=False, timeout=5)
    assert reponse.status_code == 302, reponse.text
    retour = urlsplit(reponse.headers["Location"])
    assert f"{retour.scheme}://{retour.netloc}{retour.path}" == f"http://testserver{RETOUR}"
    return f"{retour.path}?{retour.query}"


def _se_connecter(client, suivant=""):
    return client.get(_chez_le_fournisseur(client, suivant))


def _connecte(client):
    return client.session.get("_auth_user_id")


def _page_de_connexion(client):
    return html.unescape(client.get(CONNEXION).content.decode())


@pytest.mark.parametrize("format_userinfo", ["jwt", "json"])
def test_un_agent_connu_se_connecte_et_voit_sa_region(
    client, referentiel, fournisseur, format_userinfo
):
    fournisseur.format_userinfo = format_userinfo
    # ProConnect transmet l'adresse en minuscules ; le compte l'a avec des majuscules.
    fournisseur.email = "camille.durand@exemple.gouv.fr"
    compte = _agent(email="Camille.Durand@Exemple.gouv.fr")
    comptes = creer_comptes()
    projet_au_statut(
        Statut.DEPOSE,
        prefecture=comptes["prefecture-84"],
        intitule="Ligne de décolletage à Cluses",
        commune=CLUSES,
    )
    projet_au_statut(
        Statut.DEPOSE,
        prefecture=comptes["prefecture-32"],
        intitule="Atelier de mécanique à Cauffry",
        territoire=TERRITOIRE_32,
        commune=CAUFFRY,
    )
    nb_utilisateurs = get_user_model().objects.count()

    depart = client.get(f"{DEPART}?next=/projets/")

    assert depart.status_code == 302
    adresse = urlsplit(depart["Location"])
    assert f"{adresse.scheme}://{adresse.netloc}{adresse.path}" == f"{fournisseur.url}/authorize"
    parametres = parse_qs(adresse.query)
    assert parametres["client_id"] == [CLIENT_ID]
    assert parametres["response_type"] == ["code"]
    assert parametres["redirect_uri"] == [f"http://testserver{RETOUR}"]
    assert {"openid", "email"} <= set(parametres["scope"][0].split())
    assert len(parametres["state"][0]) >= 32 and len(parametres["nonce"][0]) >= 32

    chez_fournisseur = requests.get(depart["Location"], allow_redirects=False, timeout=5)
    retour = urlsplit(chez_fournisseur.headers["Location"])
    assert parse_qs(retour.query)["state"] == parametres["state"]
    reponse = client.get(f"{retour.path}?{retour.query}")

    assert reponse.status_code == 302
    assert reponse["Location"] == "/projets/"
    assert int(_connecte(client)) == compte.pk
    assert {"/token", "/jwks", "/userinfo"} <= set(fournisseur.requetes)
    page = client.get("/projets/").content.decode()
    assert "Ligne de décolletage à Cluses" in page
    assert "Atelier de mécanique à Cauffry" not in page
    assert "Se déconnecter" in page
    assert get_user_model().objects.count() == nb_utilisateurs


@pytest.mark.parametrize(
    ("cas", "message"),
    [
        (
            "inconnu",
            "Aucun compte du portail n'est associé à l'adresse camille.durand@exemple.gouv.fr : "
            "demandez à l'équipe nationale du programme",
        ),
        ("desactive", "Le compte du portail associé à l'adresse camille.durand@exemple.gouv.fr"),
        ("sans_profil", "n'a pas encore de rôle ni de région"),
        ("superutilisateur_sans_profil", "n'a pas encore de rôle ni de région"),
        ("en_double", "Plusieurs comptes du portail portent l'adresse"),
    ],
)
def test_un_compte_non_reconnu_est_refuse_sans_rien_creer(
    client, referentiel, fournisseur, caplog, cas, message
):
    caplog.set_level(logging.INFO, logger="comptes.connexion")
    if cas == "inconnu":
        _agent(email="quelqu.un@exemple.gouv.fr")
    elif cas == "desactive":
        _agent(is_active=False)
    elif cas == "sans_profil":
        UserFactory(email="camille.durand@exemple.gouv.fr")
    elif cas == "superutilisateur_sans_profil":
        UserFactory(email="camille.durand@exemple.gouv.fr", is_superuser=True, is_staff=True)
    else:
        _agent()
        agent("doublon", email="CAMILLE.durand@exemple.gouv.fr")
    nb_utilisateurs, nb_profils = get_user_model().objects.count(), Profil.objects.count()

    reponse = _se_connecter(client)

    assert reponse.status_code == 302
    assert reponse["Location"] == CONNEXION
    assert _connecte(client) is None
    assert message in _page_de_connexion(client)
    assert get_user_model().objects.count() == nb_utilisateurs
    assert Profil.objects.count() == nb_profils
    assert any(
        "Connexion ProConnect refusée" in trace.getMessage()
        and "camille.durand@exemple.gouv.fr" in trace.getMessage()
        for trace in caplog.records
    )


def test_un_state_qui_ne_correspond_pas_est_refuse(client, referentiel, fournisseur):
    _agent()
    retour = urlsplit(_chez_le_fournisseur(client))
    code = parse_qs(retour.query)["code"][0]

    reponse = client.get(RETOUR, {"code": code, "state": "un-state-fabrique-ailleurs"})

    assert reponse.status_code == 302 and reponse["Location"] == CONNEXION
    assert _connecte(client) is None
    assert "/token" not in fournisseur.requetes  # le code n'a pas été échangé
    assert ECHEC in _page_de_connexion(client)


def test_un_retour_sans_demande_dans_la_session_est_refuse(client, referentiel, fournisseur):
    _agent()
    retour = _chez_le_fournisseur(client)
    autre_navigateur = client.__class__()

    reponse = autre_navigateur.get(retour)

    assert reponse.status_code == 302 and reponse["Location"] == CONNEXION
    assert _connecte(autre_navigateur) is None
    assert "/token" not in fournisseur.requetes


def test_un_retour_rejoue_est_refuse(client, referentiel, fournisseur):
    _agent()
    retour = _chez_le_fournisseur(client)
    assert client.get(retour).status_code == 302
    assert _connecte(client) is not None
    client.logout()

    reponse = client.get(retour)

    assert reponse["Location"] == CONNEXION
    assert _connecte(client) is None


@pytest.mark.parametrize(
    ("reglage", "valeur"),
    [
        ("signer_avec_autre_cle", True),  # signature qui ne correspond pas aux clés publiées
        ("nonce_force", "un-autre-nonce"),
        ("audience", "un-autre-service"),
        ("sub_userinfo", "un-autre-agent"),
    ],
)
def test_un_jeton_invalide_est_refuse(client, referentiel, fournisseur, reglage, valeur):
    _agent()
    setattr(fournisseur, reglage, valeur)

    reponse = _se_connecter(client)

    assert reponse.status_code == 302 and reponse["Location"] == CONNEXION
    assert _connecte(client) is None
    assert ECHEC in _page_de_connexion(client)


def test_l_agent_qui_annule_chez_proconnect_revient_a_la_connexion(client, fournisseur):
    client.get(DEPART)

    reponse = client.get(RETOUR, {"error": "access_denied", "state": "x"})

    assert reponse["Location"] == CONNEXION
    assert ECHEC in _page_de_connexion(client)


def test_deconnexion_ferme_aussi_la_session_proconnect(client, referentiel, fournisseur):
    _agent()
    _se_connecter(client)

    reponse = client.post("/comptes/deconnexion/")

    assert reponse.status_code == 302
    adresse = urlsplit(reponse["Location"])
    assert f"{adresse.scheme}://{adresse.netloc}{adresse.path}" == f"{fournisseur.url}/logout"
    parametres = parse_qs(adresse.query)
    assert parametres["id_token_hint"] == [fournisseur.id_tokens[-1]]
    assert parametres["post_logout_redirect_uri"] == ["http://testserver/"]
    assert _connecte(client) is None
    chez_fournisseur = requests.get(reponse["Location"], allow_redirects=False, timeout=5)
    assert chez_fournisseur.headers["Location"].startswith("http://testserver/?state=")
    assert "Se connecter" in client.get("/").content.decode()


def test_page_de_connexion_propose_proconnect_quand_il_est_configure(client, fournisseur):
    page = client.get(f"{CONNEXION}?next=/projets/").content.decode()

    assert f'href="{DEPART}?next=/projets/"' in page
    assert "S'identifier avec ProConnect" in page
    assert 'name="username"' in page  # le mot de passe reste possible


def test_sans_identifiant_client_proconnect_est_absent(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""

    page = client.get(CONNEXION).content.decode()

    assert "ProConnect" not in page
    assert client.get(DEPART).status_code == 404
    assert client.get(RETOUR, {"code": "x", "state": "y"}).status_code == 404


def test_mot_de_passe_et_verrouillage_inchanges_avec_proconnect(
    client, referentiel, fournisseur, settings
):
    cache.clear()
    settings.CONNEXION_ECHECS_MAX = 2
    agent("agent-mdp")
    identifiants = {"username": "agent-mdp", "password": "mot-de-passe-de-test"}

    assert client.post(CONNEXION, identifiants).status_code == 302
    # Connecté par mot de passe : la déconnexion ne passe pas par le fournisseur.
    assert client.post("/comptes/deconnexion/")["Location"] == "/"
    for _ in range(2):
        client.post(CONNEXION, {**identifiants, "password": "faux"})
    reponse = client.post(CONNEXION, identifiants)

    assert "Trop de tentatives de connexion échouées" in reponse.content.decode()
    assert _connecte(client) is None
    assert fournisseur.requetes == []
    cache.clear()
