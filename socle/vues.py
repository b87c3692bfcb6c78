"""Pages transverses : santé du service, pages d'erreur."""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """200 si la base répond, 503 sinon (pour la supervision)."""
    try:
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
            curseur.fetchone()
    except DatabaseError:
        return JsonResponse({"statut": "erreur", "base_de_donnees": "injoignable"}, status=503)
    return JsonResponse({"statut": "ok", "base_de_donnees": "ok"})


def page_introuvable(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "Ressource introuvable ou hors de votre périmètre.", "code": "not_found"},
            status=404,
        )
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "404.html", {"message": message}, status=404)


def acces_refuse(request, exception=None):
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    return render(request, "403.html", {"message": message}, status=403)


def formulaire_expire(request, reason=""):
    """Jeton CSRF absent ou périmé : la page du portail, avec l'agent et son menu."""
    return render(request, "403_csrf.html", status=403)


def erreur_serveur(request):
    return render(request, "500.html", status=500)
