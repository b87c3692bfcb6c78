"""Les enveloppes et leurs mouvements : création, dotation, répartition, anticipation,
redéploiement.

Règles du programme tenues ici, sous verrou de ligne (`select_for_update`) dans la
transaction :

- le montant d'une enveloppe est la somme de ses mouvements, jamais un nombre
  saisi ; une enveloppe ne descend jamais sous zéro ni sous ses crédits engagés ;
- la somme des enveloppes régionales d'un dispositif pour une année ne dépasse
  jamais l'enveloppe nationale ;
- une anticipation (crédits d'une année avancés sur une autre) ou un
  redéploiement (d'une région à une autre) est une paire de mouvements de même
  `operation` : le total du dispositif ne change pas.

Chaque mouvement change les chiffres des tableaux de bord : le recalcul des régions
touchées (et du national) est demandé dans la même transaction.
"""

import datetime
import uuid
from decimal import Decimal

from django.db import transaction

from comptes import audit
from comptes.models import Action
from fonds.models import ZERO, Dispositif, Enveloppe, Mouvement, TypeMouvement
from fonds.services.regles import (
    TYPES_MOUVEMENT_SAISIS,
    DepassementEnveloppe,
    annee_du_programme,
    chiffres,
    code_region,
    dispositif_connu,
    ecrire_mouvement,
    est_vide,
    exiger_gestion,
    montant_positif,
    motif_donne,
    verifier_ajout_regional,
    verifier_retrait,
    verrouiller,
    verrouiller_nationale,
)
from socle.erreurs import Invalide
from socle.format_fr import format_euros
from socle.recalcul import demander_recalcul
from territoires.models import Region


def _demander_recalcul(enveloppes) -> None:
    """Le national est toujours recalculé ; les régions de ces enveloppes aussi."""
    demander_recalcul(regions=[e.region_id for e in enveloppes if e.region_id])


def _deplacer(
    source_id: int,
    cible_id: int,
    *,
    type: str,
    montant: Decimal,
    date_effet: datetime.date,
    motif: str,
    auteur,
) -> tuple[Mouvement, Mouvement]:
    """`montant` sort de la source et entre dans la cible : deux mouvements de même
    `operation` (le total ne change pas), les deux enveloppes verrouillées, le retrait
    vérifié (`verifier_retrait`)."""
    verrouillees = verrouiller([source_id, cible_id])
    source, cible = verrouillees[source_id], verrouillees[cible_id]
    verifier_retrait(source, montant)
    operation = uuid.uuid4()
    sortie, entree = (
        ecrire_mouvement(
            enveloppe,
            type=type,
            variation=variation,
            date_effet=date_effet,
            motif=motif,
            auteur=auteur,
            operation=operation,
        )
        for enveloppe, variation in ((source, -montant), (cible, montant))
    )
    _demander_recalcul([source, cible])
    return sortie, entree


@transaction.atomic
def creer_enveloppe(
    *, dispositif: Dispositif | int, annee: int, region: Region | str | None = None, auteur
) -> Enveloppe:
    """Crée une enveloppe vide (nationale si `region` est vide) ; ses crédits viennent des
    mouvements."""
    exiger_gestion(auteur)
    dispositif = dispositif_connu(dispositif)
    annee = annee_du_programme(annee)
    code = code_region(region) if region is not None else None
    if code is not None and not Region.objects.filter(pk=code).exists():
        raise Invalide(f"Région inconnue : « {code} ».", champ="region")
    if Enveloppe.objects.filter(dispositif=dispositif, annee=annee, region_id=code).exists():
        niveau = "régionale" if code else "nationale"
        raise Invalide(
            f"L'enveloppe {niveau} {annee} du dispositif « {dispositif.nom} » existe déjà."
        )
    return _nouvelle_enveloppe(dispositif, annee, code, auteur)


def _nouvelle_enveloppe(dispositif: Dispositif, annee: int, code: str | None, auteur) -> Enveloppe:
    """Une enveloppe vide, et sa trace de création (création seule, ou par une répartition)."""
    enveloppe = Enveloppe.objects.create(dispositif=dispositif, annee=annee, region_id=code)
    audit.tracer(
        objet=enveloppe,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            "dispositif": [None, dispositif.code],
            "annee": [None, annee],
            "region": [None, code],
        },
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
    exiger_gestion(auteur)
    if type not in TYPES_MOUVEMENT_SAISIS:
        raise Invalide(
            "Un mouvement saisi est une dotation, un abondement ou une annulation ; "
            "anticipations, répartitions et redéploiements ont leur propre opération."
        )
    montant = montant_positif(montant)
    motif = motif_donne(motif)
    try:
        cible = Enveloppe.objects.get(pk=enveloppe_id)
    except Enveloppe.DoesNotExist as exc:
        raise Invalide("Enveloppe introuvable.") from exc
    nationale = verrouiller_nationale(cible.dispositif_id, cible.annee)
    enveloppe = nationale if cible.est_nationale else verrouiller([cible.pk])[cible.pk]
    if type == TypeMouvement.ANNULATION:
        verifier_retrait(enveloppe, montant)
        variation = -montant
    else:
        if not enveloppe.est_nationale:
            verifier_ajout_regional(enveloppe, nationale, montant)
        variation = montant
    mouvement = ecrire_mouvement(
        enveloppe,
        type=type,
        variation=variation,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
    )
    _demander_recalcul([enveloppe])
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
    exiger_gestion(auteur)
    dispositif = dispositif_connu(dispositif)
    annee_source = annee_du_programme(annee_source, champ="annee_source")
    annee_cible = annee_du_programme(annee_cible, champ="annee_cible")
    if annee_source == annee_cible:
        raise Invalide(
            "Les années de départ et d'arrivée doivent être différentes.", champ="annee_cible"
        )
    montant = montant_positif(montant)
    motif = motif_donne(motif)
    source_id = (
        Enveloppe.objects.filter(dispositif=dispositif, annee=annee_source, region__isnull=True)
        .values_list("pk", flat=True)
        .first()
    )
    if source_id is None:
        raise Invalide(
            f"Il n'existe pas d'enveloppe nationale {annee_source} pour le dispositif "
            f"« {dispositif.nom} » : rien à anticiper."
        )
    cible, _ = Enveloppe.objects.get_or_create(
        dispositif=dispositif, annee=annee_cible, region=None
    )
    return _deplacer(
        source_id,
        cible.pk,
        type=TypeMouvement.ANTICIPATION,
        montant=montant,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
    )


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
    exiger_gestion(auteur)
    motif = motif_donne(motif)
    montants = {
        code_region(code): montant_positif(montant)
        for code, montant in montants_par_region.items()
        if not est_vide(montant)
    }
    if not montants:
        raise Invalide("Indiquez le montant d'au moins une région.")
    connues = set(Region.objects.filter(pk__in=montants).values_list("pk", flat=True))
    inconnues = sorted(set(montants) - connues)
    if inconnues:
        raise Invalide(f"Région inconnue : {', '.join(inconnues)}.", champ="montants")
    nationale = verrouiller([enveloppe_nationale_id]).get(enveloppe_nationale_id)
    if nationale is None or not nationale.est_nationale:
        raise Invalide("Seule une enveloppe nationale se répartit entre les régions.")
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
            + chiffres(demande, disponible, "reste à répartir"),
            demande=demande,
            disponible=disponible,
        )
    par_region = {e.region_id: e for e in regionales}
    operation = uuid.uuid4()
    mouvements = []
    for code in sorted(montants):
        enveloppe = par_region.get(code) or _nouvelle_enveloppe(
            nationale.dispositif, nationale.annee, code, auteur
        )
        mouvements.append(
            ecrire_mouvement(
                enveloppe,
                type=TypeMouvement.REPARTITION,
                variation=montants[code],
                date_effet=date_effet,
                motif=motif,
                auteur=auteur,
                operation=operation,
            )
        )
    demander_recalcul(regions=sorted(montants))
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
    exiger_gestion(auteur)
    dispositif = dispositif_connu(dispositif)
    annee = annee_du_programme(annee)
    code_source, code_cible = code_region(region_source), code_region(region_cible)
    if code_source == code_cible:
        raise Invalide(
            "Les régions de départ et d'arrivée doivent être différentes.", champ="region_cible"
        )
    if not Region.objects.filter(pk=code_cible).exists():
        raise Invalide(f"Région inconnue : « {code_cible} ».", champ="region_cible")
    montant = montant_positif(montant)
    motif = motif_donne(motif)
    # La nationale d'abord (ordre commun des verrous), même si son montant ne change pas.
    verrouiller_nationale(dispositif.pk, annee)
    source_id = (
        Enveloppe.objects.filter(dispositif=dispositif, annee=annee, region_id=code_source)
        .values_list("pk", flat=True)
        .first()
    )
    if source_id is None:
        raise Invalide(
            f"La région {code_source} n'a pas d'enveloppe {annee} pour le dispositif "
            f"« {dispositif.nom} ».",
            champ="region_source",
        )
    cible, _ = Enveloppe.objects.get_or_create(
        dispositif=dispositif, annee=annee, region_id=code_cible
    )
    return _deplacer(
        source_id,
        cible.pk,
        type=TypeMouvement.REDEPLOIEMENT,
        montant=montant,
        date_effet=date_effet,
        motif=motif,
        auteur=auteur,
    )
