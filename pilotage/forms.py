"""Formulaires du pilotage : filtres des tableaux de bord et saisie d'une valeur d'indicateur."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from fonds.forms import ChampMontant
from pilotage.models import Indicateur
from pilotage.selectors import TOUS
from pilotage.services import MESSAGE_SANS_DATE, MESSAGE_SANS_SOURCE


class FiltreTableauForm(forms.Form):
    """Dispositif et année (choix tirés des lignes de totaux), chiffre de la carte.

    Une valeur inconnue est ignorée (avec un message) : le tableau de bord revient alors
    à son choix par défaut (le Fonds d'accélération, toutes les années).
    """

    dispositif = forms.ChoiceField(label="Dispositif", required=False)
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=0)
    carte = forms.ChoiceField(label="Chiffre de la carte", required=False)

    def __init__(
        self,
        *args,
        dispositifs: list[tuple[str, str]],
        annees: list[int],
        cartes: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].choices = [
            *dispositifs,
            (TOUS, "Tous les dispositifs (projets et emplois)"),
        ]
        self.fields["annee"].choices = [("", "Toutes les années")] + [
            (annee, str(annee)) for annee in annees
        ]
        if cartes:
            self.fields["carte"].choices = cartes
        else:
            del self.fields["carte"]


class ValeurIndicateurForm(forms.Form):
    indicateur = forms.ModelChoiceField(
        label="Indicateur",
        queryset=Indicateur.objects.order_by("ordre", "libelle"),
        empty_label="Choisir un indicateur",
    )
    valeur = ChampMontant(
        label="Valeur mesurée",
        min_value=Decimal("0"),
        help_text=(
            "Dans l'unité de l'indicateur : un nombre, un montant en euros (« 182 000 000 ») "
            "ou une part en pour cent (« 11,5 » pour 11,5 %)."
        ),
    )
    date = forms.DateField(
        label="Date de la mesure",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": MESSAGE_SANS_DATE},
        help_text="Le jour où le chiffre a été arrêté (pas le jour de la saisie).",
    )
    source = forms.CharField(
        label="Source",
        max_length=300,
        error_messages={"required": MESSAGE_SANS_SOURCE},
        help_text="Rapport, tableau de suivi ou opérateur d'où vient le chiffre.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
