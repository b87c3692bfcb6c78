"""Ce qu'un fichier doit être pour entrer dans un dossier : taille, nom, contenu.

Le type se lit dans le contenu (ses premiers octets, la table d'une archive bureautique),
jamais dans l'extension ni dans le type annoncé par le navigateur : un exécutable renommé
`.pdf` est refusé. Une archive bureautique dont le contenu décompressé dépasse les limites
(« bombe de décompression ») l'est aussi, sans rien décompresser.
"""

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings

from socle.erreurs import Invalide

MO = 1024 * 1024
NOM_MAX = 120

# Une archive bureautique : au plus tant de fichiers, tant d'octets décompressés, et un
# taux de compression plausible (un document texte se comprime rarement plus de 100 fois).
ARCHIVE_FICHIERS_MAX = 2000
ARCHIVE_TAILLE_MAX = 200 * MO
ARCHIVE_TAUX_MAX = 100

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Format:
    libelle: str
    type_mime: str
    extensions: tuple[str, ...]


PDF = Format("PDF", "application/pdf", ("pdf",))
PNG = Format("image PNG", "image/png", ("png",))
JPEG = Format("image JPEG", "image/jpeg", ("jpg", "jpeg"))
CSV = Format("tableau CSV", "text/csv", ("csv",))
DOCX = Format(
    "document Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ("docx",),
)
XLSX = Format(
    "classeur Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
)
PPTX = Format(
    "présentation PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ("pptx",),
)
ODT = Format("document OpenDocument", "application/vnd.oasis.opendocument.text", ("odt",))
ODS = Format("classeur OpenDocument", "application/vnd.oasis.opendocument.spreadsheet", ("ods",))
ODP = Format(
    "présentation OpenDocument", "application/vnd.oasis.opendocument.presentation", ("odp",)
)
OFFICE_ANCIEN = Format("document Office", "application/vnd.ms-office", ("doc", "xls", "ppt"))

FORMATS = (PDF, PNG, JPEG, CSV, DOCX, XLSX, PPTX, ODT, ODS, ODP, OFFICE_ANCIEN)
EXTENSIONS = {ext: f for f in FORMATS for ext in f.extensions}
FORMATS_ACCEPTES = (
    "PDF, PNG, JPEG, CSV, documents bureautiques (Word, Excel, PowerPoint, OpenDocument)"
)

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {f.type_mime: f for f in (ODT, ODS, ODP)}


def taille_max() -> int:
    return settings.DOCUMENTS_TAILLE_MAX


def _en_mo(octets: int) -> str:
    return f"{octets / MO:.0f} Mo".replace(".", ",")


def nettoyer_nom(nom: str) -> str:
    """Le nom sous lequel le fichier sera proposé au téléchargement.

    Refusé s'il désigne un chemin (`/`, `\\`, `..`) ou contient un caractère de contrôle ;
    sinon, ramené à des caractères sûrs (lettres, chiffres, espace, `-_.()`).
    """
    nom = unicodedata.normalize("NFC", nom or "").strip()
    if not nom:
        raise Invalide("Le fichier n'a pas de nom.", champ="fichier")
    if any(unicodedata.category(c).startswith("C") for c in nom):
        raise Invalide(
            "Le nom du fichier contient des caractères de contrôle : renommez-le.", champ="fichier"
        )
    if "/" in nom or "\\" in nom or ".." in nom:
        raise Invalide(
            "Le nom du fichier ne doit pas contenir de chemin (« / », « \\ » ou « .. ») : "
            "renommez-le.",
            champ="fichier",
        )
    sur = "".join(c if c.isalnum() or c in " -_.()" else "_" for c in nom).strip(" .")
    if "." not in sur:
        raise Invalide(
            f"Le nom du fichier doit finir par son extension ({FORMATS_ACCEPTES}).",
            champ="fichier",
        )
    base, ext = sur.rsplit(".", 1)
    return f"{base[: NOM_MAX - len(ext) - 1]}.{ext.lower()}"


def _format_archive(contenu: bytes) -> Format | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        entrees = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if len(entrees) > ARCHIVE_FICHIERS_MAX:
        raise Invalide(
            "Ce document bureautique contient trop de fichiers internes : il est refusé par "
            "prudence (archive piégée).",
            champ="fichier",
        )
    decompresse = sum(e.file_size for e in entrees)
    compresse = sum(e.compress_size for e in entrees) or 1
    if decompresse > ARCHIVE_TAILLE_MAX or decompresse / compresse > ARCHIVE_TAUX_MAX:
        raise Invalide(
            "Ce document bureautique se décompresse en un volume anormal "
            f"({_en_mo(decompresse)}) : il est refusé par prudence (bombe de décompression).",
            champ="fichier",
        )
    noms = {e.filename for e in entrees}
    if "mimetype" in noms:
        return _ODF.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
    if "[Content_Types].xml" in noms:
        for prefixe, fmt in _OOXML.items():
            if any(n.startswith(prefixe) for n in noms):
                return fmt
    return None


def _est_du_texte(contenu: bytes) -> bool:
    if b"\x00" in contenu:
        return False
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            contenu.decode(encodage)
            return True
        except UnicodeDecodeError:
            continue
    return False


def format_du_contenu(contenu: bytes, extension: str) -> Format | None:
    """Le format reconnu dans les octets, ou `None`."""
    if contenu.startswith(b"%PDF-"):
        return PDF
    if contenu.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if contenu.startswith(b"\xff\xd8\xff"):
        return JPEG
    if contenu.startswith(OLE2):
        return OFFICE_ANCIEN
    if contenu.startswith(b"PK\x03\x04"):
        return _format_archive(contenu)
    if extension == "csv" and _est_du_texte(contenu):
        return CSV
    return None


@dataclass(frozen=True)
class FichierControle:
    nom: str
    format: Format
    taille: int


def controler(*, nom: str, contenu: bytes) -> FichierControle:
    """Vérifie taille, nom et contenu ; lève `Invalide` (champ « fichier ») sinon."""
    if len(contenu) > taille_max():
        raise Invalide(
            f"Ce fichier pèse {_en_mo(len(contenu))} : la limite est de {_en_mo(taille_max())}.",
            champ="fichier",
        )
    if not contenu:
        raise Invalide("Ce fichier est vide.", champ="fichier")
    nom_sur = nettoyer_nom(nom)
    extension = nom_sur.rsplit(".", 1)[1]
    attendu = EXTENSIONS.get(extension)
    if attendu is None:
        raise Invalide(
            f"Les fichiers « .{extension} » ne sont pas acceptés. Formats acceptés : "
            f"{FORMATS_ACCEPTES}.",
            champ="fichier",
        )
    reconnu = format_du_contenu(contenu, extension)
    if reconnu != attendu:
        raise Invalide(
            f"Le contenu de ce fichier ne correspond pas à son extension « .{extension} » "
            f"(format attendu : {attendu.libelle}) : il est refusé.",
            champ="fichier",
        )
    return FichierControle(nom=nom_sur, format=reconnu, taille=len(contenu))
