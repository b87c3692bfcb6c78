from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views as portail_views

admin.site.site_header = "Administration du portail Territoires d'industrie"
admin.site.site_title = "Portail Territoires d'industrie"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", portail_views.accueil, name="accueil"),
    path("healthz", portail_views.healthz, name="healthz"),
    path("comptes/", include("comptes.urls")),
    path("", include("territoires.urls")),
    path("projets/", include("projets.urls")),
    path("fonds/", include("fonds.urls")),
    path("pilotage/", include("pilotage.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "config.views.page_introuvable"
handler403 = "config.views.acces_refuse"
handler500 = "config.views.erreur_serveur"
