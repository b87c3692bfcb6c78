"""La liste des projets et ses exports ; le choix des colonnes de l'export.

`projets:liste` est assemblée ici : la page est celle de `projets`, l'export réunit les
projets et leurs crédits (`portail.exports`). Au-delà de `SEUIL_TRAVAIL_DE_FOND` projets,
l'export part en travail de fond et la page renvoie à celle du travail.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from portail import exports, tasks
from projets import permissions
from projets import views as projets_views
from socle.exports import FORMATS
from socle.pages import refuser_si


@login_required
def liste_projets(request):
    format_export = request.GET.get("format", "")
    if format_export not in FORMATS:
        return projets_views.liste(request)
    refuser_si(permissions.peut_lister(request.user))
    parametres = request.GET.copy()
    parametres.pop("format", None)
    _filtre, qs = projets_views.selection(request.user, parametres)
    cles = exports.colonnes_choisies(request.user)
    adresse = request.build_absolute_uri("/").rstrip("/")
    nombre_lignes = qs.count()
    if nombre_lignes > exports.SEUIL_TRAVAIL_DE_FOND:
        travail = tasks.lancer_export(
            auteur=request.user,
            requete=parametres.urlencode(),
            format=format_export,
            cles=cles,
            adresse=adresse,
            nombre_lignes=nombre_lignes,
        )
        return redirect("travaux:detail", pk=travail.pk)
    return exports.reponse(qs, format_export, cles, adresse=adresse)


class ChoixColonnes(forms.Form):
    colonnes = forms.MultipleChoiceField(
        label="Colonnes de l'export",
        choices=exports.CHOIX,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une colonne."},
    )


@login_required
@require_http_methods(["GET", "POST"])
def colonnes_export(request):
    """Les colonnes des exports de la liste des projets, gardées pour l'agent."""
    refuser_si(permissions.peut_lister(request.user))
    retour = request.POST.get("retour") or request.GET.get("retour") or ""
    if not url_has_allowed_host_and_scheme(retour, allowed_hosts={request.get_host()}):
        retour = ""
    formulaire = ChoixColonnes(
        request.POST if request.method == "POST" else None,
        initial={"colonnes": exports.colonnes_choisies(request.user)},
    )
    if request.method == "POST" and formulaire.is_valid():
        exports.garder_le_choix(request.user, formulaire.cleaned_data["colonnes"])
        messages.success(request, "Colonnes de l'export enregistrées.")
        return redirect(retour or "projets:liste")
    return render(
        request,
        "portail/colonnes_export.html",
        {"formulaire": formulaire, "retour": retour},
    )
