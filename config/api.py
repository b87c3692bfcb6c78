"""Socle de l'API v1 : pagination, erreurs en français, permission unique."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class Conflit(exceptions.APIException):
    """409 : la ressource a changé, ou l'enveloppe ne peut pas couvrir la demande."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflit avec l'état actuel de la ressource."
    default_code = "conflit"

    def __init__(self, detail=None, code=None, **donnees):
        super().__init__(detail, code)
        self.donnees = donnees


MESSAGES = {
    status.HTTP_401_UNAUTHORIZED: "Authentification requise : jeton ou session invalide ou absent.",
    status.HTTP_404_NOT_FOUND: "Ressource introuvable ou hors de votre périmètre.",
    status.HTTP_405_METHOD_NOT_ALLOWED: "Méthode non autorisée sur cette ressource.",
}


def gestionnaire_erreurs(exc, context):
    """Toutes les erreurs ont la même forme : {"detail", "code", ["erreurs"], ...}."""
    if isinstance(exc, ValidationError):
        erreurs = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(erreurs)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1]))
    reponse = exception_handler(exc, context)
    if reponse is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        corps = {
            "detail": "Données invalides : corrigez les champs signalés.",
            "code": "invalide",
            "erreurs": reponse.data
            if isinstance(reponse.data, dict)
            else {"non_field_errors": reponse.data},
        }
    else:
        detail = reponse.data.get("detail", "") if isinstance(reponse.data, dict) else reponse.data
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "erreur")
        if reponse.status_code in MESSAGES and code in (
            "not_authenticated",
            "authentication_failed",
            "not_found",
            "method_not_allowed",
        ):
            detail = MESSAGES[reponse.status_code]
        corps = {"detail": str(detail), "code": str(code)}
        if isinstance(exc, Conflit):
            corps.update({k: str(v) for k, v in exc.donnees.items()})
    reponse.data = corps
    return reponse


def reponse_creee(donnees):
    return Response(donnees, status=status.HTTP_201_CREATED)
