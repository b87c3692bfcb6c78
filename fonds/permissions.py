"""Ce qu'un utilisateur peut faire des crédits, avec la raison d'un refus.

La visibilité (quels engagements existent pour quelqu'un) est dans
`selectors.py` ; ici, les actions : gérer les enveloppes (équipe nationale),
engager et verser (préfecture de la région du projet, ou équipe nationale).

Deux sortes de questions : celles du droit de l'agent (`peut_…`, un refus est un 403)
et celles de l'objet (`projet_engageable`, `enveloppe_eligible`,
`engagement_payable` : un projet, une enveloppe ou un engagement qui ne s'y prête pas,
un refus est une donnée invalide).
"""

from comptes.models import Role
from comptes.scoping import a_un_profil, portee_de, role_parmi
from fonds.models import Engagement, Enveloppe, StatutEngagement
from projets.models import Projet, Statut
from projets.permissions import dans_le_perimetre
from socle.decisions import OUI, Decision
from socle.decisions import non as _non

# Un projet reçoit un premier engagement quand il est présélectionné, un
# complément tant qu'il est engagé ou en cours.
STATUTS_ENGAGEABLES = (Statut.PRESELECTIONNE, Statut.ENGAGE, Statut.EN_COURS)
STATUTS_ENGAGEMENT_ACTIFS = (StatutEngagement.PROGRAMME, StatutEngagement.ENGAGE)
ROLES_ENGAGEMENT = (Role.PREFECTURE, Role.ADMIN_NATIONAL)


def peut_consulter(user) -> Decision:
    """Les enveloppes sont des chiffres publics : tout utilisateur doté d'un profil les lit."""
    return a_un_profil(user)


def peut_gerer_enveloppes(user) -> Decision:
    """Créer, doter, répartir, anticiper, redéployer : l'équipe nationale seulement."""
    return role_parmi(
        user,
        (Role.ADMIN_NATIONAL,),
        sinon="Seule l'équipe nationale du programme crée les enveloppes et enregistre "
        "leurs mouvements.",
    )


def peut_engager_des_credits(user) -> Decision:
    """Le rôle engage-t-il jamais des crédits ? Sinon, refus avant toute saisie."""
    return role_parmi(
        user,
        ROLES_ENGAGEMENT,
        sinon="Seules la préfecture de la région du projet et l'équipe nationale engagent "
        "des crédits.",
    )


def peut_enregistrer_des_versements(user) -> Decision:
    return role_parmi(
        user,
        ROLES_ENGAGEMENT,
        sinon="Seules la préfecture de la région du projet et l'équipe nationale enregistrent "
        "les versements.",
    )


def _dans_le_perimetre(user, projet: Projet) -> Decision:
    if not dans_le_perimetre(
        portee_de(user), region_code=projet.region_id, departement_code=projet.departement_id
    ):
        return _non("Ce projet n'est pas dans votre périmètre.")
    return OUI


def projet_engageable(projet: Projet) -> Decision:
    if projet.statut not in STATUTS_ENGAGEABLES:
        return _non(
            f"Un projet « {projet.get_statut_display().lower()} » ne reçoit pas de crédits : "
            "il doit être présélectionné (ou déjà engagé, pour un complément)."
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


def engagement_payable(engagement: Engagement) -> Decision:
    if engagement.statut not in STATUTS_ENGAGEMENT_ACTIFS:
        return _non(
            f"Un engagement « {engagement.get_statut_display().lower()} » ne reçoit plus "
            "de versement."
        )
    return OUI


def peut_engager(user, projet: Projet) -> Decision:
    """Le droit de l'agent sur ce projet : son rôle et son périmètre."""
    return peut_engager_des_credits(user) and _dans_le_perimetre(user, projet)


def peut_verser(user, engagement: Engagement) -> Decision:
    return peut_enregistrer_des_versements(user) and _dans_le_perimetre(user, engagement.projet)


def actions_sur_le_projet(user, projet: Projet) -> bool:
    """La page du projet propose-t-elle d'engager des crédits ?"""
    return bool(peut_engager(user, projet) and projet_engageable(projet))
