"""Pages de la mise à jour en masse : envoi du fichier, modèle, application d'un fichier
vérifié. La vérification et l'application s'exécutent en travaux de fond
(`fonds.tasks`) : la page renvoie à celle du travail (`/travaux/<id>/`)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fonds import mise_a_jour, permissions, tasks
from projets.views_importation import TROP_VOLUMINEUX, FormulaireImport
from socle import travaux
from socle.exports import piece_jointe_xlsx
from socle.pages import refuser_si

ACTION_APPLIQUER = "appliquer"


@login_required
@require_http_methods(["GET", "POST"])
def envoyer(request):
    refuser_si(permissions.peut_engager_des_credits(request.user))
    formulaire = FormulaireImport(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        fichier = formulaire.cleaned_data["fichier"]
        travail = tasks.lancer_mise_a_jour(
            auteur=request.user,
            fichier=fichier,
            nom_fichier=fichier.name,
            verifier=request.POST.get("action") != ACTION_APPLIQUER,
        )
        return redirect("travaux:detail", pk=travail.pk)
    return render(
        request,
        "fonds/mise_a_jour.html",
        {"formulaire": formulaire, "colonnes": mise_a_jour.COLONNES},
        status=413 if formulaire.has_error("fichier", TROP_VOLUMINEUX) else 200,
    )


@login_required
@require_POST
def appliquer(request, pk):
    """Applique le fichier qu'un travail de l'agent a vérifié sans erreur, sans le renvoyer."""
    refuser_si(permissions.peut_engager_des_credits(request.user))
    verification = travaux.verification_reussie(request.user, tasks.GENRE_MISE_A_JOUR, pk)
    if verification is None:
        raise Http404("Aucun fichier vérifié sans erreur ne porte ce numéro.")
    travail = tasks.lancer_mise_a_jour(auteur=request.user, verifier=False, depuis=verification)
    return redirect("travaux:detail", pk=travail.pk)


@login_required
@require_GET
def modele(request):
    refuser_si(permissions.peut_engager_des_credits(request.user))
    return piece_jointe_xlsx(mise_a_jour.modele_xlsx(), "modele-mise-a-jour")
