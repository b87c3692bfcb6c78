"""Ce qu'un utilisateur peut voir : rôle et région, décidés ici seulement.

Les sélecteurs des autres applications (`..._visibles_par(user)`) s'appuient
sur ces fonctions ; aucun autre code ne filtre par région pour l'accès.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from comptes.models import ROLES_REGIONAUX, Role
from socle.decisions import OUI, Decision, non


@dataclass(frozen=True)
class Portee:
    role: str | None
    region_code: str | None = None
    departement_code: str | None = None

    @property
    def nationale(self) -> bool:
        return self.role in (Role.MINISTERE, Role.ADMIN_NATIONAL)

    @property
    def regionale(self) -> bool:
        return self.role in ROLES_REGIONAUX

    @property
    def aucune(self) -> bool:
        return self.role is None


AUCUNE = Portee(role=None)


def portee_de(user) -> Portee:
    """La portée d'un utilisateur ; un superutilisateur est traité en équipe nationale."""
    if user is None or not user.is_authenticated or not user.is_active:
        return AUCUNE
    try:
        profil = user.profil
    except ObjectDoesNotExist:
        profil = None
    if profil is None:
        if user.is_superuser:
            return Portee(role=Role.ADMIN_NATIONAL)
        return AUCUNE
    return Portee(
        role=profil.role,
        region_code=profil.region_id,
        departement_code=profil.departement_id,
    )


def dans_la_portee(qs: QuerySet, portee: Portee, *, lieu: str = "") -> QuerySet:
    """Les lignes qu'une portée voit : toutes pour un rôle national ; celles de sa région
    (de son département pour une préfecture départementale) pour un rôle régional ;
    aucune sans profil. `lieu` mène à l'objet qui porte la région et le département
    (`"projet__"` pour un engagement)."""
    if portee.aucune:
        return qs.none()
    if portee.regionale:
        qs = qs.filter(**{f"{lieu}region_id": portee.region_code})
        if portee.role == Role.PREFECTURE and portee.departement_code:
            qs = qs.filter(**{f"{lieu}departement_id": portee.departement_code})
    return qs


def est_national(user) -> bool:
    return portee_de(user).nationale


def est_admin_national(user) -> bool:
    return portee_de(user).role == Role.ADMIN_NATIONAL


SANS_PROFIL = "Vous n'avez pas de profil sur le portail : contactez l'équipe nationale."


def role_parmi(user, roles, *, sinon: str) -> Decision:
    """Une règle de rôle : oui si l'agent a l'un de ces rôles ; sinon, le refus `sinon`."""
    return OUI if portee_de(user).role in roles else non(sinon)


def a_un_profil(user) -> Decision:
    """Le premier droit de tout agent : un profil (rôle, région) ouvert par l'équipe nationale."""
    return non(SANS_PROFIL) if portee_de(user).aucune else OUI
