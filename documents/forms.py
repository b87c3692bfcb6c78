from django import forms

from documents import controle
from documents.models import TYPES_DEPOSABLES

AIDE_FICHIER = (
    f"Formats acceptés : {controle.FORMATS_ACCEPTES}. Taille maximale : "
    "{taille}. Vous pouvez aussi glisser le fichier ici."
)


def _aide() -> str:
    return AIDE_FICHIER.format(taille=controle._en_mo(controle.taille_max()))


class DocumentForm(forms.Form):
    type = forms.ChoiceField(label="Type de document", choices=[("", "Choisir")] + TYPES_DEPOSABLES)
    titre = forms.CharField(
        label="Titre",
        max_length=200,
        required=False,
        help_text="Facultatif : par défaut, le nom du fichier.",
    )
    fichier = forms.FileField(label="Fichier", allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].help_text = _aide()


class RemplacementForm(forms.Form):
    titre = forms.CharField(
        label="Titre",
        max_length=200,
        required=False,
        help_text="Facultatif : par défaut, celui de la version précédente.",
    )
    fichier = forms.FileField(label="Nouvelle version du fichier", allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fichier"].help_text = _aide()


class LettreForm(forms.Form):
    modele = forms.ChoiceField(
        choices=[
            ("lettre_notification", "Lettre de notification"),
            ("projet_convention", "Projet de convention"),
        ]
    )
