"""Filtres de gabarit disponibles partout (déclarés en `builtins`) : nombres à la française.

Aussi, pour le code : `nombre_decimal` (décimales sans zéros inutiles) et
`cle_alphabetique` (l'ordre alphabétique français des libellés).
"""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django import template

register = template.Library()

ESPACE_FINE = "\u202f"  # séparateur de milliers de l'Imprimerie nationale


def _grouper(entier: str) -> str:
    signe = "-" if entier.startswith("-") else ""
    chiffres = entier.lstrip("-")
    groupes = []
    while chiffres:
        groupes.insert(0, chiffres[-3:])
        chiffres = chiffres[:-3]
    return signe + ESPACE_FINE.join(groupes or ["0"])


CENTIME = Decimal("0.01")


def format_euros(montant, *, centimes: bool | None = None) -> str:
    """« 1 500 000 € » ; les centimes ne s'affichent que s'ils ne sont pas nuls
    (`centimes=True` les force, `centimes=False` arrondit à l'euro)."""
    if montant is None or montant == "":
        return "—"
    try:
        valeur = Decimal(str(montant))
    except (InvalidOperation, TypeError, ValueError):
        return str(montant)
    if not valeur.is_finite():
        return str(montant)
    # Assez de chiffres pour arrondir au centime un montant démesuré (saisie hostile).
    with localcontext(prec=max(28, valeur.adjusted() + 4)):
        if centimes is False:
            valeur = valeur.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        valeur = valeur.quantize(CENTIME, rounding=ROUND_HALF_UP)
    entier, _, fraction = f"{valeur:.2f}".partition(".")
    texte = _grouper(entier)
    if centimes or (centimes is None and fraction != "00"):
        texte += f",{fraction}"
    return f"{texte}\u00a0€"


@register.filter
def euros(valeur, decimales=None):
    """`|euros` : « 1 500 000 € » (centimes si non nuls) ; `|euros:2` les force ; `|euros:0`
    arrondit à l'euro."""
    if decimales in (None, ""):
        return format_euros(valeur)
    return format_euros(valeur, centimes=int(decimales) > 0)


@register.filter
def millions(valeur):
    """150000000 -> « 150 M€ » ; 1234567 -> « 1,2 M€ »."""
    if valeur is None or valeur == "":
        return "—"
    try:
        montant = Decimal(valeur) / Decimal(1_000_000)
    except (InvalidOperation, TypeError, ValueError):
        return valeur
    texte = str(montant.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    entier, _, fraction = texte.partition(".")
    if fraction == "0":
        return f"{_grouper(entier)}\u00a0M€"
    return f"{_grouper(entier)},{fraction}\u00a0M€"


@register.filter
def nombre(valeur):
    """12345 -> « 12 345 »."""
    if valeur is None or valeur == "":
        return "—"
    try:
        return _grouper(str(int(valeur)))
    except (TypeError, ValueError):
        return valeur


def nombre_decimal(valeur: Decimal, decimales: int) -> str:
    """« 1 234,5 » : au plus `decimales` décimales, sans zéros inutiles."""
    quantum = Decimal(1).scaleb(-decimales)
    texte = f"{valeur.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    entier, _, fraction = texte.partition(".")
    return nombre(entier) + ("," + fraction if fraction else "")


def cle_alphabetique(texte: str) -> str:
    """Ordre alphabétique français simple : sans accents ni majuscules (Île après Hauts)."""
    decompose = unicodedata.normalize("NFD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()
