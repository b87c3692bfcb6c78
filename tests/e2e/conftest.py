"""Tests de bout en bout : Playwright pilote le Chromium de Debian contre `live_server`.

Rien n'est téléchargé : le navigateur est le paquet Debian `chromium`
(`/usr/bin/chromium`) et axe-core vient du registre npm par `npm ci`
(`package.json` et `package-lock.json` à la racine). S'il en manque un, les
tests sont sautés avec la commande à lancer (`pytest -rs` l'affiche).
`E2E_CHROMIUM` désigne un autre exécutable de Chromium si besoin.

Playwright (API synchrone) fait tourner une boucle asyncio dans le fil principal :
Django refuserait alors l'ORM du test (création des comptes, vérifications en
base, vidage de fin de test). `DJANGO_ALLOW_ASYNC_UNSAFE` n'est posé que le
temps où Playwright tourne, puis rendu à sa valeur.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from pilotage import moteur
from tests.comptes.factories import creer_comptes
from tests.fonds.factories import fonds_acceleration, fonds_reparti, projet_engage
from tests.projets.factories import projet_au_statut

RACINE = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
AXE = RACINE / "node_modules" / "axe-core" / "axe.min.js"
CAPTURES = Path(__file__).resolve().parent / "captures"
MOT_DE_PASSE = "mot-de-passe-de-test"
ARGUMENTS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DELAI_MS = 15_000


def _chromium_absent() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        return (
            f"Chromium absent ({CHROMIUM}) : tests de bout en bout sautés. "
            "Installez-le avec `apt-get install -y chromium` (paquet Debian)."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "Playwright absent : tests de bout en bout sautés. "
            "Installez les dépendances avec `pip install -r requirements.txt` "
            "(sans `playwright install` : le navigateur est celui de Debian)."
        )
    return ""


@pytest.fixture(scope="module")
def navigateur():
    """Un Chromium sans tête par module de tests (Playwright démarré puis arrêté)."""
    raison = _chromium_absent()
    if raison:
        pytest.skip(raison)
    from playwright.sync_api import expect as expect_playwright
    from playwright.sync_api import sync_playwright

    expect_playwright.set_options(timeout=DELAI_MS)

    avant = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=ARGUMENTS_CHROMIUM
            )
            yield browser
            browser.close()
    finally:
        if avant is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = avant


@pytest.fixture
def nouvel_onglet(navigateur, live_server):
    """Fabrique d'onglets, chacun dans son propre contexte (ses cookies : un agent par poste)."""
    contextes = []

    def ouvrir():
        contexte = navigateur.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        contexte.set_default_timeout(DELAI_MS)
        contextes.append(contexte)
        return contexte.new_page()

    yield ouvrir
    for contexte in contextes:
        contexte.close()


@pytest.fixture(scope="session")
def source_axe() -> str:
    if not AXE.is_file():
        pytest.skip(
            f"axe-core absent ({AXE.relative_to(RACINE)}) : tests d'accessibilité sautés. "
            "Installez-le avec `npm ci` à la racine du dépôt."
        )
    return AXE.read_text(encoding="utf-8")


def expect(cible):
    """`playwright.sync_api.expect` (assertions qui attendent), importé à l'usage : sans
    Playwright installé, les tests sont sautés au lieu d'échouer à l'import."""
    from playwright.sync_api import expect as expect_playwright

    return expect_playwright(cible)


def connecter(page, identifiant: str, mot_de_passe: str = MOT_DE_PASSE) -> None:
    """Se connecte par la page de connexion, comme un agent."""
    page.goto("/comptes/connexion/")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    outils = page.locator("header .fr-header__tools")
    expect(outils.get_by_role("button", name="Se déconnecter")).to_be_visible()


def capturer(page, nom: str, *, page_entiere: bool = True) -> Path:
    """Capture d'écran dans tests/e2e/captures/ (dossier ignoré par git)."""
    CAPTURES.mkdir(exist_ok=True)
    chemin = CAPTURES / f"{re.sub(r'[^a-z0-9_-]+', '-', nom.lower())}.png"
    page.screenshot(path=str(chemin), full_page=page_entiere)
    return chemin


def texte_normalise(texte: str) -> str:
    """Espaces insécables et fines ramenées à l'espace simple, pour comparer des montants."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", texte)


def programme_en_cours():
    """Des comptes, le Fonds d'accélération réparti entre deux régions, trois projets (en
    instruction, présélectionné, engagé) et les totaux : chaque page a quelque chose à
    montrer. Renvoie les comptes et le projet en instruction."""
    million = 1_000_000
    comptes = creer_comptes()
    _nationale, regionales = fonds_reparti(
        auteur=comptes["admin-national"],
        dispositif=fonds_acceleration(),
        annee=2020,
        national=150 * million,
        regions={"84": 10 * million, "32": 5 * million},
    )
    agents = {"prefecture": comptes["prefecture-84"], "conseil": comptes["region-84"]}
    en_instruction = projet_au_statut("en_instruction", **agents)
    projet_au_statut("preselectionne", **agents, intitule="Atelier de traitement de surface")
    projet_engage(**agents, enveloppe=regionales["84"], intitule="Robotisation d'une fonderie")
    moteur.recalculer_tout()
    return comptes, en_instruction
