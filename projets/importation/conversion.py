"""Des cellules d'une ligne à une `SaisieProjet` : lire les valeurs, sans juger.

Une cellule devient une valeur typée (montant, entier, date, code, choix) quelle que
soit la façon dont un tableur l'a écrite (« 1 500 000,50 », 1500000.5, « 1.500.000,50 »,
date d'Excel ou « 01/03/2021 », code INSEE privé de son zéro de tête...). Une cellule
vide donne `None`. Une cellule illisible donne un message de lecture, propre à l'import
(« « abc » n'est pas un montant en euros »). Un montant écrit est lu comme dans les
formulaires (`socle.saisie_fr`). Les règles du programme (montant positif,
au centime, plafonds, SIREN, années, valeurs permises...) sont celles de
`projets.saisie.valider`, appliquées ensuite : ce module n'en connaît aucune.
"""

import datetime
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from projets.models import Enjeu, Filiere, Taille
from projets.saisie import SaisieProjet
from socle.saisie_fr import MontantIllisible, lire_montant
from territoires.validators import normaliser

CENTIME = Decimal("0.01")
# Les colonnes facultatives de la saisie : vides, elles valent "" (et non `None`).
FACULTATIVES = ("description", "siret")


class ValeurInvalide(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def texte(valeur) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, datetime.datetime | datetime.date):
        return valeur.strftime("%d/%m/%Y")
    return str(valeur).strip()


def code(valeur, longueur: int) -> str:
    """Un code numérique (SIREN, code INSEE) dont un tableur a pu retirer les zéros de tête."""
    if isinstance(valeur, int | float) and not isinstance(valeur, bool):
        if float(valeur).is_integer() and valeur >= 0:
            return str(int(valeur)).zfill(longueur)
    return re.sub(r"[\s\u00a0\u202f.]", "", texte(valeur)).upper()


def montant(valeur) -> Decimal:
    if isinstance(valeur, bool):
        raise ValeurInvalide(f"« {valeur} » n'est pas un montant en euros.")
    if isinstance(valeur, int | Decimal):
        lu = Decimal(valeur)
    elif isinstance(valeur, float):
        lu = Decimal(repr(valeur))
    else:
        try:
            lu = lire_montant(str(valeur))
        except MontantIllisible as exc:
            raise ValeurInvalide(exc.message) from exc
    if not lu.is_finite():
        raise ValeurInvalide(f"« {valeur} » n'est pas un montant en euros.")
    try:
        au_centime = lu.quantize(CENTIME)
    except InvalidOperation:  # plus de 28 chiffres : la saisie le dira invraisemblable
        return lu
    # Un nombre à virgule d'un tableur (0,1 + 0,2 = 0,30000000000000004) est arrondi.
    if lu == au_centime or (isinstance(valeur, float) and abs(lu - au_centime) < Decimal("1e-6")):
        return au_centime
    return lu


def entier(valeur) -> int:
    if isinstance(valeur, bool):
        raise ValeurInvalide(f"« {valeur} » n'est pas un nombre entier.")
    if isinstance(valeur, int):
        return valeur
    if isinstance(valeur, float | Decimal) and math.isfinite(valeur) and valeur == int(valeur):
        return int(valeur)
    ecrit = re.sub(r"[\s\u00a0\u202f]", "", texte(valeur))
    if not re.fullmatch(r"[+-]?[0-9]+", ecrit):
        raise ValeurInvalide(f"« {texte(valeur)} » n'est pas un nombre entier.")
    return int(ecrit)


_DATE_FR = re.compile(r"(?P<jour>\d{2})/(?P<mois>\d{2})/(?P<annee>\d{4})")
_DATE_ISO = re.compile(r"(?P<annee>\d{4})-(?P<mois>\d{2})-(?P<jour>\d{2})")


def date(valeur) -> datetime.date:
    if isinstance(valeur, datetime.datetime):
        return valeur.date()
    if isinstance(valeur, datetime.date):
        return valeur
    ecrit = texte(valeur)
    if lu := _DATE_FR.fullmatch(ecrit) or _DATE_ISO.fullmatch(ecrit):
        try:  # les deux formes courantes, sans strptime
            jour, mois, annee = (int(lu[n]) for n in ("jour", "mois", "annee"))
            return datetime.date(annee, mois, jour)
        except ValueError:
            pass
    partie_date = re.split(r"[ T]", ecrit, maxsplit=1)[0]
    for format in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(partie_date, format).date()
        except ValueError:
            continue
    raise ValeurInvalide(f"« {ecrit} » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ.")


@functools.cache
def _formes_des_choix(valeurs: tuple) -> dict[str, str]:
    """{forme normalisée du code ou du libellé: code}, calculé une fois par liste de choix."""
    formes: dict[str, str] = {}
    for code_choix, libelle in valeurs:
        for forme in (normaliser(libelle), normaliser(code_choix)):
            formes.setdefault(forme.replace(" ", "_"), code_choix)
    return formes


def choix(valeur, valeurs) -> str:
    """Le code d'un choix, saisi par son code ou son libellé, sans égard aux accents ; un
    texte qui ne correspond à aucun est gardé tel quel (la saisie dit les valeurs permises)."""
    ecrit = texte(valeur)
    formes = _formes_des_choix(tuple(valeurs))
    if ecrit in formes:  # le code tel quel : le cas courant, sans normaliser
        return formes[ecrit]
    return formes.get(normaliser(ecrit).replace(" ", "_"), ecrit)


def booleen(valeur) -> bool:
    if isinstance(valeur, bool):
        return valeur
    ecrit = normaliser(texte(valeur))
    if ecrit in ("", "non", "n", "faux", "false", "0", "no"):
        return False
    if ecrit in ("oui", "o", "vrai", "true", "1", "x", "yes"):
        return True
    raise ValeurInvalide(f"« {texte(valeur)} » : indiquez « oui » ou « non ».")


_TAILLES, _ENJEUX, _FILIERES = (tuple(c.choices) for c in (Taille, Enjeu, Filiere))

CONVERSIONS: dict[str, Callable] = {
    "intitule": texte,
    "description": texte,
    "territoire": lambda v: code(v, 4),
    "commune": lambda v: code(v, 5),
    "porteur_siren": lambda v: code(v, 9),
    "porteur_raison_sociale": texte,
    "porteur_taille": lambda v: choix(v, _TAILLES),
    "siret": lambda v: code(v, 14),
    "enjeu": lambda v: choix(v, _ENJEUX),
    "filiere": lambda v: choix(v, _FILIERES),
    "annee": entier,
    "montant_investissement": montant,
    "emplois_crees": entier,
    "emplois_maintenus": entier,
    "aide_sollicitee": montant,
    "date_debut": date,
    "date_fin": date,
    "deposer": booleen,
}


@dataclass(frozen=True)
class LigneLue:
    """Une ligne lue : la saisie, le choix de la déposer, et les cellules illisibles."""

    saisie: SaisieProjet
    deposer: bool = False
    erreurs: dict[str, str] = field(default_factory=dict)  # colonne -> message de lecture


def lire_ligne(cellules: dict[str, object]) -> LigneLue:
    """La saisie d'une ligne, à partir de ses cellules par nom de colonne."""
    valeurs: dict[str, object] = {}
    erreurs: dict[str, str] = {}
    for nom, brute in cellules.items():
        if brute is None or (isinstance(brute, str) and not brute.strip()):
            valeurs[nom] = "" if nom in FACULTATIVES else None
        elif isinstance(brute, str) and "\x00" in brute:
            # Invisible dans un tableur, refusé par PostgreSQL dans un texte.
            erreurs[nom] = "La cellule contient un caractère nul (invisible) : ressaisissez-la."
        else:
            try:
                valeurs[nom] = CONVERSIONS[nom](brute)
            except ValeurInvalide as exc:
                erreurs[nom] = exc.message
    for nom in erreurs:
        valeurs[nom] = "" if nom in FACULTATIVES else None
    return LigneLue(
        saisie=SaisieProjet.depuis(valeurs),
        deposer=bool(valeurs.get("deposer")),
        erreurs=erreurs,
    )
