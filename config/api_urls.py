"""Le routeur unique de l'API v1."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from fonds.api import views as fonds
from fonds.api.serializers import ErreurSerializer, ErreurValidationSerializer
from pilotage.api import views as pilotage
from projets.api.views import ProjetViewSet
from territoires.api import views as territoires


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


routeur = DefaultRouter()

# Référentiel
routeur.register("regions", territoires.RegionViewSet, basename="region")
routeur.register("departements", territoires.DepartementViewSet, basename="departement")
routeur.register(
    "intercommunalites", territoires.IntercommunaliteViewSet, basename="intercommunalite"
)
routeur.register("territoires", territoires.TerritoireViewSet, basename="territoire")

# Projets
routeur.register("projets", ProjetViewSet, basename="projet")

# Crédits
routeur.register("dispositifs", fonds.DispositifViewSet, basename="dispositif")
routeur.register("enveloppes", fonds.EnveloppeViewSet, basename="enveloppe")
routeur.register("engagements", fonds.EngagementViewSet, basename="engagement")
routeur.register("versements", fonds.VersementViewSet, basename="versement")

# Pilotage
routeur.register("totaux", pilotage.TotauxViewSet, basename="totaux")
# `indicateurs` (indicateurs du programme et leurs cibles) : enregistré ici par
# l'application pilotage, p. ex.
routeur.register("indicateurs", pilotage.IndicateurViewSet, basename="indicateur")

urlpatterns = [
    path("auth/token/", JetonView.as_view(), name="api-jeton"),
    path("", include(routeur.urls)),
]
