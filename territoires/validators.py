"""Contrôles des identifiants officiels (SIREN, SIRET) par la clé de Luhn."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import Func, Value
from django.db.models.functions import Lower


def cle_luhn_valide(chiffres: str) -> bool:
    """Vrai si la suite de chiffres respecte la formule de Luhn."""
    total = 0
    for rang, caractere in enumerate(reversed(chiffres)):
        valeur = int(caractere)
        if rang % 2 == 1:
            valeur *= 2
            if valeur > 9:
                valeur -= 9
        total += valeur
    return total % 10 == 0


def valider_siren(valeur: str) -> None:
    if not (isinstance(valeur, str) and len(valeur) == 9 and valeur.isascii() and valeur.isdigit()):
        raise ValidationError(
            "Le SIREN doit comporter exactement 9 chiffres (« %(valeur)s »).",
            code="siren_format",
            params={"valeur": valeur},
        )
    if not cle_luhn_valide(valeur):
        raise ValidationError(
            "Le SIREN « %(valeur)s » n'est pas valide (clé de contrôle de Luhn incorrecte).",
            code="siren_luhn",
            params={"valeur": valeur},
        )


def valider_siret(valeur: str) -> None:
    """SIRET = SIREN + NIC (14 chiffres), clé de Luhn sur les 14 chiffres.

    Exception connue : les établissements de La Poste (SIREN 356000000), dont la
    somme des chiffres du SIRET est un multiple de 5.
    """
    if not (
        isinstance(valeur, str) and len(valeur) == 14 and valeur.isascii() and valeur.isdigit()
    ):
        raise ValidationError(
            "Le SIRET doit comporter exactement 14 chiffres (« %(valeur)s »).",
            code="siret_format",
            params={"valeur": valeur},
        )
    if valeur.startswith("356000000"):
        valide = sum(int(c) for c in valeur) % 5 == 0
    else:
        valide = cle_luhn_valide(valeur)
    if not valide:
        raise ValidationError(
            "Le SIRET « %(valeur)s » n'est pas valide (clé de contrôle de Luhn incorrecte).",
            code="siret_luhn",
            params={"valeur": valeur},
        )


def normaliser(texte: str) -> str:
    """Forme de recherche : minuscules, sans accents, tirets et apostrophes en espaces.

    « Vallée de l'Arve » et « vallee de l arve » ont la même forme, si bien
    qu'une recherche tapée sans accents trouve le territoire.
    """
    decompose = unicodedata.normalize("NFKD", texte or "")
    sans_accents = "".join(c for c in decompose if not unicodedata.combining(c))
    for separateur in "-'’_":
        sans_accents = sans_accents.replace(separateur, " ")
    return " ".join(sans_accents.lower().split())


# Les lettres accentuées du français (et leurs majuscules, que `LOWER` de SQLite laisse telles
# quelles), ramenées à leur lettre de base, comme le fait `normaliser`.
LETTRES_ACCENTUEES = {
    "a": "àâäáãåÀÂÄÁÃÅ",
    "c": "çÇ",
    "e": "éèêëÉÈÊË",
    "i": "îïíìÎÏÍÌ",
    "n": "ñÑ",
    "o": "ôöóòõÔÖÓÒÕ",
    "u": "ûüúùÛÜÚÙ",
    "y": "ÿýŸÝ",
    "œ": "Œ",
    "æ": "Æ",
}


def comme_la_base(texte: str) -> str:
    """Le texte cherché, mis dans la forme de `forme_de_recherche` (calculée en Python) :
    un caractère que `normaliser` décomposerait sans être une lettre accentuée (« ² »)
    reste tel quel, comme dans la colonne."""
    forme = (texte or "").lower()
    for base, lettres in LETTRES_ACCENTUEES.items():
        for lettre in lettres:
            forme = forme.replace(lettre, base)
    for separateur in "-'’_":
        forme = forme.replace(separateur, " ")
    return " ".join(forme.split())


# Les caractères remplacés par la forme de recherche, et leur remplaçant, un pour un.
_REMPLACES = "".join(LETTRES_ACCENTUEES.values()) + "-'’_"
_REMPLACANTS = "".join(base * len(lettres) for base, lettres in LETTRES_ACCENTUEES.items()) + "    "


def forme_de_recherche(champ: str):
    """L'expression SQL de `normaliser` sur une colonne (hors espaces répétés) : minuscules,
    sans accents, tirets et apostrophes en espaces, en un seul `TRANSLATE(LOWER(…))`,
    immuable : une colonne générée et son index peuvent la porter. PostgreSQL a `TRANSLATE` ;
    SQLite reçoit la même fonction à chaque connexion (`socle.sqlite`)."""
    return Func(Lower(champ), Value(_REMPLACES), Value(_REMPLACANTS), function="TRANSLATE")
