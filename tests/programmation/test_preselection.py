"""La présélection de la région : filtres par année et territoire, et l'enveloppe en vue."""

import html
from decimal import Decimal

import pytest

from projets.models import Statut
from tests.fonds.factories import engager
from tests.programmation.factories import M, candidats, enveloppes
from tests.territoires.factories import TERRITOIRE_84

pytestmark = pytest.mark.django_db

K = Decimal("1000")
AUTRE_TERRITOIRE_84 = "8401"


def _page(client, comptes, nom="region-84", **parametres) -> str:
    client.force_login(comptes[nom])
    reponse = client.get("/projets/preselection/", parametres)
    assert reponse.status_code == 200
    texte = html.unescape(reponse.content.decode())
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def _situation(comptes):
    """L'enveloppe 2020 de la région 84 : 1 M€, dont 300 000 € déjà engagés ; deux projets
    présélectionnés et trois en instruction (400 000 € chacun) ; un projet 2021."""
    regionales = enveloppes(comptes, region_84=M)
    [engage] = candidats(comptes, 1)
    engager(engage, regionales["84"], 300 * K, auteur=comptes["prefecture-84"])
    candidats(comptes, 2)
    candidats(comptes, 2, Statut.EN_INSTRUCTION)
    candidats(comptes, 1, Statut.EN_INSTRUCTION, territoire=AUTRE_TERRITOIRE_84)
    candidats(comptes, 1, Statut.EN_INSTRUCTION, annee=2021, intitule="Projet de l'an prochain")
    return regionales


def test_la_region_voit_son_enveloppe_et_ce_que_les_demandes_y_prendraient(client, comptes):
    _situation(comptes)
    page = _page(client, comptes, annee=2020)

    assert "Enveloppe 2020 de la région Auvergne-Rhône-Alpes" in page
    assert "1 000 000 €" in page and "dont engagé : 300 000 €" in page
    assert "700 000 €" in page  # disponible
    assert "présélectionnées : 800 000 € (2 projets)" in page
    assert "en attente d'avis : 1 200 000 € (3 projets)" in page
    assert "-1 300 000 €" in page  # 700 000 € − 2 000 000 €
    assert "La sélection dépasse le disponible de 1 300 000 €." in page
    assert "Projet de l'an prochain" not in page
    assert "Programmer l'enveloppe 2020 : simulations" in page


def test_sans_annee_demandee_la_plus_recente_et_le_filtre_par_territoire(client, comptes):
    _situation(comptes)
    # Sans année : la plus récente des projets de la présélection (2021), sans enveloppe.
    page = _page(client, comptes)
    assert '<option value="2021" selected>' in page
    assert "Projet de l'an prochain" in page
    assert "Aucune enveloppe 2021 du Fonds d'accélération n'est encore attribuée" in page

    page = _page(client, comptes, annee=2020, territoire=TERRITOIRE_84)
    assert "Demandes de la sélection (Vallée de l'Arve)" in page
    assert "en attente d'avis : 800 000 € (2 projets)" in page
    assert "-900 000 €" in page  # 700 000 € − (800 000 € + 800 000 €)

    page = _page(client, comptes, annee="")
    assert "Choisissez une année pour voir l'enveloppe de la région" in page


def test_une_selection_qui_tient_dans_l_enveloppe_n_alerte_pas(client, comptes):
    enveloppes(comptes, region_84=10 * M)
    candidats(comptes, 1)
    page = _page(client, comptes, annee=2020)
    assert "9 600 000 €" in page  # solde après la sélection
    assert "dépasse le disponible" not in page


def test_un_role_national_choisit_la_region(client, comptes):
    _situation(comptes)
    page = _page(client, comptes, "ministere", annee=2020)
    assert "Choisissez une région ou un territoire" in page
    page = _page(client, comptes, "ministere", annee=2020, region="84")
    assert "Enveloppe 2020 de la région Auvergne-Rhône-Alpes" in page
    # Le ministère ne prépare pas de simulation : pas de lien.
    assert "Programmer l'enveloppe" not in page


@pytest.mark.parametrize("nombre", [1, 20])
def test_requetes_de_la_preselection_avec_l_enveloppe_constantes(
    client, comptes, django_assert_num_queries, nombre
):
    enveloppes(comptes)
    candidats(comptes, nombre, Statut.EN_INSTRUCTION)
    client.force_login(comptes["region-84"])
    # 1. session  2. utilisateur  3. profil  4. année par défaut  5. projets en instruction
    # 6. totaux de la sélection  7. enveloppe (et dispositif, région)  8. demandes
    # 9. région du profil (titre)  10. territoires de la région (filtre)  11. dernières décisions
    with django_assert_num_queries(11):
        reponse = client.get("/projets/preselection/")
    assert reponse.content.decode().count('name="projets"') == nombre
