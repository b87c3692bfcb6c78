"""Le contrat des couches, au-delà des imports Python que vérifie `make lint`.

L'ordre des couches est lu dans `pyproject.toml` (le contrat d'`import-linter`) : une
seule définition. Ces tests l'appliquent à ce que l'outil ne voit pas : les gabarits
(`{% load %}` d'une bibliothèque de balises, `{% include %}` et `{% extends %}` d'un
gabarit) et `apps.get_model`, qui atteint un modèle sans l'importer. Ils vérifient aussi
que chaque paquet du portail est dans le contrat, qu'aucun module ne dépasse la taille
convenue, et que chaque variable d'environnement lue par les réglages est documentée.
"""

import ast
import re
import tomllib
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parent.parent
GABARITS = RACINE / "templates"
TAILLE_MAX = 420  # lignes d'un module de l'application (« environ 400 »)
# Les répertoires de gabarits des bibliothèques (Django, django-dsfr, l'API) : du socle.
GABARITS_EXTERIEURS = {"admin", "dsfr", "drf_spectacular", "django", "rest_framework"}


def couches() -> list[str]:
    """Les couches, de la plus haute à la plus basse, lues dans le contrat."""
    contrat = tomllib.loads((RACINE / "pyproject.toml").read_text())["tool"]["importlinter"]
    (couches,) = [c["layers"] for c in contrat["contracts"] if c["type"] == "layers"]
    return couches


def rang(application: str) -> int:
    """0 pour la couche la plus basse ; les répertoires de gabarits partagés sont du socle."""
    ordre = list(reversed(couches()))
    return ordre.index(application) if application in ordre else 0


def _paquets_du_portail() -> list[str]:
    return sorted(
        dossier.name
        for dossier in RACINE.iterdir()
        if (dossier / "__init__.py").exists() and dossier.name not in ("tests",)
    )


def test_chaque_paquet_du_portail_est_une_couche_du_contrat():
    assert _paquets_du_portail() == sorted(couches())


def _application_du_gabarit(chemin: Path, racine: Path) -> str:
    relatif = chemin.relative_to(racine)
    return relatif.parts[0] if len(relatif.parts) > 1 else "socle"


def _bibliotheques() -> dict[str, str]:
    """Nom de chaque bibliothèque de balises du portail → son application."""
    return {
        module.stem: module.parts[-3]
        for module in RACINE.glob("*/templatetags/*.py")
        if module.stem != "__init__"
    }


_LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
_GABARIT_CITE = re.compile(r"{%\s*(?:include|extends)\s+[\"']([^\"']+)[\"']")


def _dependances_des_gabarits(racine: Path = GABARITS):
    """(gabarit, application du gabarit, ce qu'il cite, application citée)."""
    bibliotheques = _bibliotheques()
    for chemin in sorted(racine.rglob("*.html")):
        application = _application_du_gabarit(chemin, racine)
        if application in GABARITS_EXTERIEURS:
            continue
        texte = chemin.read_text()
        for noms in _LOAD.findall(texte):
            for nom in noms.split():
                if nom == "from":
                    break
                if nom in bibliotheques:
                    yield chemin, application, f"{{% load {nom} %}}", bibliotheques[nom]
        for cite in _GABARIT_CITE.findall(texte):
            dossier = cite.split("/")[0] if "/" in cite else "socle"
            if dossier not in GABARITS_EXTERIEURS:
                yield chemin, application, cite, dossier


def _violations(racine: Path = GABARITS) -> list[str]:
    return [
        f"{chemin.relative_to(racine)} ({application}) cite {cite} ({cible})"
        for chemin, application, cite, cible in _dependances_des_gabarits(racine)
        if rang(cible) > rang(application)
    ]


def test_un_gabarit_ne_s_appuie_que_sur_sa_couche_ou_celles_d_en_dessous():
    assert _violations() == []


def test_le_controle_des_gabarits_voit_une_dependance_vers_le_haut(tmp_path):
    """Le contrôle lui-même : un gabarit de `projets` qui chargerait une bibliothèque de
    `pilotage` ou inclurait un gabarit du fonds est signalé ; l'inverse est permis."""
    (tmp_path / "projets").mkdir()
    (tmp_path / "projets" / "fiche.html").write_text(
        '{% load l10n pilotage_tableaux %}{% include "fonds/_projet.html" %}'
    )
    (tmp_path / "portail").mkdir()
    (tmp_path / "portail" / "page.html").write_text('{% extends "projets/fiche.html" %}')
    assert _violations(tmp_path) == [
        "projets/fiche.html (projets) cite {% load pilotage_tableaux %} (pilotage)",
        "projets/fiche.html (projets) cite fonds/_projet.html (fonds)",
    ]


def _modules_python():
    for chemin in sorted(RACINE.glob("*/**/*.py")):
        relatif = chemin.relative_to(RACINE)
        if relatif.parts[0] in ("tests", ".venv", "node_modules") or "migrations" in relatif.parts:
            continue
        yield relatif


def _appels_get_model(arbre: ast.AST):
    for noeud in ast.walk(arbre):
        if (
            isinstance(noeud, ast.Call)
            and isinstance(noeud.func, ast.Attribute)
            and noeud.func.attr == "get_model"
            and noeud.args
            and isinstance(noeud.args[0], ast.Constant)
        ):
            etiquette = str(noeud.args[0].value).split(".")[0]
            yield noeud.lineno, etiquette


def test_apps_get_model_n_atteint_pas_une_couche_superieure():
    assert list(_appels_get_model(ast.parse('apps.get_model("fonds", "Engagement")'))) == [
        (1, "fonds")
    ]
    violations = []
    for relatif in _modules_python():
        application = relatif.parts[0]
        arbre = ast.parse((RACINE / relatif).read_text())
        for ligne, cible in _appels_get_model(arbre):
            if rang(cible) > rang(application):
                violations.append(f"{relatif}:{ligne} apps.get_model({cible!r}, …)")
    assert violations == []


@pytest.mark.parametrize("relatif", list(_modules_python()), ids=str)
def test_aucun_module_ne_depasse_la_taille_convenue(relatif):
    lignes = len((RACINE / relatif).read_text().splitlines())
    assert lignes <= TAILLE_MAX, f"{relatif} : {lignes} lignes (au plus {TAILLE_MAX})"


def _variables_lues_par_les_reglages() -> set[str]:
    reglages = (RACINE / "config" / "settings.py").read_text()
    return set(re.findall(r"env(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", reglages))


def test_chaque_variable_des_reglages_est_documentee():
    variables = _variables_lues_par_les_reglages()
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL"} <= variables
    readme = (RACINE / "README.md").read_text()
    exemple = (RACINE / ".env.example").read_text()
    absentes_du_readme = sorted(v for v in variables if f"| `{v}` |" not in readme)
    absentes_de_l_exemple = sorted(
        v for v in variables if not re.search(rf"^#? ?{v}=", exemple, re.MULTILINE)
    )
    assert (absentes_du_readme, absentes_de_l_exemple) == ([], [])
