"""Contrôle des lignes d'un fichier et import tout ou rien.

Chaque ligne lue (`conversion.lire_ligne`) est une `SaisieProjet`. Ses règles sont celles
de toute saisie de projet, dans les mêmes mots que le formulaire et l'API : le contrôle
passe par `services.verifier_creation` (règles de `projets.saisie` et périmètre de
l'agent, sans rien écrire), l'import par `services.creer_projet`. Le référentiel
(territoires, communes et leurs appartenances) est lu une fois pour tout le fichier.

L'import lui-même ajoute ses règles de fichier : un projet déjà importé ou présent deux
fois dans le fichier (même intitulé, même porteur, même territoire), un SIREN donné avec
deux raisons sociales ou tailles. Le fichier est contrôlé en entier et toutes les erreurs
sont rapportées (ligne, colonne, message).

L'import est tout ou rien : une seule ligne en erreur et rien n'est écrit. Le fichier est
lu deux fois au fil des lignes : la première relève ce qu'il faut lire en base, la
seconde contrôle et écrit par lots, dans une seule transaction, annulée s'il reste une
erreur. La mémoire ne croît pas avec le nombre de lignes (au-delà du rapport).
"""

import contextlib
import hashlib
import re
from collections.abc import Callable

from django.db import DatabaseError, transaction

from projets import lots, permissions, services
from projets.importation.colonnes import NOMS_COLONNES
from projets.importation.conversion import LigneLue, lire_ligne, texte
from projets.importation.lecture import FichierIllisible, controler_entetes, ouvrir_tableau
from projets.importation.rapport import RapportImport
from projets.models import Projet, Statut, TypeEvenement
from projets.saisie import ProjetValide, ReferentielCharge, SaisieInvalide, SaisieProjet, valider
from socle.erreurs import ErreurMetier, Invalide, Refus
from socle.recalcul import demander_recalcul
from territoires.models import Region
from territoires.validators import normaliser

CHAMPS_SAISIE = frozenset(SaisieProjet.champs())
_RANG_COLONNE = {nom: rang for rang, nom in enumerate(NOMS_COLONNES)}
VALEUR_CITEE_MAX = 200  # caractères de la cellule repris dans le rapport
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ETAPE_LECTURE = "Lecture du fichier"
ETAPE_CONTROLE = "Contrôle des lignes"
ETAPE_ENREGISTREMENT = "Contrôle et enregistrement des projets"
PAS_LECTURE = 500  # lignes lues entre deux avancements de la lecture


def _empreinte(intitule: str, siren: str, territoire: str) -> bytes:
    """Un projet (intitulé normalisé, porteur, territoire) en 16 octets."""
    return hashlib.blake2b(
        "\x1f".join((intitule, siren, territoire)).encode(), digest_size=16
    ).digest()


class _Cles:
    """Ce que le premier parcours du fichier relève : le nombre de lignes, et les codes et
    SIREN à lire en base une fois pour tout le fichier."""

    def __init__(self):
        self.nb = 0
        self.territoires: set[str] = set()
        self.communes: set[str] = set()
        self.sirens: set[str] = set()
        self.sirens_repetes: set[str] = set()  # porteurs de plusieurs lignes

    def relever(self, saisie: SaisieProjet) -> None:
        self.nb += 1
        if saisie.territoire:
            self.territoires.add(saisie.territoire)
        if saisie.commune:
            self.communes.add(saisie.commune)
        if siren := saisie.porteur_siren:
            if siren in self.sirens:
                self.sirens_repetes.add(siren)
            self.sirens.add(siren)


class _ContexteFichier:
    """Ce que le contrôle d'une ligne doit savoir du fichier entier et de la base."""

    def __init__(self, auteur, cles: _Cles):
        self.auteur = auteur
        self.referentiel = ReferentielCharge(cles.territoires, cles.communes)
        self.existants = {
            _empreinte(normaliser(intitule), siren, territoire): pk
            for pk, intitule, siren, territoire in Projet.objects.filter(
                porteur__siren__in=cles.sirens, territoire_id__in=self.referentiel.territoires
            ).values_list("id", "intitule", "porteur__siren", "territoire_id")
        }
        # Ce que le contrôle garde de chaque ligne pour la comparer aux suivantes : une
        # empreinte de 16 octets (et la raison sociale des seuls porteurs de plusieurs
        # lignes), pour que la mémoire croisse à peine avec le nombre de lignes.
        self.deja_vus: dict[bytes, int] = {}
        self.repetes = cles.sirens_repetes
        self.porteurs: dict[str, tuple[int, tuple]] = {}
        self._regions: dict | None = None
        self.territoires_ecrits: set[str] = set()
        self.regions_ecrites: set[str] = set()

    def hors_perimetre(self, refus: Refus, saisie: SaisieProjet) -> str:
        """Le refus du service, et où se trouve la commune (les régions : lues au besoin)."""
        commune = self.referentiel.commune(saisie.commune)
        if commune is None:
            return refus.message
        if self._regions is None:
            self._regions = Region.objects.in_bulk()
        region = self._regions.get(commune.departement.region_id)
        return (
            f"{refus.message} La commune {commune.nom} ({commune.code_insee}) est en "
            f"région {region}, département {commune.departement}."
        )

    def doublons(self, numero: int, saisie: SaisieProjet, en_erreur: set[str]) -> list:
        """Un projet déjà importé ou déjà dans le fichier ; un porteur incohérent."""
        erreurs = []
        siren = saisie.porteur_siren if "porteur_siren" not in en_erreur else None
        porteur = (saisie.porteur_raison_sociale, saisie.porteur_taille)
        if (
            siren in self.repetes
            and all(porteur)
            and not {"porteur_raison_sociale", "porteur_taille"} & en_erreur
        ):
            premiere, connu = self.porteurs.setdefault(siren, (numero, porteur))
            if connu != porteur:
                erreurs.append(
                    (
                        "porteur_raison_sociale",
                        f"Le SIREN {siren} figure ligne {premiere} avec une autre raison sociale "
                        f"ou taille (« {connu[0]} », {connu[1]}) : une entreprise n'en a qu'une.",
                    )
                )
        lisibles = not {"intitule", "territoire"} & en_erreur
        if not (lisibles and siren and saisie.intitule and saisie.territoire):
            return erreurs
        cle = _empreinte(normaliser(saisie.intitule), siren, saisie.territoire)
        if cle in self.existants:
            erreurs.append(
                (
                    "intitule",
                    f"Ce projet existe déjà (projet n° {self.existants[cle]} : même intitulé, "
                    "même porteur, même territoire). A-t-il déjà été importé ?",
                )
            )
        elif cle in self.deja_vus:
            erreurs.append(
                (
                    "intitule",
                    f"Même projet que ligne {self.deja_vus[cle]} (même intitulé, même porteur, "
                    "même territoire).",
                )
            )
        else:
            self.deja_vus[cle] = numero
        return erreurs


def _erreurs_de(exc: Exception, saisie: SaisieProjet, contexte: _ContexteFichier) -> list:
    """Une erreur du service en (colonne, message) : les champs de la saisie sont les
    colonnes du fichier ; le périmètre de l'agent se lit dans la commune ; le dépôt
    (transition vers « déposé ») dans la colonne `deposer`."""
    if isinstance(exc, Refus):
        return [("commune", contexte.hors_perimetre(exc, saisie))]
    if isinstance(exc, Invalide):
        return [
            ("deposer" if champ == "vers" else champ if champ in CHAMPS_SAISIE else "", message)
            for champ, messages in exc.erreurs.items()
            for message in messages
        ]
    if isinstance(exc, ErreurMetier):
        return [("", exc.message)]
    return [("", f"Enregistrement refusé par la base de données ({exc}).")]


def _citer(cellule) -> str:
    """La valeur d'une cellule, pour le rapport : courte, sans caractère de contrôle (un
    caractère nul ne s'enregistre pas dans le rapport gardé avec le travail)."""
    return _CONTROLE.sub("\ufffd", texte(cellule)[:VALEUR_CITEE_MAX])


def _controler(
    numero: int, ligne: LigneLue, contexte: _ContexteFichier, rapport: RapportImport, brutes: dict
) -> ProjetValide | None:
    """Toutes les erreurs de la ligne : lecture, règles de la saisie, règles du fichier.
    Rend le projet validé (ce que l'import écrira), ou `None` si la ligne est en erreur."""
    erreurs = list(ligne.erreurs.items())
    illisibles = ligne.erreurs.keys() & CHAMPS_SAISIE
    valide = None
    try:
        if illisibles:
            # Les règles de ce qui a pu être lu, pour tout dire d'un coup (comme le formulaire).
            valider(ligne.saisie, referentiel=contexte.referentiel, deja_en_erreur=illisibles)
        else:
            valide = services.verifier_creation(
                auteur=contexte.auteur, saisie=ligne.saisie, referentiel=contexte.referentiel
            )
    except (SaisieInvalide, Refus) as exc:
        erreurs += _erreurs_de(exc, ligne.saisie, contexte)
    erreurs += contexte.doublons(numero, ligne.saisie, {colonne for colonne, _ in erreurs})
    if erreurs:
        rapport.intitules[numero] = texte(brutes.get("intitule"))[:200]
    for colonne, message in sorted(
        erreurs, key=lambda e: _RANG_COLONNE.get(e[0], len(NOMS_COLONNES))
    ):
        valeur = _citer(brutes.get(colonne)) if colonne else ""
        rapport.ajouter(numero, colonne, message, valeur)
    return None if erreurs else valide


def _enregistrer(controlees, contexte: _ContexteFichier, rapport: RapportImport) -> None:
    """Crée les projets d'un paquet de lignes contrôlées (un lot, dans sa transaction)."""
    try:
        projets = lots.creer_projets_en_lot(
            auteur=contexte.auteur,
            lignes=[(valide, ligne.deposer) for _, ligne, valide in controlees],
            source=TypeEvenement.IMPORT,
            recalcul=False,
        )
    except lots.LigneRefusee as exc:
        numero, ligne, _ = controlees[exc.rang]
        for colonne, message in _erreurs_de(exc.erreur, ligne.saisie, contexte):
            rapport.ajouter(numero, colonne, message)
    except DatabaseError as exc:
        rapport.ajouter(None, "", _erreurs_de(exc, SaisieProjet(), contexte)[0][1])
    else:
        rapport.projets += [projet.pk for projet in projets]
        rapport.nb_deposes += sum(projet.statut != Statut.BROUILLON for projet in projets)
        contexte.territoires_ecrits |= {projet.territoire_id for projet in projets}
        contexte.regions_ecrites |= {projet.region_id for projet in projets}


def _paquets(lignes, taille: int):
    paquet = []
    for ligne in lignes:
        paquet.append(ligne)
        if len(paquet) == taille:
            yield paquet
            paquet = []
    if paquet:
        yield paquet


def _importer(tableau, auteur, verifier: bool, progression, rapport: RapportImport) -> None:
    rangs = controler_entetes(tableau.entetes, rapport)
    if rapport.erreurs:
        for _ligne in tableau.lignes():  # un fichier trop long est refusé pour cela d'abord
            pass
        return

    def brutes(cellules) -> dict:
        return {
            nom: cellules[rang] if rang < len(cellules) else None for rang, nom in rangs.items()
        }

    # Premier parcours : le nombre de lignes, et les clés qu'il faut lire en base.
    cles = _Cles()
    for _numero, cellules in tableau.lignes():
        cles.relever(lire_ligne(brutes(cellules)).saisie)
        if progression and cles.nb % PAS_LECTURE == 0:
            progression(cles.nb, 0, ETAPE_LECTURE)
    if not cles.nb:
        rapport.ajouter(None, "", "Le fichier ne contient aucune ligne de projet sous l'en-tête.")
        return
    rapport.nb_lignes = cles.nb
    contexte = _ContexteFichier(auteur, cles)
    cles = None  # les codes et SIREN ne servent plus

    # Second parcours, par lots : contrôle, puis écriture tant qu'aucune ligne n'est en
    # erreur ; à la fin, tout est annulé s'il y en a une (ou si l'on ne fait que vérifier).
    etape = ETAPE_CONTROLE if verifier else ETAPE_ENREGISTREMENT
    faites = 0
    with contextlib.nullcontext() if verifier else transaction.atomic():
        for paquet in _paquets(tableau.lignes(), lots.TAILLE_LOT):
            controlees = []
            for numero, cellules in paquet:
                cellules_nommees = brutes(cellules)
                ligne = lire_ligne(cellules_nommees)
                valide = _controler(numero, ligne, contexte, rapport, cellules_nommees)
                controlees.append((numero, ligne, valide))
                faites += 1
                if progression:
                    progression(faites, rapport.nb_lignes, etape)
            if not verifier and rapport.valide:
                _enregistrer(controlees, contexte, rapport)
        if verifier:
            return
        if not rapport.valide:
            transaction.set_rollback(True)
            rapport.projets, rapport.nb_deposes = [], 0
        elif rapport.projets:
            demander_recalcul(
                territoires=contexte.territoires_ecrits, regions=contexte.regions_ecrites
            )


def importer_projets(
    *,
    auteur,
    fichier,
    nom_fichier: str = "",
    verifier: bool = False,
    progression: Callable[[int, int, str], None] | None = None,
) -> RapportImport:
    """Contrôle puis importe les projets d'un fichier XLSX ou CSV, tout ou rien.

    `fichier` : des octets ou un fichier binaire ouvert (fichier téléversé compris), lu
    deux fois au fil des lignes (la mémoire ne croît pas avec leur nombre) : une première
    pour compter les lignes et relever ce qu'il faut lire en base, une seconde pour les
    contrôler et les écrire par lots, dans une seule transaction annulée à la première
    erreur. `verifier=True` contrôle tout sans rien écrire. `progression(faites, total,
    etape)` est appelée pendant la lecture (total 0 : inconnu), puis après chaque ligne.
    Renvoie le rapport ; les projets ne sont créés que si `rapport.valide` et hors
    vérification.
    """
    rapport = RapportImport(verification=verifier)
    decision = permissions.peut_importer(auteur)
    if not decision:
        rapport.ajouter(None, "", decision.raison)
        return rapport
    try:
        with ouvrir_tableau(fichier, nom_fichier) as tableau:
            _importer(tableau, auteur, verifier, progression, rapport)
    except FichierIllisible as exc:
        # Rien n'est écrit (la transaction est annulée) ; seul le fichier est en cause.
        rapport = RapportImport(verification=verifier)
        rapport.ajouter(None, "", exc.message)
    return rapport
