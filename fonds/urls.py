from django.urls import path

from fonds import views, views_mise_a_jour

app_name = "fonds"

urlpatterns = [
    path("", views.index, name="index"),
    path("enveloppes/<int:pk>/", views.enveloppe, name="enveloppe"),
    path("anticipation/", views.anticipation, name="anticipation"),
    path("redeploiement/", views.redeploiement, name="redeploiement"),
    path("engagements/nouveau/", views.engager, name="engager"),
    path("engagements/<int:pk>/versement/", views.versement, name="versement"),
    path("mise-a-jour/", views_mise_a_jour.envoyer, name="mise_a_jour"),
    path("mise-a-jour/modele.xlsx", views_mise_a_jour.modele, name="modele_mise_a_jour"),
    path(
        "mise-a-jour/<int:pk>/appliquer/",
        views_mise_a_jour.appliquer,
        name="appliquer_mise_a_jour",
    ),
]
