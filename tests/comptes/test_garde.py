"""La garde de l'authentification : toutes les entrées par mot de passe (page de connexion,
administration, jeton de l'API) partagent les mêmes compteurs ; un compte verrouillé ne
verrouille pas les autres ; l'adresse du client n'est lue dans X-Forwarded-For qu'à travers
les proxys de confiance."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from comptes import securite
from comptes.models import Jeton
from socle.limites import LimiteEcritures
from tests.comptes.factories import MOT_DE_PASSE, agent
from tests.processus import manage

pytestmark = pytest.mark.django_db

VERROU = "Trop de tentatives de connexion échouées"


@pytest.fixture(autouse=True)
def _cache_vide():
    cache.clear()
    yield
    cache.clear()


def _jeton(client, identifiant, mot_de_passe, **entetes):
    return client.post(
        "/api/v1/auth/token/",
        {"username": identifiant, "password": mot_de_passe},
        format="json",
        **entetes,
    )


def _connexion(client, identifiant, mot_de_passe, **entetes):
    return client.post(
        "/comptes/connexion/", {"username": identifiant, "password": mot_de_passe}, **entetes
    )


def test_le_point_d_entree_du_jeton_est_verrouille_apres_des_echecs(referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    agent("agent-jeton")
    client = APIClient()
    for _ in range(3):
        reponse = _jeton(client, "agent-jeton", "faux")
        assert reponse.status_code == 400
        assert reponse.json()["erreurs"]["non_field_errors"] == [
            "Identifiant ou mot de passe incorrect."
        ]
    reponse = _jeton(client, "agent-jeton", MOT_DE_PASSE)
    assert reponse.status_code == 400
    assert VERROU in reponse.json()["erreurs"]["non_field_errors"][0]
    assert not Jeton.objects.filter(user__username="agent-jeton").exists()


def test_un_compte_verrouille_par_le_jeton_l_est_aussi_sur_la_page_de_connexion(
    client, referentiel, settings
):
    settings.CONNEXION_ECHECS_MAX = 3
    agent("agent-jeton")
    for _ in range(3):
        _jeton(APIClient(), "agent-jeton", "faux")
    reponse = _connexion(client, "agent-jeton", MOT_DE_PASSE)
    assert VERROU in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_un_compte_verrouille_par_la_page_ne_recoit_pas_de_jeton(client, referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    agent("agent-jeton")
    for _ in range(3):
        _connexion(client, "agent-jeton", "faux")
    reponse = _jeton(APIClient(), "agent-jeton", MOT_DE_PASSE)
    assert reponse.status_code == 400 and "token" not in reponse.json()


def test_le_point_d_entree_du_jeton_est_limite_en_debit(referentiel, settings, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"jeton": "4/minute"})
    settings.CONNEXION_ECHECS_MAX = 100
    agent("agent-jeton")
    client = APIClient()
    statuts = [_jeton(client, f"inconnu-{i}", "faux").status_code for i in range(4)]
    assert statuts == [400] * 4
    reponse = _jeton(client, "agent-jeton", MOT_DE_PASSE)
    assert reponse.status_code == 429
    assert "token" not in reponse.json()


def test_un_compte_verrouille_laisse_les_autres_se_connecter_de_la_meme_adresse(
    client, referentiel, settings
):
    settings.CONNEXION_ECHECS_MAX = 3
    agent("agent-verrouille")
    agent("agent-voisin")
    for _ in range(5):
        _connexion(client, "agent-verrouille", "faux")
    assert VERROU in _connexion(client, "agent-verrouille", MOT_DE_PASSE).content.decode()

    reponse = _connexion(client, "agent-voisin", MOT_DE_PASSE)
    assert reponse.status_code == 302
    assert client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username="agent-voisin").pk
    )
    assert _jeton(APIClient(), "agent-voisin", MOT_DE_PASSE).status_code == 200


def test_une_adresse_qui_essaie_beaucoup_de_comptes_est_arretee(client, referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    settings.CONNEXION_ECHECS_MAX_ADRESSE = 6
    agent("agent-vise")
    for i in range(6):
        _connexion(client, f"compte-{i}", "faux")
    reponse = _connexion(client, "agent-vise", MOT_DE_PASSE)
    assert VERROU in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_derriere_un_proxy_de_confiance_chaque_client_a_son_adresse(client, referentiel, settings):
    """Derrière le proxy TLS, tous les agents arrivent de l'adresse du proxy : la garde lit
    celle que le proxy a ajoutée à X-Forwarded-For ; une machine qui essaie des mots de passe
    est arrêtée, ses voisins derrière le même proxy non."""
    settings.PROXIES_DE_CONFIANCE = 1
    settings.CONNEXION_ECHECS_MAX_ADRESSE = 4
    agent("agent-honnete")
    attaquant = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    for i in range(4):
        _connexion(client, f"compte-{i}", "faux", **attaquant)
    assert VERROU in _connexion(client, "agent-honnete", MOT_DE_PASSE, **attaquant).content.decode()

    voisin = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _connexion(client, "agent-honnete", MOT_DE_PASSE, **voisin).status_code == 302


def test_sans_proxy_de_confiance_x_forwarded_for_est_ignore(client, referentiel, settings):
    """Un client qui écrit lui-même X-Forwarded-For ne change pas d'adresse à chaque essai."""
    settings.PROXIES_DE_CONFIANCE = 0
    settings.CONNEXION_ECHECS_MAX_ADRESSE = 4
    agent("agent-vise")
    for i in range(4):
        _connexion(client, f"compte-{i}", "faux", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    reponse = _connexion(client, "agent-vise", MOT_DE_PASSE, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert VERROU in reponse.content.decode()


@pytest.mark.parametrize(
    ("proxies", "chaine", "attendue"),
    [
        (0, "203.0.113.1", "10.0.0.2"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "6.6.6.6, 203.0.113.1", "203.0.113.1"),  # ce que le client a écrit est ignoré
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.9", "203.0.113.1"),
        (1, "pas-une-adresse", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_adresse_du_client(rf, settings, proxies, chaine, attendue):
    settings.PROXIES_DE_CONFIANCE = proxies
    requete = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=chaine)
    assert securite.adresse_client(requete) == attendue


def test_l_equipe_nationale_leve_le_verrou_d_un_compte(client, referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    verrouille = agent("agent-verrouille")
    for _ in range(3):
        _connexion(client, "agent-verrouille", "faux")
    equipe = agent("equipe", "admin_national", is_staff=True, is_superuser=True)

    client.force_login(equipe)
    reponse = client.post(
        "/admin/auth/user/",
        {"action": "deverrouiller", "_selected_action": [verrouille.pk]},
        follow=True,
    )
    assert "Verrou de connexion levé : agent-verrouille." in reponse.content.decode()
    client.logout()
    assert _connexion(client, "agent-verrouille", MOT_DE_PASSE).status_code == 302


def test_les_ecritures_de_l_api_sont_limitees_en_debit(comptes, monkeypatch):
    monkeypatch.setattr(LimiteEcritures, "rate", "2/minute", raising=False)
    client = APIClient()
    client.force_authenticate(comptes["prefecture-84"])
    statuts = [client.post("/api/v1/projets/", {}, format="json").status_code for _ in range(3)]
    assert statuts == [400, 400, 429]
    # Les lectures ne sont pas comptées avec les écritures.
    assert client.get("/api/v1/projets/").status_code == 200


def _env_production(tmp_path, **autres):
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "p" * 20 + "-une-cle-de-production-longue-et-aleatoire-0123456789",
        "ALLOWED_HOSTS": "portail.exemple.gouv.fr",
        "HTTPS": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'verif.sqlite3'}",
        **autres,
    }


def test_check_deploy_echoue_sans_cache_partage(tmp_path):
    env = _env_production(tmp_path)
    env.pop("CACHE_URL", None)
    resultat = manage("check", "--deploy", env=env)
    assert resultat.returncode != 0
    assert "comptes.E001" in resultat.stderr
    assert "CACHE_URL" in resultat.stderr


def test_check_deploy_refuse_un_cache_par_processus(tmp_path):
    resultat = manage(
        "check", "--deploy", env=_env_production(tmp_path, CACHE_URL="locmemcache://")
    )
    assert resultat.returncode != 0 and "comptes.E001" in resultat.stderr
