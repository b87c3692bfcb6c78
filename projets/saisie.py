"""La saisie d'un projet et ses règles, en un seul endroit.

Le formulaire des pages, le sérialiseur de l'API et l'import de tableurs lisent chacun
leurs données à leur façon (texte à la française, JSON, cellules) et en font une
`SaisieProjet` : des valeurs déjà typées, ou `None` quand la valeur manque ou n'a pas
pu être lue. `valider` applique alors toutes les règles du programme et renvoie le
projet situé (commune, EPCI, département, région), ou lève `SaisieInvalide` avec
toutes les erreurs, champ par champ, dans les mêmes mots pour les trois entrées :

- champs obligatoires, longueurs, valeurs permises (taille, enjeu, filière) ;
- années du programme (`ANNEE_MIN` à `ANNEE_MAX`) ;
- montants en euros, positifs, au centime, au plus `MONTANT_MAX` ; emplois bornés ;
- aide sollicitée au plus égale à l'investissement productif ; fin après le début ;
- SIREN et SIRET (clé de Luhn), le SIRET commençant par le SIREN ;
- territoire et commune connus, commune rattachée à un EPCI et située dans le territoire ;
- territoire de la phase de l'année de programmation (`message_de_phase`).

Le périmètre de l'agent (sa région, son département) n'est pas une règle de saisie :
c'est une permission, vérifiée par le service (`projets.services`).
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from django.core.exceptions import ValidationError

from projets.models import Enjeu, Filiere, Taille
from socle.erreurs import Invalide
from socle.format_fr import format_euros
from territoires.models import (
    Commune,
    Phase,
    TerritoireIndustrie,
    code_publie,
    phase_de_l_annee,
)
from territoires.validators import valider_siren, valider_siret

# Les années de programmation du programme : une seule définition pour tout le portail.
ANNEE_MIN, ANNEE_MAX = 2018, 2030
MONTANT_MAX = Decimal("10000000000.00")  # 10 Md€ : au-delà, une erreur de saisie
EMPLOIS_MAX = 100_000
INTITULE_MAX = 200
RAISON_SOCIALE_MAX = 200
DESCRIPTION_MAX = 10_000
COMMENTAIRE_MAX = 2_000  # avis, changement de statut : un motif, pas un dossier


def commentaire_borne(commentaire: str) -> str:
    """Le commentaire d'un avis ou d'un changement de statut, sans espaces autour, refusé
    au-delà de `COMMENTAIRE_MAX` caractères (il est recopié dans l'historique et le journal)."""
    commentaire = (commentaire or "").strip()
    if len(commentaire) > COMMENTAIRE_MAX:
        raise Invalide(
            f"Le commentaire compte au plus {COMMENTAIRE_MAX:,} caractères ".replace(",", "\u202f")
            + f"({len(commentaire):,}).".replace(",", "\u202f"),
            champ="commentaire",
        )
    return commentaire


CENTIME = Decimal("0.01")

# Le libellé de chaque champ, tel que l'agent le lit (formulaire, modèle d'import, messages).
LIBELLES = {
    "intitule": "Intitulé du projet",
    "description": "Description du projet",
    "territoire": "Territoire d'industrie",
    "commune": "Commune du site",
    "porteur_siren": "SIREN de l'entreprise porteuse",
    "porteur_raison_sociale": "Raison sociale de l'entreprise porteuse",
    "porteur_taille": "Taille de l'entreprise",
    "siret": "SIRET de l'établissement du site",
    "enjeu": "Enjeu",
    "filiere": "Filière",
    "annee": "Année de programmation",
    "montant_investissement": "Investissement productif (€)",
    "emplois_crees": "Emplois créés",
    "emplois_maintenus": "Emplois maintenus",
    "aide_sollicitee": "Aide sollicitée (€)",
    "date_debut": "Début des travaux",
    "date_fin": "Fin prévue",
}
FACULTATIFS = frozenset({"description", "siret"})
MONTANTS = ("montant_investissement", "aide_sollicitee")
EMPLOIS = ("emplois_crees", "emplois_maintenus")


def message_obligatoire(champ: str) -> str:
    return f"Valeur obligatoire manquante ({LIBELLES[champ].lower()})."


MESSAGE_ANNEE = f"L'année doit être comprise entre {ANNEE_MIN} et {ANNEE_MAX}."
MESSAGE_SIRET_SIREN = "Le SIRET doit commencer par le SIREN du porteur."


@dataclass(frozen=True)
class SaisieProjet:
    """Les valeurs saisies pour un projet, typées ; `None` : absente ou illisible."""

    intitule: str | None = None
    description: str | None = ""
    territoire: str | None = None  # code du Territoire d'industrie
    commune: str | None = None  # code INSEE
    porteur_siren: str | None = None
    porteur_raison_sociale: str | None = None
    porteur_taille: str | None = None
    siret: str | None = ""
    enjeu: str | None = None
    filiere: str | None = None
    annee: int | None = None
    montant_investissement: Decimal | None = None
    emplois_crees: int | None = None
    emplois_maintenus: int | None = None
    aide_sollicitee: Decimal | None = None
    date_debut: datetime.date | None = None
    date_fin: datetime.date | None = None

    @classmethod
    def champs(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def depuis(cls, valeurs: dict) -> "SaisieProjet":
        """Une saisie à partir d'un dictionnaire ; les clés inconnues sont ignorées."""
        return cls(**{champ: valeurs[champ] for champ in cls.champs() if champ in valeurs})

    def avec(self, **valeurs) -> "SaisieProjet":
        return replace(self, **valeurs)


# Les champs de la saisie qui sont ceux du projet, sous le même nom ; les autres disent
# son lieu (codes du territoire et de la commune) et son porteur.
CHAMPS_DU_PROJET = (
    "intitule",
    "description",
    "siret",
    "enjeu",
    "filiere",
    "annee",
    "montant_investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "date_debut",
    "date_fin",
)


def saisie_du_projet(projet) -> SaisieProjet:
    """La saisie qui correspond à un projet enregistré (point de départ d'une modification)."""
    return SaisieProjet(
        territoire=projet.territoire_id,
        commune=projet.commune_id,
        porteur_siren=projet.porteur.siren,
        porteur_raison_sociale=projet.porteur.raison_sociale,
        porteur_taille=projet.porteur.taille,
        **{champ: getattr(projet, champ) for champ in CHAMPS_DU_PROJET},
    )


class SaisieInvalide(Invalide):
    """Une saisie qui enfreint des règles : toutes ses erreurs, champ par champ."""


@dataclass(frozen=True)
class ProjetValide:
    """Une saisie valide et le lieu du projet, déduit de sa commune."""

    saisie: SaisieProjet
    territoire: TerritoireIndustrie
    commune: Commune
    epci_id: str
    departement_id: str
    region_id: str


class Referentiel:
    """Territoires, communes et appartenances : lus un par un, en base.

    L'import d'un tableur en passe un autre, chargé une fois pour tout le fichier.
    """

    def territoire(self, code: str) -> TerritoireIndustrie | None:
        return TerritoireIndustrie.objects.filter(code=code_publie(code)).first()

    def commune(self, code: str) -> Commune | None:
        return Commune.objects.select_related("departement").filter(code_insee=code).first()

    def appartient(self, territoire: TerritoireIndustrie, commune: Commune) -> bool:
        return territoire.communes.filter(pk=commune.pk).exists()


class ReferentielCharge(Referentiel):
    """Le référentiel d'un lot de saisies, lu en trois requêtes."""

    def __init__(self, codes_territoires: Iterable[str], codes_communes: Iterable[str]):
        self.territoires = TerritoireIndustrie.objects.in_bulk(
            {code_publie(code) for code in codes_territoires if code}
        )
        self.communes = Commune.objects.select_related("departement").in_bulk(set(codes_communes))
        self.appartenances = set(
            TerritoireIndustrie.communes.through.objects.filter(
                territoireindustrie_id__in=self.territoires, commune_id__in=self.communes
            ).values_list("territoireindustrie_id", "commune_id")
        )

    def territoire(self, code):
        return self.territoires.get(code_publie(code))

    def commune(self, code):
        return self.communes.get(code)

    def appartient(self, territoire, commune):
        return (territoire.code, commune.code_insee) in self.appartenances


@functools.cache
def _valeurs_permises(choix) -> frozenset:
    return frozenset(choix.values)


def _choix_permis(valeur: str, choix, quoi: str) -> str | None:
    if valeur in _valeurs_permises(choix):
        return None
    return f"{quoi} « {valeur} » : valeurs acceptées : {', '.join(choix.values)}."


def _regles_de_champ(saisie: SaisieProjet) -> dict[str, str]:
    """Les règles qui ne regardent qu'un champ : au plus une erreur par champ."""
    erreurs: dict[str, str] = {}
    if saisie.intitule and len(saisie.intitule) > INTITULE_MAX:
        erreurs["intitule"] = f"L'intitulé compte au plus {INTITULE_MAX} caractères."
    if saisie.description and len(saisie.description) > DESCRIPTION_MAX:
        erreurs["description"] = (
            f"La description compte au plus {DESCRIPTION_MAX:,} caractères ".replace(",", "\u202f")
            + f"({len(saisie.description):,}) : joignez plutôt un document.".replace(",", "\u202f")
        )
    if saisie.porteur_raison_sociale and len(saisie.porteur_raison_sociale) > RAISON_SOCIALE_MAX:
        erreurs["porteur_raison_sociale"] = (
            f"La raison sociale compte au plus {RAISON_SOCIALE_MAX} caractères."
        )
    for champ, valider in (("porteur_siren", valider_siren), ("siret", valider_siret)):
        if valeur := getattr(saisie, champ):
            try:
                valider(valeur)
            except ValidationError as exc:
                erreurs[champ] = " ".join(exc.messages)
    for champ, choix, quoi in (
        ("porteur_taille", Taille, "Taille inconnue"),
        ("enjeu", Enjeu, "Enjeu inconnu"),
        ("filiere", Filiere, "Filière inconnue"),
    ):
        if (valeur := getattr(saisie, champ)) and (message := _choix_permis(valeur, choix, quoi)):
            erreurs[champ] = message
    if saisie.annee is not None and not ANNEE_MIN <= saisie.annee <= ANNEE_MAX:
        erreurs["annee"] = MESSAGE_ANNEE
    for champ in MONTANTS:
        montant = getattr(saisie, champ)
        if montant is None:
            continue
        if not montant.is_finite():
            erreurs[champ] = "Ce n'est pas un montant en euros."
        elif montant < 0:
            erreurs[champ] = "Le montant ne peut pas être négatif."
        elif montant > MONTANT_MAX:
            # Au-delà de 25 chiffres, le montant n'est pas cité : il ne s'arrondit plus au
            # centime dans la précision décimale (28 chiffres).
            cite = f" ({format_euros(montant, centimes=True)})" if montant.adjusted() < 25 else ""
            erreurs[champ] = (
                f"Montant invraisemblable{cite} : il dépasse 10 milliards d'euros. Vérifiez les "
                "unités (le montant s'écrit en euros, pas en centimes)."
            )
        elif montant != montant.quantize(CENTIME):
            erreurs[champ] = "Un montant a au plus deux décimales (centimes)."
    for champ in EMPLOIS:
        emplois = getattr(saisie, champ)
        if emplois is not None and emplois < 0:
            erreurs[champ] = "Le nombre d'emplois ne peut pas être négatif."
        elif emplois is not None and emplois > EMPLOIS_MAX:
            erreurs[champ] = f"Plus de {EMPLOIS_MAX:,} emplois : vérifiez la saisie.".replace(
                ",", "\u202f"
            )
    return erreurs


def _regles_entre_champs(saisie: SaisieProjet, erreurs: dict[str, str]) -> None:
    investissement, aide = saisie.montant_investissement, saisie.aide_sollicitee
    if (
        investissement is not None
        and aide is not None
        and not {"montant_investissement", "aide_sollicitee"} & erreurs.keys()
        and aide > investissement
    ):
        erreurs["aide_sollicitee"] = (
            f"L'aide sollicitée ({format_euros(aide, centimes=True)}) dépasse l'investissement "
            f"productif ({format_euros(investissement, centimes=True)})."
        )
    debut, fin = saisie.date_debut, saisie.date_fin
    if debut and fin and fin < debut:
        erreurs["date_fin"] = (
            f"La fin prévue ({fin:%d/%m/%Y}) précède le début des travaux ({debut:%d/%m/%Y})."
        )
    siren, siret = saisie.porteur_siren, saisie.siret
    if siren and siret and "siret" not in erreurs and not siret.startswith(siren):
        erreurs["siret"] = MESSAGE_SIRET_SIREN


def message_de_phase(territoire: TerritoireIndustrie, annee: int) -> str | None:
    """Le territoire d'un projet est de la phase de son année de programmation (2018-2022 :
    phase 1 ; 2023-2027 : phase 2) ; au-delà de 2027, aucune phase n'est encore fixée."""
    attendue = phase_de_l_annee(annee)
    if attendue is None or territoire.phase == attendue:
        return None
    return (
        f"Le territoire « {territoire.nom} » ({territoire.code}) est de la "
        f"{Phase(territoire.phase).label.lower()} ; un projet programmé en {annee} relève "
        f"de la {Phase(attendue).label.lower()} : choisissez un territoire de cette phase."
    )


def _situer(saisie: SaisieProjet, referentiel: Referentiel, erreurs: dict[str, str]):
    territoire = commune = None
    if saisie.territoire:
        territoire = referentiel.territoire(saisie.territoire)
        if territoire is None:
            erreurs["territoire"] = (
                f"Territoire d'industrie inconnu : code « {saisie.territoire} » "
                "(voir la liste des territoires)."
            )
    if saisie.commune:
        commune = referentiel.commune(saisie.commune)
        if commune is None:
            erreurs["commune"] = (
                f"Aucune commune n'a le code INSEE « {saisie.commune} » "
                "(le code INSEE n'est pas le code postal)."
            )
        elif commune.epci_id is None:
            erreurs["commune"] = (
                f"La commune {commune.nom} ({commune.code_insee}) n'appartient à aucune "
                "intercommunalité."
            )
    if territoire and "annee" not in erreurs and saisie.annee is not None:
        message = message_de_phase(territoire, saisie.annee)
        if message:
            erreurs["territoire"] = message
    if territoire and commune and "commune" not in erreurs:
        if not referentiel.appartient(territoire, commune):
            erreurs["commune"] = (
                f"La commune {commune.nom} ({commune.code_insee}) n'appartient pas au "
                f"territoire « {territoire.nom} » ({territoire.code})."
            )
    return territoire, commune


def valider(
    saisie: SaisieProjet,
    *,
    referentiel: Referentiel | None = None,
    deja_en_erreur: Iterable[str] = (),
) -> ProjetValide:
    """Toutes les règles de saisie ; `SaisieInvalide` avec toutes les erreurs sinon.

    `deja_en_erreur` : les champs que l'entrée n'a pas pu lire (et a déjà signalés) ;
    ils ne sont pas dits manquants une seconde fois.
    """
    ignores = set(deja_en_erreur)
    erreurs: dict[str, str] = {
        champ: message_obligatoire(champ)
        for champ in LIBELLES
        if champ not in FACULTATIFS
        and champ not in ignores
        and getattr(saisie, champ) in (None, "")
    }
    erreurs.update(
        {c: m for c, m in _regles_de_champ(saisie).items() if c not in ignores | erreurs.keys()}
    )
    _regles_entre_champs(saisie, erreurs)
    territoire, commune = _situer(saisie, referentiel or Referentiel(), erreurs)
    erreurs = {champ: message for champ, message in erreurs.items() if champ not in ignores}
    if erreurs or ignores:
        raise SaisieInvalide(erreurs={champ: [message] for champ, message in erreurs.items()})
    return ProjetValide(
        saisie=saisie,
        territoire=territoire,
        commune=commune,
        epci_id=commune.epci_id,
        departement_id=commune.departement_id,
        region_id=commune.departement.region_id,
    )
