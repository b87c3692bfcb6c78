import django_filters
from django import forms

from comptes.scoping import portee_de
from projets import selectors
from projets.forms import territoires_saisissables
from projets.models import Enjeu, Statut, Taille
from projets.saisie import ANNEE_MAX, ANNEE_MIN
from territoires.filters import filtre_region
from territoires.models import Departement, Region, TerritoireIndustrie


class ProjetFilter(django_filters.FilterSet):
    """Filtres de la liste des projets ; une valeur invalide est ignorée avec un message."""

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filtrer_texte",
        help_text="Intitulé, porteur (nom ou SIREN), territoire ou numéro",
    )
    region = filtre_region()
    departement = django_filters.ModelChoiceFilter(
        label="Département",
        queryset=Departement.objects.filter(zone__in=["metro", "drom"]).order_by("code"),
        empty_label="Tous les départements",
    )
    territoire = django_filters.ModelChoiceFilter(
        label="Territoire d'industrie",
        queryset=TerritoireIndustrie.objects.order_by("nom"),
        empty_label="Tous les territoires",
    )
    epci = django_filters.CharFilter(
        label="Intercommunalité (SIREN)", field_name="epci_id", max_length=9
    )
    statut = django_filters.ChoiceFilter(
        label="Statut", choices=Statut.choices, empty_label="Tous les statuts"
    )
    enjeu = django_filters.ChoiceFilter(
        label="Enjeu", choices=Enjeu.choices, empty_label="Tous les enjeux"
    )
    taille = django_filters.ChoiceFilter(
        label="Taille du porteur",
        field_name="porteur__taille",
        choices=Taille.choices,
        empty_label="Toutes les tailles",
    )
    annee = django_filters.NumberFilter(label="Année", min_value=ANNEE_MIN, max_value=ANNEE_MAX)
    a_traiter = django_filters.ChoiceFilter(
        label="À traiter",
        choices=[(cle, libelle) for cle, (libelle, _q) in selectors.conditions_a_traiter().items()],
        empty_label="Tous les projets",
        method="filtrer_a_traiter",
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("updated_at", "modification"),
            ("intitule", "intitule"),
            ("montant_investissement", "investissement"),
            ("aide_sollicitee", "aide"),
            ("emplois_crees", "emplois"),
            ("territoire__nom", "territoire"),
            ("date_limite_avis", "date_limite"),
        ),
        field_labels={
            "updated_at": "Dernière modification",
            "intitule": "Intitulé",
            "montant_investissement": "Investissement",
            "aide_sollicitee": "Aide sollicitée",
            "emplois_crees": "Emplois créés",
            "territoire__nom": "Territoire",
            "date_limite_avis": "Date limite des avis",
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        fields = [
            "q",
            "region",
            "departement",
            "territoire",
            "epci",
            "statut",
            "enjeu",
            "annee",
            "a_traiter",
        ]
        form = forms.Form

    def __init__(self, *args, user=None, **kwargs):
        """Pour un agent régional, les listes ne proposent que ce qu'il voit : sa région
        (sans liste des régions), ses départements (le sien pour une préfecture de
        département) et les territoires qui y ont une commune."""
        super().__init__(*args, **kwargs)
        portee = portee_de(user)
        if not portee.regionale:
            return
        del self.filters["region"]
        departements = Departement.objects.filter(region_id=portee.region_code)
        if portee.departement_code:
            departements = departements.filter(code=portee.departement_code)
        self.filters["departement"].queryset = departements.order_by("code")
        self.filters["territoire"].queryset = territoires_saisissables(user)

    def filtrer_texte(self, queryset, name, value):
        return selectors.rechercher(queryset, value)

    def filtrer_a_traiter(self, queryset, name, value):
        return selectors.filtrer_a_traiter(queryset, value)


class FiltrePreselection(forms.Form):
    """Année et territoire de la présélection (et région, pour un rôle national).

    Sans année demandée, la présélection s'ouvre sur `annee_par_defaut` (la plus récente
    de ses projets) : l'enveloppe d'une région est celle d'une année. « Toutes les
    années » (valeur vide) reste possible.
    """

    annee = forms.TypedChoiceField(
        label="Année",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Toutes les années")]
        + [(annee, str(annee)) for annee in range(ANNEE_MIN, ANNEE_MAX + 1)],
    )
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.filter(territoires__isnull=False).distinct().order_by("nom"),
        required=False,
        empty_label="Toutes les régions",
    )
    territoire = forms.ModelChoiceField(
        label="Territoire d'industrie",
        queryset=TerritoireIndustrie.objects.order_by("nom"),
        required=False,
        empty_label="Tous les territoires",
    )

    def __init__(self, donnees, *, portee, annee_par_defaut: int | None):
        donnees = donnees.copy()
        if "annee" not in donnees and annee_par_defaut:
            donnees["annee"] = str(annee_par_defaut)
        super().__init__(donnees)
        if portee.regionale:
            del self.fields["region"]
            self.fields["territoire"].queryset = TerritoireIndustrie.objects.filter(
                region_id=portee.region_code
            ).order_by("nom")
        self.is_valid()  # une valeur invalide est ignorée (et signalée par la vue)

    def filtrer(self, qs):
        choix = self.cleaned_data
        if choix.get("annee"):
            qs = qs.filter(annee=choix["annee"])
        if choix.get("region"):
            qs = qs.filter(region=choix["region"])
        if choix.get("territoire"):
            qs = qs.filter(territoire=choix["territoire"])
        return qs

    def region_code(self, portee) -> str | None:
        """La région dont la présélection montre l'enveloppe : celle de l'agent régional, ou
        celle choisie (ou celle du territoire choisi) par un rôle national."""
        if portee.regionale:
            return portee.region_code
        choix = self.cleaned_data
        if choix.get("territoire"):
            return choix["territoire"].region_id
        return choix["region"].pk if choix.get("region") else None
