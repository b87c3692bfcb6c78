"""Ce que partagent les graphiques : palette, `Graphique`, formats courts, écriture du SVG."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString

from socle.format_fr import format_euros, nombre_decimal
from socle.format_fr import nombre as _nombre

BLEU_FRANCE = "#000091"
BLEU_FRANCE_525 = "#6a6af4"
TEXTE = "#161616"
TEXTE_SECONDAIRE = "#3a3a3a"
GRILLE = "#dddddd"
SANS_DONNEE = "#f6f6f6"
BORDURE_SANS_DONNEE = "#929292"
BLANC = "#ffffff"

# Séries (années, dispositifs) : bleu France d'abord, puis couleurs illustratives du DSFR.
COULEURS_SERIES = ["#000091", "#6a6af4", "#009081", "#a558a0", "#c3992a", "#ce614a", "#716043"]
# Classes du cartogramme, de la plus claire à la plus foncée (dégradé du bleu France).
COULEURS_CLASSES = ["#ececfe", "#cacafb", "#a1a1f8", "#6a6af4", "#000091"]
# Texte lisible sur chaque classe (contraste d'au moins 4,5:1).
TEXTE_CLASSES = [TEXTE, TEXTE, TEXTE, TEXTE, BLANC]

Format = Callable[[object], str]


@dataclass
class Graphique:
    """Une image SVG et le tableau de ses données (déjà formatées en français)."""

    id: str
    titre: str
    description: str
    svg: SafeString
    colonnes: list[str]
    lignes: list[list[str]]
    vide: bool = False
    notes: list[str] = field(default_factory=list)
    # Légende en HTML (cartes) : (couleur ou « contour », libellé), et son titre.
    legende: list[tuple[str, str]] = field(default_factory=list)
    titre_legende: str = ""

    @property
    def id_donnees(self) -> str:
        return f"{self.id}-donnees"


# --- Formats courts (étiquettes des axes et des cases) -------------------------------------


def en_decimal(valeur) -> Decimal:
    if valeur is None:
        return Decimal(0)
    return valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))


def euros_courts(valeur) -> str:
    """1 500 000 000 -> « 1,5 Md€ » ; 150 000 000 -> « 150 M€ » ; 12 500 -> « 12,5 k€ »."""
    montant = en_decimal(valeur)
    for seuil, suffixe in ((Decimal(10) ** 9, "Md€"), (Decimal(10) ** 6, "M€"), (1000, "k€")):
        if abs(montant) >= seuil:
            quotient = montant / seuil
            return f"{nombre_decimal(quotient, 1 if abs(quotient) < 100 else 0)}\u00a0{suffixe}"
    return f"{nombre_decimal(montant, 0)}\u00a0€"


def nombre_court(valeur) -> str:
    return _nombre(int(en_decimal(valeur)))


def levier_court(valeur) -> str:
    if valeur is None:
        return "—"
    return f"×\u00a0{nombre_decimal(en_decimal(valeur), 1)}"


def euros_longs(valeur) -> str:
    return format_euros(valeur, centimes=False)


# --- Écriture du SVG -------------------------------------------------------------------------


def _attributs(attrs: dict) -> str:
    return "".join(
        f' {nom.rstrip("_").replace("_", "-")}="{escape(str(valeur))}"'
        for nom, valeur in attrs.items()
        if valeur is not None
    )


def element(balise: str, contenu: str = "", **attrs) -> str:
    """Un élément SVG ; `contenu` est déjà du SVG (échappé) ou vide."""
    if contenu:
        return f"<{balise}{_attributs(attrs)}>{contenu}</{balise}>"
    return f"<{balise}{_attributs(attrs)}/>"


def texte_svg(texte: str, **attrs) -> str:
    return element("text", escape(texte), **attrs)


def image_svg(id: str, titre: str, description: str, largeur: int, hauteur: int, corps: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="portail-graphique__svg"'
        f' id="{escape(id)}-svg" aria-labelledby="{escape(id)}-titre {escape(id)}-desc"'
        f' viewBox="0 0 {largeur} {hauteur}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(id)}-titre">{escape(titre)}</title>'
        f'<desc id="{escape(id)}-desc">{escape(description)}</desc>'
        f"{corps}</svg>"
    )


def tronquer(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def coord(valeur: float) -> str:
    """Une coordonnée SVG : deux décimales au plus."""
    return f"{valeur:.2f}".rstrip("0").rstrip(".")


def graduations(maximum: Decimal, nombre: int = 4) -> list[Decimal]:
    """Des graduations « rondes » (1, 2, 2,5 ou 5 × 10^n) de 0 jusqu'au-delà du maximum."""
    maximum = en_decimal(maximum)
    if maximum <= 0:
        return [Decimal(0), Decimal(1)]
    brut = maximum / nombre
    puissance = Decimal(10) ** (len(str(int(brut))) - 1) if brut >= 1 else Decimal("0.1")
    while puissance > brut:
        puissance /= 10
    for facteur in (1, 2, Decimal("2.5"), 5, 10):
        pas = puissance * facteur
        if pas * nombre >= maximum:
            break
    valeurs = [Decimal(0)]
    while valeurs[-1] < maximum:
        valeurs.append(valeurs[-1] + pas)
    return valeurs
