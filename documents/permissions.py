"""Qui voit, joint, remplace, supprime et produit les documents d'un projet.

Les documents se voient exactement comme leur projet (`projets.permissions.peut_voir`) :
ni plus, ni moins. Les joindre : la préfecture, le conseil régional et l'équipe nationale
(un ministère lit). Remplacer ou supprimer : l'auteur du document, ou l'équipe nationale.
Produire la lettre de notification et le projet de convention d'un projet engagé : la
préfecture du projet ou l'équipe nationale, qui engagent les crédits.
"""

from comptes.models import Role
from comptes.scoping import SANS_PROFIL, portee_de
from documents.models import Document, EtatDocument
from projets import permissions as projets_permissions
from projets.models import Projet, Statut
from socle.decisions import OUI, Decision, non

ROLES_DEPOT = (Role.PREFECTURE, Role.REGION, Role.ADMIN_NATIONAL)
ROLES_LETTRES = (Role.PREFECTURE, Role.ADMIN_NATIONAL)
STATUTS_ENGAGES = (Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE)


def peut_voir(user, projet: Projet) -> Decision:
    return projets_permissions.peut_voir(user, projet)


def peut_deposer_des_documents(user) -> Decision:
    """Le rôle joint-il jamais des documents ? Sinon, refus avant toute saisie."""
    portee = portee_de(user)
    if portee.aucune:
        return non(SANS_PROFIL)
    if portee.role not in ROLES_DEPOT:
        return non(
            "Seuls la préfecture, le conseil régional et l'équipe nationale joignent des "
            "documents à un projet."
        )
    return OUI


def peut_deposer(user, projet: Projet) -> Decision:
    if not (decision := peut_voir(user, projet)):
        return decision
    return peut_deposer_des_documents(user)


def peut_modifier(user, document: Document) -> Decision:
    """Remplacer ou supprimer : son auteur ou l'équipe nationale."""
    if not (decision := peut_voir(user, document.projet)):
        return decision
    portee = portee_de(user)
    if portee.role == Role.ADMIN_NATIONAL:
        return OUI
    if document.auteur_id is None or document.auteur_id != user.pk:
        return non(
            "Seuls l'auteur d'un document et l'équipe nationale le remplacent ou le suppriment."
        )
    if not (decision := peut_deposer_des_documents(user)):
        return decision
    return OUI


def peut_telecharger(user, document: Document) -> Decision:
    if not (decision := peut_voir(user, document.projet)):
        return decision
    if document.etat == EtatDocument.ANALYSE_EN_COURS:
        return non(
            "Ce document est en cours d'analyse par l'antivirus : réessayez dans un instant."
        )
    if document.etat == EtatDocument.QUARANTAINE:
        return non(
            "L'antivirus a trouvé un virus dans ce document : il est en quarantaine et ne se "
            "télécharge pas."
        )
    return OUI


def peut_produire_des_lettres(user) -> Decision:
    portee = portee_de(user)
    if portee.aucune:
        return non(SANS_PROFIL)
    if portee.role not in ROLES_LETTRES:
        return non(
            "La lettre de notification et la convention sont produites par la préfecture et "
            "l'équipe nationale."
        )
    return OUI


def peut_produire_les_lettres(user, projet: Projet) -> Decision:
    if not (decision := peut_voir(user, projet)):
        return decision
    if not (decision := peut_produire_des_lettres(user)):
        return decision
    if projet.statut not in STATUTS_ENGAGES:
        return non(
            "La lettre de notification et la convention se produisent pour un projet engagé "
            f"(ce projet est « {projet.get_statut_display().lower()} »)."
        )
    return OUI


def actions_possibles(user, projet: Projet) -> dict[str, bool]:
    return {
        "deposer": bool(peut_deposer(user, projet)),
        "lettres": bool(peut_produire_les_lettres(user, projet)),
    }
