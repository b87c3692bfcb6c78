"""Dans Chromium : la modale de l'abandon, « Tout sélectionner » des avis en lot, l'indice
de défilement des tableaux larges."""

import pytest

from projets.models import Projet, Statut
from tests.e2e.conftest import capturer, connecter, expect, programme_en_cours
from tests.projets.factories import projet_au_statut

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def programme(referentiel):
    comptes, projet = programme_en_cours()
    return comptes, projet


def test_l_abandon_se_confirme_dans_une_modale(nouvel_onglet, programme):
    _comptes, projet = programme
    page = nouvel_onglet()
    connecter(page, "prefecture-84")
    page.goto(f"/projets/{projet.pk}/")
    modale = page.get_by_role("dialog", name=f"Abandonner « {projet.intitule} » ?")
    expect(modale).to_be_hidden()
    page.get_by_role("button", name="Abandonner le projet").click()
    expect(modale).to_be_visible()
    expect(modale).to_contain_text("L'abandon est définitif")
    capturer(page, "modale-abandon", page_entiere=False)
    modale.get_by_role("button", name="Annuler").click()
    expect(modale).to_be_hidden()
    projet.refresh_from_db()
    assert projet.statut == Statut.EN_INSTRUCTION

    page.get_by_role("button", name="Abandonner le projet").click()
    modale.get_by_label("Raison de l'abandon").fill("Le porteur renonce à son investissement.")
    modale.get_by_role("button", name="Confirmer l'abandon").click()
    expect(page.locator("main")).to_contain_text("Le porteur renonce à son investissement.")
    projet.refresh_from_db()
    assert projet.statut == Statut.ABANDONNE


def test_tout_selectionner_coche_chaque_projet(nouvel_onglet, programme):
    comptes, _projet = programme
    agents = {"prefecture": comptes["prefecture-84"]}
    for _ in range(2):
        projet_au_statut("en_instruction", **agents)
    attendus = Projet.objects.filter(statut=Statut.EN_INSTRUCTION).count()
    page = nouvel_onglet()
    connecter(page, "region-84")
    page.goto("/projets/preselection/?annee=")
    tout = page.get_by_label(f"Tout sélectionner ({attendus} projets)")
    cases = page.locator('input[name="projets"]')
    expect(cases).to_have_count(attendus)
    # Les cases du DSFR sont dessinées par leur étiquette : on clique comme un agent.
    tout.check(force=True)
    for i in range(attendus):
        expect(cases.nth(i)).to_be_checked()
    cases.first.uncheck(force=True)
    expect(tout).not_to_be_checked()
    assert page.evaluate("() => document.getElementById('tout-selectionner').indeterminate")
    # Un avis défavorable sans motif : refusé, les cases restent cochées.
    page.get_by_role("radio", name="Défavorable").check(force=True)
    page.get_by_role("button", name="Enregistrer l'avis sur la sélection").click()
    resume = page.locator("main .fr-alert--error")
    expect(resume).to_contain_text("Un avis défavorable doit être motivé")
    expect(cases.first).not_to_be_checked()
    for i in range(1, attendus):
        expect(cases.nth(i)).to_be_checked()
    expect(page.get_by_role("radio", name="Défavorable")).to_be_checked()
    resume.get_by_role("link", name="Commentaire").click()
    expect(page.get_by_role("textbox", name="Commentaire")).to_be_focused()


def test_un_tableau_large_dit_qu_il_defile(nouvel_onglet, programme):
    page = nouvel_onglet()
    connecter(page, "ministere")
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto("/pilotage/regions/84/")
    indice = page.locator(".portail-indice-defilement:not([hidden])").first
    expect(indice).to_contain_text("faites-le défiler horizontalement")
    expect(indice).to_contain_text("à droite")
    tableau = page.locator(".portail-defilable > table").first
    expect(tableau).to_have_attribute("tabindex", "0")
    tableau.evaluate("t => { t.scrollLeft = t.scrollWidth; t.dispatchEvent(new Event('scroll')); }")
    expect(indice).to_contain_text("à gauche")
    page.set_viewport_size({"width": 1920, "height": 900})
    page.goto("/pilotage/regions/84/")
    assert (
        page.locator(".portail-indice-defilement:not([hidden])").count()
        < page.locator(".fr-table > table").count()
    )
