"""Toutes les écritures sur les projets et leurs avis.

Chaque fonction prend des arguments nommés, vérifie la permission, écrit dans une
transaction, trace l'événement (qui, quand, quoi) et programme, après validation,
le recalcul des totaux des périmètres touchés.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from comptes import audit
from comptes.models import Action
from config.celery import programmer_recalcul_totaux
from projets import permissions, workflow
from projets.models import (
    Avis,
    Cote,
    Entreprise,
    Evenement,
    Projet,
    SensAvis,
    Statut,
    TypeEvenement,
)
from territoires.models import Commune


class ErreurProjet(Exception):
    """Refus métier, avec un message en français pour l'utilisateur."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class PermissionRefusee(ErreurProjet):
    pass


class TransitionRefusee(ErreurProjet):
    pass


class ConflitDeVersion(ErreurProjet):
    """Le projet a changé depuis l'ouverture du formulaire."""


# Champs du projet saisis par les agents (hors porteur, décrit à part).
CHAMPS_SAISIS = [
    "intitule",
    "description",
    "territoire",
    "commune",
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
]
CHAMPS_PORTEUR = ["porteur_siren", "porteur_raison_sociale", "porteur_taille"]
CHAMPS_SUIVIS = [*CHAMPS_SAISIS, "porteur", "statut", "region", "departement", "epci"]

# Actions exécutées, dans la même transaction, avant l'abandon d'un projet engagé.
# L'application `fonds` y inscrit la libération des crédits non versés.
_ACTIONS_AVANT_ABANDON: list[Callable] = []


def inscrire_action_avant_abandon(action: Callable) -> None:
    if action not in _ACTIONS_AVANT_ABANDON:
        _ACTIONS_AVANT_ABANDON.append(action)


def _valeur_json(valeur):
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    if hasattr(valeur, "pk"):
        return str(valeur)
    return valeur


def _programmer_totaux(projet: Projet) -> None:
    programmer_recalcul_totaux(territoires=[projet.territoire_id], regions=[projet.region_id])


def _obtenir_entreprise(*, siren: str, raison_sociale: str, taille: str) -> Entreprise:
    entreprise, creee = Entreprise.objects.get_or_create(
        siren=siren, defaults={"raison_sociale": raison_sociale, "taille": taille}
    )
    if creee:
        entreprise.full_clean()
    elif (entreprise.raison_sociale, entreprise.taille) != (raison_sociale, taille):
        entreprise.raison_sociale = raison_sociale
        entreprise.taille = taille
        entreprise.full_clean()
        entreprise.save(update_fields=["raison_sociale", "taille"])
    return entreprise


def _situer(projet: Projet) -> None:
    """Déduit EPCI, département et région de la commune ; vérifie qu'elle est du territoire."""
    commune: Commune = projet.commune
    if commune.epci_id is None:
        raise ValidationError({"commune": "Cette commune n'appartient à aucune intercommunalité."})
    if not projet.territoire.communes.filter(pk=commune.pk).exists():
        raise ValidationError(
            {
                "commune": (
                    f"La commune {commune.nom} ({commune.code_insee}) n'appartient pas au "
                    f"territoire « {projet.territoire.nom} »."
                )
            }
        )
    projet.epci_id = commune.epci_id
    projet.departement_id = commune.departement_id
    projet.region_id = commune.departement.region_id


def _evenement(projet, *, type, auteur, commentaire="", avant="", apres="", changements=None):
    return Evenement.objects.create(
        projet=projet,
        type=type,
        auteur=auteur,
        commentaire=commentaire,
        statut_avant=avant,
        statut_apres=apres,
        changements=changements or {},
    )


@transaction.atomic
def creer_projet(*, auteur, donnees: dict, deposer: bool = False, source=TypeEvenement.CREATION):
    """Crée un projet en brouillon (et le dépose si `deposer`)."""
    porteur = _obtenir_entreprise(
        siren=donnees["porteur_siren"],
        raison_sociale=donnees["porteur_raison_sociale"],
        taille=donnees["porteur_taille"],
    )
    projet = Projet(porteur=porteur, cree_par=auteur, statut=Statut.BROUILLON)
    for champ in CHAMPS_SAISIS:
        if champ in donnees:
            setattr(projet, champ, donnees[champ])
    _situer(projet)
    decision = permissions.peut_creer(
        auteur, region_code=projet.region_id, departement_code=projet.departement_id
    )
    if not decision:
        raise PermissionRefusee(decision.raison)
    # Les contraintes de la base sont reprises par Projet.clean() : pas de requête par règle.
    projet.full_clean(validate_constraints=False)
    projet.save()
    audit.tracer(
        objet=projet,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            champ: [None, valeur]
            for champ, valeur in audit.instantane(projet, CHAMPS_SUIVIS).items()
        },
        region=projet.region_id,
    )
    _evenement(
        projet,
        type=source,
        auteur=auteur,
        apres=Statut.BROUILLON,
        commentaire="Projet créé." if source == TypeEvenement.CREATION else "Projet importé.",
    )
    if deposer:
        changer_statut(projet_id=projet.pk, auteur=auteur, vers=Statut.DEPOSE)
        projet.refresh_from_db()
    _programmer_totaux(projet)
    return projet


def _verrouiller(projet_id: int) -> Projet:
    """La ligne du projet, verrouillée jusqu'à la fin de la transaction ; elle seule.

    `of=("self",)` : sans lui, PostgreSQL verrouillerait aussi la ligne du territoire
    jointe par `select_related`, si bien que deux transactions qui touchent des projets
    du même territoire (avis en lot de la préfecture et de la région, engagement et
    abandon) s'attendraient, voire s'interbloqueraient.
    """
    return (
        Projet.objects.select_for_update(of=("self",))
        .select_related("territoire")
        .get(pk=projet_id)
    )


@transaction.atomic
def modifier_projet(*, projet_id: int, auteur, donnees: dict, version_attendue: int) -> Projet:
    """Modifie un projet ; refuse si le projet a changé depuis `version_attendue`."""
    projet = _verrouiller(projet_id)
    decision = permissions.peut_modifier(auteur, projet)
    if not decision:
        raise PermissionRefusee(decision.raison)
    if projet.version != version_attendue:
        raise ConflitDeVersion(
            "Ce projet a été modifié par quelqu'un d'autre depuis l'ouverture du formulaire. "
            "Rechargez la page pour voir la version actuelle ; vos saisies n'ont pas été "
            "enregistrées."
        )
    anciennes_regions = (projet.territoire_id, projet.region_id)
    changements = {}
    porteur = _obtenir_entreprise(
        siren=donnees.get("porteur_siren", projet.porteur.siren),
        raison_sociale=donnees.get("porteur_raison_sociale", projet.porteur.raison_sociale),
        taille=donnees.get("porteur_taille", projet.porteur.taille),
    )
    if porteur.pk != projet.porteur_id:
        changements["porteur"] = [str(projet.porteur), str(porteur)]
        projet.porteur = porteur
    for champ in CHAMPS_SAISIS:
        if champ not in donnees:
            continue
        avant, apres = getattr(projet, champ), donnees[champ]
        if avant != apres:
            changements[champ] = [_valeur_json(avant), _valeur_json(apres)]
            setattr(projet, champ, apres)
    if not changements:
        return projet
    _situer(projet)
    decision = permissions.peut_creer(
        auteur, region_code=projet.region_id, departement_code=projet.departement_id
    )
    if not decision:
        raise PermissionRefusee(decision.raison)
    # Les contraintes de la base sont reprises par Projet.clean() : pas de requête par règle.
    projet.full_clean(validate_constraints=False)
    projet.version += 1
    projet.save()
    _evenement(projet, type=TypeEvenement.MODIFICATION, auteur=auteur, changements=changements)
    audit.tracer(
        objet=projet,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements=changements,
        region=projet.region_id,
    )
    _programmer_totaux(projet)
    if anciennes_regions != (projet.territoire_id, projet.region_id):
        programmer_recalcul_totaux(
            territoires=[anciennes_regions[0]], regions=[anciennes_regions[1]]
        )
    return projet


@transaction.atomic
def changer_statut(
    *, projet_id: int, auteur, vers: str, commentaire: str = "", systeme: bool = False
) -> Projet:
    """Seul point de passage d'un statut à un autre.

    `systeme=True` est réservé aux transitions qui résultent des avis ou d'un
    engagement de crédits : elles ne sont pas soumises au rôle de l'auteur, mais
    doivent figurer parmi les transitions automatiques.
    """
    projet = _verrouiller(projet_id)
    depuis = projet.statut
    if systeme:
        if (depuis, vers) not in workflow.TRANSITIONS_AUTOMATIQUES and (
            depuis,
            vers,
        ) not in workflow.TRANSITIONS_MANUELLES:
            raise TransitionRefusee(f"Transition impossible de « {depuis} » à « {vers} ».")
    else:
        decision = permissions.peut_transitionner(auteur, projet, vers)
        if not decision:
            raise TransitionRefusee(decision.raison)
    if vers == Statut.ABANDONNE:
        if not commentaire.strip() and not systeme:
            raise TransitionRefusee("Indiquez la raison de l'abandon.")
        for action in _ACTIONS_AVANT_ABANDON:
            action(projet=projet, auteur=auteur)
    projet.statut = vers
    if vers == Statut.NON_RETENU:
        projet.motif_non_retenu = commentaire
    projet.version += 1
    projet.save(update_fields=["statut", "motif_non_retenu", "version", "updated_at"])
    audit.tracer(
        objet=projet,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={"statut": [depuis, vers]},
        region=projet.region_id,
    )
    _evenement(
        projet,
        type=TypeEvenement.TRANSITION,
        auteur=auteur,
        avant=depuis,
        apres=vers,
        commentaire=commentaire,
    )
    _programmer_totaux(projet)
    return projet


@transaction.atomic
def donner_avis(*, projet_id: int, auteur, sens: str, commentaire: str = "") -> Avis:
    """Enregistre l'avis de l'État ou de la Région (selon le rôle de l'auteur).

    Le projet est verrouillé le temps de l'écriture : deux avis simultanés sur le
    même projet s'appliquent l'un après l'autre, et la décision (présélection ou
    non-retenue) est prise sur les deux avis en cours.
    """
    projet = _verrouiller(projet_id)
    decision = permissions.peut_donner_avis(auteur, projet)
    if not decision:
        raise PermissionRefusee(decision.raison)
    if sens not in SensAvis.values:
        raise ErreurProjet("L'avis doit être « favorable » ou « défavorable ».")
    commentaire = (commentaire or "").strip()
    if sens == SensAvis.DEFAVORABLE and not commentaire:
        raise ErreurProjet("Un avis défavorable doit être motivé : indiquez la raison.")
    cote = permissions.cote_de(auteur)
    for ancien in projet.avis.filter(cote=cote, en_cours=True):
        ancien.en_cours = False
        ancien.save(update_fields=["en_cours"])
        audit.tracer(
            objet=ancien,
            action=Action.MODIFICATION,
            auteur=auteur,
            changements={"en_cours": [True, False]},
            region=projet.region_id,
        )
    avis = Avis.objects.create(
        projet=projet, cote=cote, sens=sens, commentaire=commentaire, auteur=auteur
    )
    audit.tracer(
        objet=avis,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            "projet": [None, projet.pk],
            "cote": [None, cote],
            "sens": [None, sens],
            "commentaire": [None, commentaire],
        },
        region=projet.region_id,
    )
    if cote == Cote.ETAT:
        projet.avis_etat = sens
    else:
        projet.avis_region = sens
    projet.version += 1
    projet.save(update_fields=["avis_etat", "avis_region", "version", "updated_at"])
    libelle = "de l'État" if cote == Cote.ETAT else "de la Région"
    _evenement(
        projet,
        type=TypeEvenement.AVIS,
        auteur=auteur,
        commentaire=f"Avis {libelle} {SensAvis(sens).label.lower()}"
        + (f" : {commentaire}" if commentaire else "."),
    )
    issue = workflow.issue_des_avis(projet.avis_etat, projet.avis_region, commentaire)
    if issue.statut == Statut.PRESELECTIONNE:
        changer_statut(
            projet_id=projet.pk,
            auteur=auteur,
            vers=Statut.PRESELECTIONNE,
            commentaire="Avis favorables de l'État et de la Région.",
            systeme=True,
        )
    elif issue.statut == Statut.NON_RETENU:
        changer_statut(
            projet_id=projet.pk,
            auteur=auteur,
            vers=Statut.NON_RETENU,
            commentaire=f"Avis défavorable {libelle} : {issue.motif}",
            systeme=True,
        )
    _programmer_totaux(projet)
    return avis


@transaction.atomic
def donner_avis_en_lot(*, projet_ids: list[int], auteur, sens: str, commentaire: str = ""):
    """Le même avis sur plusieurs projets : tous ou aucun.

    Renvoie le nombre d'avis enregistrés ; lève `ErreurProjet` en listant les
    projets refusés, sans rien enregistrer.
    """
    refus = []
    for projet_id in sorted(set(projet_ids)):
        try:
            with transaction.atomic():
                donner_avis(projet_id=projet_id, auteur=auteur, sens=sens, commentaire=commentaire)
        except (ErreurProjet, Projet.DoesNotExist) as exc:
            raison = exc.message if isinstance(exc, ErreurProjet) else "projet introuvable"
            refus.append(f"projet n° {projet_id} : {raison}")
    if refus:
        raise ErreurProjet("Aucun avis enregistré. " + " ; ".join(refus))
    return len(set(projet_ids))
