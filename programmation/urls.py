from django.urls import path

from programmation import actions, views

app_name = "programmation"

urlpatterns = [
    path("", views.index, name="index"),
    path("comparer/", views.comparer, name="comparer"),
    path("<int:pk>/", views.simulation, name="simulation"),
    path("<int:pk>/lignes/<int:ligne_pk>/", actions.ligne, name="ligne"),
    path("<int:pk>/dupliquer/", actions.dupliquer, name="dupliquer"),
    path("<int:pk>/appliquer/", actions.appliquer, name="appliquer"),
    path("<int:pk>/candidats/", actions.candidats, name="candidats"),
]
