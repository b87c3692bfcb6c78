"""API des totaux : la table des totaux précalculés seulement, jamais les projets."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from pilotage import selectors
from pilotage.api import filters, serializers
from pilotage.indicateurs import indicateurs_avec_derniere_valeur
from socle.api import LECTURE


@extend_schema_view(
    list=extend_schema(
        summary="Totaux précalculés : une ligne par périmètre (national, région, territoire)",
        description=(
            "Lus dans la table des totaux, recalculée chaque nuit et après chaque changement "
            "(`calcule_le`). Sans `dispositif` ni `annee` : tous les dispositifs, toutes les "
            "années ; avec, les chiffres des projets portent sur les projets qui ont un "
            "engagement sur ce dispositif ou cette année."
        ),
        responses={200: serializers.TotauxSerializer(many=True), **LECTURE},
    ),
)
class TotauxViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.TotauxSerializer
    filterset_class = filters.TotauxApiFilter
    ordering_fields = [
        "code",
        "libelle",
        "nb_projets",
        "investissement",
        "emplois_crees",
        "aide_sollicitee",
        "montant_engage",
        "montant_verse",
    ]

    def get_queryset(self):
        return selectors.totaux_visibles_par(self.request.user).order_by(
            "niveau", "code", "dispositif", "annee", "pk"
        )


@extend_schema_view(
    list=extend_schema(
        summary="Indicateurs du programme : cible et dernière valeur datée et sourcée",
        responses={200: serializers.IndicateurSerializer(many=True), **LECTURE},
    ),
    retrieve=extend_schema(
        summary="Un indicateur",
        responses={200: serializers.IndicateurSerializer, **LECTURE},
    ),
)
class IndicateurViewSet(viewsets.ReadOnlyModelViewSet):
    """Lecture pour tout agent qui a un profil ; la saisie se fait dans les pages."""

    serializer_class = serializers.IndicateurSerializer
    lookup_field = "code"
    ordering_fields = ["code", "libelle"]

    def get_queryset(self):
        return indicateurs_avec_derniere_valeur()
