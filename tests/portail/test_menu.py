"""Le menu principal ne propose que ce que l'agent peut utiliser ; après la connexion, chaque
agent arrive sur son espace, qui lui montre ce qui l'attend."""

import html as html_lib
import re

import pytest

from comptes.models import Role
from pilotage.moteur import recalculer_tout
from tests.comptes.factories import MOT_DE_PASSE, agent

pytestmark = pytest.mark.django_db

TOUS = ["Accueil", "Territoires d'industrie"]
MENUS = {
    "prefecture-84": [
        *TOUS,
        "Mon espace",
        "Projets",
        "Présélection",
        "Programmation",
        "Fonds et enveloppes",
        "Pilotage",
    ],
    "region-84": [
        *TOUS,
        "Mon espace",
        "Projets",
        "Présélection",
        "Programmation",
        "Fonds et enveloppes",
        "Pilotage",
    ],
    "ministere": [*TOUS, "Mon espace", "Projets", "Fonds et enveloppes", "Pilotage"],
    "admin-national": [
        *TOUS,
        "Mon espace",
        "Projets",
        "Programmation",
        "Fonds et enveloppes",
        "Pilotage",
    ],
}


def _menu(html: str) -> list[tuple[str, bool]]:
    nav = html[html.index('id="navigation-principale"') :]
    nav = nav[: nav.index("</nav>")]
    return [
        (html_lib.unescape(libelle), "aria-current" in attributs)
        for attributs, libelle in re.findall(r'<a class="fr-nav__link"([^>]*)>([^<]+)</a>', nav)
    ]


@pytest.mark.parametrize(("nom", "attendu"), MENUS.items())
def test_le_menu_ne_montre_que_les_pages_utilisables(client, comptes, nom, attendu):
    recalculer_tout()  # le tableau de bord d'une région se lit dans ses totaux
    client.force_login(comptes[nom])
    menu = _menu(client.get("/territoires/").content.decode())
    assert [libelle for libelle, _ in menu] == attendu
    assert [libelle for libelle, actif in menu if actif] == ["Territoires d'industrie"]
    for libelle, adresse in zip(
        attendu,
        re.findall(r'class="fr-nav__link" href="([^"]+)"', client.get("/").content.decode()),
        strict=True,
    ):
        assert client.get(adresse, follow=True).status_code == 200, libelle


def test_une_prefecture_de_departement_n_a_pas_la_programmation(client, referentiel):
    client.force_login(agent("prefecture-74", Role.PREFECTURE, "84", departement="74"))
    menu = [libelle for libelle, _ in _menu(client.get("/").content.decode())]
    assert "Présélection" in menu
    assert "Programmation" not in menu


def test_un_visiteur_ne_voit_que_les_pages_publiques(client, referentiel):
    assert _menu(client.get("/").content.decode()) == [
        ("Accueil", True),
        ("Territoires d'industrie", False),
    ]


def test_la_rubrique_courante_est_la_plus_precise(client, comptes):
    client.force_login(comptes["region-84"])
    menu = _menu(client.get("/projets/preselection/").content.decode())
    assert [libelle for libelle, actif in menu if actif] == ["Présélection"]
    menu = _menu(client.get("/projets/").content.decode())
    assert [libelle for libelle, actif in menu if actif] == ["Projets"]


@pytest.mark.parametrize(
    ("nom", "arrivee"),
    [
        ("prefecture-84", "/mon-espace/"),
        ("region-84", "/mon-espace/"),
        ("ministere", "/mon-espace/"),
        ("admin-national", "/mon-espace/"),
    ],
)
def test_apres_la_connexion_chacun_arrive_ou_il_travaille(client, comptes, nom, arrivee):
    reponse = client.post("/comptes/connexion/", {"username": nom, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302
    assert reponse.url == arrivee


def test_la_page_demandee_passe_avant_la_page_de_depart(client, comptes):
    reponse = client.post(
        "/comptes/connexion/?next=/fonds/", {"username": "ministere", "password": MOT_DE_PASSE}
    )
    assert reponse.url == "/fonds/"
