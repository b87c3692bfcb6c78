"""Import de projets depuis un tableur (XLSX ou CSV) par les agents des préfectures.

Quatre étapes, un module chacune :

- `lecture` : le fichier (format, taille, encodage, « bombe » de décompression, en-tête) ;
- `conversion` : les cellules d'une ligne en `projets.saisie.SaisieProjet` typée ;
- `controle` : les règles de la saisie (`projets.saisie`, par les services, comme le
  formulaire et l'API) et celles du fichier (doublons, porteurs), puis l'import tout ou
  rien (`importer_projets`) ;
- `modele` : le classeur modèle à télécharger (`modele_xlsx`).

`colonnes` décrit les colonnes du fichier ; `rapport`, les erreurs rapportées (ligne,
colonne, message en français).
"""

from projets.importation.colonnes import (
    COLONNES,
    COLONNES_PAR_NOM,
    NOMS_COLONNES,
    SIREN_EXEMPLE,
    SIRET_EXEMPLE,
    ColonneImport,
)
from projets.importation.controle import importer_projets
from projets.importation.conversion import ValeurInvalide
from projets.importation.lecture import (
    LIGNES_MAX,
    TAILLE_MAX,
    FichierIllisible,
    Tableau,
    lire_tableau,
)
from projets.importation.modele import modele_xlsx
from projets.importation.rapport import ErreurImport, RapportImport

__all__ = [
    "COLONNES",
    "COLONNES_PAR_NOM",
    "LIGNES_MAX",
    "NOMS_COLONNES",
    "SIREN_EXEMPLE",
    "SIRET_EXEMPLE",
    "TAILLE_MAX",
    "ColonneImport",
    "ErreurImport",
    "FichierIllisible",
    "RapportImport",
    "Tableau",
    "ValeurInvalide",
    "importer_projets",
    "lire_tableau",
    "modele_xlsx",
]
