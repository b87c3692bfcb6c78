import django_filters
from django import forms

from territoires import selectors
from territoires.models import PHASE_EN_COURS, Departement, Phase, Region, TypeEpci


def filtre_region() -> django_filters.ModelChoiceFilter:
    """Le choix d'une région parmi celles qui ont un Territoire d'industrie."""
    return django_filters.ModelChoiceFilter(
        label="Région",
        queryset=Region.objects.filter(territoires__isnull=False).distinct().order_by("nom"),
        empty_label="Toutes les régions",
    )


class TerritoireFilter(django_filters.FilterSet):
    """Filtres de la liste des territoires ; une valeur invalide est ignorée.

    La phase est toujours choisie : la phase en cours si la requête n'en dit rien.
    """

    phase = django_filters.ChoiceFilter(
        label="Phase du programme",
        choices=Phase.choices,
        field_name="phase",
        empty_label=None,
    )

    q = django_filters.CharFilter(
        label="Rechercher",
        method="filtrer_texte",
        help_text=(
            "Nom ou code du territoire, nom ou SIREN d'un EPCI, nom ou code INSEE d'une commune"
        ),
    )
    region = filtre_region()
    departement = django_filters.ModelChoiceFilter(
        label="Département",
        queryset=Departement.objects.order_by("code"),
        method="filtrer_departement",
        empty_label="Tous les départements",
    )
    type_epci = django_filters.ChoiceFilter(
        label="Type d'EPCI",
        choices=TypeEpci.choices,
        method="filtrer_type_epci",
        empty_label="Tous les types",
    )
    tri = django_filters.OrderingFilter(
        label="Trier par",
        fields=(
            ("nom", "nom"),
            ("code", "code"),
            ("region__nom", "region"),
            ("population", "population"),
            ("nb_intercommunalites", "nb_intercommunalites"),
            ("nb_communes", "nb_communes"),
        ),
        field_labels={
            "nom": "Nom",
            "code": "Code",
            "region__nom": "Région",
            "population": "Population",
            "nb_intercommunalites": "Nombre d'EPCI",
            "nb_communes": "Nombre de communes",
        },
        empty_label=None,
        null_label=None,
    )

    class Meta:
        fields = ["phase", "q", "region", "departement", "type_epci"]
        form = forms.Form

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("phase") not in Phase.values:
            data["phase"] = PHASE_EN_COURS
        super().__init__(data, *args, **kwargs)

    @property
    def phase_choisie(self) -> str:
        return self.data["phase"]

    def filtrer_texte(self, queryset, name, value):
        return selectors.rechercher_territoires(queryset, value)

    def filtrer_departement(self, queryset, name, value):
        return selectors.filtrer_par_departement(queryset, value.code)

    def filtrer_type_epci(self, queryset, name, value):
        return selectors.filtrer_par_type_epci(queryset, value)
