"""Les règles des simulations, vérifiées par les services avant toute écriture.

Chacune lève une erreur métier (`socle.erreurs`) dont le message est montré tel quel :
droit de l'agent (`Refus`), simulation appliquée ou version périmée (`Conflit`), saisie
qui ne respecte pas une règle (`Invalide`, rattachée à son champ).
"""

from decimal import Decimal, InvalidOperation

from django.utils import timezone

from fonds.models import Dispositif
from programmation import permissions, selectors
from programmation.models import ZERO, LigneSimulation, Simulation
from projets.models import Projet
from projets.saisie import ANNEE_MAX, ANNEE_MIN, MONTANT_MAX
from projets.selectors import projets_visibles_par
from socle.erreurs import Conflit, Invalide, Refus
from socle.format_fr import format_euros

CENTIME = Decimal("0.01")
NOM_MAX = Simulation._meta.get_field("nom").max_length


def exiger(decision) -> None:
    if not decision:
        raise Refus(decision.raison)


def modifiable(simulation: Simulation) -> None:
    if not (decision := permissions.simulation_modifiable(simulation)):
        raise Conflit(decision.raison, code="simulation_appliquee")


def version_a_jour(simulation: Simulation, version_attendue: int | None) -> None:
    if version_attendue is not None and simulation.version != version_attendue:
        quand = timezone.localtime(simulation.updated_at)
        raise Conflit(
            f"La simulation a changé depuis que vous l'avez ouverte (modifiée par "
            f"{simulation.modifiee_par.username} le {quand:%d/%m/%Y à %H:%M}) : relisez-la, "
            "rien n'a été enregistré.",
            code="version_perimee",
        )


def nom_libre(nom: str, enveloppe_id: int) -> str:
    nom = (nom or "").strip()
    if not nom:
        raise Invalide("Donnez un nom à la simulation.", champ="nom")
    if len(nom) > NOM_MAX:
        raise Invalide(f"Le nom tient en {NOM_MAX} caractères au plus.", champ="nom")
    if Simulation.objects.filter(enveloppe_id=enveloppe_id, nom__iexact=nom).exists():
        raise Invalide(
            f"Une simulation de cette enveloppe s'appelle déjà « {nom} » : choisissez un autre "
            "nom.",
            champ="nom",
        )
    return nom


def montant_propose(montant, *, projet: Projet, deja: Decimal) -> Decimal:
    """Un montant proposé : positif ou nul, au centime, au plus ce que le porteur sollicite."""
    try:
        valeur = Decimal(str(montant))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise Invalide(f"Montant invalide : « {montant} ».", champ="montant") from exc
    if not valeur.is_finite():
        raise Invalide(f"Montant invalide : « {montant} ».", champ="montant")
    if valeur < 0:
        raise Invalide("Le montant proposé ne peut pas être négatif.", champ="montant")
    if valeur != valeur.quantize(CENTIME) or valeur > MONTANT_MAX:
        raise Invalide(
            "Un montant s'exprime en euros et centimes (deux décimales au plus).", champ="montant"
        )
    plafond = projet.aide_sollicitee - deja
    if valeur > plafond:
        deja_dit = f", moins {format_euros(deja, centimes=True)} déjà engagés" if deja > 0 else ""
        raise Invalide(
            f"Le montant proposé ({format_euros(valeur, centimes=True)}) dépasse l'aide "
            f"sollicitée par le porteur ({format_euros(projet.aide_sollicitee, centimes=True)}"
            f"{deja_dit}) : {format_euros(max(plafond, ZERO), centimes=True)} au plus.",
            champ="montant",
        )
    return valeur.quantize(CENTIME)


def annee_du_programme(annee) -> int:
    try:
        annee = int(annee)
    except (TypeError, ValueError) as exc:
        raise Invalide(f"Année invalide : « {annee} ».", champ="annee") from exc
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise Invalide(
            f"L'année doit être comprise entre {ANNEE_MIN} et {ANNEE_MAX}.", champ="annee"
        )
    return annee


def enveloppe_a_programmer(*, auteur, region: str, annee: int, dispositif: str):
    dispo = Dispositif.objects.filter(code=dispositif).first()
    if dispo is None:
        raise Invalide(f"Dispositif inconnu : « {dispositif} ».", champ="dispositif")
    if not dispo.finance_projets:
        raise Invalide(
            f"Le dispositif « {dispo.nom} » n'engage pas de crédits sur les projets : il ne "
            "se programme pas ici.",
            champ="dispositif",
        )
    exiger(permissions.peut_programmer_la_region(auteur, region))
    enveloppe = selectors.enveloppe_regionale(
        region_code=region, annee=annee, dispositif=dispo.code
    )
    if enveloppe is None:
        raise Invalide(
            f"Aucune enveloppe {annee} du dispositif « {dispo.nom} » pour cette région : "
            "l'équipe nationale doit d'abord la répartir.",
            champ="annee",
        )
    return enveloppe


def ligne_perimee(ligne: LigneSimulation) -> Conflit:
    quand = timezone.localtime(ligne.updated_at)
    etat = "incluse" if ligne.incluse else "non incluse"
    return Conflit(
        f"Cette ligne a été modifiée par {ligne.modifiee_par.username} le "
        f"{quand:%d/%m/%Y à %H:%M} pendant votre saisie : montant proposé désormais "
        f"{format_euros(ligne.montant, centimes=True)}, {etat}. Votre saisie n'a pas été "
        "enregistrée : relisez la nouvelle valeur.",
        code="version_perimee",
    )


def candidat(simulation: Simulation, projet_id: int, *, auteur) -> Projet:
    """Le projet, s'il peut entrer dans cette simulation ; sinon un refus qui dit pourquoi
    (sans rien dire d'un projet que l'agent ne voit pas)."""
    enveloppe = simulation.enveloppe
    projet = projets_visibles_par(auteur).filter(pk=projet_id).first()
    if projet is None:
        raise Invalide(
            f"Le projet n° {projet_id} n'existe pas ou n'est pas dans votre périmètre.",
            champ="projet",
        )
    if projet.region_id != enveloppe.region_id:
        raise Invalide(
            f"Le projet n° {projet_id} n'est pas un projet de la région {enveloppe.region.nom} : "
            "une simulation ne programme que les projets de la région de son enveloppe.",
            champ="projet",
        )
    if projet.annee != enveloppe.annee:
        raise Invalide(
            f"Le projet « {projet.intitule} » est programmé en {projet.annee} : cette "
            f"simulation porte sur l'enveloppe {enveloppe.annee}.",
            champ="projet",
        )
    if projet.statut not in selectors.STATUTS_CANDIDATS:
        raise Invalide(
            f"Le projet « {projet.intitule} » est « {projet.get_statut_display().lower()} » : "
            "une simulation ne reçoit que des projets présélectionnés ou en instruction.",
            champ="projet",
        )
    if simulation.lignes.filter(projet_id=projet.pk).exists():
        raise Invalide(
            f"Le projet « {projet.intitule} » est déjà dans la simulation.", champ="projet"
        )
    return projet
