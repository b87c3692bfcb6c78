"""Engager des crédits pour plusieurs projets d'un coup, sur une même enveloppe : tout ou rien.

C'est ce que fait l'application d'une simulation de programmation : la décision porte
sur un ensemble de projets, qui sont tous engagés ou aucun. Les projets sont
verrouillés (par identifiant croissant), puis l'enveloppe, une fois (ordre commun des
verrous, `regles.py`) ; chaque ligne est vérifiée par les règles d'`engager` (droit de
l'agent, projet présélectionné, enveloppe de sa région et de son année, plafond de
l'aide sollicitée) et la somme par le disponible lu après le verrou. Un refus nomme
chaque ligne en cause, avec ses montants ; rien n'est écrit. Puis chaque engagement
est écrit par `engager` lui-même (les verrous sont déjà pris) : trace, statut du
projet, historique et demande de recalcul sont ceux d'un engagement seul.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from fonds import permissions
from fonds.models import ZERO, Engagement, StatutEngagement
from fonds.services.engagements import engager
from fonds.services.regles import DepassementEnveloppe, chiffres, montant_positif, nom, verrouiller
from projets.models import Projet, Statut
from socle.erreurs import Conflit, Invalide, Refus
from socle.format_fr import format_euros


class LignesNonEngageables(Conflit):
    """Des lignes d'un lot ne peuvent pas être engagées (projet qui n'est plus présélectionné,
    montant au-delà de l'aide sollicitée…) : l'API répond 409, le message les nomme."""

    code = "lignes_non_engageables"


def _verrouiller_projets(ids: list[int]) -> dict[int, Projet]:
    return {
        p.pk: p
        for p in Projet.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    }


def _deja_engage(ids: list[int]) -> dict[int, Decimal]:
    """Les crédits déjà engagés (nets des parts libérées) de chaque projet, en une requête."""
    return dict(
        Engagement.objects.filter(projet_id__in=ids)
        .exclude(statut=StatutEngagement.ANNULE)
        .order_by()
        .values("projet_id")
        .annotate(net=Sum(F("montant") - F("montant_libere")))
        .values_list("projet_id", "net")
    )


def _refus_de_la_ligne(projet: Projet, montant: Decimal, deja: Decimal, enveloppe) -> str:
    """Pourquoi cette ligne ne peut pas être engagée ; "" si elle le peut."""
    libelle = f"« {projet.intitule} » (n° {projet.pk}, {format_euros(montant, centimes=True)})"
    if projet.statut != Statut.PRESELECTIONNE:
        return (
            f"{libelle} : le projet est « {projet.get_statut_display().lower()} », "
            "il n'est pas présélectionné"
        )
    if not (decision := permissions.enveloppe_eligible(projet, enveloppe)):
        return f"{libelle} : {decision.raison}"
    try:
        montant_positif(montant)
    except Invalide as exc:
        return f"{libelle} : {exc.message}"
    if deja + montant > projet.aide_sollicitee:
        return (
            f"{libelle} : au-delà de l'aide sollicitée par le porteur ("
            f"{format_euros(projet.aide_sollicitee - deja, centimes=True)} au plus)"
        )
    return ""


@transaction.atomic
def engager_en_lot(
    *,
    enveloppe_id: int,
    montants: Mapping[int, Decimal],
    auteur,
    commentaire: str = "",
    libelle: str = "le lot",
    prepare_le: datetime.datetime | None = None,
    date_engagement: datetime.date | None = None,
) -> list[Engagement]:
    """Engage `montants` ({projet: montant}) sur l'enveloppe, tout ou rien.

    `libelle` nomme le lot dans les refus (« la simulation « Juin » ») ; `prepare_le` est
    l'instant où le lot a été préparé : si l'enveloppe a changé depuis, le refus le dit.
    """
    if not montants:
        raise Invalide("Aucun projet à engager.")
    ids = sorted(montants)
    projets = _verrouiller_projets(ids)
    try:
        enveloppe = verrouiller([enveloppe_id])[enveloppe_id]
    except KeyError as exc:
        raise Invalide("Enveloppe introuvable.", champ="enveloppe") from exc
    introuvables = [pk for pk in ids if pk not in projets]
    if introuvables:
        raise Invalide(f"Projets introuvables : n° {', '.join(map(str, introuvables))}.")
    for projet in projets.values():
        if not (decision := permissions.peut_engager(auteur, projet)):
            raise Refus(f"« {projet.intitule} » : {decision.raison}")
    deja = _deja_engage(ids)
    refus = [
        raison
        for pk in ids
        if (raison := _refus_de_la_ligne(projets[pk], montants[pk], deja.get(pk, ZERO), enveloppe))
    ]
    if refus:
        pluriel = "s" if len(refus) > 1 else ""
        raise LignesNonEngageables(
            f"Aucun engagement enregistré : {len(refus)} ligne{pluriel} de {libelle} ne "
            f"peu{'vent' if refus[1:] else 't'} pas être engagée{pluriel}. "
            + " ; ".join(refus)
            + "."
        )
    total = sum((montants[pk] for pk in ids), ZERO)
    disponible = enveloppe.montant - enveloppe.montant_engage
    if total > disponible:
        change = ""
        if prepare_le is not None and enveloppe.updated_at > prepare_le:
            change = (
                f" L'enveloppe a changé depuis (engagements ou mouvements enregistrés le "
                f"{timezone.localtime(enveloppe.updated_at):%d/%m/%Y à %H:%M})."
            )
        raise DepassementEnveloppe(
            f"Crédits insuffisants sur {nom(enveloppe)} : {libelle} engagerait "
            f"{len(ids)} projet{'s' if len(ids) > 1 else ''}, au-delà du disponible. "
            + chiffres(total, disponible)
            + change
            + f" Retirez au moins {format_euros(total - disponible, centimes=True)}.",
            demande=total,
            disponible=disponible,
        )
    return [
        engager(
            projet_id=pk,
            enveloppe_id=enveloppe.pk,
            montant=montants[pk],
            auteur=auteur,
            date_engagement=date_engagement,
            commentaire=commentaire,
        )
        for pk in ids
    ]
