import django_filters
from django import forms

from projets import selectors
from projets.models import Enjeu, Statut, Taille
from projets.saisie import ANNEE_MAX, ANNEE_MIN
from territoires.filters import filtre_region
from territoires.models import Departement, TerritoireIndustrie


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
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("updated_at", "modification"),
            ("intitule", "intitule"),
            ("montant_investissement", "investissement"),
            ("aide_sollicitee", "aide"),
            ("emplois_crees", "emplois"),
            ("territoire__nom", "territoire"),
        ),
        field_labels={
            "updated_at": "Dernière modification",
            "intitule": "Intitulé",
            "montant_investissement": "Investissement",
            "aide_sollicitee": "Aide sollicitée",
            "emplois_crees": "Emplois créés",
            "territoire__nom": "Territoire",
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        fields = ["q", "region", "departement", "territoire", "epci", "statut", "enjeu", "annee"]
        form = forms.Form

    def filtrer_texte(self, queryset, name, value):
        return selectors.rechercher(queryset, value)
