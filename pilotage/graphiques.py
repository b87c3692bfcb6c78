"""Graphiques des tableaux de bord : du SVG écrit ici, en Python, rendu par le serveur.

Ni bibliothèque, ni script, ni réseau : chaque fonction rend un `Graphique`, soit
une image SVG (`role="img"`, titre et description reliés par `aria-labelledby`)
et le tableau de ses données, que la page montre à côté (lecteurs d'écran,
impression, copie). Couleurs de la palette du DSFR ; le rouge Marianne (#e1000f)
est réservé aux alertes et n'apparaît pas ici.

Tous les textes passent par `escape` : un libellé venu de la base ne peut pas
injecter de balise.
"""

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from socle.format_fr import format_euros
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

    @property
    def id_donnees(self) -> str:
        return f"{self.id}-donnees"


# --- Formats courts (étiquettes des axes et des cases) -------------------------------------


def _decimal(valeur) -> Decimal:
    if valeur is None:
        return Decimal(0)
    return valeur if isinstance(valeur, Decimal) else Decimal(str(valeur))


def nombre_decimal(valeur: Decimal, decimales: int) -> str:
    """« 1 234,5 » : au plus `decimales` décimales, sans zéros inutiles."""
    quantum = Decimal(1).scaleb(-decimales)
    texte = f"{valeur.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if "." in texte:
        texte = texte.rstrip("0").rstrip(".")
    entier, _, fraction = texte.partition(".")
    return _nombre(entier) + ("," + fraction if fraction else "")


def euros_courts(valeur) -> str:
    """1 500 000 000 -> « 1,5 Md€ » ; 150 000 000 -> « 150 M€ » ; 12 500 -> « 12,5 k€ »."""
    montant = _decimal(valeur)
    for seuil, suffixe in ((Decimal(10) ** 9, "Md€"), (Decimal(10) ** 6, "M€"), (1000, "k€")):
        if abs(montant) >= seuil:
            quotient = montant / seuil
            return f"{nombre_decimal(quotient, 1 if abs(quotient) < 100 else 0)}\u00a0{suffixe}"
    return f"{nombre_decimal(montant, 0)}\u00a0€"


def nombre_court(valeur) -> str:
    return _nombre(int(_decimal(valeur)))


def levier_court(valeur) -> str:
    if valeur is None:
        return "—"
    return f"×\u00a0{nombre_decimal(_decimal(valeur), 1)}"


def euros_longs(valeur) -> str:
    return format_euros(valeur, centimes=False)


# --- Écriture du SVG -------------------------------------------------------------------------


def _attributs(attrs: dict) -> str:
    return "".join(
        f' {nom.rstrip("_").replace("_", "-")}="{escape(str(valeur))}"'
        for nom, valeur in attrs.items()
        if valeur is not None
    )


def _el(balise: str, contenu: str = "", **attrs) -> str:
    """Un élément SVG ; `contenu` est déjà du SVG (échappé) ou vide."""
    if contenu:
        return f"<{balise}{_attributs(attrs)}>{contenu}</{balise}>"
    return f"<{balise}{_attributs(attrs)}/>"


def _texte(texte: str, **attrs) -> str:
    return _el("text", escape(texte), **attrs)


def _svg(id: str, titre: str, description: str, largeur: int, hauteur: int, corps: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="portail-graphique__svg"'
        f' id="{escape(id)}-svg" aria-labelledby="{escape(id)}-titre {escape(id)}-desc"'
        f' viewBox="0 0 {largeur} {hauteur}" width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(id)}-titre">{escape(titre)}</title>'
        f'<desc id="{escape(id)}-desc">{escape(description)}</desc>'
        f"{corps}</svg>"
    )


def _tronquer(texte: str, longueur: int) -> str:
    return texte if len(texte) <= longueur else texte[: longueur - 1].rstrip() + "…"


def _fmt(valeur: float) -> str:
    """Une coordonnée SVG : deux décimales au plus."""
    return f"{valeur:.2f}".rstrip("0").rstrip(".")


def graduations(maximum: Decimal, nombre: int = 4) -> list[Decimal]:
    """Des graduations « rondes » (1, 2, 2,5 ou 5 × 10^n) de 0 jusqu'au-delà du maximum."""
    maximum = _decimal(maximum)
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


# --- Barres horizontales (simples ou empilées) -----------------------------------------------

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
    valeurs = [[_decimal(v) for v in valeurs_serie] for _nom, valeurs_serie in series]
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
            corps.append(_el("rect", x=position, y=8, width=12, height=12, fill=couleur))
            corps.append(
                _texte(nom, x=position + 18, y=18, font_size=13, fill=TEXTE, class_="legende")
            )
            position += 30 + 8 * len(nom)
    bas = haut + len(categories) * PAS_BARRE
    for tick in ticks:
        position = _fmt(x(tick))
        corps.append(_el("line", x1=position, x2=position, y1=haut - 4, y2=bas, stroke=GRILLE))
        corps.append(
            _texte(
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
            _texte(
                _tronquer(categorie, 30),
                x=marge_gauche - 8,
                y=_fmt(y + EPAISSEUR / 2 + 4.5),
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
                _el(
                    "rect",
                    x=_fmt(x(debut)),
                    y=_fmt(y),
                    width=_fmt(max(x(debut + serie[i]) - x(debut), 0.5)),
                    height=EPAISSEUR,
                    fill=couleur,
                    stroke=BLANC if empile else None,
                    stroke_width=1 if empile else None,
                )
            )
            debut += serie[i]
        corps.append(
            _texte(
                format_valeur(totaux[i]),
                x=_fmt(x(totaux[i]) + 6),
                y=_fmt(y + EPAISSEUR / 2 + 4.5),
                font_size=12,
                fill=TEXTE,
            )
        )
    corps.append(
        _el("line", x1=marge_gauche, x2=marge_gauche, y1=haut - 4, y2=bas, stroke=TEXTE_SECONDAIRE)
    )
    svg = _svg(id, titre, description, largeur, hauteur, "".join(corps))
    return Graphique(
        id=id,
        titre=titre,
        description=description,
        svg=mark_safe(svg),  # noqa: S308 (tout texte est échappé par _texte / _attributs)
        colonnes=colonnes,
        lignes=lignes,
        vide=vide,
    )


# --- Entonnoir des projets -------------------------------------------------------------------

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
            _texte(
                libelle,
                x=gauche - 10,
                y=_fmt(y + epaisseur / 2 + 5),
                font_size=14,
                fill=TEXTE,
                text_anchor="end",
            )
        )
        if atteint:
            corps.append(
                _el(
                    "rect",
                    x=_fmt(centre - largeur_barre / 2),
                    y=y,
                    width=_fmt(max(largeur_barre, 1)),
                    height=epaisseur,
                    fill=BLEU_FRANCE if rang % 2 == 0 else BLEU_FRANCE_525,
                )
            )
        part = f" ({nombre_decimal(Decimal(atteint * 100) / maximum, 0)} %)" if maximum else ""
        corps.append(
            _texte(
                f"{_nombre(atteint)}{part}",
                x=gauche + utile + 10,
                y=_fmt(y + epaisseur / 2 + 5),
                font_size=13,
                fill=TEXTE,
            )
        )
    hauteur = 10 + len(etapes) * pas + 6
    svg = _svg(id, titre, description, largeur, hauteur, "".join(corps))
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


# --- Cartogramme des régions -----------------------------------------------------------------

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
    maximum = max((_decimal(v) for v in valeurs if v is not None), default=Decimal(0))
    if maximum <= 0:
        return [Decimal(0)] * nombre
    return [maximum * (rang + 1) / nombre for rang in range(nombre)]


def classe_de(valeur, bornes: list[Decimal]) -> int | None:
    if valeur is None:
        return None
    valeur = _decimal(valeur)
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
        return _el(
            "g",
            _el("title", escape(infobulle))
            + _el(
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
            + _texte(
                abreviation,
                x=x + CASE / 2,
                y=y + 34,
                font_size=16,
                font_weight="bold",
                fill=encre,
                text_anchor="middle",
            )
            + _texte(
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
        _texte(
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
        _texte(libelle_valeur, x=gauche, y=20, font_size=14, font_weight="bold", fill=TEXTE)
    )
    precedente = None
    for rang, borne in enumerate(bornes):
        y = 36 + rang * 30
        corps.append(
            _el("rect", x=gauche, y=y, width=22, height=22, rx=3, fill=COULEURS_CLASSES[rang])
        )
        if precedente is None:
            intervalle = f"jusqu'à {format_court(borne)}"
        else:
            intervalle = f"de {format_court(precedente)} à {format_court(borne)}"
        corps.append(_texte(intervalle, x=gauche + 30, y=y + 16, font_size=13, fill=TEXTE))
        precedente = borne
    y = 36 + len(bornes) * 30
    corps.append(
        _el(
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
    corps.append(_texte("pas de donnée", x=gauche + 30, y=y + 16, font_size=13, fill=TEXTE))
    corps.append(
        _texte(
            "Cartogramme : cases de même taille,",
            x=gauche,
            y=y + 56,
            font_size=12,
            fill=TEXTE_SECONDAIRE,
        )
    )
    corps.append(
        _texte(
            "placées à peu près selon la géographie.",
            x=gauche,
            y=y + 72,
            font_size=12,
            fill=TEXTE_SECONDAIRE,
        )
    )
    largeur = gauche + 250
    hauteur = haut_outre_mer + CASE + 4
    svg = _svg(id, titre, description, largeur, hauteur, "".join(corps))
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


def cle_alphabetique(texte: str) -> str:
    """Ordre alphabétique français simple : sans accents ni majuscules (Île après Hauts)."""
    decompose = unicodedata.normalize("NFD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).casefold()
