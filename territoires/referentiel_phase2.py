"""Lecture des territoires de la phase 2 (2023-2027) et des EPT du Grand Paris.

Les membres d'un territoire de la phase 2 sont de trois sortes : un EPCI (entier), une
commune seule, ou un établissement public territorial (EPT) de la Métropole du Grand Paris
avec ses communes. Un membre qui ne correspond à aucun EPCI, aucune commune ni aucun EPT
fait rejeter tout l'import, avec le fichier, la ligne et la raison.
"""

import json
from collections import Counter, defaultdict
from pathlib import Path

from territoires.models import PREFIXE_PHASE_2, Phase, TypePerimetre
from territoires.referentiel import ErreurReferentiel, Lecteur, Referentiel

SORTES_DE_MEMBRES = ("epci", "commune", "ept")


def lire_phase_2(dossier: Path, ref: Referentiel) -> None:
    """Ajoute à `ref` les EPT, les 183 territoires de la phase 2 et leurs membres."""
    _lire_ept(dossier, ref)
    _lire_territoires(dossier, ref)
    communes_par_epci = defaultdict(set)
    for code, commune in ref.communes.items():
        if commune["epci_id"]:
            communes_par_epci[commune["epci_id"]].add(code)
    communes_isolees = _lire_membres(dossier, ref, communes_par_epci)
    _adhesions_partielles(ref, communes_isolees, communes_par_epci)
    _lire_contours(dossier, ref)


FICHIER_CONTOURS = "contours.json"


def _lire_contours(dossier, ref):
    """Les tracés simplifiés (`manage.py preparer_contours`) des régions, départements et
    territoires de la phase 2 ; un code inconnu fait rejeter l'import."""
    chemin = dossier / FICHIER_CONTOURS
    if not chemin.exists():
        raise ErreurReferentiel(FICHIER_CONTOURS, None, "fichier introuvable.")
    try:
        document = json.loads(chemin.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ErreurReferentiel(FICHIER_CONTOURS, None, f"JSON mal formé : {exc}.") from exc
    for cle, cibles in (
        ("regions", ref.regions),
        ("departements", ref.departements),
        ("territoires", ref.territoires),
    ):
        for code, trace in document.get(cle, {}).items():
            if code not in cibles:
                raise ErreurReferentiel(FICHIER_CONTOURS, None, f"{cle} : code inconnu « {code} ».")
            cibles[code]["contour"] = trace
    for cibles in (ref.regions, ref.departements, ref.territoires):
        for attributs in cibles.values():
            attributs.setdefault("contour", "")


def _lire_ept(dossier, ref):
    lecteur = Lecteur(dossier, "ept")
    for numero, ligne in lecteur.lignes():
        siren = lecteur.siren(numero, ligne)
        lecteur.unique(numero, ref.epts, siren, "SIREN d'EPT")
        communes = [c for c in ligne["communes"].split(";") if c]
        if not communes:
            raise lecteur.erreur(numero, "« communes » est vide.")
        for commune in communes:
            if commune not in ref.communes:
                raise lecteur.erreur(numero, f"commune inconnue « {commune} ».")
            ref.ept_communes.add((siren, commune))
        ref.epts[siren] = {"nom": lecteur.obligatoire(numero, ligne, "nom")}


def _lire_territoires(dossier, ref):
    lecteur = Lecteur(dossier, "territoires_2023")
    for numero, ligne in lecteur.lignes():
        chiffres = lecteur.obligatoire(numero, ligne, "ti_code")
        if not (len(chiffres) == 4 and chiffres.isdigit()):
            raise lecteur.erreur(
                numero, f"code de territoire invalide « {chiffres} » (4 chiffres)."
            )
        code = PREFIXE_PHASE_2 + chiffres
        lecteur.unique(numero, ref.territoires, code, "code de territoire")
        region = ligne["region"]
        if region not in ref.regions:
            raise lecteur.erreur(numero, f"région inconnue « {region} ».")
        ref.territoires[code] = {
            "nom": lecteur.obligatoire(numero, ligne, "ti_nom"),
            "region_id": region,
            "phase": Phase.PHASE_2,
        }


def _lire_membres(dossier, ref, communes_par_epci) -> dict[str, set[str]]:
    """Les membres, ligne à ligne ; rend les communes venues d'une commune seule ou d'un EPT."""
    lecteur = Lecteur(dossier, "membres_2023")
    vus = set()
    communes_isolees = defaultdict(set)
    for numero, ligne in lecteur.lignes():
        code = PREFIXE_PHASE_2 + ligne["ti_code"]
        sorte, membre = ligne["type_membre"], ligne["code_membre"]
        if ref.territoires.get(code, {}).get("phase") != Phase.PHASE_2:
            raise lecteur.erreur(
                numero, f"territoire de la phase 2 inconnu « {ligne['ti_code']} »."
            )
        if sorte not in SORTES_DE_MEMBRES:
            raise lecteur.erreur(
                numero,
                f"« type_membre » inconnu : « {sorte} » "
                f"(attendu : {', '.join(SORTES_DE_MEMBRES)}).",
            )
        lecteur.unique(numero, vus, (code, sorte, membre), "membre")
        vus.add((code, sorte, membre))
        nom_source = ligne["nom_membre_source"]
        if sorte == "epci":
            if membre not in ref.epci:
                raise lecteur.erreur(
                    numero, f"aucun EPCI n'a le SIREN « {membre} » ({nom_source})."
                )
            ref.perimetres[(code, membre)] = {
                "perimetre": TypePerimetre.COMPLET,
                "nb_communes": len(communes_par_epci[membre]),
            }
            ref.communes_territoires.update((code, c) for c in communes_par_epci[membre])
        elif sorte == "commune":
            if membre not in ref.communes:
                raise lecteur.erreur(
                    numero, f"aucune commune n'a le code INSEE « {membre} » ({nom_source})."
                )
            communes_isolees[code].add(membre)
        else:
            if membre not in ref.epts:
                raise lecteur.erreur(
                    numero,
                    f"aucun établissement public territorial n'a le SIREN « {membre} » "
                    f"({nom_source}).",
                )
            ref.ept_territoires.add((code, membre))
            communes_isolees[code].update(c for e, c in ref.ept_communes if e == membre)
    avec_membre = {code for code, _sorte, _membre in vus}
    sans_membre = {
        code
        for code, attributs in ref.territoires.items()
        if attributs["phase"] == Phase.PHASE_2 and code not in avec_membre
    }
    if sans_membre:
        raise ErreurReferentiel(
            lecteur.nom_fichier,
            None,
            f"territoire(s) sans membre : {', '.join(sorted(sans_membre))}.",
        )
    return communes_isolees


def _adhesions_partielles(ref, communes_isolees, communes_par_epci):
    """Une commune seule ou les communes d'un EPT rattachent leur EPCI au territoire, en
    périmètre partiel (ou complet s'il y est entier) : la recherche par EPCI les trouve."""
    for code, communes in communes_isolees.items():
        ref.communes_territoires.update((code, c) for c in communes)
        par_epci = Counter(
            ref.communes[c]["epci_id"] for c in communes if ref.communes[c]["epci_id"]
        )
        for siren, nombre in par_epci.items():
            if (code, siren) in ref.perimetres:
                continue
            entier = nombre == len(communes_par_epci[siren])
            ref.perimetres[(code, siren)] = {
                "perimetre": TypePerimetre.COMPLET if entier else TypePerimetre.PARTIEL,
                "nb_communes": nombre,
            }
