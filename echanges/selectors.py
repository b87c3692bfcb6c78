"""Lectures des échanges : chacun les siennes ; la discussion, ceux qui voient le projet."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from comptes.models import ROLES_REGIONAUX, Role
from echanges.models import Commentaire, Notification, VueEnregistree
from echanges.permissions import ROLES_DE_LA_DISCUSSION
from projets.models import Projet
from projets.permissions import peut_voir
from projets.selectors import projets_masques_dans_la_region

MENTIONNABLES_MAX = 20


def notifications_de(user) -> QuerySet[Notification]:
    return Notification.objects.filter(destinataire=user).order_by("-created_at", "-id")


def vues_de(user) -> QuerySet[VueEnregistree]:
    return VueEnregistree.objects.filter(user=user).order_by("nom", "id")


def commentaires_du_projet(projet: Projet) -> QuerySet[Commentaire]:
    return (
        Commentaire.objects.filter(projet=projet)
        .select_related("auteur", "auteur__profil")
        .prefetch_related("mentions")
        .order_by("created_at", "id")
    )


def commentaires_masques_dans_la_region(user) -> QuerySet[Commentaire]:
    """Les messages sur les projets de sa région qu'un agent régional ne voit pas (journal)."""
    return Commentaire.objects.filter(projet__in=projets_masques_dans_la_region(user).values("pk"))


def agents_mentionnables(projet: Projet, recherche: str = "") -> list:
    """Les agents qui voient le projet et prennent part aux discussions (autocomplétion)."""
    agents = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(profil__role__in=ROLES_REGIONAUX, profil__region_id=projet.region_id)
            | Q(profil__role=Role.ADMIN_NATIONAL)
        )
        .filter(profil__role__in=ROLES_DE_LA_DISCUSSION)
        .select_related("profil")
        .order_by("username")
    )
    if recherche:
        agents = agents.filter(
            Q(username__icontains=recherche)
            | Q(first_name__icontains=recherche)
            | Q(last_name__icontains=recherche)
        )
    return [agent for agent in agents[:200] if peut_voir(agent, projet)][:MENTIONNABLES_MAX]
