"""Formulaires des simulations : ils lisent les types ; les règles sont dans `services`."""

from django import forms

from programmation.models import Simulation
from socle.saisie_fr import ChampMontant
from territoires.models import Region

NOM_MAX = Simulation._meta.get_field("nom").max_length
VERSION_MANQUANTE = "La version de la simulation manque : rechargez la page, puis recommencez."


def _version(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": VERSION_MANQUANTE, "invalid": VERSION_MANQUANTE},
        **kwargs,
    )


class FiltreProgrammationForm(forms.Form):
    """L'enveloppe à programmer : région (rôle national), année, dispositif."""

    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.filter(territoires__isnull=False).distinct().order_by("nom"),
        required=False,
        empty_label="Toutes les régions",
    )
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=None)
    dispositif = forms.ChoiceField(label="Dispositif", required=False)

    def __init__(self, donnees, *, regional: bool, annees, dispositifs, annee_par_defaut):
        donnees = donnees.copy()
        if not donnees.get("annee") and annee_par_defaut:
            donnees["annee"] = str(annee_par_defaut)
        super().__init__(donnees)
        if regional:
            del self.fields["region"]
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
        self.fields["dispositif"].choices = [(d.code, d.nom) for d in dispositifs]
        if len(dispositifs) <= 1:  # le Fonds d'accélération seul : rien à choisir
            self.fields["dispositif"].widget = forms.HiddenInput()
        self.is_valid()  # une valeur invalide est ignorée, et signalée par la vue


class NouvelleSimulationForm(forms.Form):
    nom = forms.CharField(
        label="Nom de la simulation",
        max_length=NOM_MAX,
        help_text="Par exemple « Comité de programmation de juin – proposition État ».",
        error_messages={"required": "Donnez un nom à la simulation."},
    )


class DuplicationForm(forms.Form):
    nom = forms.CharField(
        label="Nom de la copie",
        max_length=NOM_MAX,
        error_messages={"required": "Donnez un nom à la copie."},
    )


class VersionForm(forms.Form):
    """Appliquer, ajouter les nouveaux candidats : sur la version de la simulation affichée."""

    version = _version()


class LigneForm(forms.Form):
    montant = ChampMontant(
        label="Montant proposé",
        error_messages={"required": "Indiquez le montant proposé (0 pour aucun crédit)."},
    )
    incluse = forms.BooleanField(label="Incluse", required=False)
    version = _version()
