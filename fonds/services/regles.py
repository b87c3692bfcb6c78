"""Ce que partagent les services du fonds : refus, montants, verrous et mouvements.

Ordre des verrous, partout le même pour éviter les interblocages : le projet,
puis l'enveloppe nationale, puis les enveloppes régionales par identifiant
croissant, puis les engagements.
"""

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from comptes import audit
from comptes.models import Action
from fonds import permissions
from fonds.models import ZERO, Dispositif, Enveloppe, Mouvement, TypeMouvement
from projets.saisie import ANNEE_MAX, ANNEE_MIN, MONTANT_MAX
from socle.erreurs import Conflit, Invalide, Refus
from socle.format_fr import format_euros
from territoires.models import Region

TYPES_MOUVEMENT_SAISIS = (
    TypeMouvement.DOTATION,
    TypeMouvement.ABONDEMENT,
    TypeMouvement.ANNULATION,
)
CENTIME = Decimal("0.01")


class DepassementEnveloppe(Conflit):
    """Le montant demandé dépasse le disponible (l'API répond 409 avec les deux montants)."""

    code = "depassement_enveloppe"

    def __init__(self, message: str, *, demande: Decimal, disponible: Decimal):
        super().__init__(message, demande=demande, disponible=disponible)


class DepassementEngagement(DepassementEnveloppe):
    """Un versement dépasserait le reste à verser de l'engagement."""

    code = "depassement_engagement"


def chiffres(demande: Decimal, disponible: Decimal, libelle: str = "disponible") -> str:
    """« Montant demandé : … ; disponible : … » : les deux montants d'un refus."""
    return (
        f"Montant demandé : {format_euros(demande, centimes=True)} ; "
        f"{libelle} : {format_euros(disponible, centimes=True)}."
    )


def montant_positif(montant, *, champ: str = "montant") -> Decimal:
    try:
        valeur = Decimal(str(montant))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise Invalide(f"Montant invalide : « {montant} ».", champ=champ) from exc
    if not valeur.is_finite():
        raise Invalide(f"Montant invalide : « {montant} ».", champ=champ)
    if valeur != valeur.quantize(CENTIME):
        raise Invalide(
            "Un montant s'exprime en euros et centimes (deux décimales au plus).", champ=champ
        )
    if valeur <= 0:
        raise Invalide("Le montant doit être strictement positif.", champ=champ)
    if valeur > MONTANT_MAX:
        raise Invalide(
            f"Un montant de plus de {format_euros(MONTANT_MAX)} est sans doute une erreur "
            "de saisie.",
            champ=champ,
        )
    return valeur.quantize(CENTIME)


def est_vide(montant) -> bool:
    """Un champ laissé vide ou à zéro (dans une répartition, la région n'est pas concernée)."""
    if montant is None or str(montant).strip() == "":
        return True
    try:
        return Decimal(str(montant)) == 0
    except (InvalidOperation, ValueError):
        return False


def motif_donne(motif: str) -> str:
    motif = (motif or "").strip()
    if not motif:
        raise Invalide(
            "Indiquez le motif du mouvement (texte, décision, loi de finances…).", champ="motif"
        )
    return motif


def annee_du_programme(annee, *, champ: str = "annee") -> int:
    try:
        annee = int(annee)
    except (TypeError, ValueError) as exc:
        raise Invalide(f"Année invalide : « {annee} ».", champ=champ) from exc
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise Invalide(f"L'année doit être comprise entre {ANNEE_MIN} et {ANNEE_MAX}.", champ=champ)
    return annee


def dispositif_connu(dispositif: Dispositif | int) -> Dispositif:
    if isinstance(dispositif, Dispositif):
        return dispositif
    try:
        return Dispositif.objects.get(pk=dispositif)
    except Dispositif.DoesNotExist as exc:
        raise Invalide("Dispositif inconnu.", champ="dispositif") from exc


def code_region(region: Region | str) -> str:
    return region.pk if isinstance(region, Region) else str(region)


def exiger_gestion(auteur) -> None:
    decision = permissions.peut_gerer_enveloppes(auteur)
    if not decision:
        raise Refus(decision.raison)


def somme_regionales(dispositif_id: int, annee: int) -> Decimal:
    zero = Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))
    return Enveloppe.objects.filter(
        dispositif_id=dispositif_id, annee=annee, region__isnull=False
    ).aggregate(total=Coalesce(Sum("montant"), zero))["total"]


def verrouiller_nationale(dispositif_id: int, annee: int) -> Enveloppe | None:
    return (
        Enveloppe.objects.select_for_update()
        .filter(dispositif_id=dispositif_id, annee=annee, region__isnull=True)
        .order_by("pk")  # pas l'ordre par défaut : ses jointures empêchent FOR UPDATE
        .first()
    )


def verrouiller(ids: Iterable[int]) -> dict[int, Enveloppe]:
    """Verrouille des enveloppes par identifiant croissant (ordre commun à tous les services)."""
    return {
        e.pk: e for e in Enveloppe.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def nom(enveloppe: Enveloppe) -> str:
    niveau = f"de la région {enveloppe.region.nom}" if enveloppe.region_id else "nationale"
    return f"l'enveloppe {niveau} {enveloppe.annee} ({enveloppe.dispositif.nom})"


def ecrire_mouvement(
    enveloppe: Enveloppe,
    *,
    type: str,
    variation: Decimal,
    date_effet: datetime.date,
    motif: str,
    auteur,
    operation: uuid.UUID | None = None,
) -> Mouvement:
    """Enregistre le mouvement puis recalcule le montant : la somme de tous les mouvements."""
    mouvement = Mouvement.objects.create(
        enveloppe=enveloppe,
        type=type,
        montant=variation,
        date_effet=date_effet,
        motif=motif,
        operation=operation,
        auteur=auteur,
    )
    avant = enveloppe.montant
    enveloppe.montant = enveloppe.mouvements.aggregate(total=Sum("montant"))["total"]
    enveloppe.save(update_fields=["montant", "updated_at"])
    region = enveloppe.region_id or ""
    audit.tracer(
        objet=mouvement,
        action=Action.CREATION,
        auteur=auteur,
        changements={"type": [None, type], "montant": [None, variation], "motif": [None, motif]},
        region=region,
    )
    audit.tracer(
        objet=enveloppe,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={"montant": [avant, enveloppe.montant]},
        region=region,
    )
    return mouvement


def verifier_retrait(enveloppe: Enveloppe, retrait: Decimal) -> None:
    """Un retrait ne fait descendre l'enveloppe ni sous ses engagements, ni sous ses régions."""
    plancher, raison = enveloppe.montant_engage, "ses crédits engagés"
    if enveloppe.est_nationale:
        reparti = somme_regionales(enveloppe.dispositif_id, enveloppe.annee)
        if reparti > plancher:
            plancher, raison = reparti, "la somme des enveloppes régionales"
    disponible = enveloppe.montant - plancher
    if retrait > disponible:
        raise DepassementEnveloppe(
            f"Retrait impossible : {nom(enveloppe)} ne peut pas descendre sous {raison} "
            f"({format_euros(plancher, centimes=True)}). " + chiffres(retrait, disponible),
            demande=retrait,
            disponible=disponible,
        )


def verifier_ajout_regional(
    enveloppe: Enveloppe, nationale: Enveloppe | None, ajout: Decimal
) -> None:
    """La somme des enveloppes régionales ne dépasse jamais l'enveloppe nationale."""
    if nationale is None:
        raise Invalide(
            f"Il n'existe pas d'enveloppe nationale {enveloppe.annee} pour le dispositif "
            f"« {enveloppe.dispositif.nom} » : créez-la et dotez-la d'abord."
        )
    disponible = nationale.montant - somme_regionales(enveloppe.dispositif_id, enveloppe.annee)
    if ajout > disponible:
        raise DepassementEnveloppe(
            "Les enveloppes régionales dépasseraient l'enveloppe nationale "
            f"{enveloppe.annee} ({format_euros(nationale.montant, centimes=True)}). "
            + chiffres(ajout, disponible, "reste à répartir"),
            demande=ajout,
            disponible=disponible,
        )
