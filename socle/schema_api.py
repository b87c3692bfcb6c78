"""Retouches du schéma OpenAPI : y écrire les règles que l'API applique vraiment."""

import re

# `\d{0,n}` : drf-spectacular laisse passer la chaîne vide (ou un « - » seul), que le
# portail refuse pour un montant. Au moins un chiffre avant la virgule.
_DECIMAL = re.compile(r"^\^-\?\\d\{0,")
# Un caractère nul : 400 dans les paramètres de l'adresse (`socle.securite`) comme dans
# un champ texte du corps (les champs de DRF le refusent).
SANS_CARACTERE_NUL = "^[^\\x00]*$"
# Un texte exigé (`minLength` 1) : DRF retire les espaces autour avant de le dire vide.
NON_VIDE = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


def _montants(noeud) -> None:
    if isinstance(noeud, dict):
        motif = noeud.get("pattern")
        if noeud.get("format") == "decimal" and isinstance(motif, str):
            noeud["pattern"] = _DECIMAL.sub(r"^-?\\d{1,", motif)
        for valeur in noeud.values():
            _montants(valeur)
    elif isinstance(noeud, list):
        for valeur in noeud:
            _montants(valeur)


def _parametres_textes(schema: dict) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parametre in operation.get("parameters", []):
                type_ = parametre.get("schema", {})
                libre = type_.get("type") == "string" and not {"enum", "pattern"} & type_.keys()
                if parametre.get("in") != "query":
                    continue
                if libre:
                    type_["pattern"] = SANS_CARACTERE_NUL
                elif "" not in type_.get("enum", [""]) and not parametre.get("required"):
                    # Un filtre à choix laissé vide ne filtre pas (django-filter).
                    type_["enum"] = [*type_["enum"], ""]


def _textes(noeud) -> None:
    if isinstance(noeud, dict):
        if noeud.get("type") == "string" and not {"enum", "pattern", "format"} & noeud.keys():
            noeud["pattern"] = NON_VIDE if noeud.get("minLength", 0) >= 1 else SANS_CARACTERE_NUL
        for valeur in noeud.values():
            _textes(valeur)
    elif isinstance(noeud, list):
        for valeur in noeud:
            _textes(valeur)


def _corps_textes(schema: dict) -> None:
    for nom, composant in schema.get("components", {}).get("schemas", {}).items():
        if nom.endswith("Request"):  # les corps reçus (COMPONENT_SPLIT_REQUEST)
            _textes(composant.get("properties", {}))


def regles_du_portail(result, generator, request, public):
    """Montants décimaux d'au moins un chiffre, paramètres et textes sans caractère nul."""
    _montants(result)
    _parametres_textes(result)
    _corps_textes(result)
    return result
