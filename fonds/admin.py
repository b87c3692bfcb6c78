"""Administration du fonds.

Les montants ne s'y saisissent jamais : une enveloppe se crée vide, ses crédits
viennent de mouvements ajoutés par `fonds.services` (page « Ajouter un
mouvement »), et les mouvements, engagements et versements sont en lecture
seule, sans suppression. Un agent non superutilisateur ne voit que les
engagements et versements de son périmètre.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from comptes import audit
from comptes.models import Action
from comptes.scoping import est_admin_national
from fonds import permissions, selectors, services
from fonds.forms import MouvementForm
from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, Versement
from fonds.services.regles import annee_du_programme
from socle.administration import LectureSeule, Lisible
from socle.erreurs import Invalide
from socle.format_fr import format_euros
from socle.pages import erreurs_metier


def _euros(champ: str, libelle: str):
    @admin.display(description=libelle, ordering=champ)
    def afficher(self, obj):
        return format_euros(getattr(obj, champ))

    return afficher


CHAMPS_DISPOSITIF = ["code", "nom", "montant_annonce", "finance_projets", "ordre"]


@admin.register(Dispositif)
class DispositifAdmin(Lisible, admin.ModelAdmin):
    list_display = ["nom", "code", "montant_annonce_euros", "finance_projets", "ordre"]
    list_filter = ["finance_projets"]
    search_fields = ["nom", "code"]
    prepopulated_fields = {"code": ["nom"]}

    montant_annonce_euros = _euros("montant_annonce", "montant annoncé")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and est_admin_national(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and est_admin_national(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and est_admin_national(request.user)

    def save_model(self, request, obj, form, change):
        """Le montant annoncé d'un dispositif est de l'argent du programme : tracé."""
        avant = (
            audit.instantane(Dispositif.objects.get(pk=obj.pk), CHAMPS_DISPOSITIF) if change else {}
        )
        super().save_model(request, obj, form, change)
        changements = audit.differences(avant, audit.instantane(obj, CHAMPS_DISPOSITIF))
        if changements:
            audit.tracer(
                objet=obj,
                action=Action.MODIFICATION if change else Action.CREATION,
                auteur=request.user,
                changements=changements,
            )

    def delete_model(self, request, obj):
        audit.tracer(
            objet=obj,
            action=Action.SUPPRESSION,
            auteur=request.user,
            changements={
                champ: [valeur, None]
                for champ, valeur in audit.instantane(obj, CHAMPS_DISPOSITIF).items()
            },
        )
        super().delete_model(request, obj)


class MouvementInline(Lisible, LectureSeule, admin.TabularInline):
    model = Mouvement
    fields = ["date_effet", "type", "montant", "motif", "operation", "auteur", "created_at"]
    readonly_fields = fields
    ordering = ["date_effet", "created_at", "id"]
    extra = 0
    can_delete = False
    show_change_link = False


class EnveloppeAdminForm(forms.ModelForm):
    class Meta:
        model = Enveloppe
        fields = ["dispositif", "annee", "region"]

    def clean_annee(self):
        """La règle des années du service, avant son appel par `save_model`."""
        try:
            return annee_du_programme(self.cleaned_data["annee"])
        except Invalide as exc:
            raise forms.ValidationError(exc.message) from exc


# Les chiffres d'une enveloppe, dans la liste comme sur sa fiche.
CHIFFRES_ENVELOPPE = ["montant_euros", "engage_euros", "verse_euros", "disponible_euros"]


@admin.register(Enveloppe)
class EnveloppeAdmin(Lisible, admin.ModelAdmin):
    form = EnveloppeAdminForm
    list_display = ["__str__", "annee", "region", *CHIFFRES_ENVELOPPE]
    list_filter = ["dispositif", "annee", ("region", admin.EmptyFieldListFilter), "region"]
    list_select_related = ["dispositif", "region"]
    search_fields = ["dispositif__nom", "dispositif__code", "region__nom", "=annee"]
    inlines = [MouvementInline]

    montant_euros = _euros("montant", "montant")
    engage_euros = _euros("montant_engage", "engagé")
    verse_euros = _euros("montant_verse", "versé")

    @admin.display(description="disponible")
    def disponible_euros(self, obj):
        return format_euros(obj.montant_disponible)

    @admin.display(description="crédits")
    def ajouter_un_mouvement(self, obj):
        """Tous les mouvements de cette enveloppe, chacun par son service : dotation,
        abondement, annulation ici ; répartition, anticipation ou redéploiement sur les
        pages du fonds."""
        if obj is None or obj.pk is None:
            return "Enregistrez d'abord l'enveloppe, puis ajoutez ses crédits par un mouvement."
        liens = [
            (reverse("admin:fonds_enveloppe_mouvement", args=[obj.pk]), "Ajouter un mouvement"),
        ]
        page = reverse("fonds:enveloppe", args=[obj.pk])
        if obj.est_nationale:
            liens += [
                (f"{page}#titre-repartition", "Répartir entre les régions"),
                (reverse("fonds:anticipation"), "Anticiper sur une autre année"),
            ]
        else:
            liens.append(
                (
                    f"{reverse('fonds:redeploiement')}?enveloppe={obj.pk}",
                    "Redéployer vers une autre région",
                )
            )
        liens.append((page, "Page de l'enveloppe"))
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', liens)

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        return selectors.enveloppes_visibles_par(request.user)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["dispositif", "annee", "region"]
        return [
            "dispositif",
            "annee",
            "region",
            *CHIFFRES_ENVELOPPE,
            "ajouter_un_mouvement",
            "created_at",
            "updated_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and est_admin_national(request.user)

    def has_change_permission(self, request, obj=None):
        # Rien ne se modifie sur une enveloppe : la fiche est en lecture seule.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """La création passe par le service (permission, année, unicité)."""
        if change:
            return
        enveloppe = services.creer_enveloppe(
            dispositif=obj.dispositif, annee=obj.annee, region=obj.region_id, auteur=request.user
        )
        obj.pk = enveloppe.pk
        obj.created_at, obj.updated_at = enveloppe.created_at, enveloppe.updated_at
        obj._state.adding = False

    def get_urls(self):
        return [
            path(
                "<int:pk>/mouvement/",
                self.admin_site.admin_view(self.vue_mouvement),
                name="fonds_enveloppe_mouvement",
            ),
            *super().get_urls(),
        ]

    def vue_mouvement(self, request, pk):
        """Ajoute une dotation, un abondement ou une annulation par `services.ajouter_mouvement`."""
        decision = permissions.peut_gerer_enveloppes(request.user)
        if not decision:
            raise PermissionDenied(decision.raison)
        enveloppe = get_object_or_404(
            Enveloppe.objects.select_related("dispositif", "region"), pk=pk
        )
        form = MouvementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with erreurs_metier(request, form) as resultat:
                services.ajouter_mouvement(
                    enveloppe_id=enveloppe.pk, auteur=request.user, **form.cleaned_data
                )
            if resultat.ok:
                messages.success(request, "Mouvement enregistré.")
                return redirect("admin:fonds_enveloppe_change", enveloppe.pk)
        contexte = {
            **self.admin_site.each_context(request),
            "title": f"Ajouter un mouvement – {enveloppe}",
            "opts": self.model._meta,
            "enveloppe": enveloppe,
            "form": form,
        }
        return TemplateResponse(request, "fonds/admin_mouvement.html", contexte)


@admin.register(Mouvement)
class MouvementAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    list_display = ["date_effet", "enveloppe", "type", "montant_euros", "motif", "auteur"]
    list_filter = ["type", "enveloppe__dispositif", "enveloppe__annee", "enveloppe__region"]
    list_select_related = ["enveloppe__dispositif", "enveloppe__region", "auteur"]
    search_fields = ["motif", "enveloppe__region__nom", "enveloppe__dispositif__nom", "=operation"]
    date_hierarchy = "date_effet"
    fields = [
        "enveloppe",
        "type",
        "montant",
        "date_effet",
        "motif",
        "operation",
        "auteur",
        "created_at",
    ]
    readonly_fields = fields

    montant_euros = _euros("montant", "montant")

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(enveloppe__in=selectors.enveloppes_visibles_par(request.user))


class VersementInline(Lisible, LectureSeule, admin.TabularInline):
    model = Versement
    fields = ["date_versement", "montant", "reference", "auteur", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Engagement)
class EngagementAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    """Consultation : un engagement s'enregistre depuis la page du projet (règles du service)."""

    list_display = [
        "projet",
        "enveloppe",
        "date_engagement",
        "montant_euros",
        "libere_euros",
        "verse_euros",
        "statut",
    ]
    list_filter = ["statut", "enveloppe__dispositif", "enveloppe__annee", "enveloppe__region"]
    list_select_related = ["projet", "enveloppe__dispositif", "enveloppe__region"]
    search_fields = [
        "projet__intitule",
        "projet__porteur__raison_sociale",
        "=projet__porteur__siren",
        "=projet__id",
    ]
    date_hierarchy = "date_engagement"
    fields = [
        "projet",
        "enveloppe",
        "montant",
        "montant_libere",
        "montant_verse",
        "statut",
        "date_engagement",
        "commentaire",
        "auteur",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [VersementInline]

    montant_euros = _euros("montant", "montant")
    libere_euros = _euros("montant_libere", "libéré")
    verse_euros = _euros("montant_verse", "versé")

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        return selectors.engagements_visibles_par(request.user)


@admin.register(Versement)
class VersementAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    list_display = ["date_versement", "engagement", "montant_euros", "reference", "auteur"]
    list_filter = ["engagement__enveloppe__dispositif", "engagement__enveloppe__region"]
    list_select_related = ["engagement__projet", "auteur"]
    search_fields = ["reference", "engagement__projet__intitule", "=engagement__projet__id"]
    date_hierarchy = "date_versement"
    fields = ["engagement", "montant", "date_versement", "reference", "auteur", "created_at"]
    readonly_fields = fields

    montant_euros = _euros("montant", "montant")

    def get_queryset(self, request):
        if request.user.is_superuser:
            return super().get_queryset(request)
        return selectors.versements_visibles_par(request.user)
