"""Lecture d'un fichier d'import : format (XLSX ou CSV), taille, encodage, en-tête.

Le fichier est lu au fil de ses lignes (`ouvrir_tableau`), et peut l'être plusieurs
fois : la mémoire ne croît pas avec le nombre de lignes. Un CSV doit être en UTF-8.

Un fichier qu'on ne peut pas lire lève `FichierIllisible`, avec la raison en français :
rien n'est contrôlé au-delà. Les limites protègent le serveur : taille du fichier, nombre
de lignes, taille d'un classeur une fois décompressé (« bombe » de décompression).
"""

import contextlib
import csv
import io
import itertools
import re
import tempfile
import zlib
from collections.abc import Iterator
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


TAILLE_SONDEE = 1 << 20  # octets lus pour reconnaître un fichier vide
ENCODAGE_REFUSE = (
    "Le fichier CSV n'est pas écrit en UTF-8 (vers la ligne {ligne}) : c'est sans doute un "
    "« CSV (séparateur : point-virgule) » d'Excel, écrit en Windows-1252 (Latin-1), dont les "
    "lettres accentuées seraient mal lues. Dans Excel, choisissez « Fichier > Enregistrer "
    "sous », type « CSV UTF-8 (délimité par des virgules) », puis envoyez ce fichier. "
    "Rien n'a été enregistré."
)


def _flux(fichier):
    """Un flux binaire qu'on peut relire du début : le fichier lui-même s'il le permet."""
    if isinstance(fichier, bytes | bytearray):
        return io.BytesIO(fichier)
    if getattr(fichier, "seekable", lambda: False)():
        return fichier
    copie = tempfile.SpooledTemporaryFile(max_size=TAILLE_SONDEE)  # noqa: SIM115 (rendu)
    while morceau := fichier.read(TAILLE_SONDEE):
        copie.write(morceau)
        if copie.tell() > TAILLE_MAX:
            break
    return copie


def _taille(flux) -> int:
    flux.seek(0, io.SEEK_END)
    taille = flux.tell()
    flux.seek(0)
    return taille


def _premiere_ligne_hors_utf8(flux) -> int:
    """Le numéro de la première ligne du fichier qui n'est pas de l'UTF-8 (le décodage,
    par blocs, ne le dit pas)."""
    flux.seek(0)
    for numero, ligne in enumerate(flux, start=1):
        try:
            ligne.decode("utf-8")
        except UnicodeDecodeError:
            return numero
    return 1


def _ligne_vide(cellules) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cellules)


def _separateur(premiere_ligne: str) -> str:
    comptes = {sep: premiere_ligne.count(sep) for sep in (";", ",", "\t")}
    meilleur = max(comptes, key=lambda sep: comptes[sep])
    return meilleur if comptes[meilleur] else ";"


def _verifier_archive(flux) -> None:
    """Refuse une archive qui, décompressée, serait démesurée (« bombe » de décompression)."""
    try:
        with ZipFile(flux) as archive:
            taille = sum(membre.file_size for membre in archive.infolist())
    except BadZipFile as exc:
        raise FichierIllisible(CLASSEUR_ILLISIBLE) from exc
    if taille > TAILLE_DECOMPRESSEE_MAX:
        raise FichierIllisible(
            "Le classeur est trop volumineux une fois décompressé : "
            "découpez-le en plusieurs fichiers."
        )


_FUSION = re.compile(rb'<(?:\w+:)?mergeCell ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _refuser_les_cellules_fusionnees(flux, chemin_feuille: str) -> None:
    """Une cellule fusionnée ne porte sa valeur que dans sa première case : les autres
    seraient lues vides, et la ligne dite incomplète sans raison visible. Le XML de la
    feuille est parcouru par morceaux (les fusions sont déclarées après les lignes)."""
    fusions: list[str] = []
    with ZipFile(flux) as archive, archive.open(chemin_feuille) as xml:
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


_ERREURS_D_OUVERTURE = (
    BadZipFile,
    InvalidFileException,
    KeyError,
    ValueError,
    OSError,
    EOFError,
    SyntaxError,
    zlib.error,
)
# Archive abîmée, XML mal formé (ParseError est une SyntaxError), valeur numérique ou date
# illisible : openpyxl ne lit les cellules qu'au parcours des lignes.
_ERREURS_DE_LECTURE = (
    BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    SyntaxError,
    ValueError,
    OverflowError,
)


class Lecture:
    """Un fichier XLSX ou CSV lu au fil de ses lignes : `entetes`, puis `lignes()`, qu'on
    peut parcourir plusieurs fois. Seule la ligne en cours est en mémoire, quel que soit
    le nombre de lignes ; au-delà de `LIGNES_MAX` lignes non vides, `FichierIllisible`.

    S'ouvre avec `ouvrir_tableau` (gestionnaire de contexte)."""

    def __init__(self, fichier, nom_fichier: str = ""):
        extension = PurePath(nom_fichier or "").suffix.lower()
        if extension and extension not in (".csv", ".xlsx", ".txt"):
            raise FichierIllisible(
                f"Format « {extension} » non pris en charge : le fichier doit être un classeur "
                "Excel (.xlsx) ou un fichier CSV (.csv)."
            )
        self.flux = _flux(fichier)
        taille = _taille(self.flux)
        if taille > TAILLE_MAX:
            raise FichierIllisible(
                f"Le fichier dépasse la taille maximale de {TAILLE_MAX // (1024 * 1024)} Mo : "
                "découpez-le en plusieurs fichiers."
            )
        debut = self.flux.read(TAILLE_SONDEE)
        self.flux.seek(0)
        if not debut.strip() and taille <= TAILLE_SONDEE:
            raise FichierIllisible("Le fichier est vide.")
        self.classeur = None
        if debut.startswith(b"\xd0\xcf\x11\xe0"):
            raise FichierIllisible(
                "Le format Excel 97-2003 (.xls) n'est pas pris en charge : "
                "enregistrez le fichier au format .xlsx ou .csv."
            )
        if debut.startswith(b"PK\x03\x04"):
            self._ouvrir_classeur()
            self._rangees = self._rangees_xlsx
        elif extension == ".xlsx":
            raise FichierIllisible(
                "Ce fichier n'est pas un classeur Excel (.xlsx) valide : "
                "enregistrez-le à nouveau au format .xlsx."
            )
        else:
            self._rangees = self._rangees_csv
        rangees = self._rangees()
        try:
            premiere = next(rangees, (1, []))[1]
        finally:
            rangees.close()
        self.entetes = ["" if c is None else str(c) for c in premiere]

    # --- XLSX -----------------------------------------------------------------------------

    def _ouvrir_classeur(self) -> None:
        _verifier_archive(self.flux)
        try:
            self.flux.seek(0)
            self.classeur = load_workbook(self.flux, read_only=True, data_only=True)
        except _ERREURS_D_OUVERTURE as exc:
            raise FichierIllisible(CLASSEUR_ILLISIBLE) from exc
        if FEUILLE_PROJETS in self.classeur.sheetnames:
            self.feuille = self.classeur[FEUILLE_PROJETS]
        else:
            self.feuille = self.classeur.worksheets[0]
        try:
            _refuser_les_cellules_fusionnees(self.flux, self.feuille._worksheet_path)
        except _ERREURS_DE_LECTURE as exc:
            self.fermer()
            raise FichierIllisible(CLASSEUR_ILLISIBLE) from exc
        except FichierIllisible:
            self.fermer()
            raise

    def _rangees_xlsx(self) -> Iterator[tuple[int, tuple]]:
        try:
            yield from enumerate(
                self.feuille.iter_rows(values_only=True, max_col=COLONNES_MAX), start=1
            )
        except _ERREURS_DE_LECTURE as exc:
            raise FichierIllisible(
                "Le classeur n'a pas pu être lu : son contenu est endommagé ou contient une "
                "valeur illisible. Enregistrez-le à nouveau au format Excel (.xlsx)."
            ) from exc

    # --- CSV ------------------------------------------------------------------------------

    def _rangees_csv(self) -> Iterator[tuple[int, list]]:
        self.flux.seek(0)
        # UTF-8 seulement (« CSV UTF-8 » d'Excel, avec ou sans BOM) : un autre encodage
        # se lirait sans erreur visible mais en lettres fausses.
        texte = io.TextIOWrapper(self.flux, encoding="utf-8-sig", newline="")
        lecteur = None
        try:
            debut = []
            for ligne in texte:
                debut.append(ligne)
                if ligne.strip():
                    break
            lecteur = csv.reader(
                itertools.chain(debut, texte), delimiter=_separateur(debut[-1] if debut else "")
            )
            yield from enumerate(lecteur, start=1)
        except UnicodeDecodeError as exc:
            ligne = _premiere_ligne_hors_utf8(self.flux)
            raise FichierIllisible(ENCODAGE_REFUSE.format(ligne=nombre(ligne))) from exc
        except csv.Error as exc:
            # En pratique « field larger than field limit » : une cellule démesurée, ou un
            # guillemet jamais refermé qui fait du reste du fichier une seule cellule.
            raise FichierIllisible(
                f"Le fichier CSV est mal formé vers la ligne {nombre(lecteur.line_num)} : une "
                f"cellule dépasse {nombre(csv.field_size_limit())} caractères, ou un guillemet "
                "n'y est pas refermé."
            ) from exc
        finally:
            texte.detach()  # le flux reste ouvert pour le parcours suivant

    # --- Lignes ---------------------------------------------------------------------------

    def lignes(self) -> Iterator[tuple[int, list]]:
        """(numéro de ligne dans le fichier, cellules) des lignes non vides sous l'en-tête."""
        compte = 0
        rangees = self._rangees()
        try:
            for numero, cellules in rangees:
                if numero == 1 or _ligne_vide(cellules):
                    continue
                compte += 1
                if compte > LIGNES_MAX:
                    raise FichierIllisible(
                        f"Le fichier compte plus de {nombre(LIGNES_MAX)} lignes de projets : "
                        "découpez-le en plusieurs fichiers."
                    )
                yield numero, list(cellules)
        finally:
            rangees.close()

    def fermer(self) -> None:
        if self.classeur is not None:
            self.classeur.close()


@contextlib.contextmanager
def ouvrir_tableau(fichier, nom_fichier: str = "") -> Iterator[Lecture]:
    """Le fichier XLSX ou CSV ouvert en lecture au fil des lignes ; `FichierIllisible`
    (format, taille, encodage, « bombe » de décompression) sinon."""
    lecture = Lecture(fichier, nom_fichier)
    try:
        yield lecture
    finally:
        lecture.fermer()


def lire_tableau(fichier, nom_fichier: str = "") -> Tableau:
    """L'en-tête et toutes les lignes non vides d'un fichier XLSX ou CSV, en mémoire ;
    `FichierIllisible` sinon."""
    with ouvrir_tableau(fichier, nom_fichier) as lecture:
        return Tableau(lecture.entetes, list(lecture.lignes()))


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
