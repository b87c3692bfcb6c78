"""API des simulations de programmation : simulations, leurs lignes, leur application.

Les lectures passent par `selectors.simulations_visibles_par` (une simulation hors du
périmètre répond 404) ; les écritures par `programmation.services`. Chaque action déclare
sa règle de rôle (`regles`, posée par `AccesPortail` avant de lire la saisie) ; les refus
des services deviennent 403, 409 (version périmée, simulation déjà appliquée, lignes qui
ne peuvent plus être engagées, dépassement de l'enveloppe avec `demande` et
`disponible`) ou 400 par le gestionnaire d'erreurs unique (`socle.api`).
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from fonds.api.serializers import EngagementSerializer
from fonds.models import Engagement
from programmation import permissions, selectors, services
from programmation.api import serializers
from programmation.models import LigneSimulation
from socle.api import ECRITURE, LECTURE, documenter
from socle.filtres import FiltreEntier


class SimulationApiFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(
        field_name="enveloppe__region_id", help_text="Code de la région."
    )
    annee = FiltreEntier(field_name="enveloppe__annee", help_text="Année de l'enveloppe.")
    dispositif = django_filters.CharFilter(
        field_name="enveloppe__dispositif__code", help_text="Code du dispositif."
    )
    statut = django_filters.ChoiceFilter(
        choices=[("en_preparation", "En préparation"), ("appliquee", "Appliquée")],
        method="filtrer_statut",
    )

    def filtrer_statut(self, queryset, name, value):
        return queryset.filter(appliquee_le__isnull=value == "en_preparation")


@documenter(
    serializers.SimulationSerializer,
    liste="Simulations de programmation visibles (préfecture de région, Région, équipe nationale)",
    detail="Une simulation et ses totaux",
    create=extend_schema(
        summary="Créer une simulation de l'enveloppe d'une région et d'une année",
        description=(
            "Ses lignes sont les projets candidats (présélectionnés et en instruction, de la "
            "région et de l'année), au montant sollicité ; les présélectionnés sont inclus."
        ),
        request=serializers.SimulationCreationSerializer,
        responses={201: serializers.SimulationSerializer, **ECRITURE},
    ),
)
class SimulationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """« Et si l'on finançait ces projets à ces montants ? » : les simulations d'une enveloppe
    régionale, partagées entre la préfecture de région et le conseil régional."""

    serializer_class = serializers.SimulationSerializer
    filterset_class = SimulationApiFilter
    ordering_fields = ["id", "nom", "updated_at", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    regles = {
        **{
            action: permissions.peut_programmer
            for action in (
                "list",
                "retrieve",
                "create",
                "lignes",
                "ajouter_ligne",
                "ligne",
                "dupliquer",
            )
        },
        "appliquer": permissions.peut_appliquer_des_simulations,
    }

    def get_queryset(self):
        return selectors.pour_affichage(
            selectors.simulations_visibles_par(self.request.user)
        ).order_by("-updated_at", "-pk")

    def _donnees(self, simulations, *, many: bool = False):
        """Les simulations et leurs totaux (une requête pour toutes)."""
        liste = list(simulations) if many else [simulations]
        contexte = {**self.get_serializer_context(), "totaux": selectors.totaux_de(liste)}
        return serializers.SimulationSerializer(
            liste if many else simulations, many=many, context=contexte
        ).data

    def _relue(self, pk: int, statut=status.HTTP_200_OK) -> Response:
        return Response(self._donnees(self.get_queryset().get(pk=pk)), status=statut)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._donnees(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        return Response(self._donnees(self.get_object()))

    def create(self, request, *args, **kwargs):
        entree = serializers.SimulationCreationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        simulation = services.creer_simulation(auteur=request.user, **entree.validated_data)
        return self._relue(simulation.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Dupliquer une simulation (mêmes lignes), sous un autre nom",
        request=serializers.DuplicationSerializer,
        responses={201: serializers.SimulationSerializer, **ECRITURE},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def dupliquer(self, request, pk=None, format=None):
        simulation = self.get_object()
        entree = serializers.DuplicationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        copie = services.dupliquer(
            simulation_id=simulation.pk, auteur=request.user, nom=entree.validated_data["nom"]
        )
        return self._relue(copie.pk, status.HTTP_201_CREATED)

    # --- Lignes ---------------------------------------------------------------------

    @extend_schema(
        summary="Lignes d'une simulation (projets candidats, montants proposés)",
        responses={200: serializers.LigneSerializer(many=True), **LECTURE},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def lignes(self, request, pk=None, format=None):
        simulation = self.get_object()
        page = self.paginate_queryset(selectors.lignes_de(simulation))
        return self.get_paginated_response(serializers.LigneSerializer(page, many=True).data)

    @extend_schema(
        summary="Ajouter un projet candidat à la simulation",
        description=(
            "Un projet de la région et de l'année de l'enveloppe, présélectionné ou en "
            "instruction ; sinon 400, avec la raison."
        ),
        request=serializers.LigneCreationSerializer,
        responses={201: serializers.LigneSerializer, **ECRITURE},
    )
    @lignes.mapping.post
    def ajouter_ligne(self, request, pk=None, format=None):
        simulation = self.get_object()
        entree = serializers.LigneCreationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        ligne = services.ajouter_ligne(
            simulation_id=simulation.pk,
            projet_id=donnees["projet"],
            auteur=request.user,
            version_attendue=donnees["version"],
            montant=donnees["montant"],
            incluse=donnees["incluse"],
        )
        relue = selectors.ligne_detail(simulation, ligne.pk)
        return Response(serializers.LigneSerializer(relue).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifier une ligne : montant proposé, inclusion",
        description=(
            "`version` : celle de la ligne que vous avez lue. Si un autre agent l'a modifiée "
            "depuis, 409 (`version_perimee`) : relisez la ligne, rien n'est écrit."
        ),
        request=serializers.LigneModificationSerializer,
        responses={200: serializers.LigneSerializer, **ECRITURE},
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"lignes/(?P<ligne_pk>[0-9]+)",
        url_name="ligne",
        filter_backends=[],
        pagination_class=None,
    )
    def ligne(self, request, pk=None, ligne_pk=None, format=None):
        simulation = self.get_object()
        try:
            ligne = simulation.lignes.only("pk").get(pk=ligne_pk)
        except LigneSimulation.DoesNotExist as exc:
            raise NotFound("Cette ligne n'est pas dans la simulation.") from exc
        entree = serializers.LigneModificationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        donnees = entree.validated_data
        services.modifier_ligne(
            ligne_id=ligne.pk,
            auteur=request.user,
            version_attendue=donnees["version"],
            montant=donnees.get("montant"),
            incluse=donnees.get("incluse"),
        )
        relue = selectors.ligne_detail(simulation, ligne.pk)
        return Response(serializers.LigneSerializer(relue).data)

    # --- Application ----------------------------------------------------------------

    @extend_schema(
        summary="Appliquer la simulation : ses lignes incluses deviennent des engagements",
        description=(
            "Tout ou rien, sous le verrou de l'enveloppe (préfecture de la région, équipe "
            "nationale). 201 : les engagements créés ; les projets passent à « engagé » et la "
            "Région est prévenue. 409 si la somme dépasse le disponible (`demande`, "
            "`disponible`), si une ligne ne peut plus être engagée (projet qui n'est plus "
            "présélectionné : le message nomme les lignes et leurs montants), si la "
            "simulation a changé depuis `version` ou a déjà été appliquée : rien n'est écrit."
        ),
        request=serializers.ApplicationSerializer,
        responses={201: EngagementSerializer(many=True), **ECRITURE},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def appliquer(self, request, pk=None, format=None):
        simulation = self.get_object()
        entree = serializers.ApplicationSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        engagements = services.appliquer(
            simulation_id=simulation.pk,
            auteur=request.user,
            version_attendue=entree.validated_data["version"],
        )
        relus = (
            Engagement.objects.filter(pk__in=[e.pk for e in engagements])
            .select_related("enveloppe__dispositif")
            .order_by("pk")
        )
        return Response(EngagementSerializer(relus, many=True).data, status=status.HTTP_201_CREATED)
