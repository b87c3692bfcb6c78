"""Les parcours des agents, de bout en bout, dans un vrai navigateur, enchaînés sur un projet.

1. La préfecture (prefecture-84) se connecte, saisit un projet (un SIRET faux
   d'abord, corrigé après lecture de l'erreur), le dépose, le met en instruction
   et donne l'avis de l'État.
2. Le conseil régional (region-84) donne l'avis de la Région depuis la
   présélection : le projet est présélectionné.
3. La préfecture engage des crédits sur l'enveloppe de la région : le projet est
   engagé et les totaux (recalculés par la tâche Celery, exécutée sur place)
   comptent le montant.
4. Le ministère voit les nouveaux chiffres sur le tableau de bord national,
   ouvre celui de la région et télécharge le tableur.
5. Une préfecture d'une autre région (prefecture-32) ne trouve pas le projet.

Un seul test : chaque étape part de ce que la précédente a fait, et le
référentiel réel n'est rechargé qu'une fois (un test transactionnel vide la base).
Chaque étape laisse des captures d'écran dans tests/e2e/captures/.
"""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import Resolver404, resolve

from fonds.models import Enveloppe
from pilotage import selectors as pilotage_selectors
from pilotage.models import Niveau
from projets.models import Projet, Statut
from tests.comptes.factories import creer_comptes
from tests.e2e.conftest import capturer, connecter, expect, texte_normalise
from tests.fonds.factories import fonds_acceleration, fonds_reparti

pytestmark = pytest.mark.django_db(transaction=True)

M = Decimal("1000000")
FONDS = "fonds-acceleration"
INTITULE = "Ligne de décolletage de précision pour l'aéronautique"
SIRET_FAUX = "73282932000075"  # clé de Luhn fausse
SIRET_JUSTE = "73282932000017"
MONTANT_ENGAGE = Decimal("350000")
TABLEAUX_DE_BORD = ("/pilotage/", "/pilotage/regions/84/")


@pytest.fixture
def comptes(referentiel):
    return creer_comptes()


@pytest.fixture
def enveloppe_84(comptes) -> Enveloppe:
    """Le Fonds d'accélération, créé par l'équipe nationale : 150 M€ en 2020, dont 10 M€
    répartis à Auvergne-Rhône-Alpes (84). Renvoie l'enveloppe régionale."""
    _nationale, regionales = fonds_reparti(
        auteur=comptes["admin-national"],
        dispositif=fonds_acceleration(),
        annee=2020,
        national=150 * M,
        regions={"84": 10 * M},
    )
    assert regionales["84"].montant == 10 * M
    return regionales["84"]


def _montant(montant: Decimal) -> str:
    """« 350 000 € » tel que l'affiche le portail, espaces normalisées."""
    return f"{int(montant):,} €".replace(",", " ")


def _message(page, texte: str) -> None:
    """Attend le message (alerte DSFR) que la page affiche après une action."""
    expect(page.get_by_role("alert").filter(has_text=texte)).to_be_visible()


def _texte(locator) -> str:
    return texte_normalise(locator.inner_text())


def _tableaux_de_bord_absents() -> str:
    for adresse in TABLEAUX_DE_BORD:
        try:
            resolve(adresse)
        except Resolver404:
            return (
                f"{adresse} n'est pas routé (inclure pilotage.urls dans config/urls.py) : "
                "parcours 4 (ministère) sauté ; parcours 1, 2, 3 et 5 passés."
            )
    return ""


def test_parcours_des_agents_de_la_saisie_au_pilotage(nouvel_onglet, comptes, enveloppe_84):
    sans_pilotage = _tableaux_de_bord_absents()
    ministere = None
    if not sans_pilotage:
        # Le ministère regarde le tableau de bord avant : rien n'est engagé.
        ministere = nouvel_onglet()
        connecter(ministere, "ministere")
        ministere.goto("/pilotage/")
        assert _montant(MONTANT_ENGAGE) not in _texte(ministere.locator("main"))
        capturer(ministere, "00-pilotage-national-avant")

    prefecture = nouvel_onglet()
    projet = _1_prefecture_saisit_instruit_et_donne_l_avis_de_l_etat(prefecture)
    _2_region_donne_son_avis_depuis_la_preselection(nouvel_onglet(), projet)
    _3_prefecture_engage_des_credits(prefecture, projet, enveloppe_84)
    if ministere is not None:
        _4_ministere_lit_les_tableaux_de_bord(ministere)
    _5_autre_region_ne_trouve_pas_le_projet(nouvel_onglet(), projet)

    if sans_pilotage:
        pytest.skip(sans_pilotage)


def _1_prefecture_saisit_instruit_et_donne_l_avis_de_l_etat(page) -> Projet:
    connecter(page, "prefecture-84")
    capturer(page, "01-prefecture-connectee")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Projets"
    ).click()
    page.get_by_role("link", name="Nouveau projet").click()
    assert page.url.endswith("/projets/nouveau/")

    formulaire = page.locator("main form")
    formulaire.get_by_label("Intitulé du projet").fill(INTITULE)
    formulaire.get_by_label("Description").fill(
        "Une ligne de décolletage à commande numérique pour des pièces de moteurs d'avion."
    )
    formulaire.get_by_label("Enjeu").select_option(label="Innover")
    formulaire.get_by_label("Filière").select_option(index=1)
    formulaire.get_by_label("Année de programmation").fill("2020")
    formulaire.get_by_label("Début des travaux").fill("2020-11-02")
    formulaire.get_by_label("Fin prévue").fill("2022-06-30")
    formulaire.get_by_label("Territoire d'industrie").select_option("8414")
    # La commune se choisit par son nom, parmi celles du territoire, au clavier.
    commune = formulaire.get_by_role("combobox", name="Commune du site")
    commune.press_sequentially("clu")
    suggestions = page.get_by_role("listbox", name="Communes du territoire")
    expect(suggestions.get_by_role("option", name="Cluses (74081)")).to_be_visible()
    expect(suggestions.get_by_role("option")).to_have_count(2)  # et Nancy-sur-Cluses
    commune.press("ArrowDown")
    commune.press("Enter")
    assert commune.input_value() == "Cluses (74081)"
    expect(commune).to_have_attribute("aria-expanded", "false")
    formulaire.get_by_label("Raison sociale du porteur").fill("Décolletage de l'Arve (test)")
    formulaire.get_by_label("SIREN du porteur").fill("732829320")
    formulaire.get_by_label("SIRET de l'établissement").fill(SIRET_FAUX)
    formulaire.get_by_label("Taille de l'entreprise").select_option("PME")
    formulaire.get_by_label("Investissement productif (€)").fill("2 500 000,00")
    formulaire.get_by_label("Aide sollicitée (€)").fill("400 000")
    formulaire.get_by_label("Emplois créés").fill("25")
    formulaire.get_by_label("Emplois maintenus").fill("110")
    capturer(page, "02-formulaire-rempli-siret-faux")
    page.get_by_role("button", name="Enregistrer et déposer").click()

    # L'erreur est en français à côté du champ, reliée à lui ; la saisie est gardée.
    erreur = page.locator("#id_siret-erreurs")
    expect(erreur).to_be_visible()
    assert (
        f"Le SIRET « {SIRET_FAUX} » n'est pas valide (clé de contrôle de Luhn incorrecte)."
        == erreur.inner_text()
    )
    champ_siret = page.get_by_label("SIRET de l'établissement")
    decrit_par = champ_siret.get_attribute("aria-describedby").split()
    assert "id_siret-erreurs" in decrit_par
    assert all(page.locator(f"#{ident}").count() == 1 for ident in decrit_par), decrit_par
    assert champ_siret.input_value() == SIRET_FAUX
    assert page.get_by_label("Intitulé du projet").input_value() == INTITULE
    assert page.locator(".fr-error-text").count() == 1  # seul le SIRET est en erreur
    assert "Le projet n'a pas été enregistré" in page.get_by_role("alert").first.inner_text()
    assert not Projet.objects.exists()
    capturer(page, "03-formulaire-erreur-siret")

    champ_siret.fill(SIRET_JUSTE)
    page.get_by_role("button", name="Enregistrer et déposer").click()
    page.wait_for_url(re.compile(r"/projets/\d+/$"))
    projet = Projet.objects.get(intitule=INTITULE)
    assert (projet.statut, projet.siret, projet.region_id) == (Statut.DEPOSE, SIRET_JUSTE, "84")
    assert "Projet déposé." in page.locator("body").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == INTITULE
    capturer(page, "04-projet-depose")

    page.get_by_role("button", name="Mettre en instruction").click()
    _message(page, "Le projet est maintenant « En instruction ».")

    avis = page.get_by_role("group", name="Donner l'avis de l'État")
    avis.get_by_text("Favorable", exact=True).click()
    avis.get_by_label("Commentaire").fill("Projet structurant pour la vallée.")
    avis.get_by_role("button", name="Enregistrer l'avis").click()
    _message(page, "Avis enregistré. Statut du projet : « En instruction ».")
    projet.refresh_from_db()
    assert (projet.statut, projet.avis_etat, projet.avis_region) == (
        Statut.EN_INSTRUCTION,
        "favorable",
        "",
    )
    capturer(page, "05-avis-etat-favorable")
    return projet


def _2_region_donne_son_avis_depuis_la_preselection(page, projet: Projet) -> None:
    connecter(page, "region-84")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Présélection"
    ).click()
    page.wait_for_url(re.compile(r"/projets/preselection/$"))
    ligne = page.get_by_role("row").filter(has_text=INTITULE)
    assert ligne.count() == 1
    # Les deux avis côte à côte : l'État a donné le sien, la Région pas encore.
    assert [c.text_content() for c in ligne.locator(".fr-badge").all()] == [
        "Favorable",
        "En attente",
    ]
    capturer(page, "06-preselection-avant-avis-region")

    ligne.get_by_label(f"Sélectionner le projet n° {projet.pk}").check(force=True)
    lot = page.get_by_role("group", name=re.compile("Avis de la Région"))
    lot.get_by_text("Favorable", exact=True).click()
    lot.get_by_role("button", name="Enregistrer l'avis sur la sélection").click()
    _message(page, "1 avis enregistré.")
    decisions = page.get_by_role("table", name="Projets récemment présélectionnés")
    ligne = decisions.get_by_role("row").filter(has_text=INTITULE)
    assert ligne.locator(".fr-badge").first.text_content() == "Présélectionné"
    capturer(page, "07-preselection-projet-preselectionne")
    projet.refresh_from_db()
    assert (projet.statut, projet.avis_region) == (Statut.PRESELECTIONNE, "favorable")


def _3_prefecture_engage_des_credits(page, projet: Projet, enveloppe: Enveloppe) -> None:
    page.goto(f"/projets/{projet.pk}/")
    assert page.locator("main .fr-badge").first.text_content() == "Présélectionné"
    page.get_by_role("link", name="Engager des crédits").click()
    page.wait_for_url(re.compile(rf"/fonds/engagements/nouveau/\?projet={projet.pk}$"))
    assert page.get_by_label("Enveloppe").input_value() == str(enveloppe.pk)
    page.get_by_label("Montant à engager").fill("350 000")
    page.get_by_label("Date d'engagement").fill("2020-12-01")
    page.get_by_label("Commentaire").fill("Comité régional du 1er décembre 2020.")
    capturer(page, "08-formulaire-engagement")
    page.get_by_role("button", name="Engager les crédits").click()
    page.wait_for_url(re.compile(rf"/projets/{projet.pk}/$"))
    assert f"Crédits engagés : {_montant(MONTANT_ENGAGE)} pour « {INTITULE} »." in _texte(
        page.locator("body")
    )
    assert page.locator("main .fr-badge").first.text_content() == "Engagé"
    credits = page.get_by_role("table", name="Engagements et versements du projet")
    assert _montant(MONTANT_ENGAGE) in _texte(credits)
    capturer(page, "09-projet-engage")

    projet.refresh_from_db()
    assert projet.statut == Statut.ENGAGE
    enveloppe.refresh_from_db()
    assert enveloppe.montant_engage == MONTANT_ENGAGE
    # La tâche Celery (exécutée sur place) a recalculé les totaux de la région et du national.
    region = pilotage_selectors.totaux(Niveau.REGION, "84", FONDS, 2020)
    national = pilotage_selectors.totaux_nationaux(FONDS, 2020)
    assert region is not None and national is not None
    assert (region.montant_engage, region.montant_disponible) == (
        MONTANT_ENGAGE,
        10 * M - MONTANT_ENGAGE,
    )
    assert region.nb_engagements == 1
    assert (national.montant_engage, national.investissement) == (
        MONTANT_ENGAGE,
        Decimal("2500000"),
    )


def _4_ministere_lit_les_tableaux_de_bord(page) -> None:
    page.reload()
    assert _montant(MONTANT_ENGAGE) in _texte(page.locator("main"))
    par_region = page.get_by_role("table", name=re.compile("Chiffres par région"))
    ligne_84 = par_region.get_by_role("row").filter(has_text="Auvergne-Rhône-Alpes")
    assert _montant(MONTANT_ENGAGE) in _texte(ligne_84)
    capturer(page, "10-pilotage-national-apres")

    ligne_84.get_by_role("link", name="Auvergne-Rhône-Alpes").click()
    page.wait_for_url(re.compile(r"/pilotage/regions/84/"))
    assert "Auvergne-Rhône-Alpes" in page.get_by_role("heading", level=1).inner_text()
    territoires = page.get_by_role("table", name=re.compile("Territoires d'industrie de la région"))
    ligne_arve = territoires.get_by_role("row").filter(has_text="Vallée de l'Arve")
    assert _montant(MONTANT_ENGAGE) in _texte(ligne_arve)
    capturer(page, "11-pilotage-region-84")

    lien = page.get_by_role(
        "link", name=re.compile(r"Télécharger « Fonds d'accélération par année.*» \(XLSX\)")
    )
    with page.expect_download() as attente:
        lien.click()
    telechargement = attente.value
    assert telechargement.suggested_filename.endswith(".xlsx")
    contenu = io.BytesIO(telechargement.path().read_bytes())
    classeur = openpyxl.load_workbook(contenu, read_only=True, data_only=True)
    lignes = [ligne for f in classeur.worksheets for ligne in f.iter_rows(values_only=True)]
    ligne_2020 = next((ligne for ligne in lignes if ligne and str(ligne[0]) == "2020"), None)
    assert ligne_2020 is not None, f"pas de ligne 2020 dans le tableur : {lignes[:5]}"
    assert MONTANT_ENGAGE in ligne_2020 and 10 * M in ligne_2020, ligne_2020


def _5_autre_region_ne_trouve_pas_le_projet(page, projet: Projet) -> None:
    connecter(page, "prefecture-32")
    page.goto("/projets/")
    assert re.fullmatch(r"0 projets?", page.get_by_role("status").inner_text())
    assert INTITULE not in page.locator("main").inner_text()
    capturer(page, "12-autre-region-liste-vide")
    reponse = page.goto(f"/projets/{projet.pk}/")
    assert reponse.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    assert "Ce projet n'existe pas ou n'est pas dans votre périmètre." in page.inner_text("main")
    assert INTITULE not in page.locator("body").inner_text()
    capturer(page, "13-autre-region-404")
    # Ni par l'engagement de crédits.
    assert page.goto(f"/fonds/engagements/nouveau/?projet={projet.pk}").status == 404
