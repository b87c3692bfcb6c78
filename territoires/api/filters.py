import django_filters
from django.db.models import Exists, OuterRef, Q

from territoires import selectors
from territoires.models import (
    Departement,
    Intercommunalite,
    Perimetre,
    Phase,
    TerritoireIndustrie,
    TypeEpci,
)
from territoires.validators import normaliser


class DepartementApiFilter(django_filters.FilterSet):
    """Une région inconnue donne une liste vide, comme pour les autres listes."""

    region = django_filters.CharFilter(field_name="region_id", help_text="Code de la région.")

    class Meta:
        model = Departement
        fields = ["region"]


class TerritoireApiFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(
        choices=Phase.choices,
        help_text="Phase du programme (2018-2022 : liste d'octobre 2020 ; 2023-2027). "
        "Sans ce filtre : les deux phases.",
    )
    region = django_filters.CharFilter(field_name="region_id", help_text="Code de la région.")
    departement = django_filters.CharFilter(
        method="filtrer_departement", help_text="Code du département (une commune au moins)."
    )
    q = django_filters.CharFilter(
        method="filtrer_texte", help_text="Nom, code, SIREN ou nom d'EPCI, commune."
    )

    class Meta:
        model = TerritoireIndustrie
        fields = ["phase", "region", "departement", "q"]

    def filtrer_departement(self, queryset, name, value):
        return selectors.filtrer_par_departement(queryset, value)

    def filtrer_texte(self, queryset, name, value):
        return selectors.rechercher_territoires(queryset, value)


class IntercommunaliteApiFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="regions__code", help_text="Code de la région.")
    departement = django_filters.CharFilter(
        field_name="departements__code", help_text="Code du département."
    )
    territoire = django_filters.CharFilter(
        method="filtrer_territoire", help_text="Code du Territoire d'industrie."
    )
    type = django_filters.ChoiceFilter(choices=TypeEpci.choices)
    q = django_filters.CharFilter(method="filtrer_texte", help_text="Nom ou SIREN.")

    class Meta:
        model = Intercommunalite
        fields = ["region", "departement", "territoire", "type", "q"]

    def filtrer_territoire(self, queryset, name, value):
        adhesions = Perimetre.objects.en_vigueur().filter(
            epci_id=OuterRef("pk"), territoire_id=value
        )
        return queryset.filter(Exists(adhesions))

    def filtrer_texte(self, queryset, name, value):
        return queryset.filter(Q(recherche__contains=normaliser(value)) | Q(siren=value.strip()))
