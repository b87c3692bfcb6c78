"""Exports tabulaires (CSV pour Excel en français, XLSX) communs à toutes les applications.

Une application décrit ses colonnes (titre en français et type) et fournit un
itérable de lignes (des tuples, idéalement issus de ``values_list(...).iterator()``) ;
ce module produit la réponse HTTP à télécharger :

- CSV : UTF-8 avec BOM (qu'Excel reconnaît), séparateur « ; », virgule
  décimale, sans séparateur de milliers, dates au format JJ/MM/AAAA ; envoyé au fil
  des lignes (`StreamingHttpResponse`) : la mémoire ne dépend pas du nombre de lignes ;
- XLSX : en-tête en gras et figé, filtre automatique, largeurs de colonnes,
  de vrais nombres et de vraies dates avec leur format d'affichage. Le
  classeur est écrit en mode flux (``write_only``) : les lignes ne sont
  jamais toutes en mémoire.

Une sélection vide donne un fichier qui ne contient que l'en-tête.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import BinaryIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

FORMATS = ("csv", "xlsx")

TYPE_CSV = "text/csv; charset=utf-8"
TYPE_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TypeColonne(StrEnum):
    TEXTE = "texte"
    ENTIER = "entier"
    MONTANT = "montant"  # euros, Decimal
    DATE = "date"
    DATE_HEURE = "date_heure"  # affichée à l'heure de Paris
    POURCENTAGE = "pourcentage"  # une proportion : 0.25 s'affiche « 25,00 % »


# Format d'affichage Excel et largeur par défaut (en caractères) de chaque type.
FORMATS_XLSX = {
    TypeColonne.TEXTE: "General",
    TypeColonne.ENTIER: "#,##0",
    TypeColonne.MONTANT: '#,##0.00 "€"',
    TypeColonne.DATE: "dd/mm/yyyy",
    TypeColonne.DATE_HEURE: "dd/mm/yyyy hh:mm",
    TypeColonne.POURCENTAGE: "0.00 %",
}
LARGEURS = {
    TypeColonne.TEXTE: 20,
    TypeColonne.ENTIER: 12,
    TypeColonne.MONTANT: 18,
    TypeColonne.DATE: 12,
    TypeColonne.DATE_HEURE: 17,
    TypeColonne.POURCENTAGE: 10,
}
LARGEUR_MAX = 60
LONGUEUR_MAX_CELLULE = 32_767  # limite d'Excel
LIGNES_PAR_PAQUET = 500  # lignes CSV envoyées ensemble

# Caractères de contrôle refusés par le format XLSX.
_CARACTERES_INTERDITS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Une cellule de texte qui commence ainsi serait prise pour une formule par un tableur.
_DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


class FormatInconnu(ValueError):
    def __init__(self, format: str):
        super().__init__(
            f"Format d'export inconnu « {format} » : choisissez parmi {', '.join(FORMATS)}."
        )


@dataclass(frozen=True)
class Colonne:
    """Une colonne d'export : son titre (en français), son type, et au besoin :

    - ``largeur`` : largeur XLSX en caractères (sinon, selon le titre et le type) ;
    - ``format_xlsx`` : format d'affichage Excel remplaçant celui du type
      (par exemple ``"0"`` pour une année, sans séparateur de milliers) ;
    - ``definition`` : ce que la colonne compte ; un classeur XLSX dont des colonnes ont
      une définition les reprend dans une feuille « Définitions ».
    """

    titre: str
    type: TypeColonne = TypeColonne.TEXTE
    largeur: int | None = None
    format_xlsx: str | None = None
    definition: str = ""

    def largeur_xlsx(self) -> int:
        if self.largeur:
            return self.largeur
        return min(max(len(self.titre) + 2, LARGEURS[self.type]), LARGEUR_MAX)

    def format_excel(self) -> str:
        return self.format_xlsx or FORMATS_XLSX[self.type]


def nom_de_fichier(nom: str, extension: str, le: datetime.date | None = None) -> str:
    """« projets-2021-03-01.csv » : le nom, la date du jour (Paris) et l'extension."""
    le = le or timezone.localdate()
    base = slugify(nom) or "export"
    return f"{base}-{le.isoformat()}.{extension}"


def _heure_locale(valeur: datetime.datetime) -> datetime.datetime:
    """Heure de Paris, sans fuseau (le format XLSX n'en porte pas)."""
    if timezone.is_aware(valeur):
        valeur = timezone.localtime(valeur)
    return valeur.replace(tzinfo=None)


def _nombre_csv(valeur, decimales: int | None) -> str:
    if decimales is None:
        texte = str(valeur)
    else:
        texte = f"{Decimal(str(valeur)):.{decimales}f}"
    return texte.replace(".", ",")


def _texte_sur(texte: str) -> str:
    """Neutralise une cellule qui serait interprétée comme une formule (injection CSV)."""
    if texte.startswith(_DEBUTS_DE_FORMULE):
        return "'" + texte
    return texte


def valeur_csv(valeur, type: TypeColonne) -> str:
    """Le texte d'une cellule CSV pour Excel en français."""
    if valeur is None or valeur == "":
        return ""
    if type == TypeColonne.MONTANT:
        return _nombre_csv(valeur, 2)
    if type == TypeColonne.ENTIER:
        return _nombre_csv(int(valeur), None)
    if type == TypeColonne.POURCENTAGE:
        return _nombre_csv(Decimal(str(valeur)) * 100, 2) + " %"
    if type == TypeColonne.DATE_HEURE and isinstance(valeur, datetime.datetime):
        return _heure_locale(valeur).strftime("%d/%m/%Y %H:%M")
    if type in (TypeColonne.DATE, TypeColonne.DATE_HEURE) and isinstance(valeur, datetime.date):
        if isinstance(valeur, datetime.datetime):
            valeur = _heure_locale(valeur)
        return valeur.strftime("%d/%m/%Y")
    if isinstance(valeur, bool):
        return "Oui" if valeur else "Non"
    return _texte_sur(str(valeur))


class _Tampon:
    """Ce que `csv.writer` écrit est rendu aussitôt (une ligne à la fois), jamais gardé."""

    def write(self, texte: str) -> str:
        return texte


def morceaux_csv(colonnes: Sequence[Colonne], lignes: Iterable[Sequence]) -> Iterator[bytes]:
    """Le fichier CSV, ligne par ligne, en octets UTF-8 (BOM d'abord) : la mémoire ne
    dépend pas du nombre de lignes. Les lignes sont groupées par paquets (moins d'appels)."""
    ecrivain = csv.writer(_Tampon(), delimiter=";", lineterminator="\r\n")
    yield ("\ufeff" + ecrivain.writerow([colonne.titre for colonne in colonnes])).encode()
    types = [colonne.type for colonne in colonnes]
    paquet: list[str] = []
    for ligne in lignes:
        paquet.append(
            ecrivain.writerow(
                [valeur_csv(valeur, type) for valeur, type in zip(ligne, types, strict=True)]
            )
        )
        if len(paquet) >= LIGNES_PAR_PAQUET:
            yield "".join(paquet).encode()
            paquet = []
    if paquet:
        yield "".join(paquet).encode()


def ecrire_csv(destination: BinaryIO, *, colonnes: Sequence[Colonne], lignes: Iterable) -> None:
    """Le fichier CSV écrit dans `destination` (un fichier ouvert en binaire), au fil des lignes."""
    for morceau in morceaux_csv(colonnes, lignes):
        destination.write(morceau)


def reponse_csv(
    *,
    titre: str,
    colonnes: Sequence[Colonne],
    lignes: Iterable[Sequence],
    nom: str | None = None,
) -> StreamingHttpResponse:
    """Un fichier CSV que le tableur ouvre directement dans ses colonnes (Excel, LibreOffice),
    envoyé au fil de la lecture des lignes."""
    reponse = StreamingHttpResponse(morceaux_csv(colonnes, lignes), content_type=TYPE_CSV)
    reponse["Content-Disposition"] = f'attachment; filename="{nom_de_fichier(nom or titre, "csv")}"'
    return reponse


def _titre_de_feuille(titre: str) -> str:
    """Excel limite le nom d'une feuille à 31 caractères, sans []:*?/\\."""
    propre = " ".join(re.sub(r"[\[\]:*?/\\]", " ", titre).split()) or "Export"
    return propre[:31]


def _fabrique_de_cellules(feuille, colonne: Colonne) -> Callable:
    """Convertit une valeur Python en cellule XLSX typée et formatée pour cette colonne."""
    format_excel = colonne.format_excel()
    # Une seule cellule formatée par colonne, reprise à chaque ligne : en mode flux, une
    # ligne est écrite dès qu'elle est ajoutée (`feuille.append`), si bien que la cellule est
    # libre pour la suivante ; le style n'est ainsi résolu qu'une fois par colonne.
    formatee = WriteOnlyCell(feuille)
    formatee.number_format = format_excel

    def nombre(valeur):
        formatee.value = valeur
        return formatee

    def texte(valeur):
        if isinstance(valeur, bool):
            valeur = "Oui" if valeur else "Non"
        valeur = _CARACTERES_INTERDITS.sub("", str(valeur))[:LONGUEUR_MAX_CELLULE]
        if valeur.startswith("=") or valeur.startswith("#"):
            # Sans cela, openpyxl écrirait une formule ou un code d'erreur.
            cellule = WriteOnlyCell(feuille, value=valeur)
            cellule.data_type = "s"
            return cellule
        return valeur

    def fabriquer(valeur):
        if valeur is None or valeur == "":
            return None
        match colonne.type:
            case TypeColonne.MONTANT:
                return nombre(Decimal(str(valeur)))
            case TypeColonne.ENTIER:
                return nombre(int(valeur))
            case TypeColonne.POURCENTAGE:
                return nombre(Decimal(str(valeur)))
            case TypeColonne.DATE | TypeColonne.DATE_HEURE:
                if isinstance(valeur, datetime.datetime):
                    valeur = _heure_locale(valeur)
                    if colonne.type == TypeColonne.DATE:
                        valeur = valeur.date()
                return nombre(valeur)
        return texte(valeur)

    return fabriquer


def classeur_xlsx(
    *,
    titre: str,
    colonnes: Sequence[Colonne],
    lignes: Iterable[Sequence],
    destination: BinaryIO | None = None,
) -> bytes | None:
    """Le contenu d'un classeur XLSX d'une feuille, écrit ligne par ligne (mode flux
    d'openpyxl) ; dans `destination` (un fichier ouvert en binaire) si elle est donnée."""
    classeur = Workbook(write_only=True)
    classeur.properties.title = titre
    classeur.properties.creator = "Portail Territoires d'industrie"
    feuille = classeur.create_sheet(_titre_de_feuille(titre))
    # Vues et largeurs s'écrivent avant la première ligne en mode flux.
    feuille.freeze_panes = "A2"
    for rang, colonne in enumerate(colonnes, start=1):
        feuille.column_dimensions[get_column_letter(rang)].width = colonne.largeur_xlsx()

    gras = Font(bold=True)
    retour = Alignment(wrap_text=True, vertical="top")
    entete = []
    for colonne in colonnes:
        cellule = WriteOnlyCell(feuille, value=colonne.titre)
        cellule.data_type = "s"
        cellule.font = gras
        cellule.alignment = retour
        entete.append(cellule)
    feuille.append(entete)

    fabriques = [_fabrique_de_cellules(feuille, colonne) for colonne in colonnes]
    nb_lignes = 1
    for ligne in lignes:
        feuille.append(
            [fabrique(valeur) for fabrique, valeur in zip(fabriques, ligne, strict=True)]
        )
        nb_lignes += 1
    # Le filtre automatique s'écrit après les lignes : on connaît alors leur nombre.
    derniere = get_column_letter(max(len(colonnes), 1))
    feuille.auto_filter = AutoFilter(ref=f"A1:{derniere}{nb_lignes}")
    _feuille_des_definitions(classeur, colonnes, gras)

    if destination is not None:
        classeur.save(destination)
        return None
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()


def _feuille_des_definitions(classeur, colonnes: Sequence[Colonne], gras: Font) -> None:
    """Une feuille « Définitions » : chaque colonne définie, et ce qu'elle compte."""
    definies = [colonne for colonne in colonnes if colonne.definition]
    if not definies:
        return
    feuille = classeur.create_sheet("Définitions")
    feuille.column_dimensions["A"].width = 34
    feuille.column_dimensions["B"].width = 100
    entete = []
    for titre in ("Colonne", "Définition"):
        cellule = WriteOnlyCell(feuille, value=titre)
        cellule.font = gras
        entete.append(cellule)
    feuille.append(entete)
    retour = Alignment(wrap_text=True, vertical="top")
    for colonne in definies:
        cellule = WriteOnlyCell(feuille, value=colonne.definition)
        cellule.alignment = retour
        feuille.append([colonne.titre, cellule])


def reponse_xlsx(
    *,
    titre: str,
    colonnes: Sequence[Colonne],
    lignes: Iterable[Sequence],
    nom: str | None = None,
) -> HttpResponse:
    contenu = classeur_xlsx(titre=titre, colonnes=colonnes, lignes=lignes)
    return piece_jointe_xlsx(contenu, nom or titre)


def piece_jointe_xlsx(contenu: bytes, nom: str) -> HttpResponse:
    """Un classeur à télécharger, nommé « <nom>-<date du jour>.xlsx »."""
    reponse = HttpResponse(contenu, content_type=TYPE_XLSX)
    reponse["Content-Disposition"] = f'attachment; filename="{nom_de_fichier(nom, "xlsx")}"'
    return reponse


def reponse_export(
    *,
    format: str,
    titre: str,
    colonnes: Sequence[Colonne],
    lignes: Iterable[Sequence],
    nom: str | None = None,
) -> HttpResponse:
    """Le fichier demandé (``csv`` ou ``xlsx``) ; `FormatInconnu` pour tout autre format."""
    if format == "csv":
        return reponse_csv(titre=titre, colonnes=colonnes, lignes=lignes, nom=nom)
    if format == "xlsx":
        return reponse_xlsx(titre=titre, colonnes=colonnes, lignes=lignes, nom=nom)
    raise FormatInconnu(format)
