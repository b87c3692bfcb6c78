"""Le routeur unique de l'API v1."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from projets.api.views import ProjetViewSet
from territoires.api import views as territoires

routeur = DefaultRouter()
routeur.register("regions", territoires.RegionViewSet, basename="region")
routeur.register("departements", territoires.DepartementViewSet, basename="departement")
routeur.register(
    "intercommunalites", territoires.IntercommunaliteViewSet, basename="intercommunalite"
)
routeur.register("territoires", territoires.TerritoireViewSet, basename="territoire")
routeur.register("projets", ProjetViewSet, basename="projet")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-jeton"),
    path("", include(routeur.urls)),
]
