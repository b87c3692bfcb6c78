"""Pages des échanges : minces, elles appellent sélecteurs, permissions et services.

La discussion d'un projet se montre sur sa fiche, assemblée par `portail` : ce module lui
donne sa partie (`contexte_discussion`) et lit le formulaire d'un message
(`lire_commentaire`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from echanges import discussion, espace, permissions, selectors, services
from echanges.forms import CommentaireForm, PreferencesForm, VueForm
from echanges.genres import GENRES
from echanges.models import Commentaire
from projets.views import projet_ou_404
from socle.pages import erreurs_metier, refuser_si

NOTIFICATIONS_PAR_PAGE = 30


@login_required
def mon_espace(request):
    refuser_si(permissions.peut_utiliser(request.user))
    return render(request, "echanges/mon_espace.html", espace.contexte(request.user))


# --- Notifications ----------------------------------------------------------------------


@login_required
def notifications(request):
    refuser_si(permissions.peut_utiliser(request.user))
    page = Paginator(selectors.notifications_de(request.user), NOTIFICATIONS_PAR_PAGE).get_page(
        request.GET.get("page")
    )
    page.pages_list = list(page.paginator.get_elided_page_range(page.number))
    return render(request, "echanges/notifications.html", {"page_obj": page})


@login_required
@require_POST
def lire(request, pk):
    """Marque la notification lue (`lue=1`), puis ouvre sa page (ou revient à la liste)."""
    refuser_si(permissions.peut_utiliser(request.user))
    notification = get_object_or_404(selectors.notifications_de(request.user), pk=pk)
    if not request.POST.get("lue"):
        return redirect("echanges:notifications")
    services.marquer_lue(user=request.user, notification_id=notification.pk)
    if request.POST.get("ouvrir") and url_has_allowed_host_and_scheme(notification.lien, None):
        return redirect(notification.lien or "echanges:notifications")
    return redirect("echanges:notifications")


@login_required
@require_POST
def tout_lire(request):
    refuser_si(permissions.peut_utiliser(request.user))
    if not request.POST.get("tout"):
        return redirect("echanges:notifications")
    nombre = services.tout_marquer_lu(user=request.user)
    messages.success(
        request,
        f"{nombre} notification{'s' if nombre > 1 else ''} marquée{'s' if nombre > 1 else ''} lue"
        f"{'s' if nombre > 1 else ''}.",
    )
    return redirect("echanges:notifications")


@login_required
def preferences(request):
    refuser_si(permissions.peut_utiliser(request.user))
    form = PreferencesForm(request.POST or None, modes=services.modes_de(request.user))
    if request.method == "POST":
        if form.is_valid():
            with erreurs_metier(request, form) as resultat:
                services.enregistrer_preferences(user=request.user, modes=form.cleaned_data)
            if resultat.ok:
                messages.success(request, "Vos choix de notification sont enregistrés.")
                return redirect("echanges:preferences")
        messages.error(request, "Choix non enregistrés : corrigez les champs signalés.")
    return render(request, "echanges/preferences.html", {"form": form, "genres": GENRES})


# --- Vues enregistrées ------------------------------------------------------------------


@login_required
@require_POST
def enregistrer_vue(request):
    refuser_si(permissions.peut_utiliser(request.user))
    form = VueForm(request.POST)
    parametres = request.POST.get("parametres", "")
    retour = reverse("projets:liste") + (f"?{parametres}" if parametres else "")
    if form.is_valid():
        with erreurs_metier(request, prefixe="Vue non enregistrée : ") as resultat:
            vue = services.enregistrer_vue(
                user=request.user, nom=form.cleaned_data["nom"], parametres=parametres
            )
        if resultat.ok:
            messages.success(
                request, f"Vue « {vue.nom} » enregistrée : elle est dans votre espace."
            )
    else:
        for erreur in form.errors.get("nom", []):
            messages.error(request, f"Vue non enregistrée : {erreur}")
    return redirect(retour)


@login_required
@require_POST
def modifier_vue(request, pk):
    """Renommer (champ `nom`) ou supprimer (`supprimer`) une de ses vues."""
    refuser_si(permissions.peut_utiliser(request.user))
    get_object_or_404(selectors.vues_de(request.user), pk=pk)
    with erreurs_metier(request, prefixe="Vue inchangée : ") as resultat:
        if request.POST.get("supprimer"):
            services.supprimer_vue(user=request.user, vue_id=pk)
            message = "Vue supprimée."
        else:
            vue = services.renommer_vue(user=request.user, vue_id=pk, nom=request.POST.get("nom"))
            message = f"Vue renommée « {vue.nom} »."
    if resultat.ok:
        messages.success(request, message)
    return redirect("echanges:mon_espace")


# --- Discussion d'un projet ---------------------------------------------------------------


def contexte_discussion(request, projet, *, commentaire_form=None) -> dict:
    """La partie discussion de la fiche d'un projet."""
    form = commentaire_form or CommentaireForm()
    # L'autocomplétion des mentions (`static/js/mentions.js`) lit cette adresse.
    form.fields["texte"].widget.attrs["data-mentionnables"] = reverse(
        "echanges:mentionnables", args=[projet.pk]
    )
    return {
        "commentaires": selectors.commentaires_du_projet(projet),
        "peut_commenter": bool(permissions.peut_commenter(request.user, projet)),
        "commentaire_form": form,
    }


def lire_commentaire(request, projet) -> CommentaireForm | None:
    """Écrit le message ; rend `None` s'il est enregistré, sinon le formulaire en erreur."""
    refuser_si(permissions.peut_commenter(request.user, projet))
    form = CommentaireForm(request.POST)
    if form.is_valid():
        with erreurs_metier(request, form) as resultat:
            discussion.ecrire(
                projet_id=projet.pk, auteur=request.user, texte=form.cleaned_data["texte"]
            )
        if resultat.ok:
            messages.success(request, "Message publié.")
            return None
    messages.error(request, "Message non publié : corrigez le champ signalé.")
    return form


@login_required
def modifier_commentaire(request, pk, commentaire):
    projet = projet_ou_404(request.user, pk)
    try:
        objet = selectors.commentaires_du_projet(projet).get(pk=commentaire)
    except Commentaire.DoesNotExist as exc:
        raise Http404("Ce message n'existe pas.") from exc
    refuser_si(permissions.peut_modifier_commentaire(request.user, objet))
    form = CommentaireForm(request.POST or None, initial={"texte": objet.texte})
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            discussion.modifier(
                commentaire_id=objet.pk, auteur=request.user, texte=form.cleaned_data["texte"]
            )
        if resultat.ok:
            messages.success(request, "Message modifié.")
            return redirect(reverse("projets:detail", args=[pk]) + "#discussion")
    return render(
        request,
        "echanges/modifier_commentaire.html",
        {"projet": projet, "commentaire": objet, "form": form},
    )


@login_required
@require_GET
def mentionnables(request, pk):
    """L'autocomplétion des mentions : les seuls agents qui voient le projet."""
    projet = projet_ou_404(request.user, pk)
    refuser_si(permissions.peut_commenter(request.user, projet))
    agents = selectors.agents_mentionnables(projet, request.GET.get("q", "")[:50])
    return JsonResponse(
        {
            "agents": [
                {
                    "identifiant": agent.username,
                    "nom": agent.get_full_name() or agent.username,
                    "role": agent.profil.get_role_display(),
                }
                for agent in agents
            ]
        }
    )
