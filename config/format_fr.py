"""Filtres de gabarit disponibles partout (déclarés en `builtins`) : nombres à la française."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


@register.filter
def euros(valeur, decimales=0):
    """1500000 -> « 1 500 000 € » ; `|euros:2` garde les centimes (« 1 500 000,00 € »)."""
    if valeur is None or valeur == "":
        return "—"
    try:
        montant = Decimal(valeur)
        decimales = int(decimales)
    except (InvalidOperation, TypeError, ValueError):
        return valeur
    quantum = Decimal(1).scaleb(-decimales)
    texte = str(montant.quantize(quantum, rounding=ROUND_HALF_UP))
    entier, _, fraction = texte.partition(".")
    return f"{_grouper(entier)}{',' + fraction if fraction else ''}\u00a0€"


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
