"""Qui prépare, voit et applique les simulations de programmation, avec la raison d'un refus.

Le Fonds d'accélération est copiloté dans chaque région par le préfet de région et le
président du conseil régional : leurs agents préparent ensemble les simulations de
l'enveloppe de leur région, l'équipe nationale aussi. Un ministère (lecture des
chiffres) et une préfecture de département (son département seulement, pas l'enveloppe
régionale) n'y ont pas accès. Appliquer une simulation engage des crédits : la
préfecture de région ou l'équipe nationale, comme pour tout engagement.

La visibilité (quelles simulations existent pour quelqu'un) est dans `selectors.py`,
sur la même règle (`peut_programmer`, puis `comptes.scoping.dans_la_portee`).
"""

from django.utils import timezone

from comptes.models import Role
from comptes.scoping import SANS_PROFIL, portee_de
from programmation.models import Simulation
from socle.decisions import OUI, Decision, non

ROLES_PROGRAMMATION = (Role.PREFECTURE, Role.REGION, Role.ADMIN_NATIONAL)
ROLES_APPLICATION = (Role.PREFECTURE, Role.ADMIN_NATIONAL)


def peut_programmer(user) -> Decision:
    """Le rôle prépare-t-il jamais des simulations ? Sinon, refus avant toute saisie."""
    portee = portee_de(user)
    if portee.aucune:
        return non(SANS_PROFIL)
    if portee.role not in ROLES_PROGRAMMATION:
        return non(
            "Les simulations de programmation sont préparées par la préfecture de région et "
            "le conseil régional, et par l'équipe nationale du programme."
        )
    if portee.departement_code:
        return non(
            "Une préfecture de département ne programme pas l'enveloppe régionale : les "
            "simulations sont préparées par la préfecture de région et le conseil régional."
        )
    return OUI


def peut_programmer_la_region(user, region_code: str | None) -> Decision:
    if not (decision := peut_programmer(user)):
        return decision
    portee = portee_de(user)
    if portee.nationale or portee.region_code == region_code:
        return OUI
    return non("Vous ne programmez que l'enveloppe de votre région.")


def peut_appliquer_des_simulations(user) -> Decision:
    """Le rôle engage-t-il jamais des crédits par une simulation ?"""
    if not (decision := peut_programmer(user)):
        return decision
    if portee_de(user).role not in ROLES_APPLICATION:
        return non(
            "Seules la préfecture de région et l'équipe nationale appliquent une simulation : "
            "ses lignes deviennent des engagements de crédits."
        )
    return OUI


def peut_modifier(user, simulation: Simulation) -> Decision:
    return peut_programmer_la_region(user, simulation.enveloppe.region_id)


def peut_appliquer(user, simulation: Simulation) -> Decision:
    return peut_appliquer_des_simulations(user) and peut_modifier(user, simulation)


def simulation_modifiable(simulation: Simulation) -> Decision:
    """Une simulation appliquée est devenue des engagements : elle ne change plus."""
    if simulation.appliquee:
        le = timezone.localtime(simulation.appliquee_le)
        return non(
            f"Cette simulation a été appliquée le {le:%d/%m/%Y} : elle ne change plus. "
            "Dupliquez-la pour préparer une autre programmation."
        )
    return OUI


def actions_possibles(user, simulation: Simulation) -> dict[str, bool]:
    """Ce que la page d'une simulation propose à l'agent."""
    modifiable = bool(simulation_modifiable(simulation))
    return {
        "modifier": modifiable and bool(peut_modifier(user, simulation)),
        "appliquer": modifiable and bool(peut_appliquer(user, simulation)),
        "dupliquer": bool(peut_modifier(user, simulation)),
    }
