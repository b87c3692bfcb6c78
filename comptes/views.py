import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from comptes import jetons, oidc
from comptes.depart import page_de_depart
from comptes.forms import (
    ConnexionForm,
    JetonForm,
    MotDePasseForm,
    MotDePasseOublieForm,
    NouveauMotDePasseForm,
)

logger = logging.getLogger("comptes.connexion")


class Connexion(auth_views.LoginView):
    """Identifiant et mot de passe du portail ; ProConnect en plus s'il est configuré."""

    template_name = "comptes/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect=oidc.proconnect_actif(), **kwargs)

    def get_redirect_url(self):
        """La page demandée (`next`), si c'est une adresse du portail écrite depuis sa racine
        (« /projets/ ») ; sinon, la page d'accueil de l'agent."""
        adresse = super().get_redirect_url()
        return adresse if adresse.startswith("/") and not adresse.startswith("//") else ""

    def get_default_redirect_url(self):
        return page_de_depart(self.request.user)


class MotDePasse(auth_views.PasswordChangeView):
    """Changer son mot de passe : cette session reste ouverte, les autres sont fermées.

    Django garde dans chaque session une empreinte du mot de passe ; après le changement,
    `update_session_auth_hash` met à jour celle de la session courante, et toute autre
    session de l'agent (autre navigateur, poste oublié) est fermée à sa requête suivante.
    """

    template_name = "comptes/mot_de_passe.html"
    form_class = MotDePasseForm
    success_url = reverse_lazy("accueil")

    def form_valid(self, form):
        reponse = super().form_valid(form)
        revoques = jetons.revoquer_tous(self.request.user)
        logger.info("Mot de passe changé : %s", self.request.user.get_username())
        messages.success(
            self.request,
            "Votre mot de passe a été changé. Vos autres sessions ouvertes sur le portail "
            "ont été fermées"
            + (f" et vos jetons d'API révoqués ({revoques})." if revoques else "."),
        )
        return reponse


class MotDePasseOublie(auth_views.PasswordResetView):
    """« Mot de passe oublié » : un courriel avec un lien à usage unique, valable
    `PASSWORD_RESET_TIMEOUT` secondes, vers le choix d'un nouveau mot de passe."""

    template_name = "comptes/mot_de_passe_oublie.html"
    form_class = MotDePasseOublieForm
    subject_template_name = "comptes/courriel_reinitialisation_objet.txt"
    email_template_name = "comptes/courriel_reinitialisation.txt"
    success_url = reverse_lazy("comptes:mot_de_passe_envoye")

    def form_valid(self, form):
        logger.info("Réinitialisation du mot de passe demandée")
        return super().form_valid(form)


class MotDePasseEnvoye(auth_views.PasswordResetDoneView):
    template_name = "comptes/mot_de_passe_envoye.html"


class NouveauMotDePasse(auth_views.PasswordResetConfirmView):
    template_name = "comptes/nouveau_mot_de_passe.html"
    form_class = NouveauMotDePasseForm
    success_url = reverse_lazy("comptes:mot_de_passe_reinitialise")

    def form_valid(self, form):
        logger.info("Mot de passe réinitialisé : %s", form.user.get_username())
        return super().form_valid(form)


class MotDePasseReinitialise(auth_views.PasswordResetCompleteView):
    template_name = "comptes/mot_de_passe_reinitialise.html"


@login_required
def jetons_api(request):
    """Les jetons d'API de l'agent : les lister, en créer un (clé montrée une seule fois)."""
    form = JetonForm(request.POST or None)
    cle = None
    if request.method == "POST" and form.is_valid():
        jeton, cle = jetons.creer_jeton(user=request.user, nom=form.cleaned_data["nom"])
        logger.info("Jeton d'API créé : %s (%s…)", request.user.get_username(), jeton.prefixe)
        form = JetonForm()
    return render(
        request,
        "comptes/jetons.html",
        {
            "form": form,
            "cle": cle,
            "jetons": jetons.jetons_de(request.user),
            "duree_jours": settings.API_JETON_DUREE_JOURS,
        },
    )


@login_required
@require_POST
def revoquer_jeton(request, pk):
    if jetons.revoquer(user=request.user, jeton_id=pk):
        messages.success(request, "Jeton révoqué : il n'ouvre plus l'API.")
    else:
        messages.error(request, "Ce jeton n'existe pas ou a déjà été révoqué.")
    return redirect("comptes:jetons")
