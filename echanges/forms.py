from django import forms

from echanges.discussion import TEXTE_MAX
from echanges.genres import GENRES
from echanges.models import Mode


class CommentaireForm(forms.Form):
    texte = forms.CharField(
        label="Votre message",
        max_length=TEXTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mentionnez un agent qui voit le projet avec @identifiant (ex. @region-84).",
        error_messages={"required": "Écrivez votre message."},
    )


class PreferencesForm(forms.Form):
    """Un choix par genre de notification : tout de suite, récapitulatif du jour, jamais."""

    def __init__(self, *args, modes: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for code, genre in GENRES.items():
            self.fields[code] = forms.ChoiceField(
                label=genre.libelle,
                choices=Mode.choices,
                initial=modes.get(code, Mode.IMMEDIAT),
                widget=forms.Select,
            )


class VueForm(forms.Form):
    nom = forms.CharField(
        label="Nom de la vue",
        max_length=100,
        error_messages={"required": "Donnez un nom à cette vue."},
    )
    parametres = forms.CharField(required=False, widget=forms.HiddenInput)
