from django.urls import path

from echanges import views, views_lots

app_name = "echanges"

# Les adresses sont écrites depuis la racine du portail (`config/urls.py` les inclut à « »).
urlpatterns = [
    path("mon-espace/", views.mon_espace, name="mon_espace"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/lue/", views.lire, name="lire"),
    path("notifications/tout-lu/", views.tout_lire, name="tout_lire"),
    path("comptes/notifications/", views.preferences, name="preferences"),
    path("projets/lot/", views_lots.lot, name="lot"),
    path("projets/vues/", views.enregistrer_vue, name="enregistrer_vue"),
    path("projets/vues/<int:pk>/", views.modifier_vue, name="modifier_vue"),
    path(
        "projets/<int:pk>/discussion/<int:commentaire>/",
        views.modifier_commentaire,
        name="modifier_commentaire",
    ),
    path("projets/<int:pk>/mentionnables/", views.mentionnables, name="mentionnables"),
]
