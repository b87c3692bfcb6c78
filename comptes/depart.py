"""La page où arrive un agent qui se connecte sans avoir demandé de page."""

from django.urls import reverse

from comptes.scoping import portee_de


def page_de_depart(user) -> str:
    """L'adresse où arrive un agent qui se connecte sans avoir demandé de page : son espace,
    qui montre ce qui l'attend selon son rôle ; l'accueil pour un compte sans profil."""
    return reverse("echanges:mon_espace" if portee_de(user).role else "accueil")
