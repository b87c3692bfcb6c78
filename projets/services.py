"""Toutes les écritures sur les projets et leurs avis.

Chaque fonction prend des arguments nommés, vérifie les règles (`saisie.valider`) et
la permission (`permissions`), écrit dans une transaction, trace l'événement (qui,
quand, quoi) et demande le recalcul des totaux des périmètres touchés
(`socle.recalcul`). Un refus lève une erreur de `socle.erreurs` : rien n'est écrit.

L'abandon d'un projet qui a reçu des crédits passe par le fonds
(`fonds.services.abandonner_projet`), qui rend d'abord la part non versée à son
enveloppe : ce module ne connaît pas les crédits.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from projets import entreprises, faits, permissions, workflow
from projets.models import (
    Avis,
    Cote,
    Evenement,
    Projet,
    SensAvis,
    Statut,
    TypeEvenement,
)
from projets.saisie import (
    CHAMPS_DU_PROJET,
    FACULTATIFS,
    ProjetValide,
    Referentiel,
    SaisieProjet,
    commentaire_borne,
    valider,
)
from socle.erreurs import Conflit, Invalide, Refus
from socle.recalcul import demander_recalcul

MESSAGE_VERSION_PERIMEE = (
    "Ce projet a été modifié par quelqu'un d'autre depuis l'ouverture du formulaire. "
    "Rechargez la page pour voir la version actuelle ; vos saisies n'ont pas été enregistrées."
)

# Les champs dont le journal d'audit garde l'avant et l'après.
CHAMPS_SUIVIS = [
    *CHAMPS_DU_PROJET,
    "territoire",
    "commune",
    "porteur",
    "statut",
    "region",
    "departement",
    "epci",
]


def _valeur_json(valeur):
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    if hasattr(valeur, "pk"):
        return str(valeur)
    return valeur


def _demander_recalcul(projet: Projet) -> None:
    demander_recalcul(territoires=[projet.territoire_id], regions=[projet.region_id])


def _porteur(auteur, saisie: SaisieProjet, valide: ProjetValide) -> entreprises.Porteur:
    return entreprises.porteur_pour(
        auteur=auteur,
        siren=saisie.porteur_siren,
        raison_sociale=saisie.porteur_raison_sociale,
        taille=saisie.porteur_taille,
        region=valide.region_id,
    )


def _exiger(decision) -> None:
    if not decision:
        raise Refus(decision.raison)


def verifier_creation(
    *, auteur, saisie: SaisieProjet, referentiel: Referentiel | None = None
) -> ProjetValide:
    """Les règles de saisie, puis le périmètre de l'auteur : ce que `creer_projet` vérifie
    avant d'écrire (l'import d'un tableur le vérifie aussi, ligne à ligne, à blanc)."""
    valide = valider(saisie, referentiel=referentiel)
    _exiger(
        permissions.peut_creer(
            auteur, region_code=valide.region_id, departement_code=valide.departement_id
        )
    )
    return valide


def _placer(projet: Projet, valide: ProjetValide) -> None:
    for champ in CHAMPS_DU_PROJET:
        valeur = getattr(valide.saisie, champ)
        if valeur is None and champ in FACULTATIFS:
            valeur = ""  # un champ facultatif laissé vide
        setattr(projet, champ, valeur)
    projet.territoire = valide.territoire
    projet.commune = valide.commune
    projet.epci_id = valide.epci_id
    projet.departement_id = valide.departement_id
    projet.region_id = valide.region_id


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
def creer_projet(
    *,
    auteur,
    saisie: SaisieProjet,
    deposer: bool = False,
    source: str = TypeEvenement.CREATION,
    referentiel: Referentiel | None = None,
) -> Projet:
    """Crée un projet en brouillon (et le dépose si `deposer`)."""
    valide = verifier_creation(auteur=auteur, saisie=saisie, referentiel=referentiel)
    porteur = _porteur(auteur, saisie, valide)
    projet = Projet(porteur=porteur.entreprise, cree_par=auteur, statut=Statut.BROUILLON)
    _placer(projet, valide)
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
    _demander_recalcul(projet)
    projet.avertissements = [porteur.avertissement] if porteur.avertissement else []
    return projet


def verrouiller(projet_id: int) -> Projet:
    """La ligne du projet, verrouillée jusqu'à la fin de la transaction ; elle seule.

    `of=("self",)` : sans lui, PostgreSQL verrouillerait aussi la ligne du territoire
    jointe par `select_related`, si bien que deux transactions qui touchent des projets
    du même territoire (avis en lot de la préfecture et de la région, engagement et
    abandon) s'attendraient, voire s'interbloqueraient.
    """
    try:
        return (
            Projet.objects.select_for_update(of=("self",))
            .select_related("territoire", "porteur")
            .get(pk=projet_id)
        )
    except Projet.DoesNotExist as exc:
        raise Invalide("Projet introuvable.", champ="projet") from exc


@transaction.atomic
def modifier_projet(
    *, projet_id: int, auteur, saisie: SaisieProjet, version_attendue: int
) -> Projet:
    """Modifie un projet ; refuse si le projet a changé depuis `version_attendue`."""
    projet = verrouiller(projet_id)
    _exiger(permissions.peut_modifier(auteur, projet))
    if projet.version != version_attendue:
        raise Conflit(MESSAGE_VERSION_PERIMEE, code="version_perimee")
    valide = verifier_creation(auteur=auteur, saisie=saisie)
    avant = audit.instantane(projet, CHAMPS_SUIVIS)
    anciens_perimetres = (projet.territoire_id, projet.region_id)
    ancien_porteur = projet.porteur
    porteur = _porteur(auteur, saisie, valide)
    projet.avertissements = [porteur.avertissement] if porteur.avertissement else []
    projet.porteur = porteur.entreprise
    _placer(projet, valide)
    changements = {
        champ: [_valeur_json(ancien), _valeur_json(nouveau)]
        for champ, (ancien, nouveau) in audit.differences(
            avant, audit.instantane(projet, CHAMPS_SUIVIS)
        ).items()
    }
    if not changements:
        return projet
    if "porteur" in changements:
        changements["porteur"] = [str(ancien_porteur), str(porteur.entreprise)]
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
    demander_recalcul(
        territoires=[projet.territoire_id, anciens_perimetres[0]],
        regions=[projet.region_id, anciens_perimetres[1]],
    )
    return projet


@transaction.atomic
def changer_statut(
    *,
    projet_id: int,
    auteur,
    vers: str,
    commentaire: str = "",
    systeme: bool = False,
    credits_liberes: bool = False,
) -> Projet:
    """Seul point de passage d'un statut à un autre.

    `systeme=True` est réservé aux transitions qui résultent des avis ou d'un
    engagement de crédits : elles ne sont pas soumises au rôle de l'auteur, mais
    doivent figurer parmi les transitions du cycle de vie. Un projet qui a reçu des
    crédits ne s'abandonne qu'avec `credits_liberes=True` : seul le fonds, qui les a
    rendus à l'enveloppe, le dit (`fonds.services.abandonner_projet`).
    """
    commentaire = commentaire_borne(commentaire)
    projet = verrouiller(projet_id)
    depuis = projet.statut
    if not (decision := workflow.transition_permise(depuis, vers, systeme=systeme)):
        raise Invalide(decision.raison, champ="vers")
    if not systeme:
        _exiger(permissions.peut_transitionner(auteur, projet, vers))
    if vers == Statut.ABANDONNE:
        if not commentaire.strip() and not systeme:
            raise Invalide("Indiquez la raison de l'abandon.", champ="commentaire")
        if depuis in workflow.STATUTS_AVEC_CREDITS and not credits_liberes:
            raise Invalide(workflow.MESSAGE_ABANDON_AVEC_CREDITS, champ="vers")
    projet.statut = vers
    changements = {"statut": [depuis, vers]}
    if vers == Statut.NON_RETENU:
        projet.motif_non_retenu = commentaire
    if vers == Statut.EN_INSTRUCTION:
        echeance = timezone.localdate() + datetime.timedelta(days=workflow.DELAI_AVIS_JOURS)
        changements["date_limite_avis"] = [_valeur_json(projet.date_limite_avis), str(echeance)]
        projet.date_limite_avis = echeance
    projet.version += 1
    projet.save(
        update_fields=["statut", "motif_non_retenu", "date_limite_avis", "version", "updated_at"]
    )
    audit.tracer(
        objet=projet,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements=changements,
        region=projet.region_id,
    )
    if vers in faits.FAITS_DES_STATUTS:
        faits.publier(faits.FAITS_DES_STATUTS[vers], projet, auteur)
    _evenement(
        projet,
        type=TypeEvenement.TRANSITION,
        auteur=auteur,
        avant=depuis,
        apres=vers,
        commentaire=commentaire,
    )
    _demander_recalcul(projet)
    return projet


def _desactiver_avis_en_cours(projet: Projet, cote: str, auteur) -> None:
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


def _avis_motive(sens: str, commentaire: str) -> str:
    """Un avis est favorable ou défavorable ; un avis défavorable dit pourquoi."""
    if sens not in SensAvis.values:
        raise Invalide("L'avis doit être « favorable » ou « défavorable ».", champ="sens")
    commentaire = commentaire_borne(commentaire)
    if sens == SensAvis.DEFAVORABLE and not commentaire:
        raise Invalide(
            "Un avis défavorable doit être motivé : indiquez la raison.", champ="commentaire"
        )
    return commentaire


@transaction.atomic
def donner_avis(*, projet_id: int, auteur, sens: str, commentaire: str = "") -> Avis:
    """Enregistre l'avis de l'État ou de la Région (selon le rôle de l'auteur).

    Le projet est verrouillé le temps de l'écriture : deux avis simultanés sur le
    même projet s'appliquent l'un après l'autre, et la décision (présélection ou
    non-retenue) est prise sur les deux avis en cours.
    """
    projet = verrouiller(projet_id)
    _exiger(permissions.peut_donner_avis(auteur, projet))
    commentaire = _avis_motive(sens, commentaire)
    cote = permissions.cote_de(auteur)
    _desactiver_avis_en_cours(projet, cote, auteur)
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
    champ = "avis_etat" if cote == Cote.ETAT else "avis_region"
    avant = getattr(projet, champ)
    setattr(projet, champ, sens)
    projet.version += 1
    projet.save(update_fields=["avis_etat", "avis_region", "version", "updated_at"])
    audit.tracer(
        objet=projet,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={champ: [avant, sens]},
        region=projet.region_id,
    )
    libelle = "de l'État" if cote == Cote.ETAT else "de la Région"
    _evenement(
        projet,
        type=TypeEvenement.AVIS,
        auteur=auteur,
        commentaire=f"Avis {libelle} {SensAvis(sens).label.lower()}"
        + (f" : {commentaire}" if commentaire else "."),
    )
    faits.publier("avis_donne", projet, auteur, cote=cote, sens=sens, commentaire=commentaire)
    if projet.avis_etat and projet.avis_region and projet.avis_etat != projet.avis_region:
        faits.publier(
            "desaccord", projet, auteur, avis_etat=projet.avis_etat, avis_region=projet.avis_region
        )
    issue = workflow.issue_des_avis(projet.avis_etat, projet.avis_region, commentaire)
    if issue.statut == projet.statut:
        # Le second avis d'un projet déjà non retenu : enregistré, le statut ne change pas.
        pass
    elif issue.statut == Statut.PRESELECTIONNE:
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
    _demander_recalcul(projet)
    return avis


@transaction.atomic
def donner_avis_en_lot(*, projet_ids: list[int], auteur, sens: str, commentaire: str = ""):
    """Le même avis sur plusieurs projets : tous ou aucun.

    Renvoie le nombre d'avis enregistrés ; lève `Invalide` en listant les projets
    refusés, sans rien enregistrer.
    """
    commentaire = _avis_motive(sens, commentaire)
    refus = []
    for projet_id in sorted(set(projet_ids)):
        try:
            with transaction.atomic():
                donner_avis(projet_id=projet_id, auteur=auteur, sens=sens, commentaire=commentaire)
        except (Invalide, Refus) as exc:
            refus.append(f"projet n° {projet_id} : {exc.message}")
    if refus:
        raise Invalide("Aucun avis enregistré. " + " ; ".join(refus))
    return len(set(projet_ids))
