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

L'import est tout ou rien : une seule ligne en erreur et rien n'est écrit. Les projets ne
sont créés qu'une fois tout le fichier contrôlé, dans une seule transaction.
"""

import re
from collections.abc import Callable

from django.db import DatabaseError

from projets import lots, permissions, services
from projets.importation.colonnes import NOMS_COLONNES
from projets.importation.conversion import LigneLue, lire_ligne, texte
from projets.importation.lecture import FichierIllisible, controler_entetes, lire_tableau
from projets.importation.rapport import RapportImport
from projets.models import Projet, Statut, TypeEvenement
from projets.saisie import ProjetValide, ReferentielCharge, SaisieInvalide, SaisieProjet, valider
from socle.erreurs import ErreurMetier, Invalide, Refus
from territoires.models import Region
from territoires.validators import normaliser

CHAMPS_SAISIE = frozenset(SaisieProjet.champs())
_RANG_COLONNE = {nom: rang for rang, nom in enumerate(NOMS_COLONNES)}
VALEUR_CITEE_MAX = 200  # caractères de la cellule repris dans le rapport
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ETAPE_CONTROLE = "Contrôle des lignes"
ETAPE_ENREGISTREMENT = "Enregistrement des projets"


class _ContexteFichier:
    """Ce que le contrôle d'une ligne doit savoir du fichier entier et de la base."""

    def __init__(self, auteur, saisies: list[SaisieProjet]):
        self.auteur = auteur
        self.referentiel = ReferentielCharge(
            {s.territoire for s in saisies if s.territoire},
            {s.commune for s in saisies if s.commune},
        )
        sirens = {s.porteur_siren for s in saisies if s.porteur_siren}
        self.existants = {
            (normaliser(intitule), siren, territoire): pk
            for pk, intitule, siren, territoire in Projet.objects.filter(
                porteur__siren__in=sirens, territoire_id__in=self.referentiel.territoires
            ).values_list("id", "intitule", "porteur__siren", "territoire_id")
        }
        self.deja_vus: dict[tuple, int] = {}
        self.porteurs: dict[str, tuple[int, tuple]] = {}
        self._regions: dict | None = None

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
        if siren and all(porteur) and not {"porteur_raison_sociale", "porteur_taille"} & en_erreur:
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
        cle = (normaliser(saisie.intitule), siren, saisie.territoire)
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
    for colonne, message in sorted(
        erreurs, key=lambda e: _RANG_COLONNE.get(e[0], len(NOMS_COLONNES))
    ):
        valeur = _citer(brutes.get(colonne)) if colonne else ""
        rapport.ajouter(numero, colonne, message, valeur)
    return None if erreurs else valide


def _enregistrer(lues, contexte: _ContexteFichier, rapport: RapportImport, progression) -> None:
    """Crée les projets d'un fichier contrôlé, par lots, dans une transaction : tous ou aucun."""
    try:
        projets = lots.creer_projets_en_lot(
            auteur=contexte.auteur,
            lignes=[(valide, ligne.deposer) for _, ligne, valide in lues],
            source=TypeEvenement.IMPORT,
            progression=progression
            and (lambda faites, total: progression(faites, total, ETAPE_ENREGISTREMENT)),
        )
    except lots.LigneRefusee as exc:
        numero, ligne, _ = lues[exc.rang]
        for colonne, message in _erreurs_de(exc.erreur, ligne.saisie, contexte):
            rapport.ajouter(numero, colonne, message)
    except DatabaseError as exc:
        rapport.ajouter(None, "", _erreurs_de(exc, SaisieProjet(), contexte)[0][1])
    else:
        rapport.projets = [projet.pk for projet in projets]
        rapport.nb_deposes = sum(projet.statut != Statut.BROUILLON for projet in projets)


def importer_projets(
    *,
    auteur,
    fichier,
    nom_fichier: str = "",
    verifier: bool = False,
    progression: Callable[[int, int, str], None] | None = None,
) -> RapportImport:
    """Contrôle puis importe les projets d'un fichier XLSX ou CSV, tout ou rien.

    `fichier` : des octets ou un fichier binaire ouvert (fichier téléversé
    compris). `verifier=True` contrôle tout sans rien écrire. `progression(faites,
    total, etape)` est appelée après chaque ligne contrôlée, puis chaque lot enregistré.
    Renvoie le rapport ; les projets ne sont créés que si `rapport.valide`
    et hors vérification.
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

    rangs = controler_entetes(tableau.entetes, rapport)
    if rapport.erreurs:
        return rapport
    if not tableau.lignes:
        rapport.ajouter(None, "", "Le fichier ne contient aucune ligne de projet sous l'en-tête.")
        return rapport

    rapport.nb_lignes = len(tableau.lignes)

    def brutes(cellules) -> dict:
        return {
            nom: cellules[rang] if rang < len(cellules) else None for rang, nom in rangs.items()
        }

    lues: list[tuple[int, LigneLue]] = []
    for numero, cellules in tableau.lignes:
        cellules_nommees = brutes(cellules)
        rapport.intitules[numero] = texte(cellules_nommees.get("intitule"))[:200]
        lues.append((numero, lire_ligne(cellules_nommees)))

    contexte = _ContexteFichier(auteur, [ligne.saisie for _, ligne in lues])
    controlees = []
    for faites, ((numero, ligne), (_, cellules)) in enumerate(
        zip(lues, tableau.lignes, strict=True), start=1
    ):
        valide = _controler(numero, ligne, contexte, rapport, brutes(cellules))
        controlees.append((numero, ligne, valide))
        if progression:
            progression(faites, rapport.nb_lignes, ETAPE_CONTROLE)
    if not verifier and rapport.valide:
        _enregistrer(controlees, contexte, rapport, progression)
    return rapport
