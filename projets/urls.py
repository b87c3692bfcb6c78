from django.urls import path

from projets import views, views_importation

app_name = "projets"

# La fiche d'un projet (`projets:detail`) et ses changements de statut
# (`projets:transition`) touchent aussi ses crédits : elles sont assemblées par
# `portail` (voir `config/urls.py`), comme la présélection (`projets:preselection`), qui
# montre l'enveloppe de la région. La liste (`projets:liste`) aussi : ses exports
# réunissent les projets et leurs crédits.

urlpatterns = [
    path("nouveau/", views.nouveau, name="nouveau"),
    path("communes/", views.communes, name="communes"),
    path("importer/", views_importation.importer, name="importer"),
    path("importer/modele.xlsx", views_importation.modele, name="modele_import"),
    path(
        "importer/<int:pk>/importer/",
        views_importation.importer_verifie,
        name="importer_verifie",
    ),
    path("<int:pk>/modifier/", views.modifier, name="modifier"),
    path("<int:pk>/avis/", views.avis, name="avis"),
]
