import django_filters

from fonds.models import Engagement, Enveloppe, StatutEngagement, Versement
from socle.filtres import FiltreEntier


class Niveau:
    NATIONAL = "national"
    REGION = "region"
    CHOIX = [(NATIONAL, "Enveloppe nationale"), (REGION, "Enveloppe régionale")]


class EnveloppeApiFilter(django_filters.FilterSet):
    dispositif = django_filters.CharFilter(
        field_name="dispositif__code", help_text="Code du dispositif, ex. fonds-acceleration."
    )
    annee = FiltreEntier(field_name="annee", help_text="Année de l'enveloppe.")
    region = django_filters.CharFilter(field_name="region_id", help_text="Code de la région.")
    niveau = django_filters.ChoiceFilter(
        choices=Niveau.CHOIX,
        method="filtrer_niveau",
        help_text="`national` : enveloppes nationales ; `region` : enveloppes régionales.",
    )

    class Meta:
        model = Enveloppe
        fields = ["dispositif", "annee", "region", "niveau"]

    def filtrer_niveau(self, queryset, name, value):
        return queryset.filter(region__isnull=value == Niveau.NATIONAL)


class EngagementApiFilter(django_filters.FilterSet):
    projet = FiltreEntier(field_name="projet_id", help_text="Identifiant du projet.")
    enveloppe = FiltreEntier(field_name="enveloppe_id", help_text="Identifiant de l'enveloppe.")
    region = django_filters.CharFilter(
        field_name="projet__region_id", help_text="Code de la région du projet."
    )
    dispositif = django_filters.CharFilter(
        field_name="enveloppe__dispositif__code", help_text="Code du dispositif."
    )
    annee = FiltreEntier(field_name="enveloppe__annee", help_text="Année de l'enveloppe.")
    statut = django_filters.ChoiceFilter(choices=StatutEngagement.choices)

    class Meta:
        model = Engagement
        fields = ["projet", "enveloppe", "region", "dispositif", "annee", "statut"]


class VersementApiFilter(django_filters.FilterSet):
    engagement = FiltreEntier(field_name="engagement_id", help_text="Identifiant de l'engagement.")
    projet = FiltreEntier(field_name="engagement__projet_id", help_text="Identifiant du projet.")
    region = django_filters.CharFilter(
        field_name="engagement__projet__region_id", help_text="Code de la région du projet."
    )
    dispositif = django_filters.CharFilter(
        field_name="engagement__enveloppe__dispositif__code", help_text="Code du dispositif."
    )
    annee = FiltreEntier(
        field_name="engagement__enveloppe__annee", help_text="Année de l'enveloppe."
    )

    class Meta:
        model = Versement
        fields = ["engagement", "projet", "region", "dispositif", "annee"]
