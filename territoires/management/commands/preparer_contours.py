"""Prépare, une fois, les contours simplifiés que `importer_referentiel` charge.

Lit les GeoJSON de l'ANCT (WGS84), les projette sur le plan de la carte
(`territoires.contours` : Lambert-93 pour la métropole, encarts pour l'outre-mer), les
simplifie et écrit `fixtures/referentiel/contours.json` : un tracé SVG par région,
département et territoire de la phase 2. Les départements sont simplifiés ensemble
(`coverage_simplify`) : deux voisins gardent la même frontière ; chaque région est la
réunion de ses départements simplifiés.
"""

import json
import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from territoires import contours
from territoires.models import PREFIXE_PHASE_2

# Tolérances de simplification, en unités du plan (100 m).
TOLERANCE_DEPARTEMENTS = 20
TOLERANCE_TERRITOIRES = 15
# Les îlots plus petits que cette surface (unités²) ne sont pas dessinés.
SURFACE_MINIMALE = 400


class Command(BaseCommand):
    help = (
        "Projette et simplifie les contours de l'ANCT (régions, départements, territoires de "
        "la phase 2) et écrit fixtures/referentiel/contours.json."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path, required=True, help="Dossier des GeoJSON (geo/ des données)."
        )
        parser.add_argument(
            "--sortie",
            type=Path,
            default=settings.REFERENTIEL_DIR / "contours.json",
            help="Fichier écrit (défaut : %(default)s).",
        )

    def handle(self, *args, source, sortie, **options):
        try:
            import shapely
        except ImportError as exc:  # pragma: no cover - dépendance de préparation
            raise CommandError("shapely est requis (requirements.txt).") from exc

        departements = _lire(source / "departements.geojson")
        territoires = _lire(source / "territoires_industrie_2023.geojson")
        placements = {
            encart.region: _placement_encart(encart, departements[encart.departement][1])
            for encart in contours.ENCARTS
        }

        def projeter(geometrie, region):
            placer = placements.get(region, contours.plan_metropole)
            return shapely.transform(geometrie, lambda xy: _appliquer(placer, xy))

        codes = sorted(departements)
        projetes = [
            projeter(departements[code][1], departements[code][0]["region"]) for code in codes
        ]
        simplifies = shapely.coverage_simplify(projetes, TOLERANCE_DEPARTEMENTS)
        trace_dep, par_region = {}, {}
        for code, geometrie in zip(codes, simplifies, strict=True):
            geometrie = shapely.make_valid(geometrie)
            trace_dep[code] = _trace(geometrie)
            par_region.setdefault(departements[code][0]["region"], []).append(geometrie)
        trace_reg = {
            region: _trace(shapely.union_all(geometries))
            for region, geometries in sorted(par_region.items())
        }
        trace_ti = {}
        for chiffres, (_proprietes, geometrie) in sorted(territoires.items()):
            projete = projeter(geometrie, chiffres[:2])
            simple = projete.simplify(TOLERANCE_TERRITOIRES, preserve_topology=True)
            trace_ti[PREFIXE_PHASE_2 + chiffres] = _trace(simple, minimum=0)

        document = {
            "source": (
                "ANCT, service cartographie, dépôt anct-carto/superposeur-anct (Licence "
                "Ouverte 2.0) ; voir PROVENANCE.md"
            ),
            "unite_m": contours.UNITE_M,
            "tolerances": {
                "departements": TOLERANCE_DEPARTEMENTS,
                "territoires": TOLERANCE_TERRITOIRES,
            },
            "regions": trace_reg,
            "departements": trace_dep,
            "territoires": trace_ti,
        }
        texte = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        sortie.write_text(texte + "\n", encoding="utf-8")
        self.stdout.write(
            f"{len(trace_reg)} régions, {len(trace_dep)} départements, {len(trace_ti)} "
            f"territoires : {sortie} ({len(texte) // 1024} Kio)."
        )


def _lire(chemin: Path) -> dict:
    import shapely.geometry

    if not chemin.exists():
        raise CommandError(f"{chemin} : fichier introuvable.")
    donnees = json.loads(chemin.read_text(encoding="utf-8"))
    resultat = {}
    for objet in donnees["features"]:
        proprietes = objet["properties"]
        code = proprietes.get("code") or proprietes["ti_code"]
        resultat[code] = (proprietes, shapely.geometry.shape(objet["geometry"]))
    return resultat


def _appliquer(placer, xy):
    import numpy

    return numpy.array([placer(x, y) for x, y in xy])


def _placement_encart(encart: contours.Encart, geometrie):
    """La projection d'un département d'outre-mer dans son encart : équirectangulaire à
    sa latitude moyenne, mise à l'échelle pour remplir l'encart, centrée."""
    ouest, sud, est, nord = geometrie.bounds
    cosinus = math.cos(math.radians((sud + nord) / 2))
    largeur, hauteur = (est - ouest) * cosinus, nord - sud
    utile_l = encart.largeur - 2 * contours.MARGE_ENCART
    utile_h = encart.hauteur - contours.BANDEAU_ENCART - 2 * contours.MARGE_ENCART
    echelle = min(utile_l / largeur, utile_h / hauteur)
    gauche = encart.x + (encart.largeur - largeur * echelle) / 2
    haut = (
        encart.y
        + contours.BANDEAU_ENCART
        + (encart.hauteur - contours.BANDEAU_ENCART - hauteur * echelle) / 2
    )

    def placer(longitude, latitude):
        return (
            gauche + (longitude - ouest) * cosinus * echelle,
            haut + (nord - latitude) * echelle,
        )

    return placer


def _trace(geometrie, minimum=SURFACE_MINIMALE) -> str:
    polygones = [p for p in getattr(geometrie, "geoms", [geometrie]) if p.geom_type == "Polygon"]
    if not polygones:  # une collection (après make_valid) : ses polygones
        polygones = [
            p
            for g in getattr(geometrie, "geoms", [])
            for p in getattr(g, "geoms", [g])
            if p.geom_type == "Polygon"
        ]
    plus_grand = max(p.area for p in polygones)
    anneaux = []
    for polygone in polygones:
        if polygone.area < minimum and polygone.area < plus_grand:
            continue
        anneaux.append(list(polygone.exterior.coords))
        anneaux.extend(list(interieur.coords) for interieur in polygone.interiors)
    return contours.chemin(anneaux)
