"""Saisies générées sur le formulaire de connexion (banc d'essai : `tests/fuzz.py`)."""

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests import fuzz

pytestmark = fuzz.MARQUES


# --- Connexion -----------------------------------------------------------------------------------


def test_formulaire_de_connexion(banc):
    """Jamais de 500 ; un échec dit pourquoi en français et n'ouvre pas de session."""
    client = Client()
    comptes = ["prefecture-84-fuzz", "admin-national-fuzz"]
    resultats = []

    @fuzz.reglages(30)
    @given(
        paires=fuzz.soumission(
            {
                "username": st.sampled_from(comptes),
                "password": st.sampled_from(
                    [fuzz.MOT_DE_PASSE, fuzz.MOT_DE_PASSE, fuzz.MOT_DE_PASSE.upper()]
                ),
                "next": st.sampled_from(["", "/projets/", "//exemple.invalid/", "javascript:1"]),
            },
            {"username": st.sampled_from([c.upper() for c in comptes] + [" " + comptes[0]])},
        )
    )
    def soumettre(paires):
        cache.clear()  # compteurs d'échecs : chaque tirage part sans verrou
        client.logout()
        with transaction.atomic():
            avant = fuzz._etat()
            reponse = fuzz._poster(client, "/comptes/connexion/", paires)
            assert reponse.status_code < 500
            if reponse.status_code == 302:
                assert "_auth_user_id" in client.session
                cible = reponse["Location"]
                assert cible.startswith("/") and not cible.startswith("//"), cible
                resultats.append("connecté")
            else:
                assert reponse.status_code == 200
                assert "_auth_user_id" not in client.session
                erreurs = fuzz._erreurs(reponse)
                assert erreurs
                for erreur in erreurs:
                    assert fuzz._en_francais(erreur, fuzz._valeurs_texte(paires)), erreur
                resultats.append("refusé")
            # Connexion : rien d'écrit dans les données du programme (le journal d'audit
            # peut, lui, noter les connexions).
            for nom in fuzz.MODELES_SUIVIS[:-1]:
                assert fuzz._etat()[nom] == avant[nom]
            transaction.set_rollback(True)

    soumettre()
    assert set(resultats) == {"connecté", "refusé"}
