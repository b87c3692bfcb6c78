from django.urls import path

from pilotage import views

app_name = "pilotage"

urlpatterns = [
    path("", views.national, name="national"),
    path("regions/<str:code>/", views.region, name="region"),
    path("indicateurs/", views.indicateurs_liste, name="indicateurs"),
    path("indicateurs/saisir/", views.saisir_valeur, name="saisir_valeur"),
]
