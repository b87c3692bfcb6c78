"""Le routeur unique de l'API v1."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from comptes.api.views import JetonView
from documents.api import views as documents
from echanges.api import views as echanges
from fonds.api import views as fonds
from pilotage.api import views as pilotage
from portail.api import ProjetViewSet
from programmation.api import views as programmation
from territoires.api import views as territoires

routeur = DefaultRouter()

# Référentiel
routeur.register("regions", territoires.RegionViewSet, basename="region")
routeur.register("departements", territoires.DepartementViewSet, basename="departement")
routeur.register(
    "intercommunalites", territoires.IntercommunaliteViewSet, basename="intercommunalite"
)
routeur.register("territoires", territoires.TerritoireViewSet, basename="territoire")

# Projets (avec leur cycle de vie, qui touche aux crédits : assemblés par `portail`)
routeur.register("projets", ProjetViewSet, basename="projet")

# Crédits
routeur.register("dispositifs", fonds.DispositifViewSet, basename="dispositif")
routeur.register("enveloppes", fonds.EnveloppeViewSet, basename="enveloppe")
routeur.register("engagements", fonds.EngagementViewSet, basename="engagement")
routeur.register("versements", fonds.VersementViewSet, basename="versement")

# Programmation des enveloppes (simulations)
routeur.register("simulations", programmation.SimulationViewSet, basename="simulation")

# Échanges entre agents (notifications de l'agent connecté)
routeur.register("notifications", echanges.NotificationViewSet, basename="notification")

# Pilotage
routeur.register("totaux", pilotage.TotauxViewSet, basename="totaux")
routeur.register("indicateurs", pilotage.IndicateurViewSet, basename="indicateur")

# Documents d'un projet (envoi multipart, liste, téléchargement, remplacement, suppression)
DOCUMENTS = [
    path("", documents.documents, name="projet-documents"),
    path("<int:pk>/", documents.document, name="projet-document"),
    path("<int:pk>/remplacer/", documents.remplacement, name="projet-document-remplacer"),
    path("<int:pk>/fichier/", documents.fichier, name="projet-document-fichier"),
]

urlpatterns = [
    path("auth/token/", JetonView.as_view(), name="api-jeton"),
    path("projets/<int:projet_pk>/documents/", include(DOCUMENTS)),
    path(
        "projets/<int:projet_id>/commentaires/",
        echanges.CommentairesView.as_view(),
        name="projet-commentaires",
    ),
    path("", include(routeur.urls)),
]
