"""Barres horizontales, simples ou empilées (montants engagés par année, projets par enjeu)."""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.safestring import mark_safe

from pilotage.graphiques.commun import (
    BLANC,
    BLEU_FRANCE,
    COULEURS_SERIES,
    GRILLE,
    TEXTE,
    TEXTE_SECONDAIRE,
    Format,
    Graphique,
    coord,
    element,
    en_decimal,
    graduations,
    image_svg,
    texte_svg,
    tronquer,
)

LARGEUR = 760
MARGE_GAUCHE = 220
MARGE_DROITE = 90
PAS_BARRE = 28
EPAISSEUR = 18


def barres(
    *,
    id: str,
    titre: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence]],
    format_valeur: Format,
    format_axe: Format | None = None,
    titre_categories: str = "",
    largeur: int = LARGEUR,
    marge_gauche: int = MARGE_GAUCHE,
) -> Graphique:
    """Une barre horizontale par catégorie ; plusieurs séries s'empilent (légende en haut).

    `series` : (nom de la série, valeurs dans l'ordre des catégories). Le tableau des
    données a une colonne par série, plus le total quand il y a plusieurs séries.
    """
    format_axe = format_axe or format_valeur
    valeurs = [[en_decimal(v) for v in valeurs_serie] for _nom, valeurs_serie in series]
    totaux = [sum((serie[i] for serie in valeurs), Decimal(0)) for i in range(len(categories))]
    empile = len(series) > 1
    colonnes = [titre_categories or "Catégorie", *[nom for nom, _ in series]]
    if empile:
        colonnes.append("Total")
    lignes = []
    for i, categorie in enumerate(categories):
        ligne = [categorie, *[format_valeur(serie[i]) for serie in valeurs]]
        if empile:
            ligne.append(format_valeur(totaux[i]))
        lignes.append(ligne)

    vide = not categories or all(total == 0 for total in totaux)
    haut = 36 if empile else 12
    hauteur = haut + max(len(categories), 1) * PAS_BARRE + 34
    ticks = graduations(max(totaux, default=Decimal(0)))
    maximum = ticks[-1]
    utile = largeur - marge_gauche - MARGE_DROITE

    def x(valeur: Decimal) -> float:
        return marge_gauche + float(valeur / maximum) * utile if maximum else marge_gauche

    corps = []
    if empile:
        position = marge_gauche
        for rang, (nom, _valeurs) in enumerate(series):
            couleur = COULEURS_SERIES[rang % len(COULEURS_SERIES)]
            corps.append(element("rect", x=position, y=8, width=12, height=12, fill=couleur))
            corps.append(
                texte_svg(nom, x=position + 18, y=18, font_size=13, fill=TEXTE, class_="legende")
            )
            position += 30 + 8 * len(nom)
    bas = haut + len(categories) * PAS_BARRE
    for tick in ticks:
        position = coord(x(tick))
        corps.append(element("line", x1=position, x2=position, y1=haut - 4, y2=bas, stroke=GRILLE))
        corps.append(
            texte_svg(
                format_axe(tick),
                x=position,
                y=bas + 18,
                font_size=12,
                fill=TEXTE_SECONDAIRE,
                text_anchor="middle",
            )
        )
    for i, categorie in enumerate(categories):
        y = haut + i * PAS_BARRE + (PAS_BARRE - EPAISSEUR) / 2
        corps.append(
            texte_svg(
                tronquer(categorie, 30),
                x=marge_gauche - 8,
                y=coord(y + EPAISSEUR / 2 + 4.5),
                font_size=13,
                fill=TEXTE,
                text_anchor="end",
            )
        )
        debut = Decimal(0)
        for rang, serie in enumerate(valeurs):
            if serie[i] <= 0:
                continue
            couleur = COULEURS_SERIES[rang % len(COULEURS_SERIES)] if empile else BLEU_FRANCE
            corps.append(
                element(
                    "rect",
                    x=coord(x(debut)),
                    y=coord(y),
                    width=coord(max(x(debut + serie[i]) - x(debut), 0.5)),
                    height=EPAISSEUR,
                    fill=couleur,
                    stroke=BLANC if empile else None,
                    stroke_width=1 if empile else None,
                )
            )
            debut += serie[i]
        corps.append(
            texte_svg(
                format_valeur(totaux[i]),
                x=coord(x(totaux[i]) + 6),
                y=coord(y + EPAISSEUR / 2 + 4.5),
                font_size=12,
                fill=TEXTE,
            )
        )
    corps.append(
        element(
            "line", x1=marge_gauche, x2=marge_gauche, y1=haut - 4, y2=bas, stroke=TEXTE_SECONDAIRE
        )
    )
    svg = image_svg(id, titre, description, largeur, hauteur, "".join(corps))
    return Graphique(
        id=id,
        titre=titre,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 (tout texte est échappé par _texte / _attributs)
        colonnes=colonnes,
        lignes=lignes,
        vide=vide,
    )
