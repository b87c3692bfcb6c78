from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from comptes.scoping import portee_de
from config.api import Conflit
from projets import permissions, selectors, services, workflow
from projets.api import filters, serializers

ERREURS = {
    400: OpenApiResponse(description="Données invalides (détail par champ)."),
    401: OpenApiResponse(description="Authentification requise."),
    403: OpenApiResponse(description="Action non permise pour votre rôle."),
    404: OpenApiResponse(description="Projet introuvable ou hors de votre périmètre."),
}


@extend_schema_view(
    list=extend_schema(
        summary="Projets visibles par l'utilisateur",
        responses={200: serializers.ProjetSerializer(many=True), **ERREURS},
    ),
    retrieve=extend_schema(
        summary="Un projet",
        responses={200: serializers.ProjetSerializer, **{c: ERREURS[c] for c in (401, 403, 404)}},
    ),
    partial_update=extend_schema(
        summary="Modifier une partie d'un projet (champ `version` obligatoire)",
        request=serializers.ProjetEcritureSerializer,
        responses={
            200: serializers.ProjetSerializer,
            409: OpenApiResponse(description="Version périmée."),
            **ERREURS,
        },
    ),
)
class ProjetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projets : lecture dans le périmètre de l'utilisateur, écriture par les services."""

    serializer_class = serializers.ProjetSerializer
    filterset_class = filters.ProjetApiFilter
    ordering_fields = [
        "id",
        "updated_at",
        "intitule",
        "montant_investissement",
        "aide_sollicitee",
        "emplois_crees",
    ]
    ordering = ["-updated_at", "-id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return selectors.projets_visibles_par(self.request.user).select_related("porteur")

    def _traduire(self, exc):
        if isinstance(exc, services.ConflitDeVersion):
            raise Conflit(exc.message, code="version_perimee")
        if isinstance(exc, services.PermissionRefusee):
            raise exceptions.PermissionDenied(exc.message)
        if isinstance(exc, ValidationError):
            raise exc
        raise exceptions.ValidationError({"non_field_errors": [exc.message]})

    @extend_schema(
        summary="Créer un projet (préfecture, équipe nationale)",
        request=serializers.ProjetEcritureSerializer,
        responses={201: serializers.ProjetSerializer, **ERREURS},
    )
    def create(self, request, *args, **kwargs):
        decision = permissions.peut_creer(request.user)
        if not decision:
            raise exceptions.PermissionDenied(decision.raison)
        entree = serializers.ProjetEcritureSerializer(
            data=request.data, context={"request": request}
        )
        entree.is_valid(raise_exception=True)
        donnees = dict(entree.validated_data)
        deposer = donnees.pop("deposer", False)
        donnees.pop("version", None)
        try:
            projet = services.creer_projet(auteur=request.user, donnees=donnees, deposer=deposer)
        except (services.ErreurProjet, ValidationError) as exc:
            self._traduire(exc)
        projet = self.get_queryset().get(pk=projet.pk)
        return Response(self.get_serializer(projet).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Modifier un projet (champ `version` obligatoire, 409 s'il a changé)",
        request=serializers.ProjetEcritureSerializer,
        responses={
            200: serializers.ProjetSerializer,
            409: OpenApiResponse(description="Version périmée."),
            **ERREURS,
        },
    )
    def update(self, request, *args, **kwargs):
        projet = self.get_object()
        # La règle du service (`modifier_projet`), vérifiée avant de lire la saisie : 403.
        decision = permissions.peut_modifier(request.user, projet)
        if not decision:
            raise exceptions.PermissionDenied(decision.raison)
        entree = serializers.ProjetEcritureSerializer(
            data=request.data,
            partial=kwargs.get("partial", False),
            context={"request": request, "projet": projet},
        )
        entree.is_valid(raise_exception=True)
        donnees = dict(entree.validated_data)
        donnees.pop("deposer", None)
        version = request.data.get("version")
        if version is None:
            raise exceptions.ValidationError({"version": ["La version lue est obligatoire."]})
        donnees.pop("version", None)
        try:
            services.modifier_projet(
                projet_id=projet.pk,
                auteur=request.user,
                donnees=donnees,
                version_attendue=int(version),
            )
        except (services.ErreurProjet, ValidationError) as exc:
            self._traduire(exc)
        return Response(self.get_serializer(self.get_queryset().get(pk=projet.pk)).data)

    @extend_schema(
        summary="Changer le statut d'un projet",
        request=serializers.TransitionSerializer,
        responses={200: serializers.ProjetSerializer, **ERREURS},
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None, format=None):
        projet = self.get_object()
        decision = permissions.peut_changer_de_statut(request.user)
        if not decision:
            raise exceptions.PermissionDenied(decision.raison)
        entree = serializers.TransitionSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        vers = entree.validated_data["vers"]
        roles = workflow.TRANSITIONS_MANUELLES.get((projet.statut, vers))
        if roles is not None and portee_de(request.user).role not in roles:
            raise exceptions.PermissionDenied("Votre rôle ne permet pas ce changement de statut.")
        try:
            services.changer_statut(
                projet_id=projet.pk,
                auteur=request.user,
                vers=vers,
                commentaire=entree.validated_data["commentaire"],
            )
        except services.ErreurProjet as exc:
            raise exceptions.ValidationError({"vers": [exc.message]}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=projet.pk)).data)

    @extend_schema(
        summary="Donner l'avis de l'État (préfecture) ou de la Région (conseil régional)",
        request=serializers.AvisEntreeSerializer,
        responses={201: serializers.AvisSerializer, **ERREURS},
    )
    @action(detail=True, methods=["post"])
    def avis(self, request, pk=None, format=None):
        projet = self.get_object()
        decision = permissions.peut_donner_des_avis(request.user)
        if not decision:
            raise exceptions.PermissionDenied(decision.raison)
        entree = serializers.AvisEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        try:
            avis = services.donner_avis(
                projet_id=projet.pk,
                auteur=request.user,
                sens=entree.validated_data["avis"],
                commentaire=entree.validated_data["commentaire"],
            )
        except services.PermissionRefusee as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        except services.ErreurProjet as exc:
            raise exceptions.ValidationError({"commentaire": [exc.message]}) from exc
        return Response(serializers.AvisSerializer(avis).data, status=status.HTTP_201_CREATED)
