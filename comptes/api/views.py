"""API des comptes : le jeton d'un agent."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from comptes import securite
from socle.api import ErreurSerializer, ErreurValidationSerializer

MESSAGE_IDENTIFIANTS = "Identifiant ou mot de passe incorrect."


class JetonSerializer(serializers.Serializer):
    username = serializers.CharField(label="Identifiant", max_length=150)
    password = serializers.CharField(
        label="Mot de passe", max_length=4096, trim_whitespace=False, write_only=True
    )

    def validate(self, data):
        """La même garde que la page de connexion (`comptes.securite`) : compte ou adresse
        verrouillés refusés, chaque échec compté."""
        request = self.context["request"]
        if securite.est_verrouille(data["username"], securite.adresse_client(request)):
            raise serializers.ValidationError(securite.message_verrou(), code="verrouille")
        user = authenticate(request=request, username=data["username"], password=data["password"])
        if user is None:
            raise serializers.ValidationError(MESSAGE_IDENTIFIANTS, code="identifiants")
        data["user"] = user
        return data


class JetonView(APIView):
    """`POST auth/token/` (username, password) : le jeton de l'utilisateur."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "jeton"
    serializer_class = JetonSerializer

    @extend_schema(
        summary="Obtenir le jeton d'API d'un utilisateur (identifiant et mot de passe)",
        responses={
            200: inline_serializer("Jeton", {"token": serializers.CharField()}),
            400: OpenApiResponse(
                ErreurValidationSerializer,
                description="Identifiants incorrects ou absents, ou compte verrouillé après "
                "des échecs répétés.",
            ),
            429: OpenApiResponse(
                ErreurSerializer, description="Trop de demandes de jeton depuis cette adresse."
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = JetonSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        jeton, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": jeton.key})
