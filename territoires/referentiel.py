"""Lecture et contrôle des fichiers du référentiel (`fixtures/referentiel/*.csv`).

Tout est lu et vérifié avant la moindre écriture : un fichier mal formé est
rejeté en entier, avec le fichier, la ligne et la raison.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from territoires.models import Phase, TypeEpci, TypePerimetre, Zone
from territoires.validators import valider_siren

FICHIERS = {
    "regions": ("regions.csv", ["code", "nom", "zone", "chef_lieu"]),
    "departements": ("departements.csv", ["code", "nom", "region", "zone", "chef_lieu"]),
    "epci": (
        "epci.csv",
        [
            "siren",
            "nom",
            "type",
            "mode_financement",
            "departements",
            "regions",
            "nb_communes",
            "population_totale",
            "population_municipale",
        ],
    ),
    "communes": (
        "communes.csv",
        ["code_insee", "nom", "departement", "region", "epci_siren", "population"],
    ),
    "territoires": ("territoires_industrie_liste.csv", ["ti_code", "ti_nom", "region"]),
    "perimetres": (
        "territoires_industrie.csv",
        ["ti_code", "epci_siren", "nb_communes_ti_dans_epci", "perimetre_epci"],
    ),
    "communes_territoires": (
        "territoires_industrie_communes.csv",
        ["ti_code", "code_commune_2026"],
    ),
    "ept": ("ept.csv", ["siren", "nom", "communes"]),
    "territoires_2023": ("territoires_industrie_2023_liste.csv", ["ti_code", "ti_nom", "region"]),
    "membres_2023": (
        "territoires_industrie_2023.csv",
        ["ti_code", "type_membre", "code_membre", "nom_membre_source"],
    ),
}


class ErreurReferentiel(Exception):
    """Un fichier du référentiel est invalide : rien n'est écrit."""

    def __init__(self, fichier: str, ligne: int | None, raison: str):
        self.fichier = fichier
        self.ligne = ligne
        self.raison = raison
        ou = f"{fichier}, ligne {ligne}" if ligne else fichier
        super().__init__(f"{ou} : {raison}")


@dataclass
class Referentiel:
    """Le contenu validé des fichiers, prêt à être écrit."""

    regions: dict[str, dict] = field(default_factory=dict)
    departements: dict[str, dict] = field(default_factory=dict)
    epci: dict[str, dict] = field(default_factory=dict)
    epci_departements: set[tuple[str, str]] = field(default_factory=set)
    epci_regions: set[tuple[str, str]] = field(default_factory=set)
    communes: dict[str, dict] = field(default_factory=dict)
    territoires: dict[str, dict] = field(default_factory=dict)
    perimetres: dict[tuple[str, str], dict] = field(default_factory=dict)
    communes_territoires: set[tuple[str, str]] = field(default_factory=set)
    epts: dict[str, dict] = field(default_factory=dict)
    ept_communes: set[tuple[str, str]] = field(default_factory=set)
    ept_territoires: set[tuple[str, str]] = field(default_factory=set)


class Lecteur:
    def __init__(self, dossier: Path, cle: str):
        self.nom_fichier, self.colonnes = FICHIERS[cle]
        self.chemin = dossier / self.nom_fichier

    def erreur(self, ligne, raison):
        return ErreurReferentiel(self.nom_fichier, ligne, raison)

    def lignes(self):
        """Itère sur (numéro de ligne, ligne) ; l'en-tête est la ligne 1."""
        if not self.chemin.exists():
            raise self.erreur(None, "fichier introuvable.")
        try:
            with self.chemin.open(encoding="utf-8", newline="") as flux:
                lecteur = csv.DictReader(flux)
                entete = lecteur.fieldnames or []
                manquantes = [c for c in self.colonnes if c not in entete]
                if manquantes:
                    raise self.erreur(1, f"colonne(s) manquante(s) : {', '.join(manquantes)}.")
                for numero, ligne in enumerate(lecteur, start=2):
                    if None in ligne or any(v is None for v in ligne.values()):
                        raise self.erreur(numero, "nombre de colonnes incorrect.")
                    yield numero, {k: v.strip() for k, v in ligne.items()}
        except UnicodeDecodeError as exc:
            raise self.erreur(None, f"encodage invalide (UTF-8 attendu) : {exc}.") from exc
        except csv.Error as exc:
            raise self.erreur(None, f"CSV mal formé : {exc}.") from exc

    def entier(self, numero, ligne, colonne, *, vide_permis=False):
        valeur = ligne[colonne]
        if valeur == "" and vide_permis:
            return None
        if not valeur.isdigit():
            raise self.erreur(numero, f"« {colonne} » doit être un entier positif (« {valeur} »).")
        return int(valeur)

    def obligatoire(self, numero, ligne, colonne):
        valeur = ligne[colonne]
        if not valeur:
            raise self.erreur(numero, f"« {colonne} » est vide.")
        return valeur

    def siren(self, numero, ligne, colonne="siren"):
        """Le SIREN de la colonne, contrôlé (clé de Luhn) ; l'erreur dit la ligne."""
        siren = ligne[colonne]
        try:
            valider_siren(siren)
        except ValidationError as exc:
            raise self.erreur(numero, exc.messages[0]) from exc
        return siren

    def unique(self, numero, deja_vus, cle, libelle):
        if cle in deja_vus:
            raise self.erreur(numero, f"{libelle} « {cle} » en double.")


def choix_permis(lecteur, numero, valeur, choix, colonne):
    if valeur not in choix.values:
        permis = ", ".join(choix.values)
        raise lecteur.erreur(numero, f"« {colonne} » inconnu : « {valeur} » (attendu : {permis}).")
    return valeur


def lire_referentiel(dossier: Path, progression=None) -> Referentiel:
    """Lit et contrôle les fichiers des deux phases ; lève `ErreurReferentiel` au premier
    défaut."""
    from territoires.referentiel_phase2 import lire_phase_2

    ref = Referentiel()
    etape = progression or (lambda _libelle: None)

    lecteur = Lecteur(dossier, "regions")
    for numero, ligne in lecteur.lignes():
        code = lecteur.obligatoire(numero, ligne, "code")
        lecteur.unique(numero, ref.regions, code, "code de région")
        ref.regions[code] = {
            "nom": lecteur.obligatoire(numero, ligne, "nom"),
            "zone": choix_permis(lecteur, numero, ligne["zone"], Zone, "zone"),
            "chef_lieu": ligne["chef_lieu"],
        }
    etape("régions lues")

    lecteur = Lecteur(dossier, "departements")
    for numero, ligne in lecteur.lignes():
        code = lecteur.obligatoire(numero, ligne, "code")
        lecteur.unique(numero, ref.departements, code, "code de département")
        region = ligne["region"]
        if region not in ref.regions:
            raise lecteur.erreur(numero, f"région inconnue « {region} ».")
        ref.departements[code] = {
            "nom": lecteur.obligatoire(numero, ligne, "nom"),
            "region_id": region,
            "zone": choix_permis(lecteur, numero, ligne["zone"], Zone, "zone"),
            "chef_lieu": ligne["chef_lieu"],
        }
    etape("départements lus")

    lecteur = Lecteur(dossier, "epci")
    for numero, ligne in lecteur.lignes():
        siren = lecteur.siren(numero, ligne)
        lecteur.unique(numero, ref.epci, siren, "SIREN")
        for code in filter(None, ligne["departements"].split(";")):
            if code not in ref.departements:
                raise lecteur.erreur(numero, f"département inconnu « {code} ».")
            ref.epci_departements.add((siren, code))
        for code in filter(None, ligne["regions"].split(";")):
            if code not in ref.regions:
                raise lecteur.erreur(numero, f"région inconnue « {code} ».")
            ref.epci_regions.add((siren, code))
        ref.epci[siren] = {
            "nom": lecteur.obligatoire(numero, ligne, "nom"),
            "type": choix_permis(lecteur, numero, ligne["type"], TypeEpci, "type"),
            "mode_financement": ligne["mode_financement"],
            "nb_communes": lecteur.entier(numero, ligne, "nb_communes"),
            "population": lecteur.entier(numero, ligne, "population_totale"),
            "population_municipale": lecteur.entier(numero, ligne, "population_municipale"),
        }
    etape("intercommunalités lues")

    lecteur = Lecteur(dossier, "communes")
    for numero, ligne in lecteur.lignes():
        code = lecteur.obligatoire(numero, ligne, "code_insee")
        lecteur.unique(numero, ref.communes, code, "code INSEE")
        departement = ligne["departement"]
        if departement not in ref.departements:
            raise lecteur.erreur(numero, f"département inconnu « {departement} ».")
        epci = ligne["epci_siren"] or None
        if epci is not None and epci not in ref.epci:
            raise lecteur.erreur(numero, f"intercommunalité inconnue (SIREN « {epci} »).")
        ref.communes[code] = {
            "nom": lecteur.obligatoire(numero, ligne, "nom"),
            "departement_id": departement,
            "epci_id": epci,
            "population": lecteur.entier(numero, ligne, "population", vide_permis=True),
        }
    etape("communes lues")

    lecteur = Lecteur(dossier, "territoires")
    for numero, ligne in lecteur.lignes():
        code = lecteur.obligatoire(numero, ligne, "ti_code")
        if not (len(code) == 4 and code.isdigit()):
            raise lecteur.erreur(numero, f"code de territoire invalide « {code} » (4 chiffres).")
        lecteur.unique(numero, ref.territoires, code, "code de territoire")
        region = ligne["region"]
        if region not in ref.regions:
            raise lecteur.erreur(numero, f"région inconnue « {region} ».")
        ref.territoires[code] = {
            "nom": lecteur.obligatoire(numero, ligne, "ti_nom"),
            "region_id": region,
            "phase": Phase.PHASE_1,
        }
    etape("territoires lus")

    lecteur = Lecteur(dossier, "perimetres")
    for numero, ligne in lecteur.lignes():
        code, siren = ligne["ti_code"], ligne["epci_siren"]
        if code not in ref.territoires:
            raise lecteur.erreur(numero, f"territoire inconnu « {code} ».")
        if siren not in ref.epci:
            raise lecteur.erreur(numero, f"intercommunalité inconnue (SIREN « {siren} »).")
        lecteur.unique(numero, ref.perimetres, (code, siren), "adhésion")
        ref.perimetres[(code, siren)] = {
            "perimetre": choix_permis(
                lecteur, numero, ligne["perimetre_epci"], TypePerimetre, "perimetre_epci"
            ),
            "nb_communes": lecteur.entier(numero, ligne, "nb_communes_ti_dans_epci"),
        }
    etape("adhésions lues")

    lecteur = Lecteur(dossier, "communes_territoires")
    for numero, ligne in lecteur.lignes():
        code, commune = ligne["ti_code"], ligne["code_commune_2026"]
        if code not in ref.territoires:
            raise lecteur.erreur(numero, f"territoire inconnu « {code} ».")
        if commune not in ref.communes:
            raise lecteur.erreur(numero, f"commune inconnue « {commune} ».")
        ref.communes_territoires.add((code, commune))
    etape("communes des territoires lues")

    sans_epci = set(ref.territoires) - {code for code, _ in ref.perimetres}
    if sans_epci:
        # Les territoires de la phase 1 sont tous portés par des EPCI.
        raise ErreurReferentiel(
            FICHIERS["perimetres"][0],
            None,
            f"territoire(s) sans intercommunalité : {', '.join(sorted(sans_epci))}.",
        )
    lire_phase_2(dossier, ref)
    etape("territoires de la phase 2 lus")
    return ref
