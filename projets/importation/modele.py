"""Le classeur modèle à télécharger : l'en-tête, une ligne d'exemple et le mode d'emploi."""

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from projets.importation.colonnes import COLONNES, NOMS_COLONNES
from projets.importation.lecture import FEUILLE_PROJETS, LIGNES_MAX, TAILLE_MAX
from projets.models import Enjeu, Filiere, Taille
from socle.format_fr import format_euros, nombre

FEUILLE_MODE_EMPLOI = "Mode d'emploi"
FORMATS = {
    "montant_investissement": '#,##0.00 "€"',
    "aide_sollicitee": '#,##0.00 "€"',
    "date_debut": "dd/mm/yyyy",
    "date_fin": "dd/mm/yyyy",
    "annee": "0",
}
CODES = ("territoire", "commune", "porteur_siren", "siret")  # texte : garde les zéros de tête
LISTES = (
    ("porteur_taille", Taille.values),
    ("enjeu", Enjeu.values),
    ("filiere", Filiere.values),
    ("deposer", ["oui", "non"]),
)


def _feuille_projets(classeur: Workbook) -> None:
    feuille = classeur.active
    feuille.title = FEUILLE_PROJETS
    feuille.append(NOMS_COLONNES)
    feuille.append([colonne.exemple for colonne in COLONNES])
    for rang, colonne in enumerate(COLONNES, start=1):
        lettre = get_column_letter(rang)
        feuille[f"{lettre}1"].font = Font(bold=True)
        cellule = feuille[f"{lettre}2"]
        cellule.font = Font(italic=True, color="666666")
        if colonne.nom in FORMATS:
            cellule.number_format = FORMATS[colonne.nom]
        elif colonne.nom in CODES:
            cellule.number_format = "@"
        feuille.column_dimensions[lettre].width = max(len(colonne.nom) + 4, 14)
    feuille.column_dimensions["A"].width = 45
    feuille.column_dimensions["B"].width = 45
    feuille.freeze_panes = "A2"
    # Listes déroulantes pour les colonnes à valeurs fermées.
    for nom, valeurs in LISTES:
        lettre = get_column_letter(NOMS_COLONNES.index(nom) + 1)
        validation = DataValidation(
            type="list", formula1=f'"{",".join(valeurs)}"', allow_blank=True
        )
        validation.error = "Choisissez une valeur de la liste (voir l'onglet « Mode d'emploi »)."
        validation.errorTitle = "Valeur non reconnue"
        validation.add(f"{lettre}2:{lettre}{LIGNES_MAX + 1}")
        feuille.add_data_validation(validation)


def _exemple_lisible(exemple) -> str:
    if isinstance(exemple, datetime.date):
        return exemple.strftime("%d/%m/%Y")
    if isinstance(exemple, Decimal):
        return format_euros(exemple, centimes=True)
    return "" if exemple is None else str(exemple)


def _feuille_mode_d_emploi(classeur: Workbook) -> None:
    aide = classeur.create_sheet(FEUILLE_MODE_EMPLOI)
    aide.append(["Import de projets — mode d'emploi"])
    aide["A1"].font = Font(bold=True, size=14)
    for ligne in (
        "Une ligne par projet dans l'onglet « Projets », sous l'en-tête (ne le modifiez pas).",
        "La ligne 2 est un exemple fictif : supprimez-la avant l'import.",
        f"Au plus {nombre(LIGNES_MAX)} lignes et {TAILLE_MAX // (1024 * 1024)} Mo par "
        "fichier ; formats .xlsx ou .csv (UTF-8, séparateur « ; » ou « , »).",
        "Le fichier est contrôlé en entier : si une seule ligne est en erreur, aucun projet "
        "n'est importé. Utilisez « Vérifier le fichier » pour voir toutes les erreurs.",
        "Vous ne pouvez importer que des projets de votre région (et de votre département, "
        "le cas échéant).",
    ):
        aide.append([ligne])
    aide.append([])
    ligne_entete = aide.max_row + 1
    aide.append(["Colonne", "Obligatoire", "Contenu", "Valeurs acceptées", "Exemple"])
    for cellule in aide[ligne_entete]:
        cellule.font = Font(bold=True)
    for colonne in COLONNES:
        aide.append(
            [
                colonne.nom,
                "oui" if colonne.obligatoire else "non",
                colonne.libelle,
                colonne.valeurs,
                _exemple_lisible(colonne.exemple),
            ]
        )
    for lettre, largeur in zip("ABCDE", (26, 12, 40, 80, 40), strict=True):
        aide.column_dimensions[lettre].width = largeur
    for ligne in aide.iter_rows(min_row=ligne_entete + 1):
        for cellule in ligne:
            cellule.alignment = Alignment(wrap_text=True, vertical="top")


def modele_xlsx() -> bytes:
    """Le classeur modèle : l'en-tête, une ligne d'exemple, et le mode d'emploi des colonnes."""
    classeur = Workbook()
    _feuille_projets(classeur)
    _feuille_mode_d_emploi(classeur)
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
