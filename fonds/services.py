"""Toutes les écritures sur les enveloppes, les engagements et les versements.

Règles du programme tenues ici, sous verrou de ligne (`select_for_update`) dans
la transaction :

- le montant d'une enveloppe est la somme de ses mouvements, jamais un nombre
  saisi ; une enveloppe ne descend jamais sous zéro ni sous ses crédits engagés ;
- la somme des enveloppes régionales d'un dispositif pour une année ne dépasse
  jamais l'enveloppe nationale ;
- une anticipation (crédits d'une année avancés sur une autre) ou un
  redéploiement (d'une région à une autre) est une paire de mouvements de même
  `operation` : le total du dispositif ne change pas ;
- un engagement ne dépasse jamais le disponible de l'enveloppe, même quand
  plusieurs agents engagent en même temps : le disponible est lu après le verrou.

Ordre des verrous, partout le même pour éviter les interblocages : le projet,
puis l'enveloppe nationale, puis les enveloppes régionales par identifiant
croissant, puis les engagements.
"""

import datetime
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import DecimalField, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from config.celery import programmer_recalcul_totaux
from config.format_fr import format_euros
from fonds import permissions
from fonds.models import (
    ZERO,
    Dispositif,
    Engagement,
    Enveloppe,
    Mouvement,
    StatutEngagement,
    TypeMouvement,
    Versement,
)
from projets import services as projets_services
from projets.models import MONTANT_MAX, Evenement, Projet, Statut, TypeEvenement
from territoires.models import Region

ANNEE_MIN, ANNEE_MAX = 2018, 2030
TYPES_MOUVEMENT_SAISIS = (
    TypeMouvement.DOTATION,
    TypeMouvement.ABONDEMENT,
    TypeMouvement.ANNULATION,
)
CENTIME = Decimal("0.01")


class ErreurFonds(Exception):
    """Refus métier, avec un message en français pour l'utilisateur ; rien n'est écrit."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class PermissionRefusee(ErreurFonds):
    pass


class DepassementEnveloppe(ErreurFonds):
    """Le montant demandé dépasse le disponible (l'API répond 409 avec les deux montants)."""

    def __init__(self, message: str, *, demande: Decimal, disponible: Decimal):
        self.demande = demande
        self.disponible = disponible
        super().__init__(message)


class DepassementEngagement(DepassementEnveloppe):
    """Un versement dépasserait le reste à verser de l'engagement."""


# --- Outils -----------------------------------------------------------------


def _chiffres(demande: Decimal, disponible: Decimal, libelle: str = "disponible") -> str:
    return (
        f"Montant demandé : {format_euros(demande, centimes=True)} ; "
        f"{libelle} : {format_euros(disponible, centimes=True)}."
    )


def _montant_positif(montant) -> Decimal:
    try:
        valeur = Decimal(str(montant))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ErreurFonds(f"Montant invalide : « {montant} ».") from exc
    if not valeur.is_finite():
        raise ErreurFonds(f"Montant invalide : « {montant} ».")
    if valeur != valeur.quantize(CENTIME):
        raise ErreurFonds("Un montant s'exprime en euros et centimes (deux décimales au plus).")
    if valeur <= 0:
        raise ErreurFonds("Le montant doit être strictement positif.")
    if valeur > MONTANT_MAX:
        raise ErreurFonds(
            f"Un montant de plus de {format_euros(MONTANT_MAX)} est sans doute une erreur "
            "de saisie."
        )
    return valeur.quantize(CENTIME)


def _est_vide(montant) -> bool:
    """Un champ laissé vide ou à zéro (dans une répartition, la région n'est pas concernée)."""
    if montant is None or str(montant).strip() == "":
        return True
    try:
        return Decimal(str(montant)) == 0
    except (InvalidOperation, ValueError):
        return False


def _motif(motif: str) -> str:
    motif = (motif or "").strip()
    if not motif:
        raise ErreurFonds("Indiquez le motif du mouvement (texte, décision, loi de finances…).")
    return motif


def _annee(annee) -> int:
    try:
        annee = int(annee)
    except (TypeError, ValueError) as exc:
        raise ErreurFonds(f"Année invalide : « {annee} ».") from exc
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise ErreurFonds(f"L'année doit être comprise entre {ANNEE_MIN} et {ANNEE_MAX}.")
    return annee


def _dispositif(dispositif: Dispositif | int) -> Dispositif:
    if isinstance(dispositif, Dispositif):
        return dispositif
    try:
        return Dispositif.objects.get(pk=dispositif)
    except Dispositif.DoesNotExist as exc:
        raise ErreurFonds("Dispositif inconnu.") from exc


def _code_region(region: Region | str) -> str:
    return region.pk if isinstance(region, Region) else str(region)


def _exiger_gestion(auteur) -> None:
    decision = permissions.peut_gerer_enveloppes(auteur)
    if not decision:
        raise PermissionRefusee(decision.raison)


def _somme_regionales(dispositif_id: int, annee: int) -> Decimal:
    zero = Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))
    return Enveloppe.objects.filter(
        dispositif_id=dispositif_id, annee=annee, region__isnull=False
    ).aggregate(total=Coalesce(Sum("montant"), zero))["total"]


def _verrouiller_nationale(dispositif_id: int, annee: int) -> Enveloppe | None:
    return (
        Enveloppe.objects.select_for_update()
        .filter(dispositif_id=dispositif_id, annee=annee, region__isnull=True)
        .order_by("pk")  # pas l'ordre par défaut : ses jointures empêchent FOR UPDATE
        .first()
    )


def _verrouiller(ids: Iterable[int]) -> dict[int, Enveloppe]:
    """Verrouille des enveloppes par identifiant croissant (ordre commun à tous les services)."""
    return {
        e.pk: e for e in Enveloppe.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def _ecrire_mouvement(
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


def _nom(enveloppe: Enveloppe) -> str:
    niveau = f"de la région {enveloppe.region.nom}" if enveloppe.region_id else "nationale"
    return f"l'enveloppe {niveau} {enveloppe.annee} ({enveloppe.dispositif.nom})"


def _verifier_retrait(enveloppe: Enveloppe, retrait: Decimal) -> None:
    """Un retrait ne fait descendre l'enveloppe ni sous ses engagements, ni sous ses régions."""
    plancher, raison = enveloppe.montant_engage, "ses crédits engagés"
    if enveloppe.est_nationale:
        reparti = _somme_regionales(enveloppe.dispositif_id, enveloppe.annee)
        if reparti > plancher:
            plancher, raison = reparti, "la somme des enveloppes régionales"
    disponible = enveloppe.montant - plancher
    if retrait > disponible:
        raise DepassementEnveloppe(
            f"Retrait impossible : {_nom(enveloppe)} ne peut pas descendre sous {raison} "
            f"({format_euros(plancher, centimes=True)}). " + _chiffres(retrait, disponible),
            demande=retrait,
            disponible=disponible,
        )


def _verifier_ajout_regional(
    enveloppe: Enveloppe, nationale: Enveloppe | None, ajout: Decimal
) -> None:
    """La somme des enveloppes régionales ne dépasse jamais l'enveloppe nationale."""
    if nationale is None:
        raise ErreurFonds(
            f"Il n'existe pas d'enveloppe nationale {enveloppe.annee} pour le dispositif "
            f"« {enveloppe.dispositif.nom} » : créez-la et dotez-la d'abord."
        )
    disponible = nationale.montant - _somme_regionales(enveloppe.dispositif_id, enveloppe.annee)
    if ajout > disponible:
        raise DepassementEnveloppe(
            "Les enveloppes régionales dépasseraient l'enveloppe nationale "
            f"{enveloppe.annee} ({format_euros(nationale.montant, centimes=True)}). "
            + _chiffres(ajout, disponible, "reste à répartir"),
            demande=ajout,
            disponible=disponible,
        )


def _programmer(enveloppes: Iterable[Enveloppe]) -> None:
    programmer_recalcul_totaux(regions=[e.region_id for e in enveloppes if e.region_id])


# --- Enveloppes et mouvements ------------------------------------------------


@transaction.atomic
def creer_enveloppe(
    *, dispositif: Dispositif | int, annee: int, region: Region | str | None = None, auteur
) -> Enveloppe:
    """Crée une enveloppe vide (nationale si `region` est vide) ; ses crédits viennent des
    mouvements."""
    _exiger_gestion(auteur)
    dispositif = _dispositif(dispositif)
    annee = _annee(annee)
    code = _code_region(region) if region is not None else None
    if code is not None and not Region.objects.filter(pk=code).exists():
        raise ErreurFonds(f"Région inconnue : « {code} ».")
    if Enveloppe.objects.filter(dispositif=dispositif, annee=annee, region_id=code).exists():
        niveau = "régionale" if code else "nationale"
        raise ErreurFonds(
            f"L'enveloppe {niveau} {annee} du dispositif « {dispositif.nom} » existe déjà."
        )
    enveloppe = Enveloppe.objects.create(dispositif=dispositif, annee=annee, region_id=code)
    audit.tracer(
        objet=enveloppe,
        action=Action.CREATION,
        auteur=auteur,
        changements={"dispositif": [None, dispositif.code], "annee": [None, annee]},
        region=code or "",
    )
    return enveloppe


@transaction.atomic
def ajouter_mouvement(
    *,
    enveloppe_id: int,
    type: str,
    montant: Decimal,
    date_effet: datetime.date,
    motif: str,
    auteur,
) -> Mouvement:
    """Dotation, abondement ou annulation de crédits sur une enveloppe.

    `montant` est positif : le type dit si les crédits sont ajoutés (dotation,
    abondement) ou retirés (annulation).
    """
    _exiger_gestion(auteur)
    if type not in TYPES_MOUVEMENT_SAISIS:
        raise ErreurFonds(
            "Un mouvement saisi est une dotation, un abondement ou une annulation ; "
            "anticipations, répartitions et redéploiements ont leur propre opération."
        )
    montant = _montant_positif(montant)
    motif = _motif(motif)
    try:
        cible = Enveloppe.objects.get(pk=enveloppe_id)
    except Enveloppe.DoesNotExist as exc:
        raise ErreurFonds("Enveloppe introuvable.") from exc
    nationale = _verrouiller_nationale(cible.dispositif_id, cible.annee)
    enveloppe = nationale if cible.est_nationale else _verrouiller([cible.pk])[cible.pk]
    if type == TypeMouvement.ANNULATION:
        _verifier_retrait(enveloppe, montant)
        variation = -montant
    else:
        if not enveloppe.est_nationale:
            _verifier_ajout_regional(enveloppe, nationale, montant)
        variation = montant
    mouvement = _ecrire_mouvement(
        enveloppe,
        type=type,
        variation=variation,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
    )
    _programmer([enveloppe])
    return mouvement


@transaction.atomic
def anticiper(
    *,
    dispositif: Dispositif | int,
    annee_source: int,
    annee_cible: int,
    montant: Decimal,
    date_effet: datetime.date,
    motif: str,
    auteur,
) -> tuple[Mouvement, Mouvement]:
    """Avance des crédits d'une année sur une autre, au niveau national.

    Le collectif budgétaire 2020 a ajouté 100 M€ à 2020 « par anticipation des
    crédits 2021 » : l'enveloppe 2021 baisse d'autant que 2020 monte, et le total
    du fonds (400 M€) ne change pas. Les deux mouvements partagent une `operation`.
    """
    _exiger_gestion(auteur)
    dispositif = _dispositif(dispositif)
    annee_source, annee_cible = _annee(annee_source), _annee(annee_cible)
    if annee_source == annee_cible:
        raise ErreurFonds("Les années de départ et d'arrivée doivent être différentes.")
    montant = _montant_positif(montant)
    motif = _motif(motif)
    source_id = (
        Enveloppe.objects.filter(dispositif=dispositif, annee=annee_source, region__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    if source_id is None:
        raise ErreurFonds(
            f"Il n'existe pas d'enveloppe nationale {annee_source} pour le dispositif "
            f"« {dispositif.nom} » : rien à anticiper."
        )
    cible, _ = Enveloppe.objects.get_or_create(
        dispositif=dispositif, annee=annee_cible, region=None
    )
    verrouillees = _verrouiller([source_id, cible.pk])
    source, cible = verrouillees[source_id], verrouillees[cible.pk]
    _verifier_retrait(source, montant)
    operation = uuid.uuid4()
    sortie = _ecrire_mouvement(
        source,
        type=TypeMouvement.ANTICIPATION,
        variation=-montant,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
        operation=operation,
    )
    entree = _ecrire_mouvement(
        cible,
        type=TypeMouvement.ANTICIPATION,
        variation=montant,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
        operation=operation,
    )
    return sortie, entree


@transaction.atomic
def repartir(
    *,
    enveloppe_nationale_id: int,
    montants_par_region: dict[str, Decimal],
    date_effet: datetime.date,
    motif: str,
    auteur,
) -> list[Mouvement]:
    """Répartit une part de l'enveloppe nationale entre des régions (tout ou rien).

    Les enveloppes régionales manquantes sont créées ; la répartition est refusée,
    sans rien écrire, si la somme des enveloppes régionales dépassait la nationale.
    """
    _exiger_gestion(auteur)
    motif = _motif(motif)
    montants = {
        _code_region(code): _montant_positif(montant)
        for code, montant in montants_par_region.items()
        if not _est_vide(montant)
    }
    if not montants:
        raise ErreurFonds("Indiquez le montant d'au moins une région.")
    connues = set(Region.objects.filter(pk__in=montants).values_list("pk", flat=True))
    inconnues = sorted(set(montants) - connues)
    if inconnues:
        raise ErreurFonds(f"Région inconnue : {', '.join(inconnues)}.")
    nationale = _verrouiller([enveloppe_nationale_id]).get(enveloppe_nationale_id)
    if nationale is None or not nationale.est_nationale:
        raise ErreurFonds("Seule une enveloppe nationale se répartit entre les régions.")
    regionales = list(
        Enveloppe.objects.select_for_update()
        .filter(dispositif_id=nationale.dispositif_id, annee=nationale.annee)
        .exclude(region__isnull=True)
        .order_by("pk")
    )
    demande = sum(montants.values(), ZERO)
    disponible = nationale.montant - sum((e.montant for e in regionales), ZERO)
    if demande > disponible:
        raise DepassementEnveloppe(
            "Répartition refusée : les enveloppes régionales dépasseraient l'enveloppe "
            f"nationale {nationale.annee} ({format_euros(nationale.montant, centimes=True)}). "
            + _chiffres(demande, disponible, "reste à répartir"),
            demande=demande,
            disponible=disponible,
        )
    par_region = {e.region_id: e for e in regionales}
    operation = uuid.uuid4()
    mouvements = []
    for code in sorted(montants):
        enveloppe = par_region.get(code) or Enveloppe.objects.create(
            dispositif_id=nationale.dispositif_id, annee=nationale.annee, region_id=code
        )
        mouvements.append(
            _ecrire_mouvement(
                enveloppe,
                type=TypeMouvement.REPARTITION,
                variation=montants[code],
                date_effet=date_effet,
                motif=motif,
                auteur=auteur,
                operation=operation,
            )
        )
    programmer_recalcul_totaux(regions=sorted(montants))
    return mouvements


@transaction.atomic
def redeployer(
    *,
    dispositif: Dispositif | int,
    annee: int,
    region_source: Region | str,
    region_cible: Region | str,
    montant: Decimal,
    date_effet: datetime.date,
    motif: str,
    auteur,
) -> tuple[Mouvement, Mouvement]:
    """Déplace des crédits non engagés d'une région vers une autre, la même année."""
    _exiger_gestion(auteur)
    dispositif = _dispositif(dispositif)
    annee = _annee(annee)
    code_source, code_cible = _code_region(region_source), _code_region(region_cible)
    if code_source == code_cible:
        raise ErreurFonds("Les régions de départ et d'arrivée doivent être différentes.")
    if not Region.objects.filter(pk=code_cible).exists():
        raise ErreurFonds(f"Région inconnue : « {code_cible} ».")
    montant = _montant_positif(montant)
    motif = _motif(motif)
    # La nationale d'abord (ordre commun des verrous), même si son montant ne change pas.
    _verrouiller_nationale(dispositif.pk, annee)
    source_id = (
        Enveloppe.objects.filter(dispositif=dispositif, annee=annee, region_id=code_source)
        .values_list("pk", flat=True)
        .first()
    )
    if source_id is None:
        raise ErreurFonds(
            f"La région {code_source} n'a pas d'enveloppe {annee} pour le dispositif "
            f"« {dispositif.nom} »."
        )
    cible, _ = Enveloppe.objects.get_or_create(
        dispositif=dispositif, annee=annee, region_id=code_cible
    )
    verrouillees = _verrouiller([source_id, cible.pk])
    source, cible = verrouillees[source_id], verrouillees[cible.pk]
    _verifier_retrait(source, montant)
    operation = uuid.uuid4()
    sortie = _ecrire_mouvement(
        source,
        type=TypeMouvement.REDEPLOIEMENT,
        variation=-montant,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
        operation=operation,
    )
    entree = _ecrire_mouvement(
        cible,
        type=TypeMouvement.REDEPLOIEMENT,
        variation=montant,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
        operation=operation,
    )
    _programmer([source, cible])
    return sortie, entree


# --- Engagements et versements -----------------------------------------------


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
    try:
        projet = Projet.objects.select_for_update().get(pk=projet_id)
    except Projet.DoesNotExist as exc:
        raise ErreurFonds("Projet introuvable.") from exc
    try:
        enveloppe = _verrouiller([enveloppe_id])[enveloppe_id]
    except KeyError as exc:
        raise ErreurFonds("Enveloppe introuvable.") from exc
    decision = permissions.peut_engager(auteur, projet, enveloppe)
    if not decision:
        raise PermissionRefusee(decision.raison)
    montant = _montant_positif(montant)
    deja_engage = sum(
        (e.montant - e.montant_libere for e in projet.engagements.exclude(statut="annule")),
        Decimal("0"),
    )
    if deja_engage + montant > projet.aide_sollicitee:
        raise ErreurFonds(
            "Les crédits engagés ne peuvent pas dépasser l'aide sollicitée par le porteur. "
            + _chiffres(montant, projet.aide_sollicitee - deja_engage, "reste sollicité")
        )
    disponible = enveloppe.montant - enveloppe.montant_engage
    if montant > disponible:
        raise DepassementEnveloppe(
            f"Crédits insuffisants sur {_nom(enveloppe)}. " + _chiffres(montant, disponible),
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
    libelle = f"{format_euros(montant)} sur {_nom(enveloppe)}"
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
    programmer_recalcul_totaux(territoires=[projet.territoire_id], regions=[projet.region_id])
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
        raise ErreurFonds("Engagement introuvable.") from exc
    enveloppe = _verrouiller([enveloppe_id])[enveloppe_id]
    engagement = (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("projet")
        .get(pk=engagement_id)
    )
    decision = permissions.peut_verser(auteur, engagement)
    if not decision:
        raise PermissionRefusee(decision.raison)
    montant = _montant_positif(montant)
    reste = engagement.montant - engagement.montant_libere - engagement.montant_verse
    if montant > reste:
        raise DepassementEngagement(
            "Le versement dépasse le reste à verser de l'engagement. "
            + _chiffres(montant, reste, "reste à verser"),
            demande=montant,
            disponible=reste,
        )
    if date_versement < engagement.date_engagement:
        raise ErreurFonds(
            "Un versement ne peut pas précéder l'engagement "
            f"(engagé le {engagement.date_engagement:%d/%m/%Y})."
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
    enveloppe.montant_verse += montant
    enveloppe.save(update_fields=["montant_verse", "updated_at"])
    projet = engagement.projet
    region = projet.region_id
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
    programmer_recalcul_totaux(territoires=[projet.territoire_id], regions=[projet.region_id])
    return versement


@transaction.atomic
def liberer_engagements_du_projet(*, projet: Projet, auteur) -> Decimal:
    """Avant l'abandon d'un projet : la part non versée de ses engagements revient à l'enveloppe.

    Appelée par `projets.services.changer_statut` (le projet est déjà verrouillé) ;
    un engagement sans versement est annulé, un engagement en partie payé est soldé.
    Renvoie le montant libéré.
    """
    actifs = Engagement.objects.filter(
        projet_id=projet.pk, statut__in=permissions.STATUTS_ENGAGEMENT_ACTIFS
    )
    enveloppes = _verrouiller(set(actifs.values_list("enveloppe_id", flat=True)))
    if not enveloppes:
        return ZERO
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
    Evenement.objects.create(
        projet_id=projet.pk,
        type=TypeEvenement.ENGAGEMENT,
        auteur=auteur,
        commentaire=(
            f"Abandon du projet : {format_euros(total)} de crédits non versés rendus à l'enveloppe."
        ),
    )
    programmer_recalcul_totaux(territoires=[projet.territoire_id], regions=[projet.region_id])
    return total
