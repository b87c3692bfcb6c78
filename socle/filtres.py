"""Filtres partagés des listes de l'API."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

ENTIER_MIN, ENTIER_MAX = -(2**63), 2**63 - 1


@extend_schema_field(OpenApiTypes.INT64)
class FiltreEntier(django_filters.NumberFilter):
    """Un identifiant ou une année : un entier (64 bits), pas un décimal.

    Au-delà de 64 bits, 400 : SQLite ne sait pas comparer une clé étrangère à un tel
    nombre (Django ne protège que les champs entiers eux-mêmes, pas les relations).
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", ENTIER_MIN)
        kwargs.setdefault("max_value", ENTIER_MAX)
        super().__init__(*args, **kwargs)
