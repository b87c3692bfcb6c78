"""Les colonnes d'un fichier de mise à jour en masse, et son classeur modèle."""

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from projets.importation.lecture import LIGNES_MAX
from projets.models import Statut
from socle.format_fr import nombre

FEUILLE = "Projets"


@dataclass(frozen=True)
class ColonneMiseAJour:
    nom: str
    libelle: str
    valeurs: str
    obligatoire: bool = False


COLONNES = [
    ColonneMiseAJour(
        "projet",
        "N° du projet",
        "Le numéro du projet (colonne « N° » de l'export de la liste des projets).",
        obligatoire=True,
    ),
    ColonneMiseAJour(
        "engager",
        "Crédits à engager (€)",
        "Montant en euros : un nouvel engagement, au plus le disponible de l'enveloppe et "
        "l'aide sollicitée restant à couvrir. Vide : aucun engagement.",
    ),
    ColonneMiseAJour(
        "enveloppe",
        "N° de l'enveloppe",
        "Facultatif : l'enveloppe régionale de la région et de l'année du projet ; à préciser "
        "seulement si la région en a plusieurs cette année-là.",
    ),
    ColonneMiseAJour(
        "date_engagement",
        "Date de l'engagement",
        "JJ/MM/AAAA ; vide : la date du jour.",
    ),
    ColonneMiseAJour(
        "verser",
        "Versement (€)",
        "Montant payé, au plus le reste à verser de l'engagement en cours du projet. "
        "Vide : aucun versement.",
    ),
    ColonneMiseAJour(
        "date_versement",
        "Date du versement",
        "JJ/MM/AAAA ; obligatoire avec un versement, pas avant l'engagement.",
    ),
    ColonneMiseAJour("reference", "Référence du paiement", "Texte libre (n° de mandat…)."),
    ColonneMiseAJour(
        "statut",
        "Nouveau statut",
        "Vide : inchangé. Sinon l'un de : "
        + " ; ".join(f"{code} ({libelle})" for code, libelle in Statut.choices)
        + ". Seuls les changements permis par le cycle de vie et votre rôle sont acceptés.",
    ),
    ColonneMiseAJour(
        "commentaire",
        "Commentaire",
        "Repris dans l'historique ; obligatoire pour un abandon.",
    ),
]
COLONNES_PAR_NOM = {colonne.nom: colonne for colonne in COLONNES}


def modele_xlsx() -> bytes:
    """Le classeur modèle : l'en-tête et le mode d'emploi des colonnes."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = FEUILLE
    feuille.append([colonne.nom for colonne in COLONNES])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
    feuille.freeze_panes = "A2"
    aide = classeur.create_sheet("Mode d'emploi")
    aide.append(["Mise à jour en masse des engagements, versements et statuts"])
    aide["A1"].font = Font(bold=True, size=14)
    for ligne in (
        "Une ligne par projet dans l'onglet « Projets », sous l'en-tête (ne le modifiez pas).",
        f"Au plus {nombre(LIGNES_MAX)} lignes ; formats .xlsx ou .csv (UTF-8, séparateur « ; »).",
        "Sur une ligne : l'engagement s'applique d'abord, puis le versement, puis le statut.",
        "Tout ou rien : si une seule ligne est refusée, rien n'est enregistré. « Vérifier le "
        "fichier » applique tout à blanc et liste toutes les erreurs.",
    ):
        aide.append([ligne])
    aide.append([])
    aide.append(["Colonne", "Obligatoire", "Contenu", "Valeurs acceptées"])
    for colonne in COLONNES:
        aide.append(
            [colonne.nom, "oui" if colonne.obligatoire else "non", colonne.libelle, colonne.valeurs]
        )
    for lettre, largeur in zip("ABCD", (18, 12, 28, 100), strict=True):
        aide.column_dimensions[lettre].width = largeur
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
