"""Ce qu'un utilisateur peut faire des crédits, avec la raison d'un refus.

La visibilité (quels engagements existent pour quelqu'un) est dans
`selectors.py` ; ici, les actions : gérer les enveloppes (équipe nationale),
engager et verser (préfecture de la région du projet, ou équipe nationale).
"""

from comptes.models import Role
from comptes.scoping import portee_de
from fonds.models import Engagement, Enveloppe, StatutEngagement
from projets.models import Projet, Statut
from projets.permissions import OUI, Decision, dans_le_perimetre

# Un projet reçoit un premier engagement quand il est présélectionné, un
# complément tant qu'il est engagé ou en cours.
STATUTS_ENGAGEABLES = (Statut.PRESELECTIONNE, Statut.ENGAGE, Statut.EN_COURS)
STATUTS_ENGAGEMENT_ACTIFS = (StatutEngagement.PROGRAMME, StatutEngagement.ENGAGE)
ROLES_ENGAGEMENT = (Role.PREFECTURE, Role.ADMIN_NATIONAL)


def _non(raison: str) -> Decision:
    return Decision(False, raison)


def peut_consulter(user) -> Decision:
    """Les enveloppes sont des chiffres publics : tout utilisateur doté d'un profil les lit."""
    if portee_de(user).aucune:
        return _non("Vous n'avez pas de profil sur le portail : contactez l'équipe nationale.")
    return OUI


def peut_gerer_enveloppes(user) -> Decision:
    """Créer, doter, répartir, anticiper, redéployer : l'équipe nationale seulement."""
    if portee_de(user).role != Role.ADMIN_NATIONAL:
        return _non(
            "Seule l'équipe nationale du programme crée les enveloppes et enregistre "
            "leurs mouvements."
        )
    return OUI


def enveloppe_eligible(projet: Projet, enveloppe: Enveloppe) -> Decision:
    """Un projet s'engage sur l'enveloppe régionale de sa région et de son année."""
    if enveloppe.est_nationale:
        return _non(
            "Les crédits s'engagent sur une enveloppe régionale, pas sur l'enveloppe nationale."
        )
    if enveloppe.region_id != projet.region_id:
        return _non("Cette enveloppe n'est pas celle de la région du projet.")
    if not enveloppe.dispositif.finance_projets:
        return _non(f"Le dispositif « {enveloppe.dispositif.nom} » n'engage pas de crédits.")
    if enveloppe.annee != projet.annee:
        return _non(
            f"Le projet est programmé en {projet.annee} : l'enveloppe doit être celle de "
            f"{projet.annee}, pas de {enveloppe.annee}."
        )
    return OUI


def peut_engager(user, projet: Projet, enveloppe: Enveloppe | None = None) -> Decision:
    portee = portee_de(user)
    if portee.role not in ROLES_ENGAGEMENT:
        return _non(
            "Seules la préfecture de la région du projet et l'équipe nationale engagent "
            "des crédits."
        )
    if not dans_le_perimetre(
        portee, region_code=projet.region_id, departement_code=projet.departement_id
    ):
        return _non("Ce projet n'est pas dans votre périmètre.")
    if projet.statut not in STATUTS_ENGAGEABLES:
        return _non(
            f"Un projet « {projet.get_statut_display().lower()} » ne reçoit pas de crédits : "
            "il doit être présélectionné (ou déjà engagé, pour un complément)."
        )
    if enveloppe is not None:
        return enveloppe_eligible(projet, enveloppe)
    return OUI


def peut_verser(user, engagement: Engagement) -> Decision:
    portee = portee_de(user)
    if portee.role not in ROLES_ENGAGEMENT:
        return _non(
            "Seules la préfecture de la région du projet et l'équipe nationale enregistrent "
            "les versements."
        )
    projet = engagement.projet
    if not dans_le_perimetre(
        portee, region_code=projet.region_id, departement_code=projet.departement_id
    ):
        return _non("Ce projet n'est pas dans votre périmètre.")
    if engagement.statut not in STATUTS_ENGAGEMENT_ACTIFS:
        return _non(
            f"Un engagement « {engagement.get_statut_display().lower()} » ne reçoit plus "
            "de versement."
        )
    return OUI
