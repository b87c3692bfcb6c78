from django.urls import path

from territoires import views

app_name = "territoires"

urlpatterns = [
    path("territoires/", views.territoires_liste, name="liste"),
    path("territoires/<str:code>/", views.territoire_detail, name="detail"),
    path(
        "intercommunalites/<str:siren>/",
        views.intercommunalite_detail,
        name="intercommunalite",
    ),
]
