"""Administration du pilotage : totaux en lecture seule et tableau de bord de l'accueil.

L'accueil de l'administration (`templates/admin/index.html`) montre les totaux
nationaux et régionaux, lus dans la table des totaux seulement, et un bouton
« Recalculer maintenant ». Le site d'administration par défaut est conservé :
on enveloppe sa vue d'accueil (pour lui passer les totaux) et ses adresses (pour
ajouter celle du bouton), sans toucher à `config/urls.py`.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path

from pilotage import permissions, selectors, services, tasks
from pilotage.indicateurs import formater
from pilotage.models import Calcul, Indicateur, Totaux, ValeurIndicateur
from projets.models import Enjeu, Statut
from socle.administration import FiltreAnnee, LectureSeule, Lisible
from socle.erreurs import Invalide
from socle.format_fr import format_euros
from territoires.models import Region, TerritoireIndustrie


def _statuts_et_enjeux() -> dict:
    return {**dict(Statut.choices), **dict(Enjeu.choices)}


def _noms_des_regions() -> dict:
    return dict(Region.objects.values_list("code", "nom"))


def _noms_des_territoires() -> dict:
    return {
        code: f"{nom} ({code})"
        for code, nom in TerritoireIndustrie.objects.values_list("code", "nom")
    }


@admin.register(Totaux)
class TotauxAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    """Les totaux se recalculent, ils ne se saisissent pas."""

    list_display = [
        "libelle",
        "niveau",
        "dispositif_nom",
        "annee",
        "nb_projets",
        "investissement",
        "engage_euros",
        "disponible_euros",
        "levier",
    ]
    list_filter = ["niveau", "dispositif_nom", FiltreAnnee]
    search_fields = ["code", "libelle"]
    ordering = ["niveau", "libelle", "dispositif", "annee"]
    chiffres_non_monetaires = ("effet_levier",)
    libelles = {
        "nb_projets_par_statut": _statuts_et_enjeux,
        "nb_projets_par_enjeu": _statuts_et_enjeux,
        "code_region": _noms_des_regions,
    }
    fieldsets = [
        (None, {"fields": ["libelle", "niveau", "code", "code_region", "dispositif_nom", "annee"]}),
        (
            "Projets",
            {
                "fields": [
                    "nb_projets",
                    "nb_projets_par_statut",
                    "nb_projets_par_enjeu",
                    "investissement",
                    "emplois_crees",
                    "emplois_maintenus",
                    "aide_sollicitee",
                ]
            },
        ),
        (
            "Crédits",
            {
                "fields": [
                    "montant_enveloppe",
                    "nb_engagements",
                    "montant_engage",
                    "montant_verse",
                    "montant_disponible",
                    "levier",
                ]
            },
        ),
        ("Référentiel", {"fields": ["nb_territoires", "nb_intercommunalites"]}),
        ("Calcul", {"fields": ["modifie_le", "empreinte"]}),
    ]

    # Une ligne « tous les dispositifs » additionnerait les crédits d'instruments différents :
    # ses montants ne s'affichent pas (l'API garde la ligne entière).
    @admin.display(description="engagé", ordering="montant_engage")
    def engage_euros(self, obj):
        return format_euros(obj.montant_engage) if obj.dispositif else "—"

    @admin.display(description="disponible", ordering="montant_disponible")
    def disponible_euros(self, obj):
        return format_euros(obj.montant_disponible) if obj.dispositif else "—"

    @admin.display(description="effet de levier", ordering="effet_levier")
    def levier(self, obj):
        return "—" if obj.effet_levier is None else f"× {obj.effet_levier:.1f}".replace(".", ",")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.dispositif:
            return fieldsets
        credits = {
            "fields": ["nb_engagements"],
            "description": "Tous les dispositifs : les crédits se lisent sur la ligne de chaque "
            "dispositif, jamais additionnés entre instruments.",
        }
        return [(t, credits if t == "Crédits" else o) for t, o in fieldsets]

    def get_queryset(self, request):
        return selectors.totaux_visibles_par(request.user)


@admin.register(Calcul)
class CalculAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    """Le journal des recalculs : quand, lesquels, ce qu'ils ont écrit, en combien de temps."""

    list_display = [
        "calcule_le",
        "complet",
        "territoires",
        "regions",
        "lignes_ecrites",
        "lignes_supprimees",
        "duree_ms",
    ]
    list_filter = ["complet"]
    date_hierarchy = "calcule_le"
    libelles = {"territoires": _noms_des_territoires, "regions": _noms_des_regions}


def _entier(valeur) -> int:
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return 0


def _contexte_totaux(request) -> dict:
    """`?choix=<dispositif>|<année>` choisit la combinaison du tableau par région ; par défaut,
    le Fonds d'accélération, toutes années."""
    dispositif, _barre, annee = request.GET.get("choix", "").partition("|")
    tableau = selectors.tableau_de_bord(request.user, dispositif=dispositif, annee=_entier(annee))
    return {"totaux": tableau}


def recalculer_maintenant(request):
    """Bouton « Recalculer maintenant » : programme le recalcul complet, puis revient."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    transaction.on_commit(tasks.recalculer_tout.delay)
    if tasks.recalculer_tout.app.conf.task_always_eager:
        messages.success(request, "Les totaux ont été recalculés.")
    else:
        messages.info(
            request,
            "Le recalcul des totaux est demandé : les chiffres seront à jour dans quelques "
            "instants (rechargez la page).",
        )
    return redirect("admin:index")


def _installer(site: admin.AdminSite) -> None:
    """Ajoute les totaux à l'accueil du site et l'adresse du bouton de recalcul."""
    if getattr(site, "totaux_installes", False):
        return
    site.totaux_installes = True
    index_django = site.index
    get_urls_django = site.get_urls

    def index(request, extra_context=None):
        return index_django(
            request, extra_context={**_contexte_totaux(request), **(extra_context or {})}
        )

    def get_urls():
        return [
            path(
                "pilotage/recalculer/",
                site.admin_view(recalculer_maintenant),
                name="pilotage_recalculer",
            ),
            *get_urls_django(),
        ]

    site.index = index
    site.get_urls = get_urls


_installer(admin.site)


# --- Indicateurs du programme ------------------------------------------------------------------


class ValeurIndicateurAdminForm(forms.ModelForm):
    """Les mêmes vérifications que la page de saisie (`services.valider_valeur`)."""

    class Meta:
        model = ValeurIndicateur
        fields = ["indicateur", "valeur", "date", "source"]

    def clean(self):
        donnees = super().clean()
        indicateur = donnees.get("indicateur")
        if indicateur is not None and not self.errors:
            try:
                services.valider_valeur(
                    indicateur=indicateur,
                    valeur=donnees.get("valeur"),
                    date=donnees.get("date"),
                    source=donnees.get("source"),
                )
            except Invalide as exc:
                raise ValidationError(
                    {
                        champ if champ in self.fields else NON_FIELD_ERRORS: messages
                        for champ, messages in exc.erreurs.items()
                    }
                ) from exc
        return donnees


class _SaisieEquipeNationale:
    """Ajouter, modifier, supprimer : l'équipe nationale seulement (en plus des droits Django)."""

    def _equipe_nationale(self, request) -> bool:
        return bool(permissions.peut_saisir_indicateur(request.user))

    def has_add_permission(self, request, *args):
        return self._equipe_nationale(request) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return self._equipe_nationale(request) and super().has_delete_permission(request, obj)


class ValeurDansSonUnite:
    """La valeur d'un indicateur dans son unité (« 182 M€ », « 25 % », « 54 »)."""

    @admin.display(description="valeur", ordering="valeur")
    def valeur_affichee(self, obj):
        return formater(obj.indicateur.unite, obj.valeur)


class ValeurIndicateurInline(ValeurDansSonUnite, admin.TabularInline):
    model = ValeurIndicateur
    fields = ["date", "valeur_affichee", "source", "auteur", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-date", "-created_at"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicateur)
class IndicateurAdmin(_SaisieEquipeNationale, admin.ModelAdmin):
    list_display = ["libelle", "code", "unite", "cible_affichee", "date_cible", "ordre"]
    list_editable = ["ordre"]
    search_fields = ["code", "libelle"]
    prepopulated_fields = {"code": ["libelle"]}
    inlines = [ValeurIndicateurInline]

    @admin.display(description="cible", ordering="cible")
    def cible_affichee(self, obj):
        return formater(obj.unite, obj.cible)

    def has_change_permission(self, request, obj=None):
        return self._equipe_nationale(request) and super().has_change_permission(request, obj)


@admin.register(ValeurIndicateur)
class ValeurIndicateurAdmin(ValeurDansSonUnite, _SaisieEquipeNationale, admin.ModelAdmin):
    """Une valeur ne se modifie pas : on en ajoute une nouvelle, datée et sourcée."""

    form = ValeurIndicateurAdminForm
    list_display = ["indicateur", "valeur_affichee", "date", "source", "auteur", "created_at"]
    list_filter = ["indicateur"]
    search_fields = ["source", "indicateur__libelle"]
    date_hierarchy = "date"
    list_select_related = ["indicateur", "auteur"]

    def has_change_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        return ["indicateur", "valeur_affichee", "date", "source", "auteur", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        """Par le service, comme la page de saisie : vérifications, auteur et journal d'audit."""
        valeur = services.enregistrer_valeur(
            indicateur_id=obj.indicateur_id,
            auteur=request.user,
            valeur=obj.valeur,
            date=obj.date,
            source=obj.source,
        )
        obj.pk, obj.auteur, obj.created_at = valeur.pk, valeur.auteur, valeur.created_at
        obj._state.adding, obj._state.db = False, valeur._state.db
