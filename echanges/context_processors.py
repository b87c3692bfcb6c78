from django.core.exceptions import ObjectDoesNotExist


def notifications(request):
    """Le nombre de la cloche de l'en-tête : lu sur le profil, déjà chargé pour la portée."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        return {"notifications_non_lues": user.profil.notifications_non_lues}
    except ObjectDoesNotExist:
        return {"notifications_non_lues": 0}
