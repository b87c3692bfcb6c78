"""L'API des projets avec ce qui touche à leurs crédits.

`projets.api` ne connaît pas le fonds ; ici s'ajoutent le filtre `dispositif` (les
projets financés par un dispositif) et les changements de statut, dont l'abandon d'un
projet engagé rend les crédits non versés (`fonds.services.changer_statut_du_projet`).
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from fonds import selectors as fonds_selectors
from fonds import services as fonds_services
from projets import permissions
from projets.api import filters, serializers
from projets.api import views as projets_api
from socle.api import ECRITURE


class ProjetApiFilter(filters.ProjetApiFilter):
    dispositif = django_filters.CharFilter(
        method="filtrer_dispositif",
        help_text="Code d'un dispositif : projets ayant un engagement sur ce dispositif.",
    )

    class Meta(filters.ProjetApiFilter.Meta):
        fields = [*filters.ProjetApiFilter.Meta.fields, "dispositif"]

    def filtrer_dispositif(self, queryset, name, value):
        return fonds_selectors.projets_finances_par(queryset, value)


class ProjetViewSet(projets_api.ProjetViewSet):
    __doc__ = projets_api.ProjetViewSet.__doc__
    filterset_class = ProjetApiFilter
    regles = {**projets_api.ProjetViewSet.regles, "transitions": permissions.peut_changer_de_statut}

    @extend_schema(
        summary="Changer le statut d'un projet",
        request=serializers.TransitionSerializer,
        responses={200: serializers.ProjetSerializer, **ECRITURE},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None, format=None):
        projet = self.get_object()
        entree = serializers.TransitionSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        fonds_services.changer_statut_du_projet(
            projet_id=projet.pk,
            auteur=request.user,
            vers=entree.validated_data["vers"],
            commentaire=entree.validated_data["commentaire"],
        )
        return self._relu(projet.pk)
