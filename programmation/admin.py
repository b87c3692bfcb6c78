"""Les simulations de programmation dans l'administration : en consultation seulement.

Une simulation se prépare, se modifie et s'applique sur ses pages (`/programmation/<id>/`),
par les services qui tiennent les versions des lignes et les règles de l'enveloppe ;
l'administration la montre (enveloppe, montant proposé, lignes) et y renvoie.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.html import format_html

from programmation.models import LigneSimulation, Simulation
from programmation.selectors import simulations_visibles_par
from socle.administration import LectureSeule, Lisible
from socle.format_fr import format_euros


class LigneSimulationInline(Lisible, LectureSeule, admin.TabularInline):
    model = LigneSimulation
    fields = ["projet", "montant", "incluse", "modifiee_par", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("projet", "modifiee_par")


@admin.register(Simulation)
class SimulationAdmin(Lisible, LectureSeule, admin.ModelAdmin):
    list_display = ["nom", "enveloppe", "propose_euros", "nb_incluses", "auteur", "appliquee_le"]
    list_filter = ["enveloppe__dispositif", "enveloppe__annee", "enveloppe__region"]
    list_select_related = ["enveloppe__dispositif", "enveloppe__region", "auteur"]
    search_fields = ["nom", "enveloppe__region__nom"]
    fields = [
        "nom",
        "enveloppe",
        "propose_euros",
        "nb_incluses",
        "page",
        "auteur",
        "modifiee_par",
        "version",
        "appliquee_le",
        "appliquee_par",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [LigneSimulationInline]

    @admin.display(description="proposé (lignes incluses)", ordering="propose")
    def propose_euros(self, obj):
        return format_euros(obj.propose)

    @admin.display(description="projets inclus", ordering="nb_incluses")
    def nb_incluses(self, obj):
        return obj.nb_incluses

    @admin.display(description="page de la simulation")
    def page(self, obj):
        url = reverse("programmation:simulation", args=[obj.pk])
        return format_html('<a class="button" href="{}">Ouvrir la simulation</a>', url)

    def get_object(self, request, object_id, from_field=None):
        """Qui ne consulte pas les simulations est refusé avant toute recherche : il
        n'apprend pas si une simulation d'une autre région existe."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)

    def get_queryset(self, request):
        simulations = (
            Simulation.objects.all()
            if request.user.is_superuser
            else simulations_visibles_par(request.user)
        )
        incluses = Q(lignes__incluse=True)
        return simulations.annotate(
            propose=Sum("lignes__montant", filter=incluses, default=0),
            nb_incluses=Count("lignes", filter=incluses),
        )
