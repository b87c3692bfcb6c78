from django.contrib import admin
from django.db import transaction
from django.db.models import Exists, OuterRef

from comptes import audit
from comptes.models import Action
from comptes.scoping import est_national
from projets import entreprises, permissions
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

    def get_readonly_fields(self, request, obj=None):
        # Le SIREN désigne l'entreprise : il ne change pas ; `fictive` est posé par la démo.
        return ["siren", "fictive"] if obj is not None else ["fictive"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or bool(permissions.peut_modifier_entreprise(request.user, obj))
        )

    def save_model(self, request, obj, form, change):
        """Par les services des entreprises : mêmes droits, trace avant et après."""
        if change:
            entreprises.modifier_entreprise(
                auteur=request.user,
                entreprise_id=obj.pk,
                raison_sociale=obj.raison_sociale,
                taille=obj.taille,
            )
            obj.refresh_from_db()
        else:
            cree = entreprises.creer_entreprise(
                auteur=request.user,
                siren=obj.siren,
                raison_sociale=obj.raison_sociale,
                taille=obj.taille,
            )
            obj.pk = cree.pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        self.delete_queryset(request, Entreprise.objects.filter(pk=obj.pk))

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for entreprise in queryset:
            audit.tracer(
                objet=entreprise,
                action=Action.SUPPRESSION,
                auteur=request.user,
                changements={
                    c: [v, None]
                    for c, v in audit.instantane(entreprise, entreprises.CHAMPS).items()
                },
            )
        queryset.delete()
