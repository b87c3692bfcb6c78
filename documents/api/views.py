"""API des documents d'un projet : liste, envoi (multipart), détail, téléchargement,
remplacement, suppression, sous `projets/<id>/documents/`.

Un projet que l'appelant ne voit pas n'existe pas (404), ni ses documents. Les écritures
passent par `documents.services` ; leurs refus deviennent 403, 409 ou 400 (avec le champ)
par le gestionnaire d'erreurs unique (`socle.api`).
"""

from django.http import FileResponse, Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from documents import permissions, selectors, services
from documents.api import serializers
from documents.models import Document
from projets.selectors import projets_visibles_par
from socle.api import DETAIL, ECRITURE, LECTURE


@extend_schema(
    parameters=[
        OpenApiParameter("projet_pk", int, OpenApiParameter.PATH, description="Le projet."),
    ]
)
class DocumentViewSet(viewsets.GenericViewSet):
    serializer_class = serializers.DocumentSerializer
    queryset = Document.objects.none()  # pour le schéma ; les lectures : `get_queryset`
    # Multipart pour envoyer un fichier ; un corps JSON (sans fichier) reçoit 400, pas 415.
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    regles = {
        "create": permissions.peut_deposer_des_documents,
        "remplacer": permissions.peut_deposer_des_documents,
        "destroy": permissions.peut_deposer_des_documents,
    }

    def _projet(self):
        projet = projets_visibles_par(self.request.user).filter(pk=self.kwargs["projet_pk"]).first()
        if projet is None:
            raise Http404("Ce projet n'existe pas ou n'est pas dans votre périmètre.")
        return projet

    def get_queryset(self):
        return (
            Document.objects.filter(projet=self._projet())
            .select_related("auteur")
            .order_by("-created_at", "-pk")
        )

    def _document(self) -> Document:
        document = selectors.document_ou_none(
            self.request.user, projet_id=self.kwargs["projet_pk"], pk=self.kwargs["pk"]
        )
        if document is None:
            raise Http404("Ce document n'existe pas ou n'est pas dans votre périmètre.")
        return document

    def _reponse(self, document, statut=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(document).data, status=statut)

    @extend_schema(
        summary="Documents d'un projet (versions précédentes comprises, avec `precedent`)",
        responses={200: serializers.DocumentSerializer(many=True), **LECTURE},
    )
    def list(self, request, projet_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="Joindre un document au projet (multipart : type, titre, fichier)",
        description=(
            "Taille maximale : `DOCUMENTS_TAILLE_MAX` (20 Mo par défaut). Type vérifié sur le "
            "contenu (PDF, PNG, JPEG, CSV, documents bureautiques). Avec un antivirus, le "
            "document est « analyse_en_cours » jusqu'au verdict."
        ),
        request={"multipart/form-data": serializers.DepotSerializer},
        responses={201: serializers.DocumentSerializer, **ECRITURE},
    )
    def create(self, request, projet_pk=None):
        projet = self._projet()
        entree = serializers.DepotSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        fichier = entree.validated_data["fichier"]
        document = services.deposer(
            projet_id=projet.pk,
            auteur=request.user,
            type=entree.validated_data["type"],
            titre=entree.validated_data.get("titre", ""),
            nom=fichier.name,
            contenu=fichier.read(),
        )
        return self._reponse(document, status.HTTP_201_CREATED)

    @extend_schema(summary="Un document", responses={200: serializers.DocumentSerializer, **DETAIL})
    def retrieve(self, request, projet_pk=None, pk=None):
        return self._reponse(self._document())

    @extend_schema(
        summary="Remplacer un document (multipart : titre, fichier) ; la version précédente reste",
        request={"multipart/form-data": serializers.RemplacementSerializer},
        responses={201: serializers.DocumentSerializer, **ECRITURE},
    )
    def remplacer(self, request, projet_pk=None, pk=None):
        document = self._document()
        entree = serializers.RemplacementSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        fichier = entree.validated_data["fichier"]
        nouveau = services.remplacer(
            document_id=document.pk,
            auteur=request.user,
            titre=entree.validated_data.get("titre", ""),
            nom=fichier.name,
            contenu=fichier.read(),
        )
        return self._reponse(nouveau, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Supprimer un document et ses versions précédentes (auteur, équipe nationale)",
        responses={204: None, **ECRITURE},
    )
    def destroy(self, request, projet_pk=None, pk=None):
        services.supprimer(document_id=self._document().pk, auteur=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Télécharger le fichier (refusé pendant l'analyse ou en quarantaine)",
        responses={(200, "application/octet-stream"): bytes, **DETAIL},
    )
    def fichier(self, request, projet_pk=None, pk=None):
        document = self._document()
        flux = services.consulter(document=document, auteur=request.user)
        reponse = FileResponse(
            flux, as_attachment=True, filename=document.nom_fichier, content_type=document.type_mime
        )
        reponse["X-Content-Type-Options"] = "nosniff"
        reponse["Cache-Control"] = "private, no-store"
        return reponse


documents = DocumentViewSet.as_view({"get": "list", "post": "create"})
document = DocumentViewSet.as_view({"get": "retrieve", "delete": "destroy"})
remplacement = DocumentViewSet.as_view({"post": "remplacer"})
fichier = DocumentViewSet.as_view({"get": "fichier"})
