"""Pages d'import de projets depuis un tableur : vérification, import, modèle de fichier.

La vérification et l'import s'exécutent en travaux de fond (`projets.tasks`) : la page
garde le fichier et renvoie à la page du travail (`/travaux/<id>/`).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from projets import importation, permissions, tasks
from socle import travaux
from socle.exports import piece_jointe_xlsx
from socle.pages import refuser_si

ACTION_VERIFIER = "verifier"
ACTION_IMPORTER = "importer"
TROP_VOLUMINEUX = "trop_volumineux"


class FormulaireImport(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        error_messages={
            "required": "Choisissez le fichier à importer.",
            "empty": "Le fichier est vide.",
        },
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > importation.TAILLE_MAX:
            raise forms.ValidationError(
                f"Le fichier dépasse la taille maximale de "
                f"{importation.TAILLE_MAX // (1024 * 1024)} Mo : "
                "découpez-le en plusieurs fichiers.",
                code=TROP_VOLUMINEUX,
            )
        return fichier


def _contexte(**contexte):
    return {
        "colonnes": importation.COLONNES,
        "taille_max_mo": importation.TAILLE_MAX // (1024 * 1024),
        "lignes_max": importation.LIGNES_MAX,
        **contexte,
    }


@login_required
@require_http_methods(["GET", "POST"])
def importer(request):
    """Le fichier reçu est gardé sur le serveur ; sa vérification ou son import s'exécute
    en travail de fond, dont la page montre l'avancement puis le rapport."""
    refuser_si(permissions.peut_importer(request.user))
    action = request.POST.get("action", ACTION_VERIFIER)
    formulaire = FormulaireImport(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        fichier = formulaire.cleaned_data["fichier"]
        travail = tasks.lancer_import(
            auteur=request.user,
            fichier=fichier,
            nom_fichier=fichier.name,
            verifier=action != ACTION_IMPORTER,
        )
        return redirect("travaux:detail", pk=travail.pk)
    return render(
        request,
        "projets/importer.html",
        _contexte(formulaire=formulaire),
        # Un fichier refusé pour sa taille : 413 (Content Too Large), la page dit pourquoi.
        status=413 if formulaire.has_error("fichier", TROP_VOLUMINEUX) else 200,
    )


@login_required
@require_POST
def importer_verifie(request, pk):
    """Importe le fichier qu'un travail de l'agent a vérifié sans erreur, sans le renvoyer."""
    refuser_si(permissions.peut_importer(request.user))
    verification = travaux.verification_reussie(request.user, tasks.GENRE_IMPORT, pk)
    if verification is None:
        raise Http404("Aucun fichier vérifié sans erreur ne porte ce numéro.")
    travail = tasks.lancer_import(auteur=request.user, verifier=False, depuis=verification)
    return redirect("travaux:detail", pk=travail.pk)


@login_required
@require_GET
def modele(request):
    """Le classeur modèle (en-tête, ligne d'exemple, mode d'emploi) à remplir."""
    refuser_si(permissions.peut_importer(request.user))
    return piece_jointe_xlsx(importation.modele_xlsx(), "modele-import-projets")
