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
