"""Les jetons d'API : gardés hachés, nommés, datés, expirés, révoqués par leur agent et par
un changement de mot de passe ou la désactivation du compte."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from comptes import jetons
from comptes.models import Jeton
from tests.comptes.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db


def _api(cle):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {cle}")
    return client


def _obtenir(username="prefecture-84", **corps):
    reponse = APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": MOT_DE_PASSE, **corps},
        format="json",
    )
    assert reponse.status_code == 200, reponse.content
    return reponse.json()


def test_le_jeton_est_garde_hache_et_expire_dans_trente_jours(comptes, settings):
    settings.API_JETON_DUREE_JOURS = 30
    donnees = _obtenir(nom="Tableur de suivi")
    cle = donnees["token"]

    jeton = Jeton.objects.get(user=comptes["prefecture-84"])
    assert donnees["nom"] == jeton.nom == "Tableur de suivi"
    assert cle.startswith("ti_") and len(cle) > 40
    # Nulle part en base : seulement son empreinte.
    with connection.cursor() as curseur:
        curseur.execute("SELECT * FROM comptes_jeton")
        lignes = curseur.fetchall()
    assert lignes and all(cle not in str(ligne) for ligne in lignes)
    assert jeton.empreinte == jetons.empreinte(cle)
    attendu = timezone.now() + datetime.timedelta(days=30)
    assert abs(jeton.expire_le - attendu) < datetime.timedelta(minutes=1)
    assert _api(cle).get("/api/v1/projets/").status_code == 200


def test_le_dernier_usage_est_note(comptes):
    cle = _obtenir()["token"]
    assert Jeton.objects.get().dernier_usage is None
    _api(cle).get("/api/v1/regions/")
    assert Jeton.objects.get().dernier_usage is not None


def test_un_ancien_jeton_est_refuse_apres_un_changement_de_mot_de_passe(client, comptes):
    cle = _obtenir()["token"]
    assert _api(cle).get("/api/v1/projets/").status_code == 200

    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        "/comptes/mot-de-passe/",
        {
            "old_password": MOT_DE_PASSE,
            "new_password1": "Nouveau-mot-de-passe-2020",
            "new_password2": "Nouveau-mot-de-passe-2020",
        },
        follow=True,
    )
    assert "vos jetons d&#x27;API révoqués (1)" in reponse.content.decode()
    reponse = _api(cle).get("/api/v1/projets/")
    assert reponse.status_code == 401
    assert reponse.json()["code"] == "jeton_invalide"
    assert not Jeton.objects.exists()


def test_un_mot_de_passe_change_ailleurs_invalide_aussi_les_jetons(comptes):
    """Administration, réinitialisation : tout changement du mot de passe compte."""
    cle = _obtenir()["token"]
    agent = comptes["prefecture-84"]
    agent.set_password("Change-par-l-administration-2020")
    agent.save()
    assert _api(cle).get("/api/v1/projets/").status_code == 401


def test_un_compte_desactive_perd_ses_jetons(comptes):
    cle = _obtenir()["token"]
    agent = comptes["prefecture-84"]
    agent.is_active = False
    agent.save()
    assert _api(cle).get("/api/v1/projets/").status_code == 401


def test_la_desactivation_dans_l_administration_revoque_les_jetons(client, comptes):
    _obtenir()
    equipe = comptes["admin-national"]
    equipe.is_staff = equipe.is_superuser = True
    equipe.save()
    agent = comptes["prefecture-84"]
    client.force_login(equipe)
    reponse = client.post(
        f"/admin/auth/user/{agent.pk}/change/",
        {
            "username": agent.username,
            "email": agent.email,
            "is_active": "",
            "date_joined_0": "01/01/2020",
            "date_joined_1": "00:00:00",
            "profil-TOTAL_FORMS": "1",
            "profil-INITIAL_FORMS": "1",
            "profil-MIN_NUM_FORMS": "0",
            "profil-MAX_NUM_FORMS": "1",
            "profil-0-id": agent.profil.pk,
            "profil-0-user": agent.pk,
            "profil-0-role": "prefecture",
            "profil-0-region": "84",
        },
    )
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    assert not Jeton.objects.filter(user=agent).exists()


def test_un_jeton_expire_est_refuse(comptes):
    cle = _obtenir()["token"]
    Jeton.objects.update(expire_le=timezone.now() - datetime.timedelta(seconds=1))
    assert _api(cle).get("/api/v1/projets/").status_code == 401


def test_une_cle_inconnue_est_refusee(comptes):
    assert _api("ti_inconnue").get("/api/v1/projets/").status_code == 401
    assert _api("40caracteresdelancienformatdedrf00000000").get("/api/v1/").status_code == 401


def test_la_page_des_jetons_cree_liste_et_revoque(client, comptes):
    agent = comptes["prefecture-84"]
    client.force_login(agent)
    reponse = client.post("/comptes/jetons/", {"nom": "Tableur de la préfecture"})
    texte = reponse.content.decode()
    jeton = Jeton.objects.get(user=agent)
    cle = texte.split('<code class="jeton-cle">')[1].split("</code>")[0]
    assert jetons.empreinte(cle) == jeton.empreinte
    assert "Tableur de la préfecture" in texte

    # Relue, la page ne montre plus la clé : son nom et son début seulement.
    texte = client.get("/comptes/jetons/").content.decode()
    assert cle not in texte
    assert "Tableur de la préfecture" in texte and f"{jeton.prefixe}…" in texte

    reponse = client.post(f"/comptes/jetons/{jeton.pk}/revoquer/", follow=True)
    assert "Jeton révoqué" in reponse.content.decode()
    assert not Jeton.objects.exists()
    assert _api(cle).get("/api/v1/projets/").status_code == 401


def test_le_nom_du_jeton_est_obligatoire_sur_la_page(client, comptes):
    client.force_login(comptes["prefecture-84"])
    reponse = client.post("/comptes/jetons/", {"nom": ""})
    assert "Ce champ est obligatoire." in reponse.content.decode()
    assert not Jeton.objects.exists()


def test_on_ne_revoque_pas_le_jeton_d_un_autre(client, comptes):
    _obtenir("prefecture-32")
    jeton = Jeton.objects.get()
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(f"/comptes/jetons/{jeton.pk}/revoquer/", follow=True)
    assert "Ce jeton n&#x27;existe pas ou a déjà été révoqué." in reponse.content.decode()
    assert Jeton.objects.filter(pk=jeton.pk).exists()
    assert "Ce jeton" not in client.get("/comptes/jetons/").content.decode()
