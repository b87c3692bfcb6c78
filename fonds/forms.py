"""Formulaires des pages du fonds : ils valident la saisie, les services décident."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from fonds.models import Dispositif, Enveloppe, TypeMouvement
from fonds.services import TYPES_MOUVEMENT_SAISIS
from projets.saisie import ANNEE_MAX, ANNEE_MIN, MONTANT_MAX
from socle import saisie_fr
from socle.format_fr import format_euros


class ChampMontant(saisie_fr.ChampMontant):
    """Un montant de crédits : au centime, strictement positif, plafonné."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", MONTANT_MAX)
        kwargs.setdefault("help_text", "En euros, par exemple « 1 500 000 » ou « 1500000,50 ».")
        super().__init__(**kwargs)


def champ_date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def champ_motif() -> forms.CharField:
    return forms.CharField(
        label="Motif",
        help_text="Décision, texte budgétaire ou raison du mouvement ; il reste dans l'historique.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class FiltreFondsForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int, required=False, empty_value=None)
    region = forms.ChoiceField(label="Région", required=False)

    def __init__(self, *args, annees: list[int], regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes les années")] + [(a, str(a)) for a in annees]
        self.fields["region"].choices = [("", "Toutes les régions")] + regions


class MouvementForm(forms.Form):
    type = forms.ChoiceField(
        label="Type de mouvement",
        choices=[(t.value, t.label) for t in TypeMouvement if t in TYPES_MOUVEMENT_SAISIS],
        help_text="Une annulation retire des crédits ; une dotation ou un abondement en ajoute.",
    )
    montant = ChampMontant(label="Montant")
    date_effet = champ_date("Date d'effet")
    motif = champ_motif()


class RepartitionForm(forms.Form):
    """Un montant par région (vide : région non concernée), une date et un motif communs."""

    date_effet = champ_date("Date d'effet")
    motif = champ_motif()

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        for code, nom in regions:
            self.fields[f"region_{code}"] = ChampMontant(label=nom, required=False, help_text="")

    def champs_regions(self):
        return [self[f"region_{code}"] for code, _ in self.regions]

    def clean(self):
        donnees = super().clean()
        if not self.montants():
            raise forms.ValidationError("Indiquez le montant d'au moins une région.")
        return donnees

    def montants(self) -> dict[str, Decimal]:
        return {
            code: self.cleaned_data[f"region_{code}"]
            for code, _ in self.regions
            if self.cleaned_data.get(f"region_{code}")
        }


class AnticipationForm(forms.Form):
    dispositif = forms.ModelChoiceField(
        label="Dispositif", queryset=Dispositif.objects.all(), empty_label=None
    )
    annee_source = forms.IntegerField(
        label="Année dont les crédits sont avancés",
        min_value=ANNEE_MIN,
        max_value=ANNEE_MAX,
        help_text="Par exemple 2021.",
    )
    annee_cible = forms.IntegerField(
        label="Année qui reçoit les crédits",
        min_value=ANNEE_MIN,
        max_value=ANNEE_MAX,
        help_text="Par exemple 2020.",
    )
    montant = ChampMontant(label="Montant avancé")
    date_effet = champ_date("Date d'effet")
    motif = champ_motif()

    def clean(self):
        donnees = super().clean()
        source, cible = donnees.get("annee_source"), donnees.get("annee_cible")
        if source is not None and source == cible:
            self.add_error("annee_cible", "Choisissez une autre année que celle de départ.")
        return donnees


class RedeploiementForm(forms.Form):
    """Des crédits non engagés d'une région vers une autre : même dispositif, même année."""

    dispositif = forms.ModelChoiceField(
        label="Dispositif", queryset=Dispositif.objects.all(), empty_label=None
    )
    annee = forms.IntegerField(
        label="Année des enveloppes",
        min_value=ANNEE_MIN,
        max_value=ANNEE_MAX,
        help_text="Par exemple 2020.",
    )
    region_source = forms.ChoiceField(
        label="Région qui cède des crédits",
        help_text="Seuls ses crédits non engagés peuvent partir.",
    )
    region_cible = forms.ChoiceField(label="Région qui reçoit les crédits")
    montant = ChampMontant(label="Montant redéployé")
    date_effet = champ_date("Date d'effet")
    motif = champ_motif()

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choix = [("", "Choisir une région")] + regions
        self.fields["region_source"].choices = choix
        self.fields["region_cible"].choices = choix

    def clean(self):
        donnees = super().clean()
        source, cible = donnees.get("region_source"), donnees.get("region_cible")
        if source and source == cible:
            self.add_error("region_cible", "Choisissez une autre région que celle qui cède.")
        return donnees


class ChoixEnveloppe(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enveloppe) -> str:
        return (
            f"{obj.dispositif.nom} {obj.annee} – {obj.region.nom} "
            f"(disponible : {format_euros(obj.montant_disponible)})"
        )


class EngagementForm(forms.Form):
    enveloppe = ChoixEnveloppe(
        label="Enveloppe",
        queryset=Enveloppe.objects.none(),
        empty_label=None,
        help_text="Enveloppes régionales de la région et de l'année du projet.",
    )
    montant = ChampMontant(label="Montant à engager")
    date_engagement = champ_date("Date d'engagement")
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif : référence de la décision, conditions…",
    )

    def __init__(self, *args, enveloppes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enveloppe"].queryset = enveloppes


class VersementForm(forms.Form):
    montant = ChampMontant(label="Montant versé")
    date_versement = champ_date("Date du versement")
    reference = forms.CharField(
        label="Référence comptable",
        required=False,
        max_length=100,
        help_text="Facultatif : numéro de mandat ou de demande de paiement.",
    )
