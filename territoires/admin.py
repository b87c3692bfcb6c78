from django.contrib import admin

from territoires.models import (
    Commune,
    Departement,
    Intercommunalite,
    Perimetre,
    Region,
    TerritoireIndustrie,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "zone", "chef_lieu"]
    list_filter = ["zone"]
    search_fields = ["code", "nom"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "nom", "region", "zone"]
    list_filter = ["zone", "region"]
    search_fields = ["code", "nom"]
    list_select_related = ["region"]


class PerimetreInline(admin.TabularInline):
    model = Perimetre
    extra = 0
    autocomplete_fields = ["epci"]
    fields = ["epci", "perimetre", "nb_communes", "valide_du", "valide_au"]


@admin.register(Intercommunalite)
class IntercommunaliteAdmin(admin.ModelAdmin):
    list_display = ["siren", "nom", "type", "nb_communes", "population"]
    list_filter = ["type", "regions"]
    search_fields = ["siren", "nom", "recherche"]
    filter_horizontal = ["departements", "regions"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code_insee", "nom", "departement", "epci", "population"]
    list_filter = ["departement__region"]
    search_fields = ["code_insee", "nom", "recherche"]
    list_select_related = ["departement", "epci"]
    autocomplete_fields = ["departement", "epci"]


@admin.register(TerritoireIndustrie)
class TerritoireIndustrieAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "nom",
        "region",
        "phase",
        "nb_intercommunalites",
        "nb_communes",
        "population",
    ]
    list_filter = ["region", "phase", "perimetres__epci__type"]
    search_fields = ["code", "nom", "recherche", "perimetres__epci__siren"]
    list_select_related = ["region"]
    readonly_fields = ["nb_communes", "nb_intercommunalites", "population"]
    autocomplete_fields = ["communes"]
    inlines = [PerimetreInline]
    fieldsets = [
        (None, {"fields": ["code", "nom", "region", "phase"]}),
        ("Gouvernance", {"fields": ["binome_elu", "binome_industriel", "chef_de_projet"]}),
        (
            "Chiffres calculés à l'import du référentiel",
            {"fields": ["nb_intercommunalites", "nb_communes", "population"]},
        ),
        ("Communes", {"classes": ["collapse"], "fields": ["communes"]}),
    ]


@admin.register(Perimetre)
class PerimetreAdmin(admin.ModelAdmin):
    list_display = ["territoire", "epci", "perimetre", "nb_communes", "valide_du", "valide_au"]
    list_filter = ["perimetre", "territoire__region", "valide_au"]
    search_fields = ["territoire__nom", "territoire__code", "epci__nom", "epci__siren"]
    list_select_related = ["territoire", "epci"]
    autocomplete_fields = ["territoire", "epci"]
