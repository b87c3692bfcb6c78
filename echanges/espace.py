"""`/mon-espace/` : ce qui attend un agent, selon son rôle, avec le lien vers la liste.

Les sortes de travail sont définies une fois (`projets.selectors.conditions_a_traiter`) :
le compte affiché et la liste filtrée qu'il ouvre (`/projets/?a_traiter=…`) suivent la
même condition. Le nombre de requêtes ne dépend pas du nombre de projets : un seul
comptage groupé, la liste courte des avis attendus, les notifications non lues, les vues.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from comptes.models import Role
from comptes.scoping import portee_de
from echanges import selectors
from echanges.models import Courriel, EtatCourriel
from fonds import selectors as fonds_selectors
from projets import selectors as projets_selectors

A_TRAITER_PAR_ROLE = {
    Role.PREFECTURE: ("a_deposer", "a_instruire", "avis_etat", "a_engager", "a_verser"),
    Role.REGION: ("avis_region",),
    Role.ADMIN_NATIONAL: ("en_retard", "desaccord", "sans_changement"),
    Role.MINISTERE: ("en_retard", "desaccord", "sans_changement"),
}
COTE_PAR_ROLE = {Role.PREFECTURE: "etat", Role.REGION: "region"}
# À partir du 1er octobre, les crédits d'une enveloppe de l'année encore libres sont signalés.
FIN_D_ANNEE = (10, 1)
NOTIFICATIONS_AFFICHEES = 5


@dataclass(frozen=True)
class Rubrique:
    cle: str
    libelle: str
    nombre: int
    url: str


def _liste(cle: str) -> str:
    tri = "&tri=date_limite" if cle.startswith("avis_") or cle == "en_retard" else ""
    return f"{reverse('projets:liste')}?a_traiter={cle}{tri}"


def _enveloppes_inutilisees(user) -> Rubrique:
    aujourdhui = timezone.localdate()
    derniere_annee = (
        aujourdhui.year
        if aujourdhui >= datetime.date(aujourdhui.year, *FIN_D_ANNEE)
        else aujourdhui.year - 1
    )
    nombre = fonds_selectors.enveloppes_inutilisees(user, jusqu_a=derniere_annee).count()
    return Rubrique(
        "enveloppes",
        f"Enveloppes régionales jusqu'à {derniere_annee} aux crédits non engagés",
        nombre,
        reverse("fonds:index"),
    )


def contexte(user) -> dict:
    portee = portee_de(user)
    cles = A_TRAITER_PAR_ROLE.get(portee.role, ())
    conditions = projets_selectors.conditions_a_traiter()
    nombres = projets_selectors.compter_a_traiter(user, cles)
    rubriques = [Rubrique(cle, conditions[cle][0], nombres[cle], _liste(cle)) for cle in cles]
    if portee.nationale:
        rubriques.append(_enveloppes_inutilisees(user))
    if portee.role == Role.ADMIN_NATIONAL:
        rubriques.append(
            Rubrique(
                "courriels",
                "Courriels en échec",
                Courriel.objects.filter(etat=EtatCourriel.ECHOUE).count(),
                reverse("admin:echanges_courriel_changelist") + "?etat__exact=echoue",
            )
        )
    cote = COTE_PAR_ROLE.get(portee.role)
    return {
        "rubriques": rubriques,
        "cote": cote,
        "avis_attendus": list(projets_selectors.avis_a_donner(user, cote)) if cote else [],
        "url_avis_attendus": _liste(f"avis_{cote}") if cote else "",
        "notifications": list(
            selectors.notifications_de(user).filter(lue_le__isnull=True)[:NOTIFICATIONS_AFFICHEES]
        ),
        "vues": list(selectors.vues_de(user)),
    }
