"""La page des actions en lot : toute la sélection filtrée de `/projets/`, confirmée par
son nombre ; au-delà de 200 projets, un travail de fond (`echanges.lots`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from echanges import lots
from projets import permissions as projets_permissions
from socle.pages import erreurs_metier, refuser_si


class LotForm(forms.Form):
    action = forms.ChoiceField(
        label="Action", error_messages={"required": "Choisissez une action."}
    )
    commentaire = forms.CharField(
        label="Commentaire ou motif",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour un avis défavorable ou un abandon.",
    )
    confirme = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "Choisir une action")] + [
            (code, libelle)
            for code, libelle in lots.ACTIONS.items()
            if lots.peut(user, lots.Lot.lire(code))
        ]


@login_required
def lot(request):
    refuser_si(projets_permissions.peut_lister(request.user))
    parametres = request.POST.get("parametres", request.GET.urlencode())
    ids = list(lots.selection(request.user, parametres).values_list("pk", flat=True))
    form = LotForm(request.POST or None, user=request.user)
    refus = []
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirme"] != len(ids):
            messages.warning(
                request,
                f"La sélection compte maintenant {len(ids)} projets : vérifiez puis confirmez.",
            )
        else:
            with erreurs_metier(request, form) as resultat:
                lot = lots.Lot.lire(form.cleaned_data["action"], form.cleaned_data["commentaire"])
                if len(ids) > lots.SEUIL_FOND:
                    travail = lots.lancer(
                        auteur=request.user, lot=lot, parametres=parametres, projet_ids=ids
                    )
                    return redirect("travaux:detail", pk=travail.pk)
                if lot.genre == "export":
                    return redirect(f"{reverse('projets:liste')}?{parametres}&format={lot.valeur}")
                try:
                    nombre = lots.appliquer(auteur=request.user, lot=lot, projet_ids=ids)
                except lots.RefusEnLot as exc:
                    refus = exc.refus
                    resultat.ok = False
            if resultat.ok:
                messages.success(request, f"{lot.libelle} : {nombre} projets.")
                return redirect(f"{reverse('projets:liste')}?{parametres}")
    return render(
        request,
        "echanges/lot.html",
        {
            "form": form,
            "nombre": len(ids),
            "parametres": parametres,
            "seuil": lots.SEUIL_FOND,
            "refus": refus,
        },
    )
