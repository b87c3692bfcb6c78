"""Ce que Django 5.2 ne fait pas seul : la politique de sécurité du contenu, le refus
des adresses qui portent un caractère nul, et des 404 en JSON sous `/api/` même quand
`DEBUG` est actif."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

POLITIQUE_PAR_DEFAUT = "; ".join(
    [
        "default-src 'self'",
        # Aucun script en ligne : le DSFR et la documentation de l'API chargent des fichiers.
        "script-src 'self'",
        # Le DSFR et Swagger UI posent quelques attributs style : styles en ligne permis.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class PolitiqueDeContenuMiddleware:
    """Ajoute `Content-Security-Policy` à chaque réponse qui n'en a pas."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.politique = getattr(settings, "CONTENT_SECURITY_POLICY", POLITIQUE_PAR_DEFAUT)

    def __call__(self, request):
        reponse = self.get_response(request)
        if self.politique and "Content-Security-Policy" not in reponse:
            reponse["Content-Security-Policy"] = self.politique
        return reponse


def _laisser_a_l_api(request) -> bool:
    """Vrai si l'adresse de l'API ne mène à rien (elle reçoit le 404 JSON de l'API, quels
    que soient ses paramètres), ou mène à une vue qui ne sert pas cette méthode (DRF répond
    405 avec `Allow`, sans rien lire)."""
    try:
        vue = resolve(request.path_info).func
    except Resolver404:
        return "\x00" not in request.path
    if request.method in ("HEAD", "OPTIONS"):
        return False
    actions = getattr(vue, "actions", None)  # ensemble de vues DRF : méthode -> action
    if actions is not None:
        return request.method.lower() not in actions
    classe = getattr(vue, "cls", None)
    return classe is not None and not hasattr(classe, request.method.lower())


class RefusCaractereNulMiddleware:
    """Une adresse (chemin ou paramètres) qui contient un caractère nul est refusée : 400.

    Aucun identifiant, code ou filtre du portail n'en contient, et PostgreSQL refuse ce
    caractère dans une requête : sans ce refus, `/territoires/%00/` finirait en erreur 500
    au lieu d'une réponse claire. Les champs des formulaires le refusent déjà (Django).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and _laisser_a_l_api(request):
            return self.get_response(request)
        if "\x00" in request.path or any(
            "\x00" in cle or any("\x00" in valeur for valeur in valeurs)
            for cle, valeurs in request.GET.lists()
        ):
            return self.refus(request)
        return self.get_response(request)

    @staticmethod
    def refus(request):
        message = "L'adresse contient un caractère nul : elle ne désigne rien sur le portail."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "requete_invalide"}, status=400)
        return render(request, "400.html", {"message": message}, status=400)


class IntrouvableEnJsonMiddleware:
    """Sous `/api/`, une adresse qui ne mène à rien reçoit le 404 JSON de l'API.

    Sans `DEBUG`, `socle.vues.page_introuvable` le fait déjà ; avec `DEBUG`, Django répond
    par sa page HTML de débogage, hors du schéma de l'API.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reponse = self.get_response(request)
        if (
            reponse.status_code == 404
            and request.path.startswith("/api/")
            and reponse.get("Content-Type", "").startswith("text/html")
        ):
            return JsonResponse(
                {
                    "detail": "Ressource introuvable ou hors de votre périmètre.",
                    "code": "not_found",
                },
                status=404,
            )
        return reponse
