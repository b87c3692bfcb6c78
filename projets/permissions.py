"""Ce qu'un utilisateur peut faire d'un projet, avec la raison d'un refus.

Pages, exports, API et administration posent leurs questions ici ; la
visibilité (quels projets existent pour quelqu'un) est dans `selectors.py`.
"""

from comptes.models import Role
from comptes.scoping import SANS_PROFIL, Portee, a_un_profil, portee_de, role_parmi
from projets import workflow
from projets.models import Cote, Entreprise, Projet, Statut
from socle.decisions import OUI, Decision
from socle.decisions import non as _non


def dans_le_perimetre(portee: Portee, *, region_code: str, departement_code: str) -> bool:
    if portee.nationale:
        return True
    if not portee.regionale or portee.region_code != region_code:
        return False
    if portee.role == Role.PREFECTURE and portee.departement_code:
        return portee.departement_code == departement_code
    return True


def voit_les_brouillons(portee: Portee) -> bool:
    """Un brouillon reste entre la préfecture qui le prépare et l'équipe nationale : ni le
    conseil régional ni les ministères ne le voient avant son dépôt."""
    return portee.role not in (Role.REGION, Role.MINISTERE)


def peut_voir(user, projet: Projet) -> Decision:
    portee = portee_de(user)
    if portee.aucune:
        return _non(SANS_PROFIL)
    if not dans_le_perimetre(
        portee, region_code=projet.region_id, departement_code=projet.departement_id
    ):
        return _non("Ce projet n'est pas dans votre périmètre.")
    if projet.statut == Statut.BROUILLON and not voit_les_brouillons(portee):
        return _non("Un brouillon n'est visible que de la préfecture qui le prépare.")
    return OUI


def peut_creer(user, *, region_code: str | None = None, departement_code: str | None = None):
    portee = portee_de(user)
    if portee.role not in (Role.PREFECTURE, Role.ADMIN_NATIONAL):
        return _non("Seules les préfectures et l'équipe nationale saisissent des projets.")
    if region_code is not None and not dans_le_perimetre(
        portee, region_code=region_code, departement_code=departement_code or ""
    ):
        if portee.departement_code:
            return _non("Vous ne pouvez saisir un projet que dans votre département.")
        return _non("Vous ne pouvez saisir un projet que dans votre région.")
    return OUI


def peut_modifier(user, projet: Projet) -> Decision:
    decision = peut_creer(
        user, region_code=projet.region_id, departement_code=projet.departement_id
    )
    if not decision:
        return decision
    if projet.statut not in workflow.STATUTS_MODIFIABLES:
        return _non(
            f"Un projet « {projet.get_statut_display().lower()} » ne se modifie plus ; "
            "seuls les brouillons, projets déposés ou en instruction le peuvent."
        )
    return OUI


def peut_transitionner(user, projet: Projet, vers: str) -> Decision:
    """Le rôle et le périmètre de l'agent (le cycle de vie : `workflow.transition_permise`)."""
    if not peut_voir(user, projet):
        return _non("Ce projet n'est pas dans votre périmètre.")
    roles = workflow.TRANSITIONS_MANUELLES.get((projet.statut, vers), ())
    if portee_de(user).role not in roles:
        return _non("Votre rôle ne permet pas ce changement de statut.")
    return OUI


def peut_changer_de_statut(user) -> Decision:
    """Le rôle demande-t-il jamais un changement de statut ? Sinon, refus avant toute saisie."""
    roles = {role for roles in workflow.TRANSITIONS_MANUELLES.values() for role in roles}
    return role_parmi(user, roles, sinon="Votre rôle ne permet pas ce changement de statut.")


def cote_de(user) -> str | None:
    role = portee_de(user).role
    return {Role.PREFECTURE: Cote.ETAT, Role.REGION: Cote.REGION}.get(role)


def peut_donner_des_avis(user) -> Decision:
    """Le rôle donne-t-il un avis (État ou Région) ? Sinon, refus avant toute saisie."""
    if cote_de(user) is None:
        return _non(
            "Seules la préfecture (avis de l'État) et le conseil régional (avis de la Région) "
            "donnent un avis."
        )
    return OUI


def peut_donner_avis(user, projet: Projet) -> Decision:
    if not peut_voir(user, projet):
        return _non("Ce projet n'est pas dans votre périmètre.")
    if not (decision := peut_donner_des_avis(user)):
        return decision
    if projet.statut == Statut.NON_RETENU:
        deja = projet.avis_etat if cote_de(user) == Cote.ETAT else projet.avis_region
        if deja:
            return _non(
                "Ce projet n'est plus en instruction (non retenu) et l'avis de votre côté est "
                "déjà enregistré : il ne se change plus."
            )
        if not (projet.avis_etat or projet.avis_region):
            return _non("Ce projet n'a pas été retenu avant tout avis : il n'en attend plus.")
        return OUI
    if projet.statut not in workflow.STATUTS_AVIS:
        return _non(
            "Les avis se donnent sur un projet en instruction "
            f"(ce projet est « {projet.get_statut_display().lower()} »)."
        )
    return OUI


def peut_modifier_entreprise(user, entreprise: Entreprise) -> Decision:
    """L'équipe nationale ; une préfecture qui voit chacun des projets de l'entreprise."""
    portee = portee_de(user)
    if portee.role == Role.ADMIN_NATIONAL:
        return OUI
    if portee.role != Role.PREFECTURE:
        return _non("Seules les préfectures et l'équipe nationale modifient une entreprise.")
    projets = Projet.objects.filter(porteur=entreprise).only("region", "departement", "statut")
    if not all(peut_voir(user, projet) for projet in projets):
        return _non(
            "Cette entreprise porte aussi des projets hors de votre périmètre : seule "
            "l'équipe nationale peut changer son nom ou sa taille."
        )
    return OUI


def peut_changer_date_limite(user, projet: Projet) -> Decision:
    """La préfecture (ou l'équipe nationale) fixe la date limite des avis d'un projet en
    instruction de son périmètre."""
    if not peut_voir(user, projet):
        return _non("Ce projet n'est pas dans votre périmètre.")
    if portee_de(user).role not in (Role.PREFECTURE, Role.ADMIN_NATIONAL):
        return _non("Seules la préfecture et l'équipe nationale fixent la date limite des avis.")
    if projet.statut != Statut.EN_INSTRUCTION:
        return _non("La date limite des avis se fixe sur un projet en instruction.")
    return OUI


def peut_lister(user) -> Decision:
    return a_un_profil(user)


def peut_importer(user) -> Decision:
    return peut_creer(user)


def actions_possibles(user, projet: Projet) -> dict:
    """Les actions qu'une page de projet propose à cet utilisateur."""
    transitions = [
        (vers, workflow.LIBELLES_ACTIONS.get(vers, Statut(vers).label))
        for vers in workflow.transitions_manuelles_depuis(projet.statut)
        if peut_transitionner(user, projet, vers)
    ]
    return {
        "modifier": bool(peut_modifier(user, projet)),
        "transitions": transitions,
        "avis": bool(peut_donner_avis(user, projet)),
        "date_limite": bool(peut_changer_date_limite(user, projet)),
        "cote": cote_de(user),
    }
