"""Lire un fichier de mise à jour en masse et l'appliquer, tout ou rien.

Chaque ligne est lue (numéro du projet, montants, date, statut : mêmes lectures que
l'import de projets), puis, dans une seule transaction : les projets du fichier sont
verrouillés par numéro croissant, puis les enveloppes en jeu (ordre commun des verrous,
`fonds.services.regles`) ; chaque ligne s'applique par les services, dans son point de
reprise (une ligne refusée ne laisse rien, les suivantes sont tout de même vérifiées).
Le disponible d'une enveloppe est lu après son verrou : les lignes du fichier s'y
ajoutent l'une à l'autre, et un autre agent qui engage en même temps attend la fin.
Si une ligne est refusée, ou pour une simple vérification, la transaction est annulée.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import DatabaseError, transaction
from django.db.models import F

from fonds import permissions, selectors, services
from fonds.mise_a_jour.colonnes import COLONNES, COLONNES_PAR_NOM
from fonds.models import Engagement
from fonds.services.regles import verrouiller
from projets.importation import conversion
from projets.importation.colonnes import nom_de_colonne
from projets.importation.lecture import FichierIllisible, lire_tableau
from projets.importation.rapport import RapportImport
from projets.models import Projet, Statut
from projets.selectors import projets_visibles_par
from socle.erreurs import ErreurMetier, Invalide
from territoires.validators import normaliser

_STATUTS = {normaliser(code): code for code in Statut.values} | {
    normaliser(libelle): code for code, libelle in Statut.choices
}
# Le champ d'une erreur de service, quand il est l'une des colonnes du fichier.
_CHAMPS_COLONNES = {"enveloppe", "date_engagement", "date_versement", "commentaire"}


@dataclass(frozen=True)
class Operation:
    projet_id: int
    engager: Decimal | None = None
    enveloppe_id: int | None = None
    date_engagement: datetime.date | None = None
    verser: Decimal | None = None
    date_versement: datetime.date | None = None
    reference: str = ""
    statut: str = ""
    commentaire: str = ""


@dataclass
class RapportMiseAJour(RapportImport):
    nb_engagements: int = 0
    nb_versements: int = 0
    nb_statuts: int = 0

    def vers_json(self) -> dict:
        return {
            **super().vers_json(),
            "nb_engagements": self.nb_engagements,
            "nb_versements": self.nb_versements,
            "nb_statuts": self.nb_statuts,
        }


class _Annuler(Exception):
    """Sort de la transaction pour l'annuler (vérification, ou ligne refusée)."""


def _entetes(entetes, rapport: RapportMiseAJour) -> dict[int, str]:
    rangs: dict[int, str] = {}
    for rang, entete in enumerate(entetes):
        if entete is None or not str(entete).strip():
            continue
        nom = nom_de_colonne(entete)
        if nom not in COLONNES_PAR_NOM:
            noms = ", ".join(c.nom for c in COLONNES)
            rapport.ajouter(1, str(entete), f"Colonne inconnue « {entete} » : possibles : {noms}.")
        elif nom in rangs.values():
            rapport.ajouter(1, nom, f"La colonne « {nom} » figure deux fois.")
        else:
            rangs[rang] = nom
    if "projet" not in rangs.values():
        rapport.ajouter(1, "projet", "Colonne obligatoire absente : « projet » (n° du projet).")
    return rangs


def _vide(valeur) -> bool:
    return valeur is None or conversion.texte(valeur) == ""


def _lire(numero: int, cellules: dict, rapport: RapportMiseAJour) -> Operation | None:
    """L'opération d'une ligne ; `None` (et ses erreurs au rapport) si elle est illisible."""
    valeurs: dict = {}
    lectures = {
        "projet": conversion.entier,
        "engager": conversion.montant,
        "enveloppe": conversion.entier,
        "date_engagement": conversion.date,
        "verser": conversion.montant,
        "date_versement": conversion.date,
        "reference": conversion.texte,
        "commentaire": conversion.texte,
    }
    erreurs = []
    for nom, lire in lectures.items():
        if not _vide(cellules.get(nom)):
            try:
                valeurs[nom] = lire(cellules[nom])
            except conversion.ValeurInvalide as exc:
                erreurs.append((nom, exc.message))
    if not _vide(statut := cellules.get("statut")):
        if (code := _STATUTS.get(normaliser(conversion.texte(statut)))) is None:
            permis = ", ".join(Statut.values)
            erreurs.append(("statut", f"Statut inconnu : valeurs acceptées : {permis}."))
        else:
            valeurs["statut"] = code
    if "projet" not in valeurs and not any(c == "projet" for c, _ in erreurs):
        erreurs.append(("projet", "Valeur obligatoire manquante (n° du projet)."))
    if "verser" in valeurs and "date_versement" not in valeurs:
        erreurs.append(("date_versement", "Un versement a une date : indiquez-la (JJ/MM/AAAA)."))
    if not erreurs and not {"engager", "verser", "statut"} & valeurs.keys():
        erreurs.append(("", "Rien à mettre à jour : ni engagement, ni versement, ni statut."))
    for colonne, message in erreurs:
        rapport.ajouter(numero, colonne, message, conversion.texte(cellules.get(colonne))[:200])
    if erreurs:
        return None
    return Operation(
        projet_id=valeurs["projet"],
        engager=valeurs.get("engager"),
        enveloppe_id=valeurs.get("enveloppe"),
        date_engagement=valeurs.get("date_engagement"),
        verser=valeurs.get("verser"),
        date_versement=valeurs.get("date_versement"),
        reference=valeurs.get("reference", ""),
        statut=valeurs.get("statut", ""),
        commentaire=valeurs.get("commentaire", ""),
    )


def _engagements_a_payer(projet_ids):
    return (
        Engagement.objects.filter(
            projet_id__in=projet_ids, statut__in=permissions.STATUTS_ENGAGEMENT_ACTIFS
        )
        .annotate(reste=F("montant") - F("montant_libere") - F("montant_verse"))
        .order_by("date_engagement", "pk")
    )


def _verrouiller(operations: list[Operation], projets: dict[int, Projet]) -> None:
    """Les projets par numéro croissant, puis toutes les enveloppes en jeu, une fois."""
    ids = sorted({op.projet_id for op in operations})
    list(Projet.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    enveloppes = {op.enveloppe_id for op in operations if op.enveloppe_id}
    for op in operations:
        if op.engager is not None and op.enveloppe_id is None:
            enveloppes |= set(
                selectors.enveloppes_eligibles(projets[op.projet_id]).values_list("pk", flat=True)
            )
    payes = [op.projet_id for op in operations if op.verser is not None]
    enveloppes |= set(_engagements_a_payer(payes).values_list("enveloppe_id", flat=True))
    verrouiller(enveloppes)


def _enveloppe_de(projet: Projet, op: Operation) -> int:
    if op.enveloppe_id:
        return op.enveloppe_id
    eligibles = list(selectors.enveloppes_eligibles(projet))
    if not eligibles:
        raise Invalide(
            f"Aucune enveloppe régionale {projet.annee} ne finance les projets de cette région.",
            champ="enveloppe",
        )
    if len(eligibles) > 1:
        noms = ", ".join(f"n° {e.pk} ({e.dispositif.nom})" for e in eligibles)
        raise Invalide(
            f"La région a plusieurs enveloppes en {projet.annee} : indiquez la bonne dans la "
            f"colonne « enveloppe » ({noms}).",
            champ="enveloppe",
        )
    return eligibles[0].pk


def _appliquer_ligne(op: Operation, projet: Projet, auteur, rapport: RapportMiseAJour) -> None:
    """L'engagement, puis le versement, puis le statut ; lève l'erreur et sa colonne."""
    if op.engager is not None:
        try:
            services.engager(
                projet_id=projet.pk,
                enveloppe_id=_enveloppe_de(projet, op),
                montant=op.engager,
                auteur=auteur,
                date_engagement=op.date_engagement,
                commentaire=op.commentaire,
            )
        except ErreurMetier as exc:
            raise _EnColonne("engager", exc) from exc
        rapport.nb_engagements += 1
    if op.verser is not None:
        try:
            engagement = _engagements_a_payer([projet.pk]).filter(reste__gt=0).first()
            if engagement is None:
                raise Invalide("Ce projet n'a aucun engagement en cours qui reste à payer.")
            services.verser(
                engagement_id=engagement.pk,
                montant=op.verser,
                date_versement=op.date_versement,
                reference=op.reference,
                auteur=auteur,
            )
        except ErreurMetier as exc:
            raise _EnColonne("verser", exc) from exc
        rapport.nb_versements += 1
    if op.statut and op.statut != Projet.objects.values_list("statut", flat=True).get(pk=projet.pk):
        try:
            services.changer_statut_du_projet(
                projet_id=projet.pk, auteur=auteur, vers=op.statut, commentaire=op.commentaire
            )
        except ErreurMetier as exc:
            raise _EnColonne("statut", exc) from exc
        rapport.nb_statuts += 1


class _EnColonne(Exception):
    def __init__(self, colonne: str, erreur: ErreurMetier):
        champ = getattr(erreur, "champ", None) or next(iter(getattr(erreur, "erreurs", {})), "")
        self.colonne = champ if champ in _CHAMPS_COLONNES else colonne
        self.erreur = erreur


def mettre_a_jour(
    *,
    auteur,
    fichier,
    nom_fichier: str = "",
    verifier: bool = False,
    progression: Callable[[int, int, str], None] | None = None,
) -> RapportMiseAJour:
    """Vérifie (`verifier=True` : tout est appliqué puis annulé) ou applique le fichier."""
    rapport = RapportMiseAJour(verification=verifier)
    if not (decision := permissions.peut_engager_des_credits(auteur)):
        rapport.ajouter(None, "", decision.raison)
        return rapport
    try:
        tableau = lire_tableau(fichier, nom_fichier)
    except FichierIllisible as exc:
        rapport.ajouter(None, "", exc.message)
        return rapport
    rangs = _entetes(tableau.entetes, rapport)
    if not rapport.valide:
        return rapport
    if not tableau.lignes:
        rapport.ajouter(None, "", "Le fichier ne contient aucune ligne sous l'en-tête.")
        return rapport
    rapport.nb_lignes = len(tableau.lignes)
    lues = []
    for numero, cellules in tableau.lignes:
        brutes = {nom: cellules[r] if r < len(cellules) else None for r, nom in rangs.items()}
        if (op := _lire(numero, brutes, rapport)) is not None:
            lues.append((numero, op, brutes))
    projets = projets_visibles_par(auteur).in_bulk({op.projet_id for _, op, _ in lues})
    for numero, op, brutes in lues:
        if op.projet_id in projets:
            rapport.intitules[numero] = projets[op.projet_id].intitule[:200]
        else:
            rapport.ajouter(
                numero,
                "projet",
                f"Aucun projet n° {op.projet_id} dans votre périmètre.",
                conversion.texte(brutes.get("projet")),
            )
    if not rapport.valide:
        return rapport
    try:
        with transaction.atomic():
            _verrouiller([op for _, op, _ in lues], projets)
            for faites, (numero, op, brutes) in enumerate(lues, start=1):
                try:
                    with transaction.atomic():
                        _appliquer_ligne(op, projets[op.projet_id], auteur, rapport)
                except _EnColonne as exc:
                    valeur = conversion.texte(brutes.get(exc.colonne))[:200]
                    rapport.ajouter(numero, exc.colonne, exc.erreur.message, valeur)
                if progression:
                    progression(faites, len(lues), "Application des lignes")
            if verifier or not rapport.valide:
                raise _Annuler
    except _Annuler:
        pass
    except DatabaseError as exc:
        rapport.ajouter(None, "", f"Enregistrement refusé par la base de données ({exc}).")
    if not rapport.valide:
        rapport.nb_engagements = rapport.nb_versements = rapport.nb_statuts = 0
    return rapport
