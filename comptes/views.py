import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse_lazy

from comptes import audit, oidc
from comptes.forms import ConnexionForm, MotDePasseForm
from comptes.models import Action, Role
from comptes.scoping import portee_de
from config.exports import Colonne, TypeColonne, reponse_export

COLONNES_JOURNAL = [
    Colonne("Date", TypeColonne.DATE_HEURE),
    Colonne("Auteur"),
    Colonne("Action"),
    Colonne("Objet"),
    Colonne("Identifiant"),
    Colonne("Libellé", largeur=40),
    Colonne("Région"),
    Colonne("Changements (avant → après)", largeur=60),
    Colonne("Requête", largeur=34),
]
MODELES_SUIVIS = [
    "projets.Projet",
    "projets.Avis",
    "fonds.Enveloppe",
    "fonds.Mouvement",
    "fonds.Engagement",
    "fonds.Versement",
    "pilotage.Indicateur",
    "pilotage.ValeurIndicateur",
    "comptes.Profil",
]


logger = logging.getLogger("comptes.connexion")


class Connexion(auth_views.LoginView):
    """Identifiant et mot de passe du portail ; ProConnect en plus s'il est configuré."""

    template_name = "comptes/connexion.html"
    authentication_form = ConnexionForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect=oidc.proconnect_actif(), **kwargs)


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
        logger.info("Mot de passe changé : %s", self.request.user.get_username())
        messages.success(
            self.request,
            "Votre mot de passe a été changé. Vos autres sessions ouvertes sur le portail "
            "ont été fermées.",
        )
        return reponse


def _changements_lisibles(changements: dict) -> str:
    return " ; ".join(
        f"{champ} : {avant} → {apres}" for champ, (avant, apres) in changements.items()
    )


@login_required
def journal(request):
    """Le journal d'audit : l'équipe nationale voit tout, les agents régionaux leur région."""
    if portee_de(request.user).role not in (Role.ADMIN_NATIONAL, Role.PREFECTURE, Role.REGION):
        raise PermissionDenied(
            "Le journal d'audit est réservé à l'équipe nationale et aux agents régionaux."
        )
    traces = audit.traces_visibles_par(request.user)
    filtres = {cle: request.GET.get(cle, "").strip() for cle in ("modele", "objet", "action")}
    if filtres["modele"]:
        traces = traces.filter(modele=filtres["modele"])
    if filtres["objet"]:
        traces = traces.filter(objet_id=filtres["objet"])
    if filtres["action"] in Action.values:
        traces = traces.filter(action=filtres["action"])
    format_export = request.GET.get("format")
    if format_export in ("csv", "xlsx"):
        lignes = (
            (
                trace.created_at,
                trace.auteur.username if trace.auteur else "",
                trace.get_action_display(),
                trace.modele,
                trace.objet_id,
                trace.libelle,
                trace.region,
                _changements_lisibles(trace.changements),
                trace.requete,
            )
            for trace in traces.iterator(chunk_size=2000)
        )
        return reponse_export(
            format=format_export,
            titre="Journal d'audit",
            colonnes=COLONNES_JOURNAL,
            lignes=lignes,
            nom="journal-audit",
        )
    page = Paginator(traces, 50).get_page(request.GET.get("page"))
    page.pages_list = list(page.paginator.get_elided_page_range(page.number))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "comptes/journal.html",
        {
            "page_obj": page,
            "modeles": MODELES_SUIVIS,
            "actions": Action.choices,
            "filtres": filtres,
            "parametres": parametres.urlencode(),
        },
    )
