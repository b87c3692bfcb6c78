from rest_framework import serializers

from territoires.models import Departement, Intercommunalite, Region, TerritoireIndustrie


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "nom", "zone"]


class DepartementSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", help_text="Code INSEE de la région.")

    class Meta:
        model = Departement
        fields = ["code", "nom", "region", "zone"]


class IntercommunaliteSerializer(serializers.ModelSerializer):
    departements = serializers.SerializerMethodField(help_text="Codes des départements.")
    regions = serializers.SerializerMethodField(help_text="Codes des régions.")

    class Meta:
        model = Intercommunalite
        fields = ["siren", "nom", "type", "departements", "regions", "nb_communes", "population"]

    def get_departements(self, obj) -> list[str]:
        return sorted(d.code for d in obj.departements.all())

    def get_regions(self, obj) -> list[str]:
        return sorted(r.code for r in obj.regions.all())


class TerritoireSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", help_text="Code de la région de pilotage.")
    intercommunalites = serializers.SerializerMethodField(
        help_text="SIREN des intercommunalités membres (adhésions en vigueur)."
    )

    class Meta:
        model = TerritoireIndustrie
        fields = [
            "code",
            "nom",
            "region",
            "phase",
            "intercommunalites",
            "nb_intercommunalites",
            "nb_communes",
            "population",
        ]

    def get_intercommunalites(self, obj) -> list[str]:
        return [adhesion.epci_id for adhesion in obj.adhesions]
