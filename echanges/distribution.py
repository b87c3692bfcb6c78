"""Des faits du programme aux notifications : qui est prévenu, et comment.

`distribuer` lit les faits non distribués (`socle.evenements.a_distribuer`), en fait une
notification pour chaque agent concerné (`genres.GENRES`) qui voit le projet
(`projets.permissions.peut_voir` : jamais un fait d'une région à un agent d'une autre,
jamais un brouillon au conseil régional), prépare les courriels de ceux qui les veulent
tout de suite et marque les faits distribués, dans une transaction. Les faits sont
verrouillés (`skip_locked`) : deux distributions simultanées ne se les partagent pas, et
une distribution rejouée ne notifie pas deux fois (une notification par fait et agent).
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from comptes.models import ROLES_REGIONAUX
from echanges import courriels, services
from echanges.genres import GENRES, NATIONAL, Genre
from echanges.models import Mode, Notification, Preference
from projets.models import Projet
from projets.permissions import peut_voir
from socle import evenements

logger = logging.getLogger(__name__)

LOT = 500


def _lien(genre: Genre, fait) -> str:
    donnees = fait.donnees
    if genre.lien == "travail" and donnees.get("travail_id"):
        return reverse("travaux:detail", args=[donnees["travail_id"]])
    if genre.lien == "simulation" and donnees.get("simulation_id"):
        return reverse("programmation:simulation", args=[donnees["simulation_id"]])
    if fait.projet_id:
        return reverse("projets:detail", args=[fait.projet_id])
    return ""


def _candidats(genre: Genre, fait):
    """Les agents que le genre désigne, avant la question de la visibilité du projet."""
    roles = set(genre.roles(fait.donnees))
    condition = Q(pk__in=[])
    regionaux = roles & set(ROLES_REGIONAUX)
    if regionaux and fait.region:
        condition |= Q(profil__role__in=regionaux, profil__region_id=fait.region)
    if NATIONAL in roles:
        condition |= Q(profil__role=NATIONAL)
    if genre.auteur and fait.acteur_id:
        condition |= Q(pk=fait.acteur_id)
    if genre.mentionnes:
        condition |= Q(pk__in=[int(i) for i in fait.donnees.get("mentionnes", [])])
    agents = get_user_model().objects.filter(condition, is_active=True).select_related("profil")
    if not genre.auteur:
        agents = agents.exclude(pk=fait.acteur_id) if fait.acteur_id else agents
    return agents


def destinataires(fait, projet: Projet | None) -> list:
    genre = GENRES.get(fait.genre)
    if genre is None:
        return []
    if fait.projet_id and projet is None:
        return []  # le projet n'existe plus
    agents = list(_candidats(genre, fait))
    if projet is not None:
        agents = [agent for agent in agents if peut_voir(agent, projet)]
    return agents


def _notifications(faits: list) -> list[Notification]:
    projets = Projet.objects.in_bulk({f.projet_id for f in faits if f.projet_id})
    deja = set(
        Notification.objects.filter(evenement__in=faits).values_list(
            "evenement_id", "destinataire_id"
        )
    )
    notifications = []
    for fait in faits:
        genre = GENRES.get(fait.genre)
        if genre is None:
            logger.info("Fait « %s » sans notification décrite : ignoré.", fait.genre)
            continue
        projet = projets.get(fait.projet_id)
        # Les genres publiés sans l'intitulé (documents) le reçoivent du projet.
        donnees = {"intitule": projet.intitule, **fait.donnees} if projet else fait.donnees
        for agent in destinataires(fait, projet):
            if (fait.pk, agent.pk) in deja:
                continue
            notifications.append(
                Notification(
                    destinataire=agent,
                    evenement=fait,
                    genre=fait.genre,
                    projet_id=fait.projet_id,
                    titre=genre.titre(donnees)[:250],
                    texte=str(donnees.get("extrait") or donnees.get("commentaire") or ""),
                    lien=_lien(genre, fait),
                )
            )
    return notifications


def _appliquer_preferences(notifications: list[Notification]) -> None:
    modes = {
        (p.user_id, p.genre): p.mode
        for p in Preference.objects.filter(
            user__in={n.destinataire_id for n in notifications},
            genre__in={n.genre for n in notifications},
        )
    }
    for notification in notifications:
        notification.mode = modes.get(
            (notification.destinataire_id, notification.genre), Mode.IMMEDIAT
        )


def distribuer(*, lot: int = LOT) -> int:
    """Distribue les faits en attente, par lots ; rend le nombre de notifications créées."""
    creees = 0
    while True:
        with transaction.atomic():
            faits = list(
                evenements.a_distribuer()
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("acteur")[:lot]
            )
            if not faits:
                return creees
            notifications = _notifications(faits)
            _appliquer_preferences(notifications)
            Notification.objects.bulk_create(notifications)
            services.recompter({n.destinataire_id for n in notifications})
            courriels.preparer([n for n in notifications if n.mode == Mode.IMMEDIAT], faits=faits)
            type(faits[0]).objects.filter(pk__in=[f.pk for f in faits]).update(
                distribue_le=timezone.now()
            )
            creees += len(notifications)
        if len(faits) < lot:
            return creees
