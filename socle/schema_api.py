"""Retouches du schéma OpenAPI : y écrire les règles que l'API applique vraiment."""

import re

# `\d{0,n}` : drf-spectacular laisse passer la chaîne vide (ou un « - » seul), que le
# portail refuse pour un montant. Au moins un chiffre avant la virgule.
_DECIMAL = re.compile(r"^\^-\?\\d\{0,")
# Un caractère nul dans les paramètres de l'adresse : 400 (`socle.securite`).
SANS_CARACTERE_NUL = "^[^\\x00]*$"


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
                if parametre.get("in") == "query" and libre:
                    type_["pattern"] = SANS_CARACTERE_NUL


def regles_du_portail(result, generator, request, public):
    """Montants décimaux d'au moins un chiffre, paramètres sans caractère nul."""
    _montants(result)
    _parametres_textes(result)
    return result
