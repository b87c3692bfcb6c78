"""Qui peut quoi dans les échanges, avec la raison d'un refus.

Notifications, préférences et vues enregistrées sont à chaque agent : il ne lit et ne
change que les siennes. La discussion d'un projet est entre ceux qui le voient parmi la
préfecture, le conseil régional et l'équipe nationale ; un agent n'y mentionne qu'un
agent qui voit le projet.
"""

import datetime

from django.utils import timezone

from comptes.models import Role
from comptes.scoping import a_un_profil, portee_de
from projets.models import Projet
from projets.permissions import peut_voir
from socle.decisions import OUI, Decision, non

ROLES_DE_LA_DISCUSSION = (Role.PREFECTURE, Role.REGION, Role.ADMIN_NATIONAL)
DELAI_DE_MODIFICATION = datetime.timedelta(minutes=15)


def peut_utiliser(user) -> Decision:
    """Son espace, ses notifications, ses préférences, ses vues : tout agent doté d'un profil."""
    return a_un_profil(user)


def peut_lire_la_discussion(user, projet: Projet) -> Decision:
    return peut_voir(user, projet)


def peut_commenter(user, projet: Projet) -> Decision:
    if not (decision := peut_voir(user, projet)):
        return decision
    if portee_de(user).role not in ROLES_DE_LA_DISCUSSION:
        return non(
            "La discussion d'un projet est entre la préfecture, le conseil régional et "
            "l'équipe nationale."
        )
    return OUI


def peut_commenter_role(user) -> Decision:
    """Le rôle prend-il jamais part aux discussions ? (API : avant de lire la saisie.)"""
    if portee_de(user).role not in ROLES_DE_LA_DISCUSSION:
        return non(
            "La discussion d'un projet est entre la préfecture, le conseil régional et "
            "l'équipe nationale."
        )
    return OUI


def peut_modifier_commentaire(user, commentaire, *, maintenant=None) -> Decision:
    if commentaire.auteur_id != user.pk:
        return non("Seul son auteur modifie un message.")
    maintenant = maintenant or timezone.now()
    if maintenant - commentaire.created_at > DELAI_DE_MODIFICATION:
        return non("Un message se modifie dans les 15 minutes qui suivent son envoi.")
    return peut_commenter(user, commentaire.projet)


def peut_etre_mentionne(agent, projet: Projet) -> Decision:
    if not agent.is_active or not peut_voir(agent, projet):
        return non(f"{agent.username} ne voit pas ce projet : il ne peut pas y être mentionné.")
    if portee_de(agent).role not in ROLES_DE_LA_DISCUSSION:
        return non(f"{agent.username} ne prend pas part aux discussions des projets.")
    return OUI
