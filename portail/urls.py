"""Les adresses des pages assemblées, rangées sous le nom de leur domaine.

`config/urls.py` les ajoute aux adresses de chaque domaine : la fiche d'un projet reste
`projets:detail` (`/projets/<id>/`), la page d'un territoire `territoires:detail`.
"""

from django.urls import path

from portail import views, views_exports, views_travaux

PROJETS = [
    path("", views_exports.liste_projets, name="liste"),
    path("colonnes-export/", views_exports.colonnes_export, name="colonnes_export"),
    path("<int:pk>/", views.fiche_projet, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/date-limite/", views.date_limite, name="date_limite"),
    path("<int:pk>/discussion/", views.commenter, name="commenter"),
    path("preselection/", views.preselection, name="preselection"),
]
TERRITOIRES = [
    path("territoires/<str:code>/", views.fiche_territoire, name="detail"),
]
COMPTES = [
    path("journal/", views.journal, name="journal"),
]
# Les travaux de fond d'un agent (imports, mises à jour en masse, gros exports).
TRAVAUX = [
    path("", views_travaux.liste, name="liste"),
    path("<int:pk>/", views_travaux.detail, name="detail"),
    path("<int:pk>/fichier/", views_travaux.fichier, name="fichier"),
]
