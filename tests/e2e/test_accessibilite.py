"""Accessibilité (RGAA) des pages principales, contrôlée par axe-core dans Chromium.

axe-core (registre npm, `npm ci`) est injecté dans chaque page après son
chargement et lancé avec les règles WCAG 2 A et AA, socle du RGAA. Le test
échoue sur toute violation d'impact « serious » ou « critical » ; les autres
(« minor », « moderate ») sont affichées dans la sortie du test, ainsi que le
nombre d'éléments qu'axe n'a pas pu trancher (« à vérifier à la main »). Le
détail (sélecteurs, extraits HTML) est écrit dans tests/e2e/captures/axe.json.

axe-core ne couvre qu'une partie des critères du RGAA : ce contrôle ne remplace
pas un audit.
"""

import json
import warnings
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.e2e.conftest import CAPTURES, capturer, connecter, expect, programme_en_cours

pytestmark = pytest.mark.django_db(transaction=True)

IMPACTS_BLOQUANTS = ("critical", "serious")
ORDRE_IMPACTS = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
OPTIONS_AXE = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa"]},
    "resultTypes": ["violations", "incomplete"],
}


def _regles(resultats: list[dict]) -> list[dict]:
    regles = [
        {
            "regle": r["id"],
            "impact": r["impact"] or "minor",
            "aide": r["help"],
            "elements": [
                {"cible": " ".join(map(str, n["target"])), "html": n["html"][:200]}
                for n in r["nodes"]
            ],
        }
        for r in resultats
    ]
    return sorted(regles, key=lambda r: (ORDRE_IMPACTS.get(r["impact"], 9), r["regle"]))


def auditer(page, source_axe: str) -> dict:
    """Injecte axe-core et renvoie ses violations et ce qu'il n'a pas pu trancher.

    `evaluate` passe par le protocole de débogage, pas par une balise script : la
    politique de sécurité du contenu du portail (script-src 'self') ne le bloque pas.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(source_axe)
    resultats = page.evaluate("options => window.axe.run(document, options)", OPTIONS_AXE)
    return {
        "violations": _regles(resultats["violations"]),
        "a_verifier": _regles(resultats["incomplete"]),
    }


def _routee(adresse: str) -> bool:
    try:
        resolve(urlsplit(adresse).path)
    except Resolver404:
        return False
    return True


def _formulaire_en_erreur(page):
    reponse = page.goto("/projets/nouveau/")
    assert reponse.status == 200
    page.get_by_label("SIRET de l'établissement").fill("73282932000075")
    page.get_by_role("button", name="Enregistrer et déposer").click()
    expect(page.locator("#id_intitule-erreurs")).to_be_visible()
    assert page.locator(".fr-error-text").count() > 1


def _documentation_api(page):
    """Swagger UI se construit en JavaScript : on attend la fin du rendu (schéma chargé,
    opérations et bouton d'autorisation affichés)."""
    reponse = page.goto("/api/docs/")
    assert reponse.status == 200
    page.locator(".swagger-ui .opblock").first.wait_for()
    page.locator(".swagger-ui .btn.authorize").wait_for()
    page.wait_for_load_state("networkidle")


def _resume(regles: list[dict]) -> str:
    return ", ".join(f"{r['regle']} ({len(r['elements'])})" for r in regles)


def test_pages_principales_sans_violation_grave(nouvel_onglet, referentiel, source_axe, capsys):
    _comptes, projet = programme_en_cours()
    anonyme = nouvel_onglet()
    prefecture = nouvel_onglet()
    connecter(prefecture, "prefecture-84")
    conseil = nouvel_onglet()
    connecter(conseil, "region-84")
    ministere = nouvel_onglet()
    connecter(ministere, "ministere")
    equipe = nouvel_onglet()
    connecter(equipe, "admin-national")

    pages = [
        ("accueil", anonyme, "/"),
        ("connexion", anonyme, "/comptes/connexion/"),
        ("mot-de-passe", prefecture, "/comptes/mot-de-passe/"),
        ("jetons-api", prefecture, "/comptes/jetons/"),
        ("territoires", anonyme, "/territoires/"),
        ("territoire-8414", anonyme, "/territoires/8414/"),
        ("projets", prefecture, "/projets/"),
        ("projet-formulaire-en-erreur", prefecture, _formulaire_en_erreur),
        ("projet-detail", prefecture, f"/projets/{projet.pk}/"),
        ("preselection", conseil, "/projets/preselection/"),
        ("mon-espace-region", conseil, "/mon-espace/"),
        ("notifications", conseil, "/notifications/"),
        ("preferences-notifications", conseil, "/comptes/notifications/"),
        ("action-en-lot", prefecture, "/projets/lot/?statut=en_instruction"),
        ("fonds", prefecture, "/fonds/"),
        ("fonds-redeploiement", equipe, "/fonds/redeploiement/"),
        ("pilotage-national", ministere, "/pilotage/"),
        ("pilotage-region-84", ministere, "/pilotage/regions/84/"),
        ("api-docs", anonyme, _documentation_api),
    ]
    rapport, erreurs = {}, []
    for nom, page, adresse in pages:
        if isinstance(adresse, str) and not _routee(adresse):
            warnings.warn(f"{nom} : {adresse} n'est pas routée, page non contrôlée", stacklevel=1)
            rapport[nom] = {"adresse": adresse, "non_routee": True}
            continue
        if callable(adresse):
            adresse(page)
        else:
            reponse = page.goto(adresse)
            if reponse.status != 200:
                erreurs.append(f"  {nom:<28} {adresse} répond {reponse.status}")
                continue
        capturer(page, f"axe-{nom}", page_entiere=False)
        rapport[nom] = {
            "adresse": urlsplit(page.url)._replace(scheme="", netloc="").geturl(),
            **auditer(page, source_axe),
        }

    CAPTURES.mkdir(exist_ok=True)
    (CAPTURES / "axe.json").write_text(
        json.dumps(rapport, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    lignes, graves = [], []
    for nom, resultat in rapport.items():
        if resultat.get("non_routee"):
            lignes.append(f"  {nom:<28} non routée : page non contrôlée")
            continue
        impacts = Counter(v["impact"] for v in resultat["violations"])
        bilan = ", ".join(f"{impacts[i]} {i}" for i in ORDRE_IMPACTS if impacts[i])
        lignes.append(f"  {nom:<28} {bilan or 'aucune violation'}")
        for v in resultat["violations"]:
            cibles = ", ".join(e["cible"] for e in v["elements"][:3])
            if len(v["elements"]) > 3:
                cibles += f", … ({len(v['elements'])} éléments)"
            ligne = f"    {v['impact']:<9} {v['regle']} : {v['aide']} [{cibles}]"
            lignes.append(ligne)
            if v["impact"] in IMPACTS_BLOQUANTS:
                graves.append(f"  {nom} ({resultat['adresse']}) :{ligne}")
        if resultat["a_verifier"]:
            lignes.append(f"    à vérifier à la main : {_resume(resultat['a_verifier'])}")
    with capsys.disabled():
        print("\naxe-core (wcag2a, wcag2aa), violations par page :")
        print("\n".join(lignes))
    assert not erreurs, "Pages en erreur :\n" + "\n".join(erreurs)
    assert not graves, "Violations graves (serious/critical) :\n" + "\n".join(graves)
