"""Les engagements de crédits et leurs versements ; l'abandon d'un projet engagé.

- un engagement ne dépasse jamais le disponible de l'enveloppe, même quand
  plusieurs agents engagent en même temps : le disponible est lu après le verrou ;
- un versement ne dépasse jamais le reste à verser de son engagement ;
- un projet qui a reçu des crédits ne s'abandonne que par `abandonner_projet`, qui
  rend d'abord à l'enveloppe la part non versée, puis change le statut du projet.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from fonds import permissions
from fonds.models import ZERO, Engagement, StatutEngagement, Versement
from fonds.services.regles import (
    DepassementEngagement,
    DepassementEnveloppe,
    chiffres,
    montant_positif,
    nom,
    verrouiller,
)
from projets import faits, workflow
from projets import services as projets_services
from projets.models import Evenement, Projet, Statut, TypeEvenement
from socle.erreurs import Invalide, Refus
from socle.format_fr import format_euros
from socle.recalcul import demander_recalcul


def _exiger(decision, *, champ: str | None = None) -> None:
    """Un refus du droit de l'agent (403), ou d'un objet qui ne s'y prête pas (`champ`)."""
    if not decision:
        raise Invalide(decision.raison, champ=champ) if champ else Refus(decision.raison)


def _demander_recalcul(projet: Projet) -> None:
    demander_recalcul(territoires=[projet.territoire_id], regions=[projet.region_id])


@transaction.atomic
def engager(
    *,
    projet_id: int,
    enveloppe_id: int,
    montant: Decimal,
    auteur,
    date_engagement: datetime.date | None = None,
    commentaire: str = "",
) -> Engagement:
    """Réserve des crédits pour un projet sur l'enveloppe régionale de sa région et de son année.

    Le disponible est lu après le verrou de l'enveloppe : deux engagements
    simultanés s'appliquent l'un après l'autre et le second voit le premier.
    Un projet présélectionné passe à « engagé ».
    """
    projet = projets_services.verrouiller(projet_id)
    try:
        enveloppe = verrouiller([enveloppe_id])[enveloppe_id]
    except KeyError as exc:
        raise Invalide("Enveloppe introuvable.", champ="enveloppe") from exc
    _exiger(permissions.peut_engager(auteur, projet))
    _exiger(permissions.projet_engageable(projet), champ="projet")
    _exiger(permissions.enveloppe_eligible(projet, enveloppe), champ="enveloppe")
    montant = montant_positif(montant)
    deja_engage = sum(
        (
            e.montant - e.montant_libere
            for e in projet.engagements.exclude(statut=StatutEngagement.ANNULE)
        ),
        Decimal("0"),
    )
    if deja_engage + montant > projet.aide_sollicitee:
        raise Invalide(
            "Les crédits engagés ne peuvent pas dépasser l'aide sollicitée par le porteur. "
            + chiffres(montant, projet.aide_sollicitee - deja_engage, "reste sollicité"),
            champ="montant",
        )
    disponible = enveloppe.montant - enveloppe.montant_engage
    if montant > disponible:
        raise DepassementEnveloppe(
            f"Crédits insuffisants sur {nom(enveloppe)}. " + chiffres(montant, disponible),
            demande=montant,
            disponible=disponible,
        )
    commentaire = (commentaire or "").strip()
    engagement = Engagement.objects.create(
        projet=projet,
        enveloppe=enveloppe,
        montant=montant,
        statut=StatutEngagement.ENGAGE,
        date_engagement=date_engagement or timezone.localdate(),
        commentaire=commentaire,
        auteur=auteur,
    )
    audit.tracer(
        objet=engagement,
        action=Action.CREATION,
        auteur=auteur,
        changements={"projet": [None, projet.pk], "montant": [None, montant]},
        region=projet.region_id,
    )
    audit.tracer(
        objet=enveloppe,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={
            "montant_engage": [enveloppe.montant_engage, enveloppe.montant_engage + montant]
        },
        region=enveloppe.region_id or "",
    )
    enveloppe.montant_engage += montant
    enveloppe.save(update_fields=["montant_engage", "updated_at"])
    libelle = f"{format_euros(montant)} sur {nom(enveloppe)}"
    if projet.statut == Statut.PRESELECTIONNE:
        projets_services.changer_statut(
            projet_id=projet.pk,
            auteur=auteur,
            vers=Statut.ENGAGE,
            commentaire=f"Crédits engagés : {libelle}.",
            systeme=True,
        )
    Evenement.objects.create(
        projet=projet,
        type=TypeEvenement.ENGAGEMENT,
        auteur=auteur,
        commentaire=f"Engagement de {libelle}" + (f" : {commentaire}" if commentaire else "."),
    )
    faits.publier(
        "engagement_enregistre",
        projet,
        auteur,
        engagement_id=engagement.pk,
        montant=str(montant),
        montant_lisible=format_euros(montant),
    )
    _demander_recalcul(projet)
    return engagement


@transaction.atomic
def verser(
    *,
    engagement_id: int,
    montant: Decimal,
    date_versement: datetime.date,
    reference: str = "",
    auteur,
) -> Versement:
    """Enregistre un paiement, jamais au-delà du reste à verser ; l'engagement payé est soldé."""
    try:
        enveloppe_id = Engagement.objects.values_list("enveloppe_id", flat=True).get(
            pk=engagement_id
        )
    except Engagement.DoesNotExist as exc:
        raise Invalide("Engagement introuvable.", champ="engagement") from exc
    enveloppe = verrouiller([enveloppe_id])[enveloppe_id]
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("projet")
        .get(pk=engagement_id)
    )
    _exiger(permissions.peut_verser(auteur, engagement))
    _exiger(permissions.engagement_payable(engagement), champ="engagement")
    montant = montant_positif(montant)
    reste = engagement.montant - engagement.montant_libere - engagement.montant_verse
    if montant > reste:
        raise DepassementEngagement(
            "Le versement dépasse le reste à verser de l'engagement. "
            + chiffres(montant, reste, "reste à verser"),
            demande=montant,
            disponible=reste,
        )
    if date_versement < engagement.date_engagement:
        raise Invalide(
            "Un versement ne peut pas précéder l'engagement "
            f"(engagé le {engagement.date_engagement:%d/%m/%Y}).",
            champ="date_versement",
        )
    versement = Versement.objects.create(
        engagement=engagement,
        montant=montant,
        date_versement=date_versement,
        reference=(reference or "").strip(),
        auteur=auteur,
    )
    avant = audit.instantane(engagement, ["montant_verse", "statut"])
    engagement.montant_verse += montant
    if engagement.montant_verse == engagement.montant_net:
        engagement.statut = StatutEngagement.SOLDE
    engagement.save(update_fields=["montant_verse", "statut", "updated_at"])
    verse_avant = enveloppe.montant_verse
    enveloppe.montant_verse += montant
    enveloppe.save(update_fields=["montant_verse", "updated_at"])
    projet = engagement.projet
    region = projet.region_id
    audit.tracer(
        objet=enveloppe,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={"montant_verse": [verse_avant, enveloppe.montant_verse]},
        region=enveloppe.region_id or "",
    )
    audit.tracer(
        objet=versement,
        action=Action.CREATION,
        auteur=auteur,
        changements={"engagement": [None, engagement.pk], "montant": [None, montant]},
        region=region,
    )
    audit.tracer(
        objet=engagement,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements=audit.differences(
            avant, audit.instantane(engagement, ["montant_verse", "statut"])
        ),
        region=region,
    )
    Evenement.objects.create(
        projet=projet,
        type=TypeEvenement.VERSEMENT,
        auteur=auteur,
        commentaire=f"Versement de {format_euros(montant)} le {date_versement:%d/%m/%Y}"
        + (f" (référence {versement.reference})" if versement.reference else "")
        + f" sur l'engagement de {format_euros(engagement.montant)} ; "
        f"reste à verser : {format_euros(engagement.montant_net - engagement.montant_verse)}.",
    )
    faits.publier(
        "versement_enregistre",
        projet,
        auteur,
        versement_id=versement.pk,
        montant=str(montant),
        montant_lisible=format_euros(montant),
    )
    _demander_recalcul(projet)
    return versement


def _liberer_engagements(projet: Projet, auteur) -> Decimal:
    """La part non versée des engagements d'un projet revient à leurs enveloppes.

    Le projet est déjà verrouillé ; un engagement sans versement est annulé, un
    engagement en partie payé est soldé. Renvoie le montant libéré.
    """
    actifs = Engagement.objects.filter(
        projet_id=projet.pk, statut__in=permissions.STATUTS_ENGAGEMENT_ACTIFS
    )
    enveloppes = verrouiller(set(actifs.values_list("enveloppe_id", flat=True)))
    if not enveloppes:
        return ZERO
    engages_avant = {pk: e.montant_engage for pk, e in enveloppes.items()}
    total = ZERO
    for engagement in actifs.select_for_update().order_by("pk"):
        libere = engagement.montant - engagement.montant_libere - engagement.montant_verse
        avant = audit.instantane(engagement, ["montant_libere", "statut"])
        engagement.montant_libere += libere
        engagement.statut = (
            StatutEngagement.ANNULE if engagement.montant_verse == 0 else StatutEngagement.SOLDE
        )
        engagement.save(update_fields=["montant_libere", "statut", "updated_at"])
        audit.tracer(
            objet=engagement,
            action=Action.MODIFICATION,
            auteur=auteur,
            changements=audit.differences(
                avant, audit.instantane(engagement, ["montant_libere", "statut"])
            ),
            region=projet.region_id,
        )
        enveloppes[engagement.enveloppe_id].montant_engage -= libere
        total += libere
    for enveloppe in enveloppes.values():
        enveloppe.save(update_fields=["montant_engage", "updated_at"])
        audit.tracer(
            objet=enveloppe,
            action=Action.MODIFICATION,
            auteur=auteur,
            changements={"montant_engage": [engages_avant[enveloppe.pk], enveloppe.montant_engage]},
            region=enveloppe.region_id or "",
        )
    Evenement.objects.create(
        projet_id=projet.pk,
        type=TypeEvenement.ENGAGEMENT,
        auteur=auteur,
        commentaire=(
            f"Abandon du projet : {format_euros(total)} de crédits non versés rendus à l'enveloppe."
        ),
    )
    return total


@transaction.atomic
def abandonner_projet(*, projet_id: int, auteur, commentaire: str) -> Projet:
    """Abandonne un projet ; s'il a reçu des crédits, la part non versée revient d'abord à
    l'enveloppe (l'engagement sans versement est annulé, celui en partie payé soldé).

    Le projet est verrouillé avant les enveloppes (ordre commun des verrous) ; le droit
    de l'agent et la raison de l'abandon sont vérifiés par `changer_statut`, dans la
    même transaction : un refus n'a rien libéré.
    """
    projet = projets_services.verrouiller(projet_id)
    if not (decision := workflow.transition_permise(projet.statut, Statut.ABANDONNE)):
        raise Invalide(decision.raison, champ="vers")
    _liberer_engagements(projet, auteur)
    return projets_services.changer_statut(
        projet_id=projet.pk,
        auteur=auteur,
        vers=Statut.ABANDONNE,
        commentaire=commentaire,
        credits_liberes=True,
    )


def changer_statut_du_projet(*, projet_id: int, auteur, vers: str, commentaire: str = "") -> Projet:
    """Le changement de statut demandé par un agent (page ou API) : un abandon passe par
    `abandonner_projet`, qui rend les crédits ; tout autre, par le service des projets."""
    if vers == Statut.ABANDONNE:
        return abandonner_projet(projet_id=projet_id, auteur=auteur, commentaire=commentaire)
    return projets_services.changer_statut(
        projet_id=projet_id, auteur=auteur, vers=vers, commentaire=commentaire
    )
