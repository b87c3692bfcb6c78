from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from comptes.models import Profil


class ProfilInline(admin.StackedInline):
    model = Profil
    can_delete = False
    verbose_name_plural = "profil"
    autocomplete_fields = ["region", "departement"]


class UtilisateurAdmin(UserAdmin):
    inlines = [ProfilInline]
    list_display = ["username", "email", "first_name", "last_name", "role", "region", "is_active"]
    list_filter = ["profil__role", "profil__region", "is_active", "is_staff"]
    list_select_related = ["profil", "profil__region"]

    @admin.display(description="rôle", ordering="profil__role")
    def role(self, obj):
        profil = getattr(obj, "profil", None)
        return profil.get_role_display() if profil else "—"

    @admin.display(description="région", ordering="profil__region__nom")
    def region(self, obj):
        profil = getattr(obj, "profil", None)
        return profil.region if profil and profil.region_id else "—"


admin.site.unregister(User)
admin.site.register(User, UtilisateurAdmin)


@admin.register(Profil)
class ProfilAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "region", "departement", "organisme"]
    list_filter = ["role", "region"]
    search_fields = ["user__username", "user__email", "user__last_name", "organisme"]
    list_select_related = ["user", "region", "departement"]
    autocomplete_fields = ["user", "region", "departement"]
