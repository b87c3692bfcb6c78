"""Le cartogramme des régions : une case de même taille par région, colorée selon un chiffre."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from pilotage.graphiques.commun import (
    BLANC,
    BORDURE_SANS_DONNEE,
    COULEURS_CLASSES,
    SANS_DONNEE,
    TEXTE,
    TEXTE_CLASSES,
    TEXTE_SECONDAIRE,
    Format,
    Graphique,
    element,
    en_decimal,
    image_svg,
    texte_svg,
)
from socle.format_fr import cle_alphabetique

# (code INSEE, abréviation, colonne, ligne) : une case par région, placée à peu près
# comme sur la carte (ce n'est pas une carte : toutes les cases ont la même taille).
CASES_METROPOLE = [
    ("32", "HDF", 2, 0),
    ("28", "NOR", 1, 1),
    ("11", "IDF", 2, 1),
    ("44", "GES", 3, 1),
    ("53", "BRE", 0, 2),
    ("52", "PDL", 1, 2),
    ("24", "CVL", 2, 2),
    ("27", "BFC", 3, 2),
    ("75", "NAQ", 1, 3),
    ("84", "ARA", 2, 3),
    ("76", "OCC", 1, 4),
    ("93", "PACA", 2, 4),
    ("94", "COR", 3, 5),
]
CASES_OUTRE_MER = [
    ("01", "GUA"),
    ("02", "MTQ"),
    ("03", "GUF"),
    ("04", "RÉU"),
    ("06", "MAY"),
]
NOMS_REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
CASE = 84
ECART = 6


def classes(valeurs: Sequence, nombre: int = len(COULEURS_CLASSES)) -> list[Decimal]:
    """Les bornes supérieures de `nombre` classes d'égale amplitude, de 0 au maximum."""
    maximum = max((en_decimal(v) for v in valeurs if v is not None), default=Decimal(0))
    if maximum <= 0:
        return [Decimal(0)] * nombre
    return [maximum * (rang + 1) / nombre for rang in range(nombre)]


def classe_de(valeur, bornes: list[Decimal]) -> int | None:
    if valeur is None:
        return None
    valeur = en_decimal(valeur)
    for rang, borne in enumerate(bornes):
        if valeur <= borne:
            return rang
    return len(bornes) - 1


def cartogramme(
    *,
    id: str,
    titre: str,
    description: str,
    valeurs: dict[str, object],
    noms: dict[str, str] | None = None,
    format_valeur: Format,
    format_court: Format | None = None,
    libelle_valeur: str,
) -> Graphique:
    """Une case par région (13 de métropole, 5 d'outre-mer), colorée selon `valeurs`.

    `valeurs` : code de région -> valeur, ou `None` (pas de chiffre : case grise).
    """
    format_court = format_court or format_valeur
    noms = {**NOMS_REGIONS, **(noms or {})}
    bornes = classes(list(valeurs.values()))
    pas = CASE + ECART
    haut_outre_mer = 6 * pas + 34

    def case(code: str, abreviation: str, x: int, y: int) -> str:
        valeur = valeurs.get(code)
        rang = classe_de(valeur, bornes)
        fond = SANS_DONNEE if rang is None else COULEURS_CLASSES[rang]
        encre = TEXTE if rang is None else TEXTE_CLASSES[rang]
        texte_valeur = "—" if valeur is None else format_court(valeur)
        lu = "pas de donnée" if valeur is None else format_valeur(valeur)
        infobulle = f"{noms.get(code, code)} : {lu}"
        return element(
            "g",
            element("title", escape(infobulle))
            + element(
                "rect",
                x=x,
                y=y,
                width=CASE,
                height=CASE,
                rx=4,
                fill=fond,
                stroke=BORDURE_SANS_DONNEE if rang is None else BLANC,
                stroke_dasharray="4 3" if rang is None else None,
            )
            + texte_svg(
                abreviation,
                x=x + CASE / 2,
                y=y + 34,
                font_size=16,
                font_weight="bold",
                fill=encre,
                text_anchor="middle",
            )
            + texte_svg(
                texte_valeur,
                x=x + CASE / 2,
                y=y + 58,
                font_size=13,
                fill=encre,
                text_anchor="middle",
            ),
            class_="case-region",
            data_region=code,
        )

    corps = [
        case(code, abrev, col * pas, ligne * pas) for code, abrev, col, ligne in CASES_METROPOLE
    ]
    corps.append(
        texte_svg(
            "Outre-mer", x=0, y=haut_outre_mer - 10, font_size=14, font_weight="bold", fill=TEXTE
        )
    )
    corps.extend(
        case(code, abrev, rang * pas, haut_outre_mer)
        for rang, (code, abrev) in enumerate(CASES_OUTRE_MER)
    )
    # Légende, à droite de la métropole.
    gauche = 4 * pas + 30
    corps.append(
        texte_svg(libelle_valeur, x=gauche, y=20, font_size=14, font_weight="bold", fill=TEXTE)
    )
    precedente = None
    for rang, borne in enumerate(bornes):
        y = 36 + rang * 30
        corps.append(
            element("rect", x=gauche, y=y, width=22, height=22, rx=3, fill=COULEURS_CLASSES[rang])
        )
        if precedente is None:
            intervalle = f"jusqu'à {format_court(borne)}"
        else:
            intervalle = f"de {format_court(precedente)} à {format_court(borne)}"
        corps.append(texte_svg(intervalle, x=gauche + 30, y=y + 16, font_size=13, fill=TEXTE))
        precedente = borne
    y = 36 + len(bornes) * 30
    corps.append(
        element(
            "rect",
            x=gauche,
            y=y,
            width=22,
            height=22,
            rx=3,
            fill=SANS_DONNEE,
            stroke=BORDURE_SANS_DONNEE,
            stroke_dasharray="4 3",
        )
    )
    corps.append(texte_svg("pas de donnée", x=gauche + 30, y=y + 16, font_size=13, fill=TEXTE))
    corps.append(
        texte_svg(
            "Cartogramme : cases de même taille,",
            x=gauche,
            y=y + 56,
            font_size=12,
            fill=TEXTE_SECONDAIRE,
        )
    )
    corps.append(
        texte_svg(
            "placées à peu près selon la géographie.",
            x=gauche,
            y=y + 72,
            font_size=12,
            fill=TEXTE_SECONDAIRE,
        )
    )
    largeur = gauche + 250
    hauteur = haut_outre_mer + CASE + 4
    svg = image_svg(id, titre, description, largeur, hauteur, "".join(corps))
    ordre = [code for code, *_ in CASES_METROPOLE] + [code for code, _ in CASES_OUTRE_MER]
    lignes = [
        [
            noms.get(code, code),
            "pas de donnée" if valeurs.get(code) is None else format_valeur(valeurs[code]),
        ]
        for code in sorted(ordre, key=lambda c: cle_alphabetique(noms.get(c, c)))
    ]
    return Graphique(
        id=id,
        titre=titre,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 (tout texte est échappé)
        colonnes=["Région", libelle_valeur],
        lignes=lignes,
        vide=all(v is None for v in valeurs.values()),
    )
