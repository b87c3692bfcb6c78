"""Toutes les écritures des simulations de programmation.

- une simulation porte sur une enveloppe régionale que l'agent peut programmer
  (`permissions`), et ne reçoit que des projets candidats de sa région et de son année ;
- un montant proposé est positif ou nul, au centime, et ne dépasse pas ce que le
  porteur sollicite encore (aide sollicitée moins les crédits déjà engagés) ;
- chaque ligne a sa `version` : une modification fondée sur une version périmée est
  refusée (`Conflit`), avec la valeur qu'un autre agent vient d'enregistrer ; la
  simulation a la sienne, augmentée à chaque changement d'une ligne : on n'applique
  que ce que l'on a vu ;
- appliquer une simulation engage ses lignes incluses par `fonds.services.engager_en_lot`
  (sous le verrou de l'enveloppe, tout ou rien), puis la fige et publie l'événement
  `simulation_appliquee` pour la Région ;
- chaque changement est au journal d'audit (`comptes.audit.tracer`).
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from fonds import services as fonds_services
from fonds.models import Engagement
from programmation import permissions, regles, selectors
from programmation.models import ZERO, LigneSimulation, Simulation
from projets.models import Statut
from socle import evenements
from socle.erreurs import Invalide


def _tracer(objet, *, action: str, auteur, changements: dict, simulation: Simulation) -> None:
    audit.tracer(
        objet=objet,
        action=action,
        auteur=auteur,
        changements=changements,
        region=simulation.enveloppe.region_id,
    )


def _verrouiller(simulation_id: int) -> Simulation:
    try:
        return (
            Simulation.objects.select_for_update(of=("self",))
            .select_related("enveloppe__region", "enveloppe__dispositif")
            .get(pk=simulation_id)
        )
    except Simulation.DoesNotExist as exc:
        raise Invalide("Simulation introuvable.", champ="simulation") from exc


def _nouvelle(enveloppe, nom: str, auteur) -> Simulation:
    """La simulation nommée ; un nom pris entre-temps par un autre agent est refusé comme
    un nom déjà pris (la contrainte d'unicité de la base tranche)."""
    try:
        with transaction.atomic():
            return Simulation.objects.create(
                enveloppe=enveloppe, nom=nom, auteur=auteur, modifiee_par=auteur
            )
    except IntegrityError as exc:
        raise Invalide(
            f"Une simulation de cette enveloppe s'appelle déjà « {nom} » : choisissez un autre "
            "nom.",
            champ="nom",
        ) from exc


def _lignes_par_defaut(simulation: Simulation, projets, *, auteur, inclure: bool) -> list:
    """Une ligne par projet : ce qu'il sollicite encore ; incluse s'il est présélectionné
    (et si `inclure`)."""
    lignes = [
        LigneSimulation(
            simulation=simulation,
            projet=projet,
            montant=max(projet.aide_sollicitee - projet.deja_engage, ZERO),
            incluse=inclure and projet.statut == Statut.PRESELECTIONNE,
            modifiee_par=auteur,
        )
        for projet in projets.annotate(deja_engage=selectors.deja_engage("pk")).order_by("pk")
    ]
    return LigneSimulation.objects.bulk_create(lignes)


@transaction.atomic
def creer_simulation(
    *, auteur, region: str, annee: int, nom: str, dispositif: str = selectors.FONDS
) -> Simulation:
    """Une simulation de l'enveloppe régionale, avec une ligne par projet candidat."""
    annee = regles.annee_du_programme(annee)
    enveloppe = regles.enveloppe_a_programmer(
        auteur=auteur, region=region, annee=annee, dispositif=dispositif
    )
    simulation = _nouvelle(enveloppe, regles.nom_libre(nom, enveloppe.pk), auteur)
    lignes = _lignes_par_defaut(
        simulation, selectors.candidats(region, annee), auteur=auteur, inclure=True
    )
    _tracer(
        simulation,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            "nom": [None, simulation.nom],
            "enveloppe": [None, enveloppe.pk],
            "lignes": [0, len(lignes)],
        },
        simulation=simulation,
    )
    return simulation


@transaction.atomic
def dupliquer(*, simulation_id: int, auteur, nom: str) -> Simulation:
    """Une copie de la simulation (mêmes lignes, mêmes montants), sous un autre nom."""
    source = _verrouiller(simulation_id)
    regles.exiger(permissions.peut_modifier(auteur, source))
    copie = _nouvelle(source.enveloppe, regles.nom_libre(nom, source.enveloppe_id), auteur)
    lignes = LigneSimulation.objects.bulk_create(
        LigneSimulation(
            simulation=copie,
            projet_id=ligne.projet_id,
            montant=ligne.montant,
            incluse=ligne.incluse,
            modifiee_par=auteur,
        )
        for ligne in source.lignes.order_by("pk")
    )
    _tracer(
        copie,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            "nom": [None, copie.nom],
            "copie_de": [None, source.pk],
            "lignes": [0, len(lignes)],
        },
        simulation=copie,
    )
    return copie


def _changee(simulation: Simulation, auteur) -> None:
    simulation.version += 1
    simulation.modifiee_par = auteur
    simulation.save(update_fields=["version", "modifiee_par", "updated_at"])


@transaction.atomic
def modifier_ligne(
    *,
    ligne_id: int,
    auteur,
    version_attendue: int,
    montant: Decimal | None = None,
    incluse: bool | None = None,
) -> LigneSimulation:
    """Change le montant proposé et/ou l'inclusion d'une ligne ; refuse une version périmée."""
    try:
        simulation_id = LigneSimulation.objects.values_list("simulation_id", flat=True).get(
            pk=ligne_id
        )
    except LigneSimulation.DoesNotExist as exc:
        raise Invalide("Ligne introuvable.", champ="ligne") from exc
    simulation = _verrouiller(simulation_id)
    regles.exiger(permissions.peut_modifier(auteur, simulation))
    regles.modifiable(simulation)
    ligne = (
        LigneSimulation.objects.select_related("projet", "modifiee_par")
        .annotate(deja_engage=selectors.deja_engage())
        .get(pk=ligne_id)
    )
    if ligne.version != version_attendue:
        raise regles.ligne_perimee(ligne)
    avant = audit.instantane(ligne, ["montant", "incluse"])
    if montant is not None:
        ligne.montant = regles.montant_propose(montant, projet=ligne.projet, deja=ligne.deja_engage)
    if incluse is not None:
        ligne.incluse = bool(incluse)
    changements = audit.differences(avant, audit.instantane(ligne, ["montant", "incluse"]))
    if not changements:
        return ligne
    ligne.version += 1
    ligne.modifiee_par = auteur
    ligne.save(update_fields=["montant", "incluse", "version", "modifiee_par", "updated_at"])
    _changee(simulation, auteur)
    _tracer(
        ligne,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements=changements,
        simulation=simulation,
    )
    return ligne


@transaction.atomic
def ajouter_ligne(
    *,
    simulation_id: int,
    projet_id: int,
    auteur,
    version_attendue: int | None = None,
    montant: Decimal | None = None,
    incluse: bool = True,
) -> LigneSimulation:
    """Ajoute un projet candidat ; montant par défaut : ce que le porteur sollicite encore."""
    simulation = _verrouiller(simulation_id)
    regles.exiger(permissions.peut_modifier(auteur, simulation))
    regles.modifiable(simulation)
    regles.version_a_jour(simulation, version_attendue)
    projet = regles.candidat(simulation, projet_id, auteur=auteur)
    deja = selectors.deja_engage_de(projet.pk)
    valeur = max(projet.aide_sollicitee - deja, ZERO) if montant is None else montant
    ligne = LigneSimulation.objects.create(
        simulation=simulation,
        projet=projet,
        montant=regles.montant_propose(valeur, projet=projet, deja=deja),
        incluse=bool(incluse),
        modifiee_par=auteur,
    )
    _changee(simulation, auteur)
    _tracer(
        ligne,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            "projet": [None, projet.pk],
            "montant": [None, ligne.montant],
            "incluse": [None, ligne.incluse],
        },
        simulation=simulation,
    )
    return ligne


@transaction.atomic
def ajouter_candidats(*, simulation_id: int, auteur, version_attendue: int) -> int:
    """Ajoute les projets devenus candidats depuis la création, non inclus : les agents
    décident de les financer. Renvoie leur nombre."""
    simulation = _verrouiller(simulation_id)
    regles.exiger(permissions.peut_modifier(auteur, simulation))
    regles.modifiable(simulation)
    regles.version_a_jour(simulation, version_attendue)
    lignes = _lignes_par_defaut(
        simulation, selectors.nouveaux_candidats(simulation), auteur=auteur, inclure=False
    )
    if lignes:
        _changee(simulation, auteur)
        _tracer(
            simulation,
            action=Action.MODIFICATION,
            auteur=auteur,
            changements={"projets_ajoutes": [None, [ligne.projet_id for ligne in lignes]]},
            simulation=simulation,
        )
    return len(lignes)


@transaction.atomic
def appliquer(*, simulation_id: int, auteur, version_attendue: int | None) -> list[Engagement]:
    """Les lignes incluses deviennent des engagements, tout ou rien ; la simulation est figée.

    Les projets passent à « engagé » et les totaux suivent (par `engager`) ; la Région
    est prévenue par l'événement `simulation_appliquee`.
    """
    simulation = _verrouiller(simulation_id)
    regles.exiger(permissions.peut_appliquer(auteur, simulation))
    regles.modifiable(simulation)
    regles.version_a_jour(simulation, version_attendue)
    montants = dict(
        simulation.lignes.filter(incluse=True)
        .order_by("projet_id")
        .values_list("projet_id", "montant")
    )
    if not montants:
        raise Invalide("Aucune ligne n'est incluse dans la simulation : rien à engager.")
    engagements = fonds_services.engager_en_lot(
        enveloppe_id=simulation.enveloppe_id,
        montants=montants,
        auteur=auteur,
        commentaire=f"Simulation de programmation « {simulation.nom} ».",
        libelle=f"la simulation « {simulation.nom} »",
        prepare_le=simulation.updated_at,
    )
    total = sum((e.montant for e in engagements), ZERO)
    simulation.appliquee_le = timezone.now()
    simulation.appliquee_par = auteur
    simulation.modifiee_par = auteur
    simulation.version += 1
    simulation.save(
        update_fields=["appliquee_le", "appliquee_par", "modifiee_par", "version", "updated_at"]
    )
    region = simulation.enveloppe.region_id
    _tracer(
        simulation,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={
            "appliquee_le": [None, simulation.appliquee_le],
            "engagements": [None, [e.pk for e in engagements]],
            "montant_engage": [None, total],
        },
        simulation=simulation,
    )
    evenements.publier(
        "simulation_appliquee",
        acteur=auteur,
        region=region,
        simulation_id=simulation.pk,
        nom=simulation.nom,
        annee=simulation.enveloppe.annee,
        dispositif=simulation.enveloppe.dispositif.code,
        enveloppe_id=simulation.enveloppe_id,
        nb_engagements=len(engagements),
        montant=str(total),
        projets=sorted(montants),
    )
    return engagements
