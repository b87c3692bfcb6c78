from django.urls import path

from fonds import views

app_name = "fonds"

urlpatterns = [
    path("", views.index, name="index"),
    path("enveloppes/<int:pk>/", views.enveloppe, name="enveloppe"),
    path("anticipation/", views.anticipation, name="anticipation"),
    path("redeploiement/", views.redeploiement, name="redeploiement"),
    path("engagements/nouveau/", views.engager, name="engager"),
    path("engagements/<int:pk>/versement/", views.versement, name="versement"),
]
