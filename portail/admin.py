from django.apps import apps
from django.contrib import admin

from comptes.models import Trace
from portail.journal import traces_visibles_par
from socle.administration import LectureSeule, Lisible, filtre_par_nom
from territoires.models import Region


def _noms_des_modeles() -> dict:
    """« projets.Projet » -> « projet » : le nom que lit l'agent."""
    return {m._meta.label: m._meta.verbose_name for m in apps.get_models()}


def _noms_des_regions() -> dict:
    return dict(Region.objects.values_list("code", "nom"))


@admin.register(Trace)
class TraceAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    """Le journal se lit ; il ne s'écrit que par les services. Chacun n'y lit que ce qu'il
    voit (`portail.journal`), comme sur la page du journal."""

    list_display = ["created_at", "auteur", "action", "modele", "objet_id", "libelle", "region"]
    list_filter = [
        "action",
        filtre_par_nom("modele", "objet", _noms_des_modeles),
        filtre_par_nom("region", "région", _noms_des_regions),
    ]
    search_fields = ["objet_id", "libelle", "auteur__username", "requete"]
    list_select_related = ["auteur"]
    date_hierarchy = "created_at"
    libelles = {"modele": _noms_des_modeles, "region": _noms_des_regions}

    def get_queryset(self, request):
        return traces_visibles_par(request.user)
