"""Les adresses du portail.

Chaque domaine déclare les siennes ; les pages qui réunissent plusieurs domaines
(`portail`) y sont ajoutées sous le nom du domaine, si bien que leurs adresses et leurs
noms ne changent pas : `projets:detail`, `territoires:detail`, `comptes:journal`.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from comptes import urls as comptes_urls
from portail import urls as pages_assemblees
from portail import views as portail_views
from projets import urls as projets_urls
from socle import vues
from territoires import urls as territoires_urls

admin.site.site_header = "Administration du portail Territoires d'industrie"
admin.site.site_title = "Portail Territoires d'industrie"
admin.site.index_title = "Administration"
# Toute la largeur pour les tableaux : on navigue par l'accueil et le fil d'Ariane.
admin.site.enable_nav_sidebar = False


def domaine(urls, assemblees: list):
    """Les adresses d'un domaine et celles de ses pages assemblées, sous son nom."""
    return include((urls.urlpatterns + assemblees, urls.app_name))


urlpatterns = [
    path("", portail_views.accueil, name="accueil"),
    path("healthz", vues.healthz, name="healthz"),
    path("", include("echanges.urls")),
    path("comptes/", domaine(comptes_urls, pages_assemblees.COMPTES)),
    path("", domaine(territoires_urls, pages_assemblees.TERRITOIRES)),
    path("projets/", domaine(projets_urls, pages_assemblees.PROJETS)),
    path("projets/<int:projet_pk>/documents/", include("documents.urls")),
    path("fonds/", include("fonds.urls")),
    path("pilotage/", include("pilotage.urls")),
    path("travaux/", include((pages_assemblees.TRAVAUX, "travaux"))),
    path("programmation/", include("programmation.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler404 = "socle.vues.page_introuvable"
handler403 = "socle.vues.acces_refuse"
handler500 = "socle.vues.erreur_serveur"
