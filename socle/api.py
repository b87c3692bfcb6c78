"""Socle de l'API v1 : pagination, erreurs traduites une seule fois, forme des erreurs.

Les vues de l'API n'attrapent aucune erreur métier : les services lèvent `Refus`,
`Conflit` ou `Invalide` (`socle.erreurs`), et `gestionnaire_erreurs` en fait
une réponse 403, 409 ou 400, de la même forme pour toutes les ressources :

    {"detail": "message en français", "code": "code stable", ["erreurs": {champ: [...]}],
     [409 : "demande", "disponible"]}
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler

from socle.erreurs import Conflit, Invalide, Refus


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        """`page_size` absent : 50 ; sinon un entier de 1 à 500, ou 400 (jamais ignoré en
        silence : `page_size=null` n'est pas une taille)."""
        valeur = request.query_params.get(self.page_size_query_param)
        if valeur is None:
            return self.page_size
        if (
            not (valeur.isascii() and valeur.isdigit())
            or not 1 <= int(valeur) <= self.max_page_size
        ):
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        f"Indiquez un nombre entier de 1 à {self.max_page_size}."
                    ]
                }
            )
        return int(valeur)

    def get_page_number(self, request, paginator):
        """`page=` vide n'est pas un numéro : 404 comme toute page invalide (et non la 1re)."""
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.NotFound()
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        """Les bornes réellement appliquées, dans le schéma : page à partir de 1, taille de
        1 à 500."""
        parametres = super().get_schema_operation_parameters(view)
        for parametre in parametres:
            if parametre["name"] == self.page_query_param:
                parametre["schema"]["minimum"] = 1
            elif parametre["name"] == self.page_size_query_param:
                parametre["schema"].update(minimum=1, maximum=self.max_page_size)
        return parametres


class ConflitApi(exceptions.APIException):
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
CODES_REMPLACES = ("not_authenticated", "authentication_failed", "not_found", "method_not_allowed")


def _montant(valeur) -> str | None:
    return None if valeur is None else f"{valeur:.2f}"


def exception_drf(exc: Exception) -> Exception:
    """L'exception DRF qui correspond à une erreur métier ou de Django (sinon `exc`)."""
    if isinstance(exc, Refus):
        return exceptions.PermissionDenied(exc.message)
    if isinstance(exc, Conflit):
        donnees = {}
        if exc.demande is not None or exc.disponible is not None:
            donnees = {"demande": _montant(exc.demande), "disponible": _montant(exc.disponible)}
        return ConflitApi(exc.message, code=exc.code, **donnees)
    if isinstance(exc, Invalide):
        return exceptions.ValidationError(
            {champ or "non_field_errors": messages for champ, messages in exc.erreurs.items()}
        )
    if isinstance(exc, ValidationError):
        erreurs = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return exceptions.ValidationError(erreurs)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(*(exc.args[:1]))
    return exc


def gestionnaire_erreurs(exc, context):
    """Toutes les erreurs ont la même forme : {"detail", "code", ["erreurs"], ...}."""
    exc = exception_drf(exc)
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
        if reponse.status_code in MESSAGES and code in CODES_REMPLACES:
            detail = MESSAGES[reponse.status_code]
        corps = {"detail": str(detail), "code": str(code)}
        if isinstance(exc, ConflitApi):
            corps.update(exc.donnees)
    reponse.data = corps
    return reponse


# --- Forme des erreurs (documentation du schéma OpenAPI) ----------------------


class ErreurSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Message en français.")
    code = serializers.CharField(help_text="Code stable de l'erreur.")


class ErreurValidationSerializer(ErreurSerializer):
    erreurs = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text=(
            "Messages par champ (liste, ou objet pour un champ composé) ; `non_field_errors` "
            "pour un refus d'ensemble. Absent si le corps n'est pas du JSON lisible."
        ),
    )


class DepassementSerializer(ErreurSerializer):
    demande = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Montant demandé (€)."
    )
    disponible = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Montant disponible (€)."
    )


def _reponses() -> dict:
    return {
        400: OpenApiResponse(
            ErreurValidationSerializer,
            description="Données ou filtres invalides, ou refus du service (détail par champ).",
        ),
        401: OpenApiResponse(ErreurSerializer, description="Authentification requise."),
        403: OpenApiResponse(
            ErreurSerializer,
            description="Compte sans profil sur le portail, ou action non permise pour votre rôle.",
        ),
        404: OpenApiResponse(
            ErreurSerializer,
            description="Ressource (ou page) introuvable, ou hors de votre périmètre.",
        ),
        409: OpenApiResponse(
            DepassementSerializer,
            description=(
                "Conflit avec l'état actuel : version périmée (`version_perimee`), ou montant "
                "qui dépasse le disponible (`demande` et `disponible` donnent les deux "
                "montants) ; rien n'est écrit."
            ),
        ),
    }


# Réponses d'erreur documentées dans le schéma, par famille d'opérations.
ERREURS = _reponses()
LECTURE = {code: ERREURS[code] for code in (400, 401, 403, 404)}
DETAIL = {code: ERREURS[code] for code in (401, 403, 404)}
ECRITURE = {code: ERREURS[code] for code in (400, 401, 403, 404, 409)}


def documenter(serializer, *, liste: str, detail: str, **actions):
    """Le schéma d'une ressource : sa liste et son détail (résumé, réponses d'erreur), et
    celui de ses autres actions (`create=extend_schema(...)`)."""
    return extend_schema_view(
        list=extend_schema(summary=liste, responses={200: serializer(many=True), **LECTURE}),
        retrieve=extend_schema(summary=detail, responses={200: serializer, **DETAIL}),
        **actions,
    )
