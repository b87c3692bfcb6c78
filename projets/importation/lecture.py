"""Lecture d'un fichier d'import : format (XLSX ou CSV), taille, encodage, en-tête.

Un fichier qu'on ne peut pas lire lève `FichierIllisible`, avec la raison en français :
rien n'est contrôlé au-delà. Les limites protègent le serveur : taille du fichier, nombre
de lignes, taille d'un classeur une fois décompressé (« bombe » de décompression).
"""

import csv
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from projets.importation.colonnes import COLONNES, COLONNES_PAR_NOM, NOMS_COLONNES, nom_de_colonne
from projets.importation.rapport import RapportImport
from socle.format_fr import nombre

TAILLE_MAX = 20 * 1024 * 1024  # 20 Mo : 50 000 lignes de projets
LIGNES_MAX = 50_000
COLONNES_MAX = 100  # colonnes lues dans une feuille XLSX
TAILLE_DECOMPRESSEE_MAX = 100 * 1024 * 1024  # contenu d'un XLSX une fois décompressé

FEUILLE_PROJETS = "Projets"
CLASSEUR_ILLISIBLE = "Le classeur n'a pas pu être lu : enregistrez-le au format Excel (.xlsx)."


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu : rien n'est contrôlé au-delà."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class Tableau:
    entetes: list[str]
    lignes: list[tuple[int, list]]  # (numéro de ligne dans le fichier, cellules)


def _lire_contenu(fichier) -> bytes:
    """Les octets du fichier, sans en lire plus que la taille maximale."""
    if isinstance(fichier, bytes):
        contenu = fichier
    else:
        if hasattr(fichier, "seek"):
            fichier.seek(0)
        contenu = fichier.read(TAILLE_MAX + 1)
    if len(contenu) > TAILLE_MAX:
        raise FichierIllisible(
            f"Le fichier dépasse la taille maximale de {TAILLE_MAX // (1024 * 1024)} Mo : "
            "découpez-le en plusieurs fichiers."
        )
    if not contenu.strip():
        raise FichierIllisible("Le fichier est vide.")
    return contenu


def _ligne_vide(cellules) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cellules)


def _ajouter_ligne(lignes: list, numero: int, cellules) -> None:
    if _ligne_vide(cellules):
        return
    if len(lignes) >= LIGNES_MAX:
        raise FichierIllisible(
            f"Le fichier compte plus de {nombre(LIGNES_MAX)} lignes de projets : "
            "découpez-le en plusieurs fichiers."
        )
    lignes.append((numero, list(cellules)))


def _decoder(contenu: bytes) -> str:
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel sous Windows enregistre « CSV (séparateur : point-virgule) » en Windows-1252.
        return contenu.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FichierIllisible(
            "Le fichier CSV n'est pas un texte lisible : enregistrez-le en « CSV UTF-8 »."
        ) from exc


def _separateur(premiere_ligne: str) -> str:
    comptes = {sep: premiere_ligne.count(sep) for sep in (";", ",", "\t")}
    meilleur = max(comptes, key=lambda sep: comptes[sep])
    return meilleur if comptes[meilleur] else ";"


def _lire_csv(contenu: bytes) -> Tableau:
    texte = _decoder(contenu)
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=_separateur(premiere))
    entetes = None
    lignes: list = []
    try:
        for numero, cellules in enumerate(lecteur, start=1):
            if entetes is None:
                entetes = cellules
            else:
                _ajouter_ligne(lignes, numero, cellules)
    except csv.Error as exc:
        # En pratique « field larger than field limit » : une cellule démesurée, ou un
        # guillemet jamais refermé qui fait du reste du fichier une seule cellule.
        raise FichierIllisible(
            f"Le fichier CSV est mal formé vers la ligne {nombre(lecteur.line_num)} : une "
            f"cellule dépasse {nombre(csv.field_size_limit())} caractères, ou un guillemet "
            "n'y est pas refermé."
        ) from exc
    return Tableau(entetes or [], lignes)


def _verifier_archive(contenu: bytes) -> None:
    """Refuse une archive qui, décompressée, serait démesurée (« bombe » de décompression)."""
    try:
        with ZipFile(io.BytesIO(contenu)) as archive:
            taille = sum(membre.file_size for membre in archive.infolist())
    except BadZipFile as exc:
        raise FichierIllisible(CLASSEUR_ILLISIBLE) from exc
    if taille > TAILLE_DECOMPRESSEE_MAX:
        raise FichierIllisible(
            "Le classeur est trop volumineux une fois décompressé : "
            "découpez-le en plusieurs fichiers."
        )


_FUSION = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _refuser_les_cellules_fusionnees(contenu: bytes, chemin_feuille: str) -> None:
    """Une cellule fusionnée ne porte sa valeur que dans sa première case : les autres
    seraient lues vides, et la ligne dite incomplète sans raison visible. Le XML de la
    feuille est parcouru par morceaux (les fusions sont déclarées après les lignes)."""
    fusions: list[str] = []
    with ZipFile(io.BytesIO(contenu)) as archive, archive.open(chemin_feuille) as xml:
        reste = b""
        while morceau := xml.read(1 << 20):
            texte = reste + morceau
            fusions += [m.decode() for m in _FUSION.findall(texte)]
            reste = texte[-200:] if not fusions else b""
            if fusions:
                break
    if fusions:
        raise FichierIllisible(
            f"Le classeur contient des cellules fusionnées (par exemple {fusions[0]}) : "
            "défusionnez-les (Accueil > Fusionner et centrer) pour qu'une cellule porte une "
            "seule valeur, puis envoyez le fichier à nouveau."
        )


def _lire_xlsx(contenu: bytes) -> Tableau:
    _verifier_archive(contenu)
    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except (
        BadZipFile,
        InvalidFileException,
        KeyError,
        ValueError,
        OSError,
        EOFError,
        SyntaxError,
        zlib.error,
    ) as exc:
        raise FichierIllisible(CLASSEUR_ILLISIBLE) from exc
    try:
        if FEUILLE_PROJETS in classeur.sheetnames:
            feuille = classeur[FEUILLE_PROJETS]
        else:
            feuille = classeur.worksheets[0]
        _refuser_les_cellules_fusionnees(contenu, feuille._worksheet_path)
        entetes = None
        lignes: list = []
        for numero, cellules in enumerate(
            feuille.iter_rows(values_only=True, max_col=COLONNES_MAX), start=1
        ):
            if entetes is None:
                entetes = ["" if c is None else str(c) for c in cellules]
            else:
                _ajouter_ligne(lignes, numero, cellules)
    except (
        BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        SyntaxError,
        ValueError,
        OverflowError,
    ) as exc:
        # Archive abîmée, XML mal formé (ParseError est une SyntaxError), valeur numérique
        # ou date illisible : openpyxl ne lit les cellules qu'au parcours des lignes.
        raise FichierIllisible(
            "Le classeur n'a pas pu être lu : son contenu est endommagé ou contient une valeur "
            "illisible. Enregistrez-le à nouveau au format Excel (.xlsx)."
        ) from exc
    finally:
        classeur.close()
    return Tableau(entetes or [], lignes)


def lire_tableau(fichier, nom_fichier: str = "") -> Tableau:
    """L'en-tête et les lignes non vides d'un fichier XLSX ou CSV ; `FichierIllisible` sinon."""
    extension = PurePath(nom_fichier or "").suffix.lower()
    if extension and extension not in (".csv", ".xlsx", ".txt"):
        raise FichierIllisible(
            f"Format « {extension} » non pris en charge : le fichier doit être un classeur "
            "Excel (.xlsx) ou un fichier CSV (.csv)."
        )
    contenu = _lire_contenu(fichier)
    if contenu.startswith(b"\xd0\xcf\x11\xe0"):
        raise FichierIllisible(
            "Le format Excel 97-2003 (.xls) n'est pas pris en charge : "
            "enregistrez le fichier au format .xlsx ou .csv."
        )
    if contenu.startswith(b"PK\x03\x04"):
        return _lire_xlsx(contenu)
    if extension == ".xlsx":
        raise FichierIllisible(
            "Ce fichier n'est pas un classeur Excel (.xlsx) valide : "
            "enregistrez-le à nouveau au format .xlsx."
        )
    return _lire_csv(contenu)


def controler_entetes(entetes: list[str], rapport: RapportImport) -> dict[int, str]:
    """Rang de chaque colonne connue ; erreurs pour les colonnes absentes, inconnues, en double."""
    rangs: dict[int, str] = {}
    vus: set[str] = set()
    for rang, entete in enumerate(entetes):
        if entete is None or not str(entete).strip():
            continue
        nom = nom_de_colonne(entete)
        if nom not in COLONNES_PAR_NOM:
            rapport.ajouter(
                1,
                str(entete),
                f"Colonne inconnue « {entete} » : les colonnes possibles sont "
                f"{', '.join(NOMS_COLONNES)}.",
            )
        elif nom in vus:
            rapport.ajouter(1, nom, f"La colonne « {nom} » figure deux fois.")
        else:
            vus.add(nom)
            rangs[rang] = nom
    for colonne in COLONNES:
        if colonne.obligatoire and colonne.nom not in vus:
            rapport.ajouter(
                1,
                colonne.nom,
                f"Colonne obligatoire absente : « {colonne.nom} » ({colonne.libelle.lower()}).",
            )
    return rangs
