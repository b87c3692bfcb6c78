"""La programmation de l'enveloppe, de bout en bout, dans un vrai navigateur.

1. Le conseil régional (region-84) voit sur la présélection l'enveloppe 2020 de sa région
   et ce que les demandes y prendraient : trop.
2. La préfecture (prefecture-84) crée une simulation, retire un projet : elle tient dans
   l'enveloppe (totaux recalculés sans recharger la page).
3. Le conseil régional ouvre la même simulation, baisse un montant ; un montant au-delà de
   l'aide sollicitée est refusé, sa saisie reste dans le champ. La préfecture, restée sur
   l'ancienne valeur, apprend que la ligne a changé et voit la nouvelle.
4. La préfecture applique la simulation : engagements, projets engagés, totaux du pilotage.
5. Une simulation qui dépasse ce qui reste est refusée à l'application : rien n'est écrit.

Un seul test : chaque étape part de la précédente. Captures dans tests/e2e/captures/.
"""

import re
from decimal import Decimal

import pytest

from fonds.models import Engagement, Enveloppe
from pilotage import moteur
from pilotage import selectors as pilotage_selectors
from pilotage.models import Niveau
from programmation.models import Simulation
from projets.models import Projet, Statut
from tests.comptes.factories import creer_comptes
from tests.e2e.conftest import capturer, connecter, expect
from tests.e2e.test_accessibilite import IMPACTS_BLOQUANTS, auditer
from tests.fonds.factories import fonds_acceleration, fonds_reparti
from tests.projets.factories import projet_au_statut

pytestmark = pytest.mark.django_db(transaction=True)

M = Decimal("1000000")
K = Decimal("1000")
PROJETS = ("Atelier de traitement de surface", "Ligne de décolletage", "Robot de soudure")


def _montant(texte: str) -> re.Pattern:
    """« 700 000 € », quelles que soient les espaces (fines, insécables)."""
    return re.compile(re.escape(texte).replace(r"\ ", r"\s"))


def _programme() -> dict:
    """1 M€ pour la région 84 en 2020 ; trois projets présélectionnés et un en instruction,
    400 000 € d'aide sollicitée chacun (2,5 M€ d'investissement)."""
    comptes = creer_comptes()
    _nationale, regionales = fonds_reparti(
        auteur=comptes["admin-national"],
        dispositif=fonds_acceleration(),
        annee=2020,
        national=150 * M,
        regions={"84": M, "32": M},
    )
    agents = {"prefecture": comptes["prefecture-84"], "conseil": comptes["region-84"]}
    projets = {
        intitule: projet_au_statut(Statut.PRESELECTIONNE, **agents, intitule=intitule)
        for intitule in PROJETS
    }
    projet_au_statut(Statut.EN_INSTRUCTION, **agents, intitule="Four de trempe")
    moteur.recalculer_tout()
    return {"enveloppe": regionales["84"], "projets": projets}


def _sans_violation_grave(page, source_axe: str) -> None:
    violations = auditer(page, source_axe)["violations"]
    graves = [v["regle"] for v in violations if v["impact"] in IMPACTS_BLOQUANTS]
    assert graves == [], f"{page.url} : {graves}"


def test_programmer_l_enveloppe_de_la_simulation_aux_engagements(
    nouvel_onglet, referentiel, source_axe
):
    donnees = _programme()
    enveloppe: Enveloppe = donnees["enveloppe"]
    a, b, c = (donnees["projets"][intitule] for intitule in PROJETS)

    # 1. La Région voit l'enveloppe sur sa présélection.
    region = nouvel_onglet()
    connecter(region, "region-84")
    region.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Présélection"
    ).click()
    bandeau = region.locator("section.portail-bandeau-enveloppe")
    expect(bandeau).to_contain_text("Enveloppe 2020 de la région Auvergne-Rhône-Alpes")
    expect(bandeau).to_contain_text(_montant("présélectionnées : 1 200 000 € (3 projets)"))
    expect(bandeau).to_contain_text(_montant("en attente d'avis : 400 000 € (1 projet)"))
    expect(bandeau).to_contain_text(_montant("La sélection dépasse le disponible de 600 000 €."))
    capturer(region, "programmation-01-preselection-enveloppe")

    # 2. La préfecture crée une simulation et retire un projet : elle tient.
    prefecture = nouvel_onglet()
    connecter(prefecture, "prefecture-84")
    prefecture.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Programmation"
    ).click()
    prefecture.get_by_label("Nom de la simulation").fill("Proposition État")
    prefecture.get_by_role("button", name="Créer la simulation").click()
    prefecture.wait_for_url(re.compile(r"/programmation/\d+/$"))
    sim = Simulation.objects.get()
    totaux = prefecture.locator("#totaux-simulation")
    expect(totaux).to_contain_text(_montant("1 200 000 €"))
    expect(totaux).to_contain_text(_montant("La simulation dépasse le disponible de 200 000 €"))
    _sans_violation_grave(prefecture, source_axe)
    adresse = prefecture.url

    prefecture.get_by_label(f"Inclure « {c.intitule} »").uncheck(force=True)
    expect(totaux).to_contain_text("2 projets inclus sur 4")
    expect(totaux).to_contain_text(_montant("800 000 €"))
    expect(totaux).not_to_contain_text("dépasse le disponible")
    assert prefecture.url == adresse  # sans recharger la page
    expect(prefecture.locator("#annonce-simulation")).to_contain_text("enregistrée")
    assert not sim.lignes.get(projet=c).incluse
    capturer(prefecture, "programmation-02-simulation-qui-tient")

    # 3. La Région ajuste la même simulation ; une saisie hors règle reste dans son champ.
    region.goto(adresse)
    montant_b = region.get_by_label(f"Montant proposé pour « {b.intitule} » (€)")
    montant_b.fill("300 000")
    montant_b.press("Tab")
    expect(region.locator("#totaux-simulation")).to_contain_text(_montant("700 000 €"))
    montant_a = region.get_by_label(f"Montant proposé pour « {a.intitule} » (€)")
    montant_a.fill("450 000")
    montant_a.press("Tab")
    erreur = region.locator(f"#ligne-{sim.lignes.get(projet=a).pk}-erreurs")
    expect(erreur).to_contain_text("dépasse l'aide sollicitée par le porteur")
    expect(region.get_by_label(f"Montant proposé pour « {a.intitule} » (€)")).to_have_value(
        "450 000"
    )
    capturer(region, "programmation-03-region-ajuste")
    assert sim.lignes.get(projet=b).montant == 300 * K
    assert sim.lignes.get(projet=a).montant == 400 * K

    # La préfecture, restée sur l'ancienne valeur de la ligne, apprend qu'elle a changé.
    montant_b = prefecture.get_by_label(f"Montant proposé pour « {b.intitule} » (€)")
    montant_b.fill("350 000")
    montant_b.press("Tab")
    ligne_b = prefecture.locator(f"#ligne-{sim.lignes.get(projet=b).pk}")
    expect(ligne_b).to_contain_text("modifiée par region-84")
    expect(prefecture.get_by_label(f"Montant proposé pour « {b.intitule} » (€)")).to_have_value(
        re.compile(r"300\s000,00")
    )
    assert sim.lignes.get(projet=b).montant == 300 * K

    # 4. La préfecture applique : les engagements, les statuts et les totaux suivent.
    prefecture.reload()
    prefecture.get_by_role("button", name=_montant("Appliquer : engager 700 000 €")).click()
    expect(prefecture.get_by_role("alert").first).to_contain_text(
        _montant("Simulation appliquée : 2 engagements pour 700 000 €.")
    )
    expect(prefecture.locator("main")).to_contain_text("Appliquée le")
    capturer(prefecture, "programmation-04-simulation-appliquee")
    enveloppe.refresh_from_db()
    assert enveloppe.montant_engage == 700 * K
    statuts = dict(Projet.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "statut"))
    assert statuts == {a.pk: Statut.ENGAGE, b.pk: Statut.ENGAGE, c.pk: Statut.PRESELECTIONNE}
    totaux_region = pilotage_selectors.totaux(Niveau.REGION, "84", "fonds-acceleration", 2020)
    assert (totaux_region.montant_engage, totaux_region.nb_engagements) == (700 * K, 2)
    prefecture.goto(f"/projets/{b.pk}/")
    assert prefecture.locator("main .fr-badge").first.text_content() == "Engagé"

    # 5. Une simulation qui dépasse ce qui reste (300 000 €) est refusée, sans rien écrire.
    prefecture.goto("/programmation/")
    prefecture.get_by_label("Nom de la simulation").fill("Tout financer")
    prefecture.get_by_role("button", name="Créer la simulation").click()
    prefecture.wait_for_url(re.compile(r"/programmation/\d+/$"))
    _sans_violation_grave(prefecture, source_axe)
    prefecture.get_by_role("button", name=_montant("Appliquer : engager 400 000 €")).click()
    alerte = prefecture.get_by_role("alert").first
    expect(alerte).to_contain_text("Simulation non appliquée, rien n'a été engagé.")
    expect(alerte).to_contain_text(
        _montant("Montant demandé : 400 000,00 € ; disponible : 300 000,00 €.")
    )
    capturer(prefecture, "programmation-05-depassement-refuse")
    assert Engagement.objects.count() == 2
    assert Projet.objects.get(pk=c.pk).statut == Statut.PRESELECTIONNE
    assert not Simulation.objects.get(nom="Tout financer").appliquee
