"""Les adresses des documents d'un projet, sous `/projets/<id>/documents/`."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.ajouter, name="ajouter"),
    path("lettres/", views.produire_lettre, name="lettres"),
    path("<int:pk>/", views.fichier, name="fichier"),
    path("<int:pk>/remplacer/", views.remplacer, name="remplacer"),
    path("<int:pk>/supprimer/", views.supprimer, name="supprimer"),
]
