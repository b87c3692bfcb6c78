from django.contrib import admin

from documents.models import Document, Signature
from documents.selectors import documents_visibles_par
from socle.administration import LectureSeule


@admin.register(Document)
class DocumentAdmin(LectureSeule, admin.ModelAdmin):
    """Consultation seule, dans le périmètre de l'agent ; le fichier se télécharge depuis la
    fiche du projet (droit vérifié, consultation tracée), jamais par une adresse publique."""

    list_display = [
        "id",
        "titre",
        "type",
        "projet",
        "etat",
        "nom_fichier",
        "taille",
        "auteur",
        "created_at",
    ]
    list_filter = ["type", "etat"]
    search_fields = ["titre", "nom_fichier", "projet__intitule"]
    list_select_related = ["projet", "auteur"]
    exclude = ["cle"]

    def get_queryset(self, request):
        return documents_visibles_par(request.user).select_related("projet", "auteur")


@admin.register(Signature)
class SignatureAdmin(LectureSeule, admin.ModelAdmin):
    list_display = ["projet", "document", "signe_le", "auteur"]
    list_select_related = ["projet", "document", "auteur"]

    def get_queryset(self, request):
        return Signature.objects.filter(
            document__in=documents_visibles_par(request.user).values("pk")
        ).select_related("projet", "document", "auteur")
