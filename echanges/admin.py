from django.contrib import admin

from echanges.models import Courriel
from socle.administration import LectureSeule


@admin.register(Courriel)
class CourrielAdmin(LectureSeule, admin.ModelAdmin):
    """Les courriels envoyés et ceux en échec (serveur injoignable après les nouvelles
    tentatives), avec leur dernière erreur : l'équipe nationale les lit ici."""

    list_display = ["created_at", "adresse", "sujet", "etat", "tentatives", "envoye_le"]
    list_filter = ["etat", "recapitulatif"]
    search_fields = ["adresse", "sujet"]
    date_hierarchy = "created_at"
    exclude = ["html"]
