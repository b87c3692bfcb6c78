"""Ce que les comptes permettent de lire, avec la raison d'un refus."""

from comptes.models import Role
from comptes.scoping import portee_de
from socle.decisions import OUI, Decision, non


def peut_lire_le_journal(user) -> Decision:
    """Le journal d'audit : l'équipe nationale, et les agents régionaux pour leur région."""
    if portee_de(user).role not in (Role.ADMIN_NATIONAL, Role.PREFECTURE, Role.REGION):
        return non("Le journal d'audit est réservé à l'équipe nationale et aux agents régionaux.")
    return OUI
