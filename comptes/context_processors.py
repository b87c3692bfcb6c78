from django.conf import settings

from comptes.scoping import portee_de


def portail(request):
    """Nom du portail et portée de l'utilisateur connecté, pour l'en-tête."""
    user = getattr(request, "user", None)
    return {
        "PORTAIL_NOM": settings.PORTAIL_NOM,
        "portee": portee_de(user) if user is not None else None,
    }
