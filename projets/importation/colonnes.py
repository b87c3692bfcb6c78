"""Les colonnes d'un fichier d'import : nom dans l'en-tête, libellé, valeurs acceptées."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from projets.models import Enjeu, Filiere, Taille
from projets.saisie import ANNEE_MAX, ANNEE_MIN, LIBELLES
from territoires.validators import normaliser

# Porteur fictif de la ligne d'exemple du modèle (SIREN et SIRET respectent la clé de Luhn).
SIREN_EXEMPLE = "999123458"
SIRET_EXEMPLE = "99912345800013"


@dataclass(frozen=True)
class ColonneImport:
    nom: str
    libelle: str
    obligatoire: bool
    valeurs: str
    exemple: object = None


def _liste_choix(choix) -> str:
    return " ; ".join(code if code == libelle else f"{code} ({libelle})" for code, libelle in choix)


def _colonne(nom: str, valeurs: str, exemple, *, obligatoire: bool = True, libelle: str = ""):
    return ColonneImport(nom, libelle or LIBELLES[nom], obligatoire, valeurs, exemple)


COLONNES = [
    _colonne(
        "intitule",
        "Texte, 200 caractères au plus.",
        "(exemple) Extension d'un atelier de décolletage",
    ),
    _colonne(
        "description",
        "Texte libre.",
        "Ligne d'exemple à supprimer avant l'import : nouvelle ligne de tours à commande "
        "numérique et formation de douze opérateurs.",
        obligatoire=False,
    ),
    _colonne(
        "territoire",
        "Code à 4 chiffres (liste des territoires sur le portail), "
        "par exemple 8414 pour la Vallée de l'Arve.",
        "8414",
        libelle="Code du Territoire d'industrie",
    ),
    _colonne(
        "commune",
        "Code INSEE à 5 caractères (ce n'est pas le code postal) ; "
        "la commune doit appartenir au territoire.",
        "74081",
        libelle="Code INSEE de la commune du site",
    ),
    _colonne(
        "porteur_siren",
        "9 chiffres ; la clé de contrôle (formule de Luhn) est vérifiée.",
        SIREN_EXEMPLE,
    ),
    _colonne(
        "porteur_raison_sociale",
        "Texte, 200 caractères au plus ; la même pour toutes les lignes d'un même SIREN.",
        "Décolletage des Aravis SAS (exemple)",
    ),
    _colonne("porteur_taille", _liste_choix(Taille.choices), Taille.PME.value),
    _colonne(
        "siret",
        "14 chiffres, commençant par le SIREN ; la clé de contrôle (formule de Luhn) est vérifiée.",
        SIRET_EXEMPLE,
        obligatoire=False,
    ),
    _colonne("enjeu", _liste_choix(Enjeu.choices), Enjeu.INNOVER.value),
    _colonne("filiere", _liste_choix(Filiere.choices), Filiere.AUTOMOBILE.value),
    _colonne("annee", f"De {ANNEE_MIN} à {ANNEE_MAX}.", 2021),
    _colonne(
        "montant_investissement",
        "Montant en euros, positif, au plus 10 milliards ; « 1 500 000,50 » ou « 1500000.50 ».",
        Decimal("1500000.00"),
    ),
    _colonne("emplois_crees", "Nombre entier positif ou nul.", 12),
    _colonne("emplois_maintenus", "Nombre entier positif ou nul.", 45),
    _colonne(
        "aide_sollicitee",
        "Montant en euros, positif, au plus égal à l'investissement productif.",
        Decimal("300000.00"),
    ),
    _colonne("date_debut", "Date au format JJ/MM/AAAA ou AAAA-MM-JJ.", datetime.date(2021, 3, 1)),
    _colonne(
        "date_fin",
        "Date au format JJ/MM/AAAA ou AAAA-MM-JJ, postérieure ou égale au début.",
        datetime.date(2022, 6, 30),
    ),
    _colonne(
        "deposer",
        "oui ou non (non si vide) : « oui » dépose le projet, « non » le laisse en brouillon.",
        "non",
        obligatoire=False,
        libelle="Déposer le projet",
    ),
]
COLONNES_PAR_NOM = {colonne.nom: colonne for colonne in COLONNES}
NOMS_COLONNES = [colonne.nom for colonne in COLONNES]


def nom_de_colonne(entete) -> str:
    """« Intitulé », « porteur SIREN », « Année * » -> intitule, porteur_siren, annee."""
    return "_".join(normaliser(str(entete).replace("*", " ")).split())
