"""Contours des régions, départements et territoires : projection et tracé SVG.

Les contours sont préparés une fois (`manage.py preparer_contours`, qui les simplifie) à
partir des fichiers de l'ANCT, puis chargés par `importer_referentiel` : chaque région,
département et territoire de la phase 2 porte son tracé (`contour`, l'attribut `d` d'un
chemin SVG). Les pages les dessinent sans calcul géométrique.

Le plan de la carte : la métropole et la Corse en Lambert-93 (la projection officielle,
EPSG:2154), une unité SVG valant 100 m ; les cinq départements et régions d'outre-mer en
encarts, chacun à sa propre échelle, dans une colonne à gauche de la métropole.
"""

import math
import re
from dataclasses import dataclass

# Une unité du plan = 100 m (Lambert-93 en hectomètres).
UNITE_M = 100

# Lambert-93 : conique conforme, ellipsoïde GRS80, parallèles 44° et 49°, origine 46,5° N,
# 3° E, fausse origine (700 000 m, 6 600 000 m).
_A = 6378137.0
_E = 0.0818191910428158
_PHI1, _PHI2, _PHI0, _LAMBDA0 = (math.radians(v) for v in (44.0, 49.0, 46.5, 3.0))
_X0, _Y0 = 700000.0, 6600000.0


def _m(phi):
    return math.cos(phi) / math.sqrt(1 - (_E * math.sin(phi)) ** 2)


def _t(phi):
    sinus = _E * math.sin(phi)
    return math.tan(math.pi / 4 - phi / 2) / ((1 - sinus) / (1 + sinus)) ** (_E / 2)


_N = (math.log(_m(_PHI1)) - math.log(_m(_PHI2))) / (math.log(_t(_PHI1)) - math.log(_t(_PHI2)))
_F = _m(_PHI1) / (_N * _t(_PHI1) ** _N)
_RHO0 = _A * _F * _t(_PHI0) ** _N


def lambert93(longitude: float, latitude: float) -> tuple[float, float]:
    """Coordonnées Lambert-93 (mètres) d'un point WGS84 (degrés)."""
    rho = _A * _F * _t(math.radians(latitude)) ** _N
    theta = _N * (math.radians(longitude) - _LAMBDA0)
    return _X0 + rho * math.sin(theta), _Y0 + _RHO0 - rho * math.cos(theta)


# Le cadre de la métropole en Lambert-93 (mètres) : ouest, nord.
OUEST_METROPOLE, NORD_METROPOLE = 90000.0, 7120000.0
LARGEUR_METROPOLE, HAUTEUR_METROPOLE = 11600, 10900  # en unités du plan


def plan_metropole(longitude: float, latitude: float) -> tuple[float, float]:
    """Position d'un point de métropole sur le plan (x vers l'est, y vers le sud)."""
    x, y = lambert93(longitude, latitude)
    return (x - OUEST_METROPOLE) / UNITE_M, (NORD_METROPOLE - y) / UNITE_M


@dataclass(frozen=True)
class Encart:
    """Un encart d'outre-mer : sa région, son département et sa place sur le plan."""

    region: str
    departement: str
    nom: str
    x: int
    y: int
    largeur: int = 1900
    hauteur: int = 1800


# La colonne des encarts, à gauche de la métropole (x négatifs).
_GAUCHE_ENCARTS = -2100
ENCARTS = [
    Encart("01", "971", "Guadeloupe", _GAUCHE_ENCARTS, 0),
    Encart("02", "972", "Martinique", _GAUCHE_ENCARTS, 2150),
    Encart("03", "973", "Guyane", _GAUCHE_ENCARTS, 4300),
    Encart("04", "974", "La Réunion", _GAUCHE_ENCARTS, 6450),
    Encart("06", "976", "Mayotte", _GAUCHE_ENCARTS, 8600),
]
ENCART_PAR_REGION = {encart.region: encart for encart in ENCARTS}
ENCART_PAR_DEPARTEMENT = {encart.departement: encart for encart in ENCARTS}
# Le cadre du plan entier : (x, y, largeur, hauteur).
CADRE_NATIONAL = (
    _GAUCHE_ENCARTS - 50,
    -50,
    LARGEUR_METROPOLE - _GAUCHE_ENCARTS + 100,
    HAUTEUR_METROPOLE + 100,
)
MARGE_ENCART = 120  # unités laissées libres autour du contour dans son encart
BANDEAU_ENCART = 320  # hauteur réservée au nom, en haut de l'encart


# --- Le tracé SVG ----------------------------------------------------------------------------


def chemin(anneaux: list[list[tuple[float, float]]]) -> str:
    """L'attribut `d` d'un chemin : chaque anneau en coordonnées entières, relatives."""
    morceaux = []
    for anneau in anneaux:
        points = [(round(x), round(y)) for x, y in anneau]
        dedoublonnes = [points[0]]
        for point in points[1:]:
            if point != dedoublonnes[-1]:
                dedoublonnes.append(point)
        if dedoublonnes[-1] == dedoublonnes[0]:
            dedoublonnes.pop()
        if len(dedoublonnes) < 3:
            continue
        x0, y0 = dedoublonnes[0]
        pas = []
        precedent = (x0, y0)
        for x, y in dedoublonnes[1:]:
            pas.append(f"{x - precedent[0]} {y - precedent[1]}")
            precedent = (x, y)
        morceaux.append(f"M{x0} {y0}l" + " ".join(pas) + "z")
    return "".join(morceaux)


_NOMBRES = re.compile(r"-?\d+")
_SEGMENT = re.compile(r"M(-?\d+) (-?\d+)l([^z]*)z")


def emprise(*traces: str) -> tuple[int, int, int, int] | None:
    """(x min, y min, x max, y max) d'un ou plusieurs tracés écrits par `chemin`."""
    xs, ys = [], []
    for trace in traces:
        for debut_x, debut_y, pas in _SEGMENT.findall(trace or ""):
            x, y = int(debut_x), int(debut_y)
            xs.append(x)
            ys.append(y)
            valeurs = [int(v) for v in _NOMBRES.findall(pas)]
            for dx, dy in zip(valeurs[::2], valeurs[1::2], strict=False):
                x, y = x + dx, y + dy
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
