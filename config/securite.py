"""En-têtes de sécurité qui ne sont pas dans Django 5.2 : la politique de sécurité du contenu."""

from django.conf import settings

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
