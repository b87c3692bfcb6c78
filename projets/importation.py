"""Import de projets depuis un tableur (XLSX ou CSV) par les agents des préfectures.

Chaque ligne est lue, convertie et contrôlée, puis enregistrée par le même
service que le formulaire web (`services.creer_projet`, dans un point de
sauvegarde) : les règles du projet (commune du territoire, SIREN et SIRET,
montants, dates, périmètre de l'agent) ne sont écrites qu'à un endroit. Le
fichier est contrôlé en entier et toutes les erreurs sont rapportées (ligne,
colonne, message en français).

L'import est tout ou rien : une seule ligne en erreur et rien n'est écrit. La
vérification (« à blanc ») exécute exactement le même chemin, puis annule la
transaction.
"""

import csv
import datetime
import io
import math
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from zipfile import BadZipFile, ZipFile

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from projets import permissions
from projets.models import Enjeu, Filiere, Projet, Statut, Taille, TypeEvenement
from projets.saisie import MONTANT_MAX, SaisieProjet
from projets.services import creer_projet
from socle.erreurs import ErreurMetier, Invalide
from territoires.models import Commune, TerritoireIndustrie
from territoires.validators import normaliser, valider_siren, valider_siret

TAILLE_MAX = 5 * 1024 * 1024  # 5 Mo
LIGNES_MAX = 5_000
COLONNES_MAX = 100  # colonnes lues dans une feuille XLSX
TAILLE_DECOMPRESSEE_MAX = 100 * 1024 * 1024  # contenu d'un XLSX une fois décompressé

FEUILLE_PROJETS = "Projets"
FEUILLE_MODE_EMPLOI = "Mode d'emploi"

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


COLONNES = [
    ColonneImport(
        "intitule",
        "Intitulé du projet",
        True,
        "Texte, 200 caractères au plus.",
        "(exemple) Extension d'un atelier de décolletage",
    ),
    ColonneImport(
        "description",
        "Description du projet",
        False,
        "Texte libre.",
        "Ligne d'exemple à supprimer avant l'import : nouvelle ligne de tours à commande "
        "numérique et formation de douze opérateurs.",
    ),
    ColonneImport(
        "territoire",
        "Code du Territoire d'industrie",
        True,
        "Code à 4 chiffres (liste des territoires sur le portail), "
        "par exemple 8414 pour la Vallée de l'Arve.",
        "8414",
    ),
    ColonneImport(
        "commune",
        "Code INSEE de la commune du site",
        True,
        "Code INSEE à 5 caractères (ce n'est pas le code postal) ; "
        "la commune doit appartenir au territoire.",
        "74081",
    ),
    ColonneImport(
        "porteur_siren",
        "SIREN de l'entreprise porteuse",
        True,
        "9 chiffres ; la clé de contrôle (formule de Luhn) est vérifiée.",
        SIREN_EXEMPLE,
    ),
    ColonneImport(
        "porteur_raison_sociale",
        "Raison sociale de l'entreprise porteuse",
        True,
        "Texte, 200 caractères au plus ; la même pour toutes les lignes d'un même SIREN.",
        "Décolletage des Aravis SAS (exemple)",
    ),
    ColonneImport(
        "porteur_taille",
        "Taille de l'entreprise",
        True,
        _liste_choix(Taille.choices),
        Taille.PME.value,
    ),
    ColonneImport(
        "siret",
        "SIRET de l'établissement du site",
        False,
        "14 chiffres ; la clé de contrôle (formule de Luhn) est vérifiée.",
        SIRET_EXEMPLE,
    ),
    ColonneImport("enjeu", "Enjeu", True, _liste_choix(Enjeu.choices), Enjeu.INNOVER.value),
    ColonneImport(
        "filiere", "Filière", True, _liste_choix(Filiere.choices), Filiere.AUTOMOBILE.value
    ),
    ColonneImport("annee", "Année de programmation", True, "De 2018 à 2030.", 2021),
    ColonneImport(
        "montant_investissement",
        "Investissement productif (€)",
        True,
        "Montant en euros, positif, au plus 10 milliards ; « 1 500 000,50 » ou « 1500000.50 ».",
        Decimal("1500000.00"),
    ),
    ColonneImport("emplois_crees", "Emplois créés", True, "Nombre entier positif ou nul.", 12),
    ColonneImport(
        "emplois_maintenus", "Emplois maintenus", True, "Nombre entier positif ou nul.", 45
    ),
    ColonneImport(
        "aide_sollicitee",
        "Aide sollicitée (€)",
        True,
        "Montant en euros, positif, au plus égal à l'investissement productif.",
        Decimal("300000.00"),
    ),
    ColonneImport(
        "date_debut",
        "Début des travaux",
        True,
        "Date au format JJ/MM/AAAA ou AAAA-MM-JJ.",
        datetime.date(2021, 3, 1),
    ),
    ColonneImport(
        "date_fin",
        "Fin prévue",
        True,
        "Date au format JJ/MM/AAAA ou AAAA-MM-JJ, postérieure ou égale au début.",
        datetime.date(2022, 6, 30),
    ),
    ColonneImport(
        "deposer",
        "Déposer le projet",
        False,
        "oui ou non (non si vide) : « oui » dépose le projet, « non » le laisse en brouillon.",
        "non",
    ),
]
COLONNES_PAR_NOM = {colonne.nom: colonne for colonne in COLONNES}
NOMS_COLONNES = [colonne.nom for colonne in COLONNES]

# Champ d'un modèle (dans une ValidationError de `creer_projet`) -> colonne du fichier.
_COLONNE_DU_CHAMP = {
    "siren": "porteur_siren",
    "raison_sociale": "porteur_raison_sociale",
    "taille": "porteur_taille",
    "porteur": "porteur_siren",
    "epci": "commune",
    "departement": "commune",
    "region": "commune",
    "__all__": "",
}


# --- Le rapport ------------------------------------------------------------------


@dataclass(frozen=True)
class ErreurImport:
    """Une erreur : ligne du fichier (1 = en-tête, None = le fichier entier), colonne, message."""

    ligne: int | None
    colonne: str
    message: str

    def __str__(self):
        if self.ligne is None:
            return f"Fichier : {self.message}"
        if self.colonne:
            return f"Ligne {self.ligne}, colonne « {self.colonne} » : {self.message}"
        return f"Ligne {self.ligne} : {self.message}"


@dataclass
class RapportImport:
    verification: bool
    nb_lignes: int = 0
    erreurs: list[ErreurImport] = field(default_factory=list)
    intitules: dict[int, str] = field(default_factory=dict)
    projets: list[int] = field(default_factory=list)
    nb_deposes: int = 0

    @property
    def valide(self) -> bool:
        return not self.erreurs

    @property
    def nb_lignes_en_erreur(self) -> int:
        return len({e.ligne for e in self.erreurs if e.ligne and e.ligne > 1})

    @property
    def nb_lignes_valides(self) -> int:
        return self.nb_lignes - self.nb_lignes_en_erreur

    @property
    def erreurs_de_fichier(self) -> list[ErreurImport]:
        return [e for e in self.erreurs if e.ligne is None or e.ligne == 1]

    def erreurs_par_ligne(self) -> list[tuple[int, str, list[ErreurImport]]]:
        """(ligne, intitulé, erreurs) pour chaque ligne de projet en erreur, dans l'ordre."""
        par_ligne: dict[int, list[ErreurImport]] = {}
        for erreur in self.erreurs:
            if erreur.ligne and erreur.ligne > 1:
                par_ligne.setdefault(erreur.ligne, []).append(erreur)
        return [
            (ligne, self.intitules.get(ligne, ""), erreurs)
            for ligne, erreurs in sorted(par_ligne.items())
        ]

    def ajouter(self, ligne: int | None, colonne: str, message: str) -> None:
        self.erreurs.append(ErreurImport(ligne, colonne, message))


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu : rien n'est contrôlé au-delà."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- Lecture du fichier ------------------------------------------------------------


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


def _nombre(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _trop_de_lignes():
    return FichierIllisible(
        f"Le fichier compte plus de {_nombre(LIGNES_MAX)} lignes de projets : "
        "découpez-le en plusieurs fichiers."
    )


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
    lignes = []
    try:
        for numero, cellules in enumerate(lecteur, start=1):
            if entetes is None:
                entetes = cellules
                continue
            if _ligne_vide(cellules):
                continue
            if len(lignes) >= LIGNES_MAX:
                raise _trop_de_lignes()
            lignes.append((numero, cellules))
    except csv.Error as exc:
        # En pratique « field larger than field limit » : une cellule démesurée, ou un
        # guillemet jamais refermé qui fait du reste du fichier une seule cellule.
        raise FichierIllisible(
            f"Le fichier CSV est mal formé vers la ligne {_nombre(lecteur.line_num)} : une "
            f"cellule dépasse {_nombre(csv.field_size_limit())} caractères, ou un guillemet "
            "n'y est pas refermé."
        ) from exc
    return Tableau(entetes or [], lignes)


def _verifier_archive(contenu: bytes) -> None:
    """Refuse une archive qui, décompressée, serait démesurée (« bombe » de décompression)."""
    try:
        with ZipFile(io.BytesIO(contenu)) as archive:
            taille = sum(membre.file_size for membre in archive.infolist())
    except BadZipFile as exc:
        raise FichierIllisible(
            "Le classeur n'a pas pu être lu : enregistrez-le au format Excel (.xlsx)."
        ) from exc
    if taille > TAILLE_DECOMPRESSEE_MAX:
        raise FichierIllisible(
            "Le classeur est trop volumineux une fois décompressé : "
            "découpez-le en plusieurs fichiers."
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
        raise FichierIllisible(
            "Le classeur n'a pas pu être lu : enregistrez-le au format Excel (.xlsx)."
        ) from exc
    try:
        if FEUILLE_PROJETS in classeur.sheetnames:
            feuille = classeur[FEUILLE_PROJETS]
        else:
            feuille = classeur.worksheets[0]
        entetes = None
        lignes = []
        for numero, cellules in enumerate(
            feuille.iter_rows(values_only=True, max_col=COLONNES_MAX), start=1
        ):
            if entetes is None:
                entetes = ["" if c is None else str(c) for c in cellules]
                continue
            if _ligne_vide(cellules):
                continue
            if len(lignes) >= LIGNES_MAX:
                raise _trop_de_lignes()
            lignes.append((numero, list(cellules)))
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


def _nom_de_colonne(entete: str) -> str:
    """« Intitulé », « porteur SIREN », « Année * » -> intitule, porteur_siren, annee."""
    return "_".join(normaliser(str(entete).replace("*", " ")).split())


# --- Conversion des cellules ------------------------------------------------------------


class ValeurInvalide(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, datetime.datetime | datetime.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur).strip()


def _code(valeur, longueur: int) -> str:
    """Un code numérique (SIREN, code INSEE) dont un tableur a pu retirer les zéros de tête."""
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        if float(valeur).is_integer() and valeur >= 0:
            return str(int(valeur)).zfill(longueur)
    return re.sub(r"[\s\u00a0\u202f.]", "", _texte(valeur)).upper()


def _euros(montant: Decimal) -> str:
    return f"{montant:,.2f}".replace(",", "\u202f").replace(".", ",") + " €"


def _decimal_ecrit(valeur: str) -> Decimal:
    """« 1 500 000,50 », « 1500000.50 », « 1.500.000,50 », « 1,500,000.50 », « 1 500 000 € »."""
    invalide = ValeurInvalide(
        f"« {valeur} » n'est pas un montant en euros "
        "(exemples : « 1 500 000,50 » ou « 1500000.50 »)."
    )
    texte = re.sub(r"[\s\u00a0\u202f']|€|(?i:eur)", "", valeur)
    signe = ""
    if texte[:1] in "+-" and texte:
        signe, texte = texte[0], texte[1:]
    virgules, points = texte.count(","), texte.count(".")
    decimal = milliers = None
    if virgules and points:
        # Le dernier des deux sépare les décimales, l'autre les milliers.
        decimal = "," if texte.rfind(",") > texte.rfind(".") else "."
        milliers = "." if decimal == "," else ","
    elif virgules == 1 or points == 1:
        decimal = "," if virgules else "."
    elif virgules > 1 or points > 1:
        milliers = "," if virgules else "."
    entier, _, decimales = texte.partition(decimal) if decimal else (texte, "", "")
    if milliers:
        if not re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(milliers)}[0-9]{{3}})+", entier):
            raise invalide
        entier = entier.replace(milliers, "")
    if not re.fullmatch(r"[0-9]+", entier) or not re.fullmatch(r"[0-9]*", decimales):
        raise invalide
    if len(decimales) > 2:
        raise ValeurInvalide(
            f"« {valeur} » : un montant a au plus deux décimales (centimes) ; "
            "ne séparez pas les milliers par un point ou une virgule."
        )
    return Decimal(f"{signe}{entier}.{decimales or '0'}")


def _montant(valeur) -> Decimal:
    if isinstance(valeur, bool):
        raise ValeurInvalide(f"« {valeur} » n'est pas un montant en euros.")
    if isinstance(valeur, int | Decimal):
        montant = Decimal(valeur)
    elif isinstance(valeur, float):
        montant = Decimal(repr(valeur))
    else:
        montant = _decimal_ecrit(str(valeur))
    if not montant.is_finite():
        raise ValeurInvalide(f"« {valeur} » n'est pas un montant en euros.")
    # Bornes vérifiées avant tout arrondi : au-delà de 28 chiffres, `quantize` échoue.
    if montant < 0:
        raise ValeurInvalide(f"Le montant ne peut pas être négatif ({_euros(montant)}).")
    if montant > MONTANT_MAX:
        raise ValeurInvalide(
            f"Montant invraisemblable ({_euros(montant)}) : il dépasse 10 milliards d'euros. "
            "Vérifiez les unités (le montant s'écrit en euros, pas en centimes)."
        )
    if isinstance(valeur, float):
        arrondi = montant.quantize(Decimal("0.01"))
        if abs(montant - arrondi) < Decimal("0.000001"):
            montant = arrondi
    if montant != montant.quantize(Decimal("0.01")):
        raise ValeurInvalide(f"« {valeur} » : un montant a au plus deux décimales (centimes).")
    return montant.quantize(Decimal("0.01"))


def _entier(valeur) -> int:
    if isinstance(valeur, bool):
        raise ValeurInvalide(f"« {valeur} » n'est pas un nombre entier.")
    if isinstance(valeur, int):
        nombre = valeur
    elif isinstance(valeur, float | Decimal) and math.isfinite(valeur) and valeur == int(valeur):
        nombre = int(valeur)
    else:
        texte = re.sub(r"[\s\u00a0\u202f]", "", _texte(valeur))
        if not re.fullmatch(r"[+-]?[0-9]+", texte):
            raise ValeurInvalide(f"« {_texte(valeur)} » n'est pas un nombre entier.")
        nombre = int(texte)
    if nombre < 0:
        raise ValeurInvalide(f"Le nombre ne peut pas être négatif ({nombre}).")
    return nombre


def _date(valeur) -> datetime.date:
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    texte = _texte(valeur)
    partie_date = re.split(r"[ T]", texte, maxsplit=1)[0]
    for format in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(partie_date, format).date()
        except ValueError:
            continue
    raise ValeurInvalide(f"« {texte} » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ.")


def _choix(valeur, choix, quoi: str) -> str:
    """Un code parmi des choix, saisi par son code ou son libellé, sans égard aux accents."""
    cherche = normaliser(_texte(valeur)).replace(" ", "_")
    for code, libelle in choix:
        if cherche in (normaliser(code).replace(" ", "_"), normaliser(libelle).replace(" ", "_")):
            return code
    acceptes = ", ".join(code for code, _ in choix)
    raise ValeurInvalide(f"{quoi} « {_texte(valeur)} » : valeurs acceptées : {acceptes}.")


def _booleen(valeur) -> bool:
    if isinstance(valeur, bool):
        return valeur
    texte = normaliser(_texte(valeur))
    if texte in ("", "non", "n", "faux", "false", "0", "no"):
        return False
    if texte in ("oui", "o", "vrai", "true", "1", "x", "yes"):
        return True
    raise ValeurInvalide(f"« {_texte(valeur)} » : indiquez « oui » ou « non ».")


def _siren(valeur) -> str:
    siren = _code(valeur, 9)
    try:
        valider_siren(siren)
    except ValidationError as exc:
        raise ValeurInvalide(" ".join(exc.messages)) from exc
    return siren


def _siret(valeur) -> str:
    siret = _code(valeur, 14)
    try:
        valider_siret(siret)
    except ValidationError as exc:
        raise ValeurInvalide(" ".join(exc.messages)) from exc
    return siret


_CONVERSIONS: dict[str, Callable] = {
    "intitule": _texte,
    "description": _texte,
    "territoire": lambda v: _code(v, 4),
    "commune": lambda v: _code(v, 5),
    "porteur_siren": _siren,
    "porteur_raison_sociale": _texte,
    "porteur_taille": lambda v: _choix(v, Taille.choices, "Taille inconnue"),
    "siret": _siret,
    "enjeu": lambda v: _choix(v, Enjeu.choices, "Enjeu inconnu"),
    "filiere": lambda v: _choix(v, Filiere.choices, "Filière inconnue"),
    "annee": _entier,
    "montant_investissement": _montant,
    "emplois_crees": _entier,
    "emplois_maintenus": _entier,
    "aide_sollicitee": _montant,
    "date_debut": _date,
    "date_fin": _date,
    "deposer": _booleen,
}


# --- Contrôle et enregistrement ---------------------------------------------------------


@dataclass
class _Referentiel:
    """Territoires, communes et appartenances lus en trois requêtes pour tout le fichier."""

    territoires: dict[str, TerritoireIndustrie]
    communes: dict[str, Commune]
    appartenances: set[tuple[str, str]]
    existants: dict[tuple[str, str, str], int]

    @classmethod
    def charger(cls, lignes: list[dict]) -> "_Referentiel":
        codes_territoires = {v["territoire"] for v in lignes if v.get("territoire")}
        codes_communes = {v["commune"] for v in lignes if v.get("commune")}
        sirens = {v["porteur_siren"] for v in lignes if v.get("porteur_siren")}
        territoires = TerritoireIndustrie.objects.in_bulk(codes_territoires)
        communes = Commune.objects.select_related("departement__region").in_bulk(codes_communes)
        appartenances = set(
            TerritoireIndustrie.communes.through.objects.filter(
                territoireindustrie_id__in=territoires, commune_id__in=communes
            ).values_list("territoireindustrie_id", "commune_id")
        )
        existants = {
            (normaliser(intitule), siren, territoire): pk
            for pk, intitule, siren, territoire in Projet.objects.filter(
                porteur__siren__in=sirens, territoire_id__in=territoires
            ).values_list("id", "intitule", "porteur__siren", "territoire_id")
        }
        return cls(territoires, communes, appartenances, existants)


def _convertir(numero: int, brutes: dict, rapport: RapportImport) -> dict:
    valeurs = {}
    for nom, brute in brutes.items():
        colonne = COLONNES_PAR_NOM[nom]
        vide = brute is None or (isinstance(brute, str) and not brute.strip())
        if vide:
            if colonne.obligatoire:
                rapport.ajouter(
                    numero, nom, f"Valeur obligatoire manquante ({colonne.libelle.lower()})."
                )
            continue
        if isinstance(brute, str) and "\x00" in brute:
            # Invisible dans un tableur, refusé par PostgreSQL dans un texte.
            rapport.ajouter(
                numero, nom, "La cellule contient un caractère nul (invisible) : ressaisissez-la."
            )
            continue
        try:
            valeurs[nom] = _CONVERSIONS[nom](brute)
        except ValeurInvalide as exc:
            rapport.ajouter(numero, nom, exc.message)
    return valeurs


def _controler_ensemble(
    numero: int, valeurs: dict, auteur, referentiel: _Referentiel, rapport: RapportImport
) -> None:
    """Règles entre colonnes, pour signaler toutes les erreurs de la ligne à la fois."""
    territoire = commune = None
    if "territoire" in valeurs:
        territoire = referentiel.territoires.get(valeurs["territoire"])
        if territoire is None:
            rapport.ajouter(
                numero,
                "territoire",
                f"Territoire d'industrie inconnu : code « {valeurs['territoire']} » "
                "(code à 4 chiffres, voir la liste des territoires).",
            )
    if "commune" in valeurs:
        commune = referentiel.communes.get(valeurs["commune"])
        if commune is None:
            rapport.ajouter(
                numero,
                "commune",
                f"Commune inconnue : code INSEE « {valeurs['commune']} » "
                "(le code INSEE n'est pas le code postal).",
            )
    if territoire and commune:
        if (territoire.code, commune.code_insee) not in referentiel.appartenances:
            rapport.ajouter(
                numero,
                "commune",
                f"La commune {commune.nom} ({commune.code_insee}) n'appartient pas au "
                f"territoire « {territoire.nom} » ({territoire.code}).",
            )
    if commune:
        region = commune.departement.region
        decision = permissions.peut_creer(
            auteur, region_code=region.code, departement_code=commune.departement_id
        )
        if not decision:
            rapport.ajouter(
                numero,
                "commune",
                f"{decision.raison} La commune {commune.nom} ({commune.code_insee}) est en "
                f"région {region.nom}, département {commune.departement}.",
            )
    investissement = valeurs.get("montant_investissement")
    aide = valeurs.get("aide_sollicitee")
    if investissement is not None and aide is not None and aide > investissement:
        rapport.ajouter(
            numero,
            "aide_sollicitee",
            f"L'aide sollicitée ({_euros(aide)}) dépasse l'investissement productif "
            f"({_euros(investissement)}).",
        )
    debut, fin = valeurs.get("date_debut"), valeurs.get("date_fin")
    if debut and fin and fin < debut:
        rapport.ajouter(
            numero,
            "date_fin",
            f"La fin prévue ({fin:%d/%m/%Y}) précède le début des travaux ({debut:%d/%m/%Y}).",
        )


def _controler_doublons(
    numero: int,
    valeurs: dict,
    referentiel: _Referentiel,
    deja_vus: dict,
    porteurs: dict,
    rapport: RapportImport,
) -> None:
    """Un projet déjà importé (même intitulé, porteur et territoire) ; un porteur incohérent."""
    siren = valeurs.get("porteur_siren")
    if siren and "porteur_raison_sociale" in valeurs and "porteur_taille" in valeurs:
        porteur = (valeurs["porteur_raison_sociale"], valeurs["porteur_taille"])
        premiere, connu = porteurs.setdefault(siren, (numero, porteur))
        if connu != porteur:
            rapport.ajouter(
                numero,
                "porteur_raison_sociale",
                f"Le SIREN {siren} figure ligne {premiere} avec une autre raison sociale ou "
                f"taille (« {connu[0]} », {connu[1]}) : une entreprise n'en a qu'une.",
            )
    if not (siren and valeurs.get("intitule") and valeurs.get("territoire")):
        return
    cle = (normaliser(valeurs["intitule"]), siren, valeurs["territoire"])
    if cle in referentiel.existants:
        rapport.ajouter(
            numero,
            "intitule",
            f"Ce projet existe déjà (projet n° {referentiel.existants[cle]} : même intitulé, "
            "même porteur, même territoire). A-t-il déjà été importé ?",
        )
    elif cle in deja_vus:
        rapport.ajouter(
            numero,
            "intitule",
            f"Même projet que ligne {deja_vus[cle]} (même intitulé, même porteur, "
            "même territoire).",
        )
    else:
        deja_vus[cle] = numero


def _messages_de(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (_COLONNE_DU_CHAMP.get(champ, champ), message)
            for champ, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in exc.messages]


def _enregistrer(numero: int, valeurs: dict, auteur, referentiel, rapport) -> Projet | None:
    """`creer_projet` dans un point de sauvegarde : une ligne refusée n'écrit rien."""
    saisie = SaisieProjet.depuis(valeurs)
    try:
        with transaction.atomic():
            return creer_projet(
                auteur=auteur,
                saisie=saisie.avec(description=saisie.description or "", siret=saisie.siret or ""),
                deposer=valeurs.get("deposer", False),
                source=TypeEvenement.IMPORT,
            )
    except ValidationError as exc:
        for colonne, message in _messages_de(exc):
            rapport.ajouter(numero, colonne, message)
    except Invalide as exc:
        for champ, messages in exc.erreurs.items():
            for message in messages:
                rapport.ajouter(numero, "deposer" if champ == "vers" else champ, message)
    except ErreurMetier as exc:
        rapport.ajouter(numero, "", exc.message)
    except DatabaseError as exc:
        rapport.ajouter(numero, "", f"Enregistrement refusé par la base de données ({exc}).")
    return None


def _controler_entetes(entetes: list[str], rapport: RapportImport) -> dict[int, str]:
    """Rang de chaque colonne connue ; erreurs pour les colonnes absentes, inconnues, en double."""
    rangs: dict[int, str] = {}
    vus: set[str] = set()
    for rang, entete in enumerate(entetes):
        if entete is None or not str(entete).strip():
            continue
        nom = _nom_de_colonne(entete)
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


def importer_projets(
    *,
    auteur,
    fichier,
    nom_fichier: str = "",
    verifier: bool = False,
    progression: Callable[[int, int], None] | None = None,
) -> RapportImport:
    """Contrôle puis importe les projets d'un fichier XLSX ou CSV, tout ou rien.

    `fichier` : des octets ou un fichier binaire ouvert (fichier téléversé
    compris). `verifier=True` contrôle tout puis annule : rien n'est écrit.
    `progression(faites, total)` est appelée après chaque ligne. Renvoie le
    rapport ; les projets ne sont créés que si `rapport.valide` et hors
    vérification.
    """
    rapport = RapportImport(verification=verifier)
    decision = permissions.peut_importer(auteur)
    if not decision:
        rapport.ajouter(None, "", decision.raison)
        return rapport
    try:
        tableau = lire_tableau(fichier, nom_fichier)
    except FichierIllisible as exc:
        rapport.ajouter(None, "", exc.message)
        return rapport

    rangs = _controler_entetes(tableau.entetes, rapport)
    if rapport.erreurs:
        return rapport
    if not tableau.lignes:
        rapport.ajouter(None, "", "Le fichier ne contient aucune ligne de projet sous l'en-tête.")
        return rapport

    rapport.nb_lignes = len(tableau.lignes)
    converties = []
    for numero, cellules in tableau.lignes:
        brutes = {
            nom: cellules[rang] if rang < len(cellules) else None for rang, nom in rangs.items()
        }
        rapport.intitules[numero] = _texte(brutes.get("intitule"))[:200]
        converties.append((numero, _convertir(numero, brutes, rapport)))

    referentiel = _Referentiel.charger([valeurs for _, valeurs in converties])
    deja_vus: dict = {}
    porteurs: dict = {}
    mal_converties = {erreur.ligne for erreur in rapport.erreurs}
    with transaction.atomic():
        for faites, (numero, valeurs) in enumerate(converties, start=1):
            nb_erreurs = len(rapport.erreurs)
            _controler_ensemble(numero, valeurs, auteur, referentiel, rapport)
            _controler_doublons(numero, valeurs, referentiel, deja_vus, porteurs, rapport)
            if numero not in mal_converties and len(rapport.erreurs) == nb_erreurs:
                projet = _enregistrer(numero, valeurs, auteur, referentiel, rapport)
                if projet is not None:
                    rapport.projets.append(projet.pk)
                    rapport.nb_deposes += projet.statut != Statut.BROUILLON
            if progression:
                progression(faites, rapport.nb_lignes)
        if verifier or rapport.erreurs:
            transaction.set_rollback(True)
    if verifier or rapport.erreurs:
        rapport.projets = []
    return rapport


# --- Le modèle de fichier -----------------------------------------------------------------


def modele_xlsx() -> bytes:
    """Le classeur modèle : l'en-tête, une ligne d'exemple, et le mode d'emploi des colonnes."""
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = FEUILLE_PROJETS
    gras = Font(bold=True)
    italique = Font(italic=True, color="666666")
    feuille.append(NOMS_COLONNES)
    feuille.append([colonne.exemple for colonne in COLONNES])
    formats = {
        "montant_investissement": '#,##0.00 "€"',
        "aide_sollicitee": '#,##0.00 "€"',
        "date_debut": "dd/mm/yyyy",
        "date_fin": "dd/mm/yyyy",
        "annee": "0",
    }
    for rang, colonne in enumerate(COLONNES, start=1):
        lettre = get_column_letter(rang)
        feuille[f"{lettre}1"].font = gras
        cellule = feuille[f"{lettre}2"]
        cellule.font = italique
        if colonne.nom in formats:
            cellule.number_format = formats[colonne.nom]
        elif colonne.nom in ("territoire", "commune", "porteur_siren", "siret"):
            cellule.number_format = "@"  # texte : garde les zéros de tête
        feuille.column_dimensions[lettre].width = max(len(colonne.nom) + 4, 14)
    feuille.column_dimensions["A"].width = 45
    feuille.column_dimensions["B"].width = 45
    feuille.freeze_panes = "A2"
    # Listes déroulantes pour les colonnes à valeurs fermées.
    for nom, valeurs in (
        ("porteur_taille", Taille.values),
        ("enjeu", Enjeu.values),
        ("filiere", Filiere.values),
        ("deposer", ["oui", "non"]),
    ):
        lettre = get_column_letter(NOMS_COLONNES.index(nom) + 1)
        validation = DataValidation(
            type="list", formula1=f'"{",".join(valeurs)}"', allow_blank=True
        )
        validation.error = "Choisissez une valeur de la liste (voir l'onglet « Mode d'emploi »)."
        validation.errorTitle = "Valeur non reconnue"
        validation.add(f"{lettre}2:{lettre}{LIGNES_MAX + 1}")
        feuille.add_data_validation(validation)

    aide = classeur.create_sheet(FEUILLE_MODE_EMPLOI)
    aide.append(["Import de projets — mode d'emploi"])
    aide["A1"].font = Font(bold=True, size=14)
    for texte in (
        "Une ligne par projet dans l'onglet « Projets », sous l'en-tête (ne le modifiez pas).",
        "La ligne 2 est un exemple fictif : supprimez-la avant l'import.",
        f"Au plus {_nombre(LIGNES_MAX)} lignes et {TAILLE_MAX // (1024 * 1024)} Mo par "
        "fichier ; formats .xlsx ou .csv (UTF-8, séparateur « ; » ou « , »).",
        "Le fichier est contrôlé en entier : si une seule ligne est en erreur, aucun projet "
        "n'est importé. Utilisez « Vérifier le fichier » pour voir toutes les erreurs.",
        "Vous ne pouvez importer que des projets de votre région (et de votre département, "
        "le cas échéant).",
    ):
        aide.append([texte])
    aide.append([])
    ligne_entete = aide.max_row + 1
    aide.append(["Colonne", "Obligatoire", "Contenu", "Valeurs acceptées", "Exemple"])
    for cellule in aide[ligne_entete]:
        cellule.font = gras
    for colonne in COLONNES:
        exemple = colonne.exemple
        if isinstance(exemple, datetime.date):
            exemple = exemple.strftime("%d/%m/%Y")
        elif isinstance(exemple, Decimal):
            exemple = _euros(exemple)
        aide.append(
            [
                colonne.nom,
                "oui" if colonne.obligatoire else "non",
                colonne.libelle,
                colonne.valeurs,
                "" if exemple is None else str(exemple),
            ]
        )
    for lettre, largeur in zip("ABCDE", (26, 12, 40, 80, 40), strict=True):
        aide.column_dimensions[lettre].width = largeur
    for ligne in aide.iter_rows(min_row=ligne_entete + 1):
        for cellule in ligne:
            cellule.alignment = Alignment(wrap_text=True, vertical="top")

    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
