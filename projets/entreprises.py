"""Les entreprises porteuses de projets : qui peut changer leur nom et leur taille.

Une entreprise (un SIREN, public) est partagée par tous les projets qui la nomment, de toutes
les régions. Son nom et sa taille ne changent que par `modifier_entreprise`, pour un agent
qui voit chacun de ses projets (ou l'équipe nationale) : sinon une préfecture renommerait,
en créant un projet, l'entreprise telle que la voient les autres régions. Un projet saisi
avec le SIREN d'une entreprise connue, par un agent qui ne peut pas la modifier, lui est
rattaché telle qu'elle est ; le service le dit (`Porteur.avertissement`).

Chaque création et chaque modification d'une entreprise est tracée (avant, après).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from comptes import audit
from comptes.models import Action
from projets.models import Entreprise
from projets.permissions import peut_modifier_entreprise
from socle.erreurs import Invalide, Refus

CHAMPS = ["siren", "raison_sociale", "taille"]


@dataclass(frozen=True)
class Porteur:
    entreprise: Entreprise
    avertissement: str = ""


def _tracer(entreprise, action, auteur, changements, region):
    audit.tracer(
        objet=entreprise, action=action, auteur=auteur, changements=changements, region=region
    )


@transaction.atomic
def creer_entreprise(*, auteur, siren: str, raison_sociale: str, taille: str, region: str = ""):
    entreprise = Entreprise.objects.create(
        siren=siren, raison_sociale=raison_sociale, taille=taille
    )
    apres = audit.instantane(entreprise, CHAMPS)
    _tracer(entreprise, Action.CREATION, auteur, {c: [None, v] for c, v in apres.items()}, region)
    return entreprise


@transaction.atomic
def modifier_entreprise(
    *, auteur, entreprise_id: int, raison_sociale: str, taille: str, region: str = ""
) -> Entreprise:
    """Le seul changement du nom ou de la taille d'une entreprise, tracé avant et après."""
    try:
        entreprise = Entreprise.objects.select_for_update().get(pk=entreprise_id)
    except Entreprise.DoesNotExist as exc:
        raise Invalide("Entreprise introuvable.", champ="porteur_siren") from exc
    if not (decision := peut_modifier_entreprise(auteur, entreprise)):
        raise Refus(decision.raison)
    avant = audit.instantane(entreprise, CHAMPS)
    entreprise.raison_sociale = raison_sociale
    entreprise.taille = taille
    changements = audit.differences(avant, audit.instantane(entreprise, CHAMPS))
    if changements:
        entreprise.full_clean(validate_unique=False)
        entreprise.save(update_fields=["raison_sociale", "taille"])
        _tracer(entreprise, Action.MODIFICATION, auteur, changements, region)
    return entreprise


def porteur_pour(*, auteur, siren: str, raison_sociale: str, taille: str, region: str) -> Porteur:
    """L'entreprise d'un projet saisi : créée si le SIREN est nouveau ; modifiée si l'agent en
    a le droit ; sinon prise telle qu'elle est, avec un avertissement."""
    entreprise = Entreprise.objects.select_for_update().filter(siren=siren).first()
    if entreprise is None:
        try:
            with transaction.atomic():
                return Porteur(
                    creer_entreprise(
                        auteur=auteur,
                        siren=siren,
                        raison_sociale=raison_sociale,
                        taille=taille,
                        region=region,
                    )
                )
        except IntegrityError:  # créée à l'instant par une autre requête
            entreprise = Entreprise.objects.select_for_update().get(siren=siren)
    if (entreprise.raison_sociale, entreprise.taille) == (raison_sociale, taille):
        return Porteur(entreprise)
    if peut_modifier_entreprise(auteur, entreprise):
        entreprise = modifier_entreprise(
            auteur=auteur,
            entreprise_id=entreprise.pk,
            raison_sociale=raison_sociale,
            taille=taille,
            region=region,
        )
        return Porteur(entreprise)
    return Porteur(
        entreprise,
        avertissement=(
            f"Le SIREN {siren} est celui de « {entreprise.raison_sociale} » "
            f"({entreprise.get_taille_display()}), qui porte aussi des projets hors de votre "
            "périmètre : le projet lui est rattaché telle qu'elle est, sans changer son nom ni "
            "sa taille. "
            "Pour les corriger, écrivez à l'équipe nationale du programme."
        ),
    )
