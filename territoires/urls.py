from django.urls import path

from territoires import views

app_name = "territoires"

# La page d'un territoire (`territoires:detail`) montre aussi ses chiffres : elle est
# assemblée par `portail` (voir `config/urls.py`).

urlpatterns = [
    path("territoires/", views.territoires_liste, name="liste"),
    path(
        "intercommunalites/<str:siren>/",
        views.intercommunalite_detail,
        name="intercommunalite",
    ),
]
