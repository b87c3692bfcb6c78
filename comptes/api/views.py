"""API des comptes : le jeton d'un agent."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from socle.api import ErreurSerializer, ErreurValidationSerializer


class JetonView(ObtainAuthToken):
    """`POST auth/token/` (username, password) : le jeton de l'utilisateur."""

    @extend_schema(
        summary="Obtenir le jeton d'API d'un utilisateur (identifiant et mot de passe)",
        responses={
            200: inline_serializer("Jeton", {"token": serializers.CharField()}),
            400: OpenApiResponse(
                ErreurValidationSerializer, description="Identifiants incorrects ou absents."
            ),
            401: OpenApiResponse(
                ErreurSerializer, description="En-tête `Authorization` fourni mais invalide."
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
