"""La carte des régions : leurs vrais contours, colorés selon un chiffre, dessinés en SVG.

Les tracés viennent du référentiel (`territoires.contours`, simplifiés une fois à la
préparation) : le coût de la page ne dépend pas des données. Chaque région est un lien
vers son tableau de bord, atteignable au clavier ; les départements et, en option, les
contours des territoires de la phase 2 sont des couches sans interaction. La légende et
le tableau des valeurs sont en HTML à côté (`Graphique.legende`, `Graphique.lignes`).
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from pilotage.graphiques.cartogramme import classe_de, classes
from pilotage.graphiques.commun import (
    BLANC,
    BORDURE_SANS_DONNEE,
    COULEURS_CLASSES,
    SANS_DONNEE,
    TEXTE,
    Format,
    Graphique,
    element,
    texte_svg,
)
from socle.format_fr import cle_alphabetique
from territoires.contours import CADRE_NATIONAL, ENCARTS

CONTOUR_TERRITOIRE = "#161616"


@dataclass
class Trace:
    """Un contour à dessiner : son code, son nom, son tracé SVG (`d`)."""

    code: str
    nom: str
    d: str


def _svg(id: str, titre: str, description: str, cadre, corps: str) -> str:
    x, y, largeur, hauteur = cadre
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portail-carte__svg"'
        f' id="{escape(id)}-svg" role="group"'
        f' aria-labelledby="{escape(id)}-titre {escape(id)}-desc"'
        f' viewBox="{x} {y} {largeur} {hauteur}" width="100%"'
        f' preserveAspectRatio="xMidYMid meet">'
        f'<title id="{escape(id)}-titre">{escape(titre)}</title>'
        f'<desc id="{escape(id)}-desc">{escape(description)}</desc>'
        f"{corps}</svg>"
    )


def _encarts() -> str:
    morceaux = []
    for encart in ENCARTS:
        morceaux.append(
            element(
                "rect",
                x=encart.x,
                y=encart.y,
                width=encart.largeur,
                height=encart.hauteur,
                fill="none",
                stroke=BORDURE_SANS_DONNEE,
                stroke_width=1,
                vector_effect="non-scaling-stroke",
            )
        )
        morceaux.append(
            texte_svg(
                encart.nom,
                x=encart.x + 60,
                y=encart.y + 250,
                font_size=230,
                fill=TEXTE,
                aria_hidden="true",
            )
        )
    return element("g", "".join(morceaux), class_="portail-carte__encarts")


def carte_des_regions(
    *,
    id: str,
    titre: str,
    description: str,
    regions: list[Trace],
    departements: list[Trace],
    territoires: list[Trace],
    valeurs: dict[str, object],
    lien_region,
    format_valeur: Format,
    format_court: Format,
    libelle_valeur: str,
) -> Graphique:
    """Les régions colorées selon `valeurs` (code -> valeur ou None), leurs départements,
    les contours de `territoires` en couche ; `lien_region(code)` : l'adresse ouverte au
    clic ou à la touche Entrée."""
    bornes = classes(list(valeurs.values()))
    morceaux = []
    for region in regions:
        valeur = valeurs.get(region.code)
        rang = classe_de(valeur, bornes)
        lu = "pas de donnée" if valeur is None else format_valeur(valeur)
        libelle = f"{region.nom} : {lu}"
        morceaux.append(
            element(
                "a",
                element("title", escape(libelle))
                + element(
                    "path",
                    d=region.d,
                    fill=SANS_DONNEE if rang is None else COULEURS_CLASSES[rang],
                    stroke=BLANC,
                    stroke_width=2,
                    vector_effect="non-scaling-stroke",
                ),
                href=lien_region(region.code),
                aria_label=libelle,
                class_="portail-carte__region",
                data_region=region.code,
            )
        )
    couche_departements = element(
        "path",
        d="".join(departement.d for departement in departements),
        fill="none",
        stroke=BLANC,
        stroke_width=0.6,
        stroke_opacity=0.9,
        vector_effect="non-scaling-stroke",
        class_="portail-carte__departements",
        aria_hidden="true",
    )
    couche_territoires = ""
    if territoires:
        # Un seul tracé, dessiné deux fois (`use`) : un liseré blanc sous le trait noir, pour
        # qu'il se voie sur les classes claires comme sur les foncées.
        trace_id = f"{id}-territoires"
        couche_territoires = element(
            "g",
            element(
                "defs",
                element(
                    "path",
                    d="".join(t.d for t in territoires),
                    id=trace_id,
                    vector_effect="non-scaling-stroke",
                ),
            )
            + element(
                "use",
                href=f"#{trace_id}",
                fill="none",
                stroke=BLANC,
                stroke_width=2.2,
                stroke_opacity=0.8,
                vector_effect="non-scaling-stroke",
            )
            + element(
                "use",
                href=f"#{trace_id}",
                fill="none",
                stroke=CONTOUR_TERRITOIRE,
                stroke_width=0.9,
                vector_effect="non-scaling-stroke",
            ),
            class_="portail-carte__territoires",
            aria_hidden="true",
        )
    corps = (
        element("g", "".join(morceaux), class_="portail-carte__regions")
        + couche_departements
        + couche_territoires
        + _encarts()
    )
    svg = _svg(id, titre, description, CADRE_NATIONAL, corps)
    legende = []
    precedente = None
    for rang, borne in enumerate(bornes):
        if precedente is None:
            intervalle = f"jusqu'à {format_court(borne)}"
        else:
            intervalle = f"de {format_court(precedente)} à {format_court(borne)}"
        legende.append((COULEURS_CLASSES[rang], intervalle))
        precedente = borne
    legende.append((SANS_DONNEE, "pas de donnée"))
    if territoires:
        legende.append(("contour", "contour d'un Territoire d'industrie (2023-2027)"))
    lignes = [
        [
            region.nom,
            "pas de donnée"
            if valeurs.get(region.code) is None
            else format_valeur(valeurs[region.code]),
        ]
        for region in sorted(regions, key=lambda r: cle_alphabetique(r.nom))
    ]
    return Graphique(
        id=id,
        titre=titre,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 (tout texte est échappé)
        colonnes=["Région", libelle_valeur],
        lignes=lignes,
        vide=not regions,
        legende=legende,
        titre_legende=libelle_valeur,
    )


def carte_d_un_territoire(
    *, id: str, titre: str, description: str, territoire: Trace, fond: list[Trace], cadre
) -> Graphique:
    """Un territoire (couleur pleine) sur les départements qui l'entourent, cadré sur lui."""
    corps = element(
        "path",
        d="".join(departement.d for departement in fond),
        fill=SANS_DONNEE,
        stroke=BORDURE_SANS_DONNEE,
        stroke_width=1,
        vector_effect="non-scaling-stroke",
        aria_hidden="true",
    ) + element(
        "path",
        d=territoire.d,
        fill=COULEURS_CLASSES[3],
        fill_opacity=0.85,
        stroke=COULEURS_CLASSES[4],
        stroke_width=2,
        vector_effect="non-scaling-stroke",
        class_="portail-carte__territoire",
    )
    svg = _svg(id, titre, description, cadre, corps)
    return Graphique(
        id=id,
        titre=titre,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 (tout texte est échappé)
        colonnes=[],
        lignes=[],
        legende=[(COULEURS_CLASSES[3], territoire.nom), (SANS_DONNEE, "départements voisins")],
    )
