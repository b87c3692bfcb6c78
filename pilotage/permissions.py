"""Qui voit quel tableau de bord, qui saisit les indicateurs, avec la raison d'un refus.

La visibilité des lignes de totaux reste dans `selectors.totaux_visibles_par` ;
ici, les questions que posent les pages.
"""

from comptes.models import Role
from comptes.scoping import SANS_PROFIL, a_un_profil, portee_de
from socle.decisions import OUI, Decision
from socle.decisions import non as _non


def peut_voir_tableau_national(user) -> Decision:
    """Le tableau de bord national : ministères et équipe nationale.

    Une préfecture ou un conseil régional n'a pas ce droit : la page le renvoie vers
    le tableau de bord de sa région (voir `region_de_l_utilisateur`).
    """
    portee = portee_de(user)
    if portee.aucune:
        return _non(SANS_PROFIL)
    if not portee.nationale:
        return _non(
            "Le tableau de bord national est réservé aux ministères et à l'équipe nationale."
        )
    return OUI


def region_de_l_utilisateur(user) -> str | None:
    """La région d'une préfecture ou d'un conseil régional ; `None` pour les autres."""
    portee = portee_de(user)
    return portee.region_code if portee.regionale else None


def peut_voir_region(user, code_region: str) -> Decision:
    """Le tableau de bord d'une région : le national, ou la préfecture et la région elles-mêmes."""
    portee = portee_de(user)
    if portee.aucune:
        return _non(SANS_PROFIL)
    if portee.nationale or portee.region_code == code_region:
        return OUI
    return _non("Cette région n'est pas dans votre périmètre.")


def peut_voir_indicateurs(user) -> Decision:
    """Les indicateurs du programme sont publics pour tout agent doté d'un profil."""
    return a_un_profil(user)


def peut_saisir_indicateur(user) -> Decision:
    """Créer un indicateur ou en enregistrer une valeur : l'équipe nationale seulement."""
    if portee_de(user).role != Role.ADMIN_NATIONAL:
        return _non(
            "Seule l'équipe nationale du programme enregistre les indicateurs et leurs valeurs."
        )
    return OUI
