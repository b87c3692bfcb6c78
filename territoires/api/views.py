from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets

from territoires.api import filters, serializers
from territoires.models import (
    Departement,
    Intercommunalite,
    Perimetre,
    Region,
    TerritoireIndustrie,
)

ERREURS_LISTE = {
    400: OpenApiResponse(description="Filtre ou page invalide."),
    401: OpenApiResponse(description="Authentification requise."),
    403: OpenApiResponse(description="Compte sans profil sur le portail."),
    404: OpenApiResponse(description="Page inexistante."),
}
ERREURS_DETAIL = {
    401: OpenApiResponse(description="Authentification requise."),
    403: OpenApiResponse(description="Compte sans profil sur le portail."),
    404: OpenApiResponse(description="Code inconnu."),
}


def _documenter(serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: serializer(many=True), **ERREURS_LISTE}),
        retrieve=extend_schema(responses={200: serializer, **ERREURS_DETAIL}),
    )


@_documenter(serializers.RegionSerializer)
class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Régions (code INSEE)."""

    queryset = Region.objects.order_by("code")
    serializer_class = serializers.RegionSerializer
    lookup_field = "code"
    ordering_fields = ["code", "nom"]


@_documenter(serializers.DepartementSerializer)
class DepartementViewSet(viewsets.ReadOnlyModelViewSet):
    """Départements (code INSEE) et leur région."""

    queryset = Departement.objects.order_by("code")
    serializer_class = serializers.DepartementSerializer
    lookup_field = "code"
    filterset_class = filters.DepartementApiFilter
    ordering_fields = ["code", "nom"]


@_documenter(serializers.IntercommunaliteSerializer)
class IntercommunaliteViewSet(viewsets.ReadOnlyModelViewSet):
    """EPCI à fiscalité propre (périmètres au 1er janvier 2025)."""

    queryset = Intercommunalite.objects.prefetch_related("departements", "regions").order_by(
        "siren"
    )
    serializer_class = serializers.IntercommunaliteSerializer
    filterset_class = filters.IntercommunaliteApiFilter
    lookup_field = "siren"
    ordering_fields = ["siren", "nom", "population"]

    def get_queryset(self):
        return super().get_queryset().distinct()


@_documenter(serializers.TerritoireSerializer)
class TerritoireViewSet(viewsets.ReadOnlyModelViewSet):
    """Les Territoires d'industrie des deux phases (148 de 2018-2022, codes « 8414 » ; 183 de
    2023-2027, codes « ti-8413 ») et leurs intercommunalités ; filtre `phase`."""

    serializer_class = serializers.TerritoireSerializer
    filterset_class = filters.TerritoireApiFilter
    lookup_field = "code"
    ordering_fields = ["code", "nom", "population"]

    def get_queryset(self):
        adhesions = Perimetre.objects.en_vigueur().order_by("epci_id")
        return TerritoireIndustrie.objects.prefetch_related(
            Prefetch("perimetres", queryset=adhesions, to_attr="adhesions")
        ).order_by("code")
