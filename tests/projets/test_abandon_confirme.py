"""L'abandon d'un projet, définitif, se confirme dans une fenêtre modale du DSFR."""

import re

import pytest

from projets.models import Statut
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def test_abandonner_ouvre_une_modale_de_confirmation(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["prefecture-84"])
    html = client.get(f"/projets/{projet.pk}/").content.decode()
    # Le bouton de la fiche n'envoie rien : il ouvre la modale.
    bouton = re.search(r"<button[^>]*>Abandonner le projet</button>", html).group(0)
    assert 'type="button"' in bouton
    assert 'aria-controls="modale-abandon"' in bouton
    modale = html[html.index('<dialog id="modale-abandon"') : html.index("</dialog>")]
    assert 'class="fr-modal"' in modale
    assert "L'abandon est <strong>définitif</strong>" in modale
    assert 'name="vers" value="abandonne"' in modale
    assert "Confirmer l'abandon" in modale
    # Hors de la modale, aucun formulaire n'abandonne le projet.
    assert html.count('value="abandonne"') == 1


def test_la_confirmation_abandonne_avec_la_raison(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        f"/projets/{projet.pk}/transition/",
        {"vers": "abandonne", "commentaire": "Le porteur renonce."},
        follow=True,
    )
    projet.refresh_from_db()
    assert projet.statut == Statut.ABANDONNE
    html = reponse.content.decode()
    assert "Le porteur renonce." in html
    assert "modale-abandon" not in html  # un projet abandonné ne se ré-abandonne pas
