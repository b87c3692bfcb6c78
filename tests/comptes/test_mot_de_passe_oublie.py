"""« Mot de passe oublié » : un courriel en français avec un lien à usage unique, puis le
choix d'un nouveau mot de passe."""

import re

import pytest
from django.core import mail

from tests.comptes.factories import agent

pytestmark = pytest.mark.django_db

NOUVEAU = "Cluses-Arve-2020!"


def test_la_connexion_mene_au_mot_de_passe_oublie(client):
    html = client.get("/comptes/connexion/").content.decode()
    assert 'href="/comptes/mot-de-passe-oublie/"' in html
    assert "Mot de passe oublié ?" in html


def test_le_lien_du_courriel_permet_de_choisir_un_nouveau_mot_de_passe(client, referentiel):
    compte = agent("prefecture-oubli", email="claire.martin@exemple.fr")
    reponse = client.post("/comptes/mot-de-passe-oublie/", {"email": "Claire.Martin@exemple.fr"})
    assert reponse.status_code == 302
    assert reponse["Location"] == "/comptes/mot-de-passe-oublie/envoye/"
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["claire.martin@exemple.fr"]
    assert courriel.subject == "Portail Territoires d'industrie : choisir un nouveau mot de passe"
    assert "votre compte « prefecture-oubli »" in courriel.body
    lien = re.search(r"http://testserver(/comptes/reinitialiser/\S+/)", courriel.body).group(1)

    page = client.get(lien, follow=True)
    assert "Choisir un nouveau mot de passe" in page.content.decode()
    adresse = page.redirect_chain[-1][0] if page.redirect_chain else lien
    reponse = client.post(adresse, {"new_password1": NOUVEAU, "new_password2": NOUVEAU})
    assert reponse["Location"] == "/comptes/reinitialiser/termine/"
    compte.refresh_from_db()
    assert compte.check_password(NOUVEAU)
    # Le lien ne sert qu'une fois.
    assert "Lien expiré ou déjà utilisé" in client.get(lien, follow=True).content.decode()


def test_une_adresse_inconnue_ne_dit_rien_et_n_envoie_rien(client, referentiel):
    agent("prefecture-oubli", email="claire.martin@exemple.fr")
    reponse = client.post("/comptes/mot-de-passe-oublie/", {"email": "inconnu@exemple.fr"})
    assert reponse["Location"] == "/comptes/mot-de-passe-oublie/envoye/"
    assert mail.outbox == []


def test_une_adresse_mal_ecrite_est_signalee_a_cote_du_champ(client):
    html = client.post("/comptes/mot-de-passe-oublie/", {"email": "claire"}).content.decode()
    assert "Saisissez une adresse électronique valide" in html
    assert 'href="#id_email"' in html
    assert 'value="claire"' in html
