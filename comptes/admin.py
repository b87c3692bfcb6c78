from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from comptes import audit, jetons, securite
from comptes.forms import ConnexionAdministrationForm, CreationCompteForm
from comptes.models import Action, Jeton, Profil
from comptes.scoping import est_admin_national

CHAMPS_PROFIL = ["role", "region_id", "departement_id", "organisme"]

# `/admin/login/` ne contourne pas le verrou après des échecs de connexion répétés.
admin.site.login_form = ConnexionAdministrationForm


def _tracer_profil(request, profil, action, avant=None):
    apres = audit.instantane(profil, CHAMPS_PROFIL)
    changements = (
        audit.differences(avant, apres)
        if avant is not None
        else {champ: [None, valeur] for champ, valeur in apres.items()}
    )
    if changements or action != Action.MODIFICATION:
        audit.tracer(
            objet=profil,
            action=action,
            auteur=request.user,
            changements=changements,
            region=profil.region_id or "",
        )


class ReserveALEquipeNationale:
    """Comptes, profils, groupes et jetons : l'équipe nationale seulement.

    Qui y entre peut changer un mot de passe, un rôle, une région ou des permissions : un
    agent régional membre de l'équipe de l'administration n'y a aucune page, même si des
    permissions Django sur ces modèles lui ont été données.
    """

    def has_module_permission(self, request):
        return est_admin_national(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return est_admin_national(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return est_admin_national(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return est_admin_national(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return est_admin_national(request.user) and super().has_delete_permission(request, obj)


class ProfilInline(ReserveALEquipeNationale, admin.StackedInline):
    model = Profil
    can_delete = False
    verbose_name_plural = "profil"
    autocomplete_fields = ["region", "departement"]
    exclude = ["colonnes_export"]


class UtilisateurAdmin(ReserveALEquipeNationale, UserAdmin):
    inlines = [ProfilInline]
    add_form = CreationCompteForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ["username", "email", "first_name", "last_name", "role", "region", "is_active"]
    list_filter = ["profil__role", "profil__region", "is_active", "is_staff"]
    list_select_related = ["profil", "profil__region"]
    actions = ["deverrouiller"]

    @admin.action(description="Lever le verrou de connexion des comptes choisis")
    def deverrouiller(self, request, queryset):
        noms = list(queryset.values_list("username", flat=True))
        for nom in noms:
            securite.deverrouiller(nom)
        self.message_user(
            request,
            f"Verrou de connexion levé : {', '.join(noms)}.",
            messages.SUCCESS,
        )

    @admin.display(description="rôle", ordering="profil__role")
    def role(self, obj):
        profil = getattr(obj, "profil", None)
        return profil.get_role_display() if profil else "—"

    @admin.display(description="région", ordering="profil__region__nom")
    def region(self, obj):
        profil = getattr(obj, "profil", None)
        return profil.region if profil and profil.region_id else "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not obj.is_active:
            jetons.revoquer_tous(obj)

    def save_formset(self, request, form, formset, change):
        avants = {
            f.instance.pk: audit.instantane(Profil.objects.get(pk=f.instance.pk), CHAMPS_PROFIL)
            for f in formset.forms
            if f.instance.pk and f.has_changed()
        }
        super().save_formset(request, form, formset, change)
        for f in formset.forms:
            if isinstance(f.instance, Profil) and f.instance.pk and f.has_changed():
                avant = avants.get(f.instance.pk)
                action = Action.CREATION if avant is None else Action.MODIFICATION
                _tracer_profil(request, f.instance, action, avant)


admin.site.unregister(User)
admin.site.register(User, UtilisateurAdmin)


class GroupeAdmin(ReserveALEquipeNationale, GroupAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, GroupeAdmin)


@admin.register(Jeton)
class JetonAdmin(ReserveALEquipeNationale, admin.ModelAdmin):
    """Les jetons d'API : de qui, à quoi ils servent, leurs dates ; jamais la clé (le portail
    n'en garde qu'une empreinte). L'équipe nationale peut en révoquer (supprimer)."""

    list_display = ["nom", "user", "prefixe", "created_at", "expire_le", "dernier_usage"]
    fields = list_display
    readonly_fields = list_display
    search_fields = ["user__username", "nom"]
    list_select_related = ["user"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Profil)
class ProfilAdmin(ReserveALEquipeNationale, admin.ModelAdmin):
    list_display = ["user", "role", "region", "departement", "organisme"]
    list_filter = ["role", "region"]
    search_fields = ["user__username", "user__email", "user__last_name", "organisme"]
    list_select_related = ["user", "region", "departement"]
    autocomplete_fields = ["user", "region", "departement"]
    # Les colonnes d'export choisies par l'agent sont sa préférence, réglée sur la page de
    # l'export, pas une donnée à modifier ici.
    exclude = ["colonnes_export"]

    def save_model(self, request, obj, form, change):
        avant = audit.instantane(Profil.objects.get(pk=obj.pk), CHAMPS_PROFIL) if change else None
        super().save_model(request, obj, form, change)
        _tracer_profil(request, obj, Action.MODIFICATION if change else Action.CREATION, avant)

    def delete_model(self, request, obj):
        audit.tracer(
            objet=obj,
            action=Action.SUPPRESSION,
            auteur=request.user,
            changements={c: [v, None] for c, v in audit.instantane(obj, CHAMPS_PROFIL).items()},
            region=obj.region_id or "",
        )
        super().delete_model(request, obj)
