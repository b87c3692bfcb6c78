from django.urls import path

from comptes import oidc, views

app_name = "comptes"

# Le journal d'audit (`comptes:journal`) est lu sans les objets que l'agent ne voit pas,
# connus des projets et du fonds : la page est assemblée par `portail` (`config/urls.py`).

urlpatterns = [
    path("connexion/", views.Connexion.as_view(), name="connexion"),
    path("deconnexion/", oidc.Deconnexion.as_view(), name="deconnexion"),
    path("mot-de-passe/", views.MotDePasse.as_view(), name="mot_de_passe"),
    # Mot de passe oublié : la demande, l'accusé, le lien du courriel, la fin.
    path("mot-de-passe-oublie/", views.MotDePasseOublie.as_view(), name="mot_de_passe_oublie"),
    path(
        "mot-de-passe-oublie/envoye/",
        views.MotDePasseEnvoye.as_view(),
        name="mot_de_passe_envoye",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        views.NouveauMotDePasse.as_view(),
        name="nouveau_mot_de_passe",
    ),
    path(
        "reinitialiser/termine/",
        views.MotDePasseReinitialise.as_view(),
        name="mot_de_passe_reinitialise",
    ),
    path("jetons/", views.jetons_api, name="jetons"),
    path("jetons/<int:pk>/revoquer/", views.revoquer_jeton, name="revoquer_jeton"),
    # ProConnect (facultatif) : 404 tant que PROCONNECT_CLIENT_ID n'est pas configuré.
    path(
        "proconnect/connexion/",
        oidc.ConnexionProConnect.as_view(),
        name="proconnect_connexion",
    ),
    path("proconnect/retour/", oidc.RetourProConnect.as_view(), name="proconnect_retour"),
]
