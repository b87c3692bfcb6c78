import django_filters

from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau, Totaux
from socle.filtres import FiltreEntier


class TotauxApiFilter(django_filters.FilterSet):
    """Sans `dispositif` : la ligne « tous dispositifs » ; sans `annee` : « toutes années ».

    Ainsi chaque périmètre n'apparaît qu'une fois dans une réponse.
    """

    niveau = django_filters.ChoiceFilter(choices=Niveau.choices)
    code = django_filters.CharFilter(help_text="Code de la région ou du territoire.")
    region = django_filters.CharFilter(
        field_name="code_region",
        help_text="Région de rattachement : la région elle-même, ou la région de pilotage "
        "d'un territoire.",
    )
    dispositif = django_filters.CharFilter(
        help_text="Code du dispositif, ex. fonds-acceleration ; absent : tous les dispositifs."
    )
    annee = FiltreEntier(help_text="Année ; absente : toutes les années.")

    class Meta:
        model = Totaux
        fields = ["niveau", "code", "region", "dispositif", "annee"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        donnees = self.form.cleaned_data
        if not donnees.get("dispositif"):
            queryset = queryset.filter(dispositif=TOUS_DISPOSITIFS)
        if donnees.get("annee") is None:
            queryset = queryset.filter(annee=TOUTES_ANNEES)
        return queryset
