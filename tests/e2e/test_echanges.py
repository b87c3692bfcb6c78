"""Un projet du dépôt à la présélection, chaque agent ne partant que de `/mon-espace/` et de
ses notifications, dans un vrai navigateur.

1. La préfecture (prefecture-84) ouvre « Brouillons à déposer » sur son espace, dépose le
   projet ; « Dépôts à mettre en instruction », le met en instruction ; « Avis de l'État à
   donner » (la date limite est sur la liste et sur la fiche), donne l'avis de l'État.
2. Le conseil régional (region-84), à sa connexion, arrive sur son espace : l'avis à donner
   avec sa date limite, la cloche avec une notification non lue ; il ouvre la notification
   « Avis favorable de l'État », donne l'avis de la Région : le projet est présélectionné.
3. La préfecture trouve dans ses notifications l'avis de la Région et la présélection.

Les tâches Celery s'exécutent sur place (sans courtier) : chaque fait est distribué à la
validation de la requête qui l'a publié.
"""

import datetime
import re

import pytest
from django.utils import timezone

from projets.models import Projet, Statut
from tests.comptes.factories import creer_comptes
from tests.e2e.conftest import capturer, connecter, expect
from tests.projets.factories import creer_projet

pytestmark = pytest.mark.django_db(transaction=True)

INTITULE = "Atelier de fabrication additive de la vallée"


@pytest.fixture
def comptes(referentiel):
    return creer_comptes()


def _tuile(page, libelle: str, nombre: int):
    tuile = page.locator(".fr-tile").filter(has_text=libelle)
    expect(tuile).to_contain_text(str(nombre))
    tuile.get_by_role("link", name=libelle).click()


def _ouvrir_le_projet_de_la_liste(page):
    page.get_by_role("link", name=INTITULE).click()
    page.wait_for_url(re.compile(r"/projets/\d+/$"))


def _message(page, texte: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=texte)).to_be_visible()


def test_du_depot_a_la_preselection_depuis_mon_espace(nouvel_onglet, comptes):
    projet = creer_projet(comptes["prefecture-84"], intitule=INTITULE)

    prefecture = nouvel_onglet()
    connecter(prefecture, "prefecture-84")
    prefecture.wait_for_url(re.compile(r"/mon-espace/$"))
    capturer(prefecture, "echanges-01-espace-prefecture")
    _tuile(prefecture, "Brouillons à déposer", 1)
    _ouvrir_le_projet_de_la_liste(prefecture)
    prefecture.get_by_role("button", name="Déposer le projet").click()
    _message(prefecture, "« Déposé »")

    prefecture.get_by_role("link", name="Mon espace").first.click()
    _tuile(prefecture, "Dépôts à mettre en instruction", 1)
    _ouvrir_le_projet_de_la_liste(prefecture)
    prefecture.get_by_role("button", name="Mettre en instruction").click()
    _message(prefecture, "« En instruction »")
    echeance = timezone.localdate() + datetime.timedelta(days=30)
    projet.refresh_from_db()
    assert projet.date_limite_avis == echeance

    prefecture.get_by_role("link", name="Mon espace").first.click()
    _tuile(prefecture, "Avis de l'État à donner", 1)
    expect(prefecture.locator("main")).to_contain_text("Avis avant le")
    _ouvrir_le_projet_de_la_liste(prefecture)
    expect(prefecture.locator("main")).to_contain_text("Date limite des avis")
    avis = prefecture.get_by_role("group", name="Donner l'avis de l'État")
    avis.get_by_text("Favorable", exact=True).click()
    avis.get_by_role("button", name="Enregistrer l'avis").click()
    _message(prefecture, "Avis enregistré.")

    region = nouvel_onglet()
    connecter(region, "region-84")
    region.wait_for_url(re.compile(r"/mon-espace/$"))
    attendus = region.locator("table").filter(has_text=INTITULE)
    expect(attendus).to_be_visible()
    cloche = region.locator("header .fr-header__tools").get_by_role(
        "link", name=re.compile("Notifications")
    )
    expect(cloche).to_contain_text("1")
    capturer(region, "echanges-02-espace-region")
    region.set_viewport_size({"width": 390, "height": 844})
    capturer(region, "echanges-02-espace-region-390")
    region.set_viewport_size({"width": 1440, "height": 900})
    capturer(region, "echanges-02-espace-region-1440")
    cloche.click()
    region.get_by_role("button", name=f"Avis favorable de l'État : {INTITULE}").first.click()
    region.wait_for_url(re.compile(rf"/projets/{projet.pk}/$"))
    avis = region.get_by_role("group", name="Donner l'avis de la Région")
    avis.get_by_text("Favorable", exact=True).click()
    avis.get_by_role("button", name="Enregistrer l'avis").click()
    _message(region, "« Présélectionné »")
    projet.refresh_from_db()
    assert projet.statut == Statut.PRESELECTIONNE

    prefecture.goto("/notifications/")
    main = prefecture.locator("main")
    expect(main).to_contain_text(f"Avis favorable de la Région : {INTITULE}")
    expect(main).to_contain_text(f"Projet présélectionné : {INTITULE}")
    capturer(prefecture, "echanges-03-notifications-prefecture")
    assert Projet.objects.get(pk=projet.pk).avis.filter(en_cours=True).count() == 2
