"""Ce que les comptes permettent de lire, avec la raison d'un refus."""

from comptes.models import Role
from comptes.scoping import role_parmi
from socle.decisions import Decision


def peut_lire_le_journal(user) -> Decision:
    """Le journal d'audit : l'équipe nationale, et les agents régionaux pour leur région."""
    return role_parmi(
        user,
        (Role.ADMIN_NATIONAL, Role.PREFECTURE, Role.REGION),
        sinon="Le journal d'audit est réservé à l'équipe nationale et aux agents régionaux.",
    )
