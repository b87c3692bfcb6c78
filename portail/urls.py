"""Les adresses des pages assemblées, rangées sous le nom de leur domaine.

`config/urls.py` les ajoute aux adresses de chaque domaine : la fiche d'un projet reste
`projets:detail` (`/projets/<id>/`), la page d'un territoire `territoires:detail`.
"""

from django.urls import path

from portail import views

PROJETS = [
    path("<int:pk>/", views.fiche_projet, name="detail"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("preselection/", views.preselection, name="preselection"),
]
TERRITOIRES = [
    path("territoires/<str:code>/", views.fiche_territoire, name="detail"),
]
COMPTES = [
    path("journal/", views.journal, name="journal"),
]
