from django.contrib import admin

from comptes.models import Trace
from portail.journal import traces_visibles_par
from socle.administration import LectureSeule


@admin.register(Trace)
class TraceAdmin(LectureSeule, admin.ModelAdmin):
    """Le journal se lit ; il ne s'écrit que par les services. Chacun n'y lit que ce qu'il
    voit (`portail.journal`), comme sur la page du journal."""

    list_display = ["created_at", "auteur", "action", "modele", "objet_id", "libelle", "region"]
    list_filter = ["action", "modele", "region"]
    search_fields = ["objet_id", "libelle", "auteur__username", "requete"]
    list_select_related = ["auteur"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return traces_visibles_par(request.user)
