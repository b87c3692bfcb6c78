"""L'entonnoir des projets : combien ont atteint chaque étape du cycle de vie."""

from decimal import Decimal

from django.utils.safestring import mark_safe

from pilotage.graphiques.commun import (
    BLEU_FRANCE,
    BLEU_FRANCE_525,
    TEXTE,
    Graphique,
    coord,
    element,
    image_svg,
    texte_svg,
)
from socle.format_fr import nombre as _nombre
from socle.format_fr import nombre_decimal

# Étapes du cycle de vie, dans l'ordre ; chacune compte les projets qui l'ont atteinte.
ETAPES_ENTONNOIR = [
    ("depose", "Déposés"),
    ("en_instruction", "En instruction"),
    ("preselectionne", "Présélectionnés"),
    ("engage", "Engagés"),
    ("en_cours", "En cours"),
    ("realise", "Réalisés"),
]


def etapes_atteintes(par_statut: dict) -> list[tuple[str, str, int, int]]:
    """(statut, libellé, projets ayant atteint l'étape, projets à cette étape aujourd'hui).

    Un projet « réalisé » est passé par toutes les étapes précédentes ; un projet non
    retenu a été déposé puis instruit. Un projet abandonné n'est compté nulle part :
    les totaux ne disent pas à quelle étape il s'est arrêté.
    """
    comptes = {statut: int(par_statut.get(statut, 0) or 0) for statut, _ in ETAPES_ENTONNOIR}
    non_retenus = int(par_statut.get("non_retenu", 0) or 0)
    resultat = []
    cumul = 0
    for statut, libelle in reversed(ETAPES_ENTONNOIR):
        cumul += comptes[statut]
        if statut == "en_instruction":
            cumul += non_retenus
        resultat.append((statut, libelle, cumul, comptes[statut]))
    return list(reversed(resultat))


def entonnoir(
    *, id: str, titre: str, description: str, par_statut: dict, largeur: int = 520
) -> Graphique:
    """Des barres centrées, de plus en plus étroites : déposés → … → réalisés."""
    etapes = etapes_atteintes(par_statut)
    maximum = max((atteint for _s, _l, atteint, _a in etapes), default=0)
    gauche, droite, pas, epaisseur = 130, 120, 40, 30
    utile = largeur - gauche - droite
    centre = gauche + utile / 2
    corps = []
    for rang, (_statut, libelle, atteint, _actuel) in enumerate(etapes):
        y = 10 + rang * pas
        largeur_barre = (atteint / maximum) * utile if maximum else 0
        corps.append(
            texte_svg(
                libelle,
                x=gauche - 10,
                y=coord(y + epaisseur / 2 + 5),
                font_size=14,
                fill=TEXTE,
                text_anchor="end",
            )
        )
        if atteint:
            corps.append(
                element(
                    "rect",
                    x=coord(centre - largeur_barre / 2),
                    y=y,
                    width=coord(max(largeur_barre, 1)),
                    height=epaisseur,
                    fill=BLEU_FRANCE if rang % 2 == 0 else BLEU_FRANCE_525,
                )
            )
        part = f" ({nombre_decimal(Decimal(atteint * 100) / maximum, 0)} %)" if maximum else ""
        corps.append(
            texte_svg(
                f"{_nombre(atteint)}{part}",
                x=gauche + utile + 10,
                y=coord(y + epaisseur / 2 + 5),
                font_size=13,
                fill=TEXTE,
            )
        )
    hauteur = 10 + len(etapes) * pas + 6
    svg = image_svg(id, titre, description, largeur, hauteur, "".join(corps))
    sorties = [
        ("non_retenu", "Non retenus (comptés jusqu'à l'instruction)"),
        ("abandonne", "Abandonnés (hors entonnoir)"),
        ("brouillon", "Brouillons, pas encore déposés (hors entonnoir)"),
    ]
    notes = [
        f"{libelle} : {_nombre(par_statut.get(statut, 0) or 0)}" for statut, libelle in sorties
    ]
    return Graphique(
        id=id,
        titre=titre,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 (tout texte est échappé)
        colonnes=["Étape", "Projets ayant atteint l'étape", "Dont à cette étape aujourd'hui"],
        lignes=[
            [libelle, _nombre(atteint), _nombre(actuel)]
            for _statut, libelle, atteint, actuel in etapes
        ],
        vide=maximum == 0,
        notes=notes,
    )
