"""API des échanges : ses notifications (chacun les siennes), la discussion d'un projet."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from echanges import discussion, permissions, selectors, services
from echanges.api import serializers
from echanges.models import Commentaire, Notification
from projets.models import Projet
from projets.selectors import projets_visibles_par
from socle.api import ECRITURE, LECTURE, documenter


@documenter(
    serializers.NotificationSerializer,
    liste="Mes notifications, des plus récentes aux plus anciennes",
    detail="Une de mes notifications",
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Les notifications de l'agent connecté ; filtre `lue` (true / false)."""

    serializer_class = serializers.NotificationSerializer
    filterset_fields = []
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    regles = {
        "list": permissions.peut_utiliser,
        "retrieve": permissions.peut_utiliser,
        "lue": permissions.peut_utiliser,
        "tout_lu": permissions.peut_utiliser,
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schéma OpenAPI
            return Notification.objects.none()
        qs = selectors.notifications_de(self.request.user)
        lue = self.request.query_params.get("lue")
        if lue in ("true", "false"):
            qs = qs.filter(lue_le__isnull=(lue == "false"))
        return qs

    @extend_schema(
        summary="Marquer une notification lue",
        request=None,
        responses={200: serializers.NotificationSerializer, **ECRITURE},
    )
    @action(detail=True, methods=["post"])
    def lue(self, request, pk=None, format=None):
        notification = self.get_object()
        notification = services.marquer_lue(user=request.user, notification_id=notification.pk)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Marquer toutes mes notifications lues",
        request=None,
        responses={200: {"type": "object", "properties": {"marquees": {"type": "integer"}}}},
    )
    @action(detail=False, methods=["post"], url_path="tout-lu")
    def tout_lu(self, request, format=None):
        return Response({"marquees": services.tout_marquer_lu(user=request.user)})


class CommentairesView(generics.ListCreateAPIView):
    """La discussion d'un projet : la lire (qui voit le projet), y écrire (préfecture,
    conseil régional, équipe nationale), avec « @identifiant » pour mentionner un agent."""

    serializer_class = serializers.CommentaireSerializer
    filter_backends = []
    regles = {"POST": permissions.peut_commenter_role}

    def get_projet(self) -> Projet:
        try:
            return projets_visibles_par(self.request.user).get(pk=self.kwargs["projet_id"])
        except Projet.DoesNotExist as exc:
            raise Http404 from exc

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schéma OpenAPI
            return Commentaire.objects.none()
        return selectors.commentaires_du_projet(self.get_projet())

    @property
    def action(self):
        """La règle de rôle à poser avant la saisie (`comptes.api.permissions`)."""
        return self.request.method if self.request else None

    @extend_schema(
        summary="Écrire dans la discussion d'un projet",
        request=serializers.CommentaireEcritureSerializer,
        responses={201: serializers.CommentaireSerializer, **ECRITURE},
    )
    def post(self, request, *args, **kwargs):
        projet = self.get_projet()
        entree = serializers.CommentaireEcritureSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        commentaire = discussion.ecrire(
            projet_id=projet.pk, auteur=request.user, texte=entree.validated_data["texte"]
        )
        commentaire = selectors.commentaires_du_projet(projet).get(pk=commentaire.pk)
        return Response(self.get_serializer(commentaire).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="La discussion d'un projet",
        responses={200: serializers.CommentaireSerializer(many=True), **LECTURE},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
