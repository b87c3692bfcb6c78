import django_filters

from projets import selectors
from projets.models import Enjeu, Projet, Statut
from socle.filtres import FiltreEntier


class ProjetApiFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region_id", help_text="Code de la région.")
    departement = django_filters.CharFilter(
        field_name="departement_id", help_text="Code du département."
    )
    territoire = django_filters.CharFilter(
        field_name="territoire_id", help_text="Code du Territoire d'industrie."
    )
    epci = django_filters.CharFilter(field_name="epci_id", help_text="SIREN de l'EPCI.")
    statut = django_filters.ChoiceFilter(choices=Statut.choices)
    enjeu = django_filters.ChoiceFilter(choices=Enjeu.choices)
    annee = FiltreEntier(help_text="Année de programmation.")
    q = django_filters.CharFilter(
        method="filtrer_texte", help_text="Intitulé, porteur, territoire."
    )

    class Meta:
        model = Projet
        fields = [
            "region",
            "departement",
            "territoire",
            "epci",
            "statut",
            "enjeu",
            "annee",
            "q",
        ]

    def filtrer_texte(self, queryset, name, value):
        return selectors.rechercher(queryset, value)
