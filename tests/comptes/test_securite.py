import os

import pytest

from tests.comptes.factories import UserFactory, agent
from tests.processus import manage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_vide():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _essayer(client, mot_de_passe):
    return client.post(
        "/comptes/connexion/", {"username": "agent-verrou", "password": mot_de_passe}
    )


def test_verrouillage_apres_echecs_repetes(client, referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    agent("agent-verrou")
    for _ in range(3):
        assert "Identifiant ou mot de passe incorrect" in _essayer(client, "faux").content.decode()
    # Même le bon mot de passe est refusé tant que le verrou dure.
    reponse = _essayer(client, "mot-de-passe-de-test")
    assert reponse.status_code == 200
    assert "Trop de tentatives de connexion échouées" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_la_connexion_de_l_administration_est_verrouillee_aussi(client, referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    UserFactory(username="admin-verrou", is_staff=True)
    for _ in range(3):
        client.post("/admin/login/", {"username": "admin-verrou", "password": "faux"})
    reponse = client.post(
        "/admin/login/", {"username": "admin-verrou", "password": "mot-de-passe-de-test"}
    )
    assert reponse.status_code == 200
    assert "Trop de tentatives de connexion échouées" in reponse.content.decode()
    assert "_auth_user_id" not in client.session
    # Un agent sans accès à l'administration n'y entre pas, même avec son bon mot de passe.
    UserFactory(username="agent-sans-admin")
    reponse = client.post(
        "/admin/login/", {"username": "agent-sans-admin", "password": "mot-de-passe-de-test"}
    )
    assert reponse.status_code == 200 and "_auth_user_id" not in client.session


def test_un_succes_remet_le_compteur_a_zero(client, referentiel, settings):
    settings.CONNEXION_ECHECS_MAX = 3
    agent("agent-verrou")
    _essayer(client, "faux")
    _essayer(client, "faux")
    assert _essayer(client, "mot-de-passe-de-test").status_code == 302
    client.logout()
    _essayer(client, "faux")
    _essayer(client, "faux")
    assert _essayer(client, "mot-de-passe-de-test").status_code == 302


def test_en_tetes_de_securite(client):
    reponse = client.get("/healthz")
    politique = reponse["Content-Security-Policy"]
    assert "script-src 'self'" in politique and "unsafe-inline" not in politique.split(";")[1]
    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["Referrer-Policy"] == "same-origin"
    assert reponse["X-Content-Type-Options"] == "nosniff"


def test_aucun_script_en_ligne_dans_les_pages(client, referentiel):
    import re

    for url in ["/", "/territoires/", "/territoires/8414/", "/comptes/connexion/", "/api/docs/"]:
        texte = client.get(url).content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", texte, flags=re.S)
        assert scripts, url
        for attributs, contenu in scripts:
            assert "src=" in attributs and not contenu.strip(), (url, attributs, contenu[:80])


def test_check_deploy_sans_avertissement_en_production(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "p" * 20 + "-une-cle-de-production-longue-et-aleatoire-0123456789",
        "ALLOWED_HOSTS": "portail.exemple.gouv.fr",
        "HTTPS": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'verif.sqlite3'}",
        "CACHE_URL": "redis://127.0.0.1:6379/11",
    }
    resultat = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout


def test_secret_key_obligatoire_sans_debug(tmp_path):
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": ""}
    resultat = manage("check", env=env)
    assert resultat.returncode != 0
    assert "SECRET_KEY est obligatoire" in resultat.stderr
