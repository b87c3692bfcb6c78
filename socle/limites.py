"""Limites de débit de l'API propres au portail (les autres sont celles de DRF).

Module à part : les réglages de DRF le nomment, il ne doit donc pas importer les vues de DRF.
"""

from rest_framework.throttling import UserRateThrottle


class LimiteEcritures(UserRateThrottle):
    """Les écritures d'un agent (ou d'une adresse, sans compte) : une limite à part, plus
    basse que celle des lectures (`API_LIMITE_ECRITURES`)."""

    scope = "ecriture"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)
