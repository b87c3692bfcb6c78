from django.contrib import admin
from django.db.models import Exists, OuterRef

from comptes.scoping import est_national
from projets.models import Avis, Entreprise, Evenement, Projet
from projets.selectors import projets_visibles_par
from socle.administration import LectureSeule, Lisible


class AvisInline(Lisible, LectureSeule, admin.TabularInline):
    model = Avis
    extra = 0
    fields = ["created_at", "cote", "sens", "commentaire", "auteur", "en_cours"]
    readonly_fields = fields


class EvenementInline(Lisible, LectureSeule, admin.TabularInline):
    model = Evenement
    extra = 0
    fields = ["created_at", "type", "auteur", "statut_avant", "statut_apres", "commentaire"]
    readonly_fields = fields


@admin.register(Projet)
class ProjetAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    list_display = [
        "id",
        "intitule",
        "statut",
        "region",
        "territoire",
        "porteur",
        "montant_investissement",
        "aide_sollicitee",
        "emplois_crees",
        "avis_etat",
        "avis_region",
    ]
    list_filter = [
        "statut",
        "region",
        "enjeu",
        "annee",
        "porteur__taille",
        "avis_etat",
        "avis_region",
    ]
    search_fields = ["intitule", "porteur__raison_sociale", "porteur__siren", "territoire__nom"]
    list_select_related = ["region", "territoire", "porteur"]
    inlines = [AvisInline, EvenementInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def get_queryset(self, request):
        # Même périmètre que les pages et l'API.
        return projets_visibles_par(request.user)


@admin.register(Entreprise)
class EntrepriseAdmin(Lisible, admin.ModelAdmin):
    list_display = ["raison_sociale", "siren", "taille", "fictive"]
    list_filter = ["taille", "fictive"]
    search_fields = ["raison_sociale", "siren"]

    def get_queryset(self, request):
        # Le porteur d'un projet n'est pas plus visible que ses projets (hors équipe nationale).
        qs = super().get_queryset(request)
        if est_national(request.user):
            return qs
        projets = projets_visibles_par(request.user).filter(porteur=OuterRef("pk"))
        return qs.filter(Exists(projets))
