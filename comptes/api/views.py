"""API des comptes : le jeton d'un agent."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from comptes import jetons, securite
from socle.api import ErreurSerializer, ErreurValidationSerializer

MESSAGE_IDENTIFIANTS = "Identifiant ou mot de passe incorrect."


class JetonSerializer(serializers.Serializer):
    username = serializers.CharField(label="Identifiant", max_length=150)
    password = serializers.CharField(
        label="Mot de passe", max_length=4096, trim_whitespace=False, write_only=True
    )
    nom = serializers.CharField(
        label="Nom du jeton",
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="À quoi sert ce jeton (il apparaît dans la liste de vos jetons).",
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
    """`POST auth/token/` (username, password, nom facultatif) : un nouveau jeton de l'agent,
    dont la clé n'est montrée qu'ici ; il expire après `API_JETON_DUREE_JOURS` jours."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "jeton"
    serializer_class = JetonSerializer

    @extend_schema(
        summary="Obtenir un jeton d'API (identifiant et mot de passe)",
        request=JetonSerializer,
        responses={
            200: inline_serializer(
                "Jeton",
                {
                    "token": serializers.CharField(
                        help_text="La clé, montrée une seule fois : « Authorization: Token <clé> »."
                    ),
                    "nom": serializers.CharField(),
                    "expire_le": serializers.DateTimeField(),
                },
            ),
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
        jeton, cle = jetons.creer_jeton(
            user=serializer.validated_data["user"], nom=serializer.validated_data.get("nom", "")
        )
        return Response({"token": cle, "nom": jeton.nom, "expire_le": jeton.expire_le})
