"""Administration du pilotage : totaux en lecture seule et tableau de bord de l'accueil.

L'accueil de l'administration (`templates/admin/index.html`) montre les totaux
nationaux et régionaux, lus dans la table des totaux seulement, et un bouton
« Recalculer maintenant ». Le site d'administration par défaut est conservé :
on enveloppe sa vue d'accueil (pour lui passer les totaux) et ses adresses (pour
ajouter celle du bouton), sans toucher à `config/urls.py`.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path

from pilotage import selectors, tasks
from pilotage.models import Totaux


@admin.register(Totaux)
class TotauxAdmin(admin.ModelAdmin):
    """Les totaux se recalculent, ils ne se saisissent pas."""

    list_display = [
        "libelle",
        "niveau",
        "dispositif_nom",
        "annee",
        "nb_projets",
        "investissement",
        "montant_engage",
        "montant_disponible",
        "calcule_le",
    ]
    list_filter = ["niveau", "dispositif_nom", "annee"]
    search_fields = ["code", "libelle"]
    ordering = ["niveau", "libelle", "dispositif", "annee"]

    def get_queryset(self, request):
        return selectors.totaux_visibles_par(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _entier(valeur) -> int:
    try:
        return int(valeur)
    except (TypeError, ValueError):
        return 0


def _contexte_totaux(request) -> dict:
    """`?choix=<dispositif>|<année>` choisit la combinaison du tableau par région."""
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
