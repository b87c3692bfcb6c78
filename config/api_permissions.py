"""La permission commune à toute l'API (importée par les réglages de DRF)."""

from rest_framework import permissions

from comptes.scoping import portee_de


class AccesPortail(permissions.BasePermission):
    """Un utilisateur connecté qui a un profil sur le portail (rôle et région).

    Ce que chacun voit est décidé par les sélecteurs `..._visibles_par(user)` ;
    ce que chacun peut faire, par les modules `permissions.py` des applications,
    appelés par les services.
    """

    message = "Votre compte n'a pas de profil sur le portail : contactez l'équipe nationale."

    def has_permission(self, request, view):
        return (
            bool(request.user and request.user.is_authenticated)
            and not portee_de(request.user).aucune
        )
