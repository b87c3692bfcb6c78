"""La page où arrive un agent qui se connecte sans avoir demandé de page."""

from django.urls import reverse

from comptes.models import Role
from comptes.scoping import portee_de

# La page où chaque rôle travaille : la préfecture saisit et instruit les projets, le
# conseil régional donne ses avis sur la présélection, les rôles nationaux suivent le
# tableau de bord.
PAGE_DE_DEPART = {
    Role.PREFECTURE: "projets:liste",
    Role.REGION: "projets:preselection",
    Role.MINISTERE: "pilotage:national",
    Role.ADMIN_NATIONAL: "pilotage:national",
}


def page_de_depart(user) -> str:
    """L'adresse où arrive un agent qui se connecte sans avoir demandé de page."""
    return reverse(PAGE_DE_DEPART.get(portee_de(user).role, "accueil"))
