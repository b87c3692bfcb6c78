"""API des projets : lecture dans le périmètre de l'utilisateur, écriture par les services.

Chaque action déclare la règle de rôle à poser avant de lire la saisie (`regles`) ; les
règles des données (saisie, périmètre, version) sont celles des services, et leurs refus
deviennent des réponses par le gestionnaire d'erreurs de `socle.api`. Les changements de
statut, qui touchent aux crédits quand un projet engagé est abandonné, sont ajoutés par
`portail.api`.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from projets import permissions, selectors, services
from projets.api import filters, serializers
from socle.api import ECRITURE, documenter

VERSION_PERIMEE = OpenApiResponse(description="Version périmée.")


@documenter(
    serializers.ProjetSerializer,
    liste="Projets visibles par l'utilisateur",
    detail="Un projet",
    partial_update=extend_schema(
        summary="Modifier une partie d'un projet (champ `version` obligatoire)",
        request=serializers.ProjetEcritureSerializer,
        responses={200: serializers.ProjetSerializer, **ECRITURE},
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
    regles = {
        "create": permissions.peut_creer,
        "update": permissions.peut_creer,
        "partial_update": permissions.peut_creer,
        "avis": permissions.peut_donner_des_avis,
    }

    def get_queryset(self):
        return selectors.projets_visibles_par(self.request.user).select_related("porteur")

    def _relu(self, projet_id: int, statut=status.HTTP_200_OK, avertissements=None) -> Response:
        projet = self.get_queryset().get(pk=projet_id)
        donnees = self.get_serializer(projet).data
        if avertissements is not None:
            donnees["avertissements"] = avertissements
        return Response(donnees, status=statut)

    @extend_schema(
        summary="Créer un projet (préfecture, équipe nationale)",
        request=serializers.ProjetEcritureSerializer,
        responses={201: serializers.ProjetEcritSerializer, **ECRITURE},
    )
    def create(self, request, *args, **kwargs):
        entree = serializers.ProjetEcritureSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        projet = services.creer_projet(
            auteur=request.user,
            saisie=entree.saisie(),
            deposer=entree.validated_data.get("deposer", False),
        )
        return self._relu(projet.pk, status.HTTP_201_CREATED, projet.avertissements)

    @extend_schema(
        summary="Modifier un projet (champ `version` obligatoire, 409 s'il a changé)",
        request=serializers.ProjetEcritureSerializer,
        responses={200: serializers.ProjetEcritSerializer, 409: VERSION_PERIMEE, **ECRITURE},
    )
    def update(self, request, *args, **kwargs):
        projet = self.get_object()
        entree = serializers.ProjetEcritureSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        version = entree.validated_data.get("version")
        if version is None:
            raise exceptions.ValidationError({"version": ["La version lue est obligatoire."]})
        modifie = services.modifier_projet(
            projet_id=projet.pk,
            auteur=request.user,
            saisie=entree.saisie(projet),
            version_attendue=version,
        )
        return self._relu(projet.pk, avertissements=modifie.avertissements)

    @extend_schema(
        summary="Donner l'avis de l'État (préfecture) ou de la Région (conseil régional)",
        request=serializers.AvisEntreeSerializer,
        responses={201: serializers.AvisSerializer, **ECRITURE},
    )
    @action(detail=True, methods=["post"])
    def avis(self, request, pk=None, format=None):
        projet = self.get_object()
        entree = serializers.AvisEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        avis = services.donner_avis(
            projet_id=projet.pk,
            auteur=request.user,
            sens=entree.validated_data["avis"],
            commentaire=entree.validated_data["commentaire"],
        )
        return Response(serializers.AvisSerializer(avis).data, status=status.HTTP_201_CREATED)
