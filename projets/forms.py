import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Exists, OuterRef

from comptes.scoping import portee_de
from projets.models import MONTANT_MAX, Enjeu, Filiere, SensAvis, Taille
from territoires.models import Commune, TerritoireIndustrie
from territoires.validators import valider_siren, valider_siret


class MontantField(forms.DecimalField):
    """Un montant en euros saisi à la française : « 1 500 000,50 » ou « 1500000.50 »."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", MONTANT_MAX)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Saisissez un montant en euros, par exemple 1 500 000,00.",
                "min_value": "Le montant ne peut pas être négatif.",
                "max_value": "Ce montant dépasse 10 milliards d'euros : vérifiez la saisie.",
                "max_decimal_places": "Au plus deux chiffres après la virgule (centimes).",
            },
        )
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value).replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise
        except InvalidOperation as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:,.2f}".replace(",", " ").replace(".", ",")
        return value


def territoires_saisissables(user):
    """Territoires où l'utilisateur peut saisir : ceux qui ont une commune dans sa région."""
    portee = portee_de(user)
    qs = TerritoireIndustrie.objects.select_related("region").order_by("nom")
    if portee.regionale:
        communes = TerritoireIndustrie.communes.through.objects.filter(
            territoireindustrie_id=OuterRef("pk"),
            commune__departement__region_id=portee.region_code,
        )
        if portee.departement_code:
            communes = communes.filter(commune__departement_id=portee.departement_code)
        qs = qs.filter(Exists(communes))
    return qs


class ProjetForm(forms.Form):
    intitule = forms.CharField(label="Intitulé du projet", max_length=200)
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    territoire = forms.ModelChoiceField(
        label="Territoire d'industrie",
        queryset=TerritoireIndustrie.objects.none(),
        empty_label="Choisir un territoire",
        error_messages={
            "invalid_choice": "Ce territoire n'existe pas ou n'est pas de votre région."
        },
    )
    commune = forms.CharField(
        label="Commune du site (code INSEE)",
        max_length=5,
        help_text="Code INSEE à 5 caractères, par exemple 74081 pour Cluses.",
    )
    porteur_raison_sociale = forms.CharField(label="Raison sociale du porteur", max_length=200)
    porteur_siren = forms.CharField(
        label="SIREN du porteur", max_length=9, help_text="9 chiffres, sans espace."
    )
    porteur_taille = forms.ChoiceField(label="Taille de l'entreprise", choices=Taille.choices)
    siret = forms.CharField(
        label="SIRET de l'établissement",
        max_length=14,
        required=False,
        help_text="Facultatif : 14 chiffres, commençant par le SIREN.",
    )
    enjeu = forms.ChoiceField(label="Enjeu", choices=Enjeu.choices)
    filiere = forms.ChoiceField(label="Filière", choices=Filiere.choices)
    annee = forms.IntegerField(
        label="Année de programmation",
        min_value=2018,
        max_value=2030,
        error_messages={
            "min_value": "L'année doit être comprise entre 2018 et 2030.",
            "max_value": "L'année doit être comprise entre 2018 et 2030.",
        },
    )
    montant_investissement = MontantField(label="Investissement productif (€)")
    aide_sollicitee = MontantField(label="Aide sollicitée (€)")
    emplois_crees = forms.IntegerField(
        label="Emplois créés",
        min_value=0,
        max_value=100_000,
        error_messages={"min_value": "Le nombre d'emplois ne peut pas être négatif."},
    )
    emplois_maintenus = forms.IntegerField(
        label="Emplois maintenus",
        min_value=0,
        max_value=100_000,
        error_messages={"min_value": "Le nombre d'emplois ne peut pas être négatif."},
    )
    date_debut = forms.DateField(
        label="Début des travaux", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_fin = forms.DateField(
        label="Fin prévue", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires_saisissables(user)

    def clean_porteur_siren(self):
        valeur = self.cleaned_data["porteur_siren"].replace(" ", "")
        valider_siren(valeur)
        return valeur

    def clean_siret(self):
        valeur = self.cleaned_data["siret"].replace(" ", "")
        if valeur:
            valider_siret(valeur)
        return valeur

    def clean_commune(self):
        code = self.cleaned_data["commune"].strip().upper()
        try:
            return Commune.objects.select_related("departement").get(code_insee=code)
        except Commune.DoesNotExist as exc:
            raise forms.ValidationError(f"Aucune commune n'a le code INSEE « {code} ».") from exc

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "La fin prévue doit être postérieure au début des travaux.")
        investissement, aide = donnees.get("montant_investissement"), donnees.get("aide_sollicitee")
        if investissement is not None and aide is not None and aide > investissement:
            self.add_error(
                "aide_sollicitee",
                "L'aide sollicitée ne peut pas dépasser l'investissement productif.",
            )
        siren, siret = donnees.get("porteur_siren"), donnees.get("siret")
        if siren and siret and not siret.startswith(siren):
            self.add_error("siret", "Le SIRET doit commencer par le SIREN du porteur.")
        territoire, commune = donnees.get("territoire"), donnees.get("commune")
        if territoire and commune and not territoire.communes.filter(pk=commune.pk).exists():
            self.add_error(
                "commune",
                f"La commune {commune.nom} ({commune.code_insee}) n'appartient pas au territoire "
                f"« {territoire.nom} ».",
            )
        return donnees

    @classmethod
    def initial_depuis(cls, projet) -> dict:
        initial = {
            champ: getattr(projet, champ)
            for champ in cls.base_fields
            if champ != "commune" and not champ.startswith("porteur_")
        }
        initial.update(
            commune=projet.commune_id,
            territoire=projet.territoire_id,
            porteur_siren=projet.porteur.siren,
            porteur_raison_sociale=projet.porteur.raison_sociale,
            porteur_taille=projet.porteur.taille,
        )
        return initial


class TransitionForm(forms.Form):
    vers = forms.CharField(widget=forms.HiddenInput)
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AvisForm(forms.Form):
    sens = forms.ChoiceField(label="Avis", choices=SensAvis.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un avis défavorable : il sera le motif communiqué.",
    )

    def clean(self):
        donnees = super().clean()
        if (
            donnees.get("sens") == SensAvis.DEFAVORABLE
            and not donnees.get("commentaire", "").strip()
        ):
            self.add_error("commentaire", "Un avis défavorable doit être motivé.")
        return donnees


class AvisEnLotForm(AvisForm):
    projets = forms.TypedMultipleChoiceField(
        label="Projets",
        coerce=int,
        choices=(),
        error_messages={"required": "Cochez au moins un projet."},
    )

    def __init__(self, *args, projets_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projets"].choices = [(pk, pk) for pk in projets_ids]
