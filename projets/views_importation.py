"""Pages d'import de projets depuis un tableur : vérification, import, modèle de fichier."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from projets import importation, permissions
from socle.exports import TYPE_XLSX
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
    refuser_si(permissions.peut_importer(request.user))
    rapport = None
    action = request.POST.get("action", ACTION_VERIFIER)
    formulaire = FormulaireImport(request.POST or None, request.FILES or None)
    if request.method == "POST" and formulaire.is_valid():
        fichier = formulaire.cleaned_data["fichier"]
        rapport = importation.importer_projets(
            auteur=request.user,
            fichier=fichier,
            nom_fichier=fichier.name,
            verifier=action != ACTION_IMPORTER,
        )
        if rapport.valide and not rapport.verification:
            nombre = len(rapport.projets)
            messages.success(
                request,
                format_html(
                    '{} projet{} importé{} depuis « {} ». <a href="{}">Voir la liste des '
                    "projets</a>",
                    nombre,
                    "s" if nombre > 1 else "",
                    "s" if nombre > 1 else "",
                    fichier.name,
                    reverse("projets:liste"),
                ),
            )
            return redirect("projets:importer")
    return render(
        request,
        "projets/importer.html",
        _contexte(
            formulaire=formulaire,
            rapport=rapport,
            nom_fichier=request.FILES["fichier"].name if "fichier" in request.FILES else "",
        ),
        # Un fichier refusé pour sa taille : 413 (Content Too Large), la page dit pourquoi.
        status=413 if formulaire.has_error("fichier", TROP_VOLUMINEUX) else 200,
    )


@login_required
@require_GET
def modele(request):
    """Le classeur modèle (en-tête, ligne d'exemple, mode d'emploi) à remplir."""
    refuser_si(permissions.peut_importer(request.user))
    reponse = HttpResponse(importation.modele_xlsx(), content_type=TYPE_XLSX)
    nom = f"modele-import-projets-{timezone.localdate().isoformat()}.xlsx"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
