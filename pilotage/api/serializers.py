from rest_framework import serializers

from pilotage.definitions import DEFINITIONS
from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Totaux


class TotauxSerializer(serializers.ModelSerializer):
    """Une ligne de totaux précalculés ; une clé vide (tous, toutes) s'écrit `null`."""

    code = serializers.SerializerMethodField(
        help_text="Code de la région ou du territoire ; null au niveau national."
    )
    dispositif = serializers.SerializerMethodField(
        help_text="Code du dispositif ; null : tous les dispositifs."
    )
    annee = serializers.SerializerMethodField(help_text="Année ; null : toutes les années.")
    nb_projets_par_statut = serializers.SerializerMethodField(
        help_text=(
            "Nombre de projets par statut, tous les statuts du cycle de vie (zéros compris). "
            + DEFINITIONS["statuts"].texte
        )
    )
    calcule_le = serializers.DateTimeField(
        read_only=True,
        help_text="Date des chiffres : le dernier recalcul des totaux (complet ou non).",
    )

    class Meta:
        model = Totaux
        fields = [
            "niveau",
            "code",
            "libelle",
            "dispositif",
            "dispositif_nom",
            "annee",
            "nb_territoires",
            "nb_intercommunalites",
            "nb_projets",
            "nb_projets_par_statut",
            "nb_projets_par_enjeu",
            "nb_engagements",
            "investissement",
            "emplois_crees",
            "emplois_maintenus",
            "aide_sollicitee",
            "montant_enveloppe",
            "montant_engage",
            "montant_verse",
            "montant_disponible",
            "effet_levier",
            "calcule_le",
        ]
        read_only_fields = fields
        # La définition de chaque chiffre, la même que sur les pages (`pilotage.definitions`).
        extra_kwargs = {
            champ: {"help_text": DEFINITIONS[champ].texte}
            for champ in fields
            if champ in DEFINITIONS
        }

    def get_code(self, obj) -> str | None:
        return obj.code or None

    def get_dispositif(self, obj) -> str | None:
        return None if obj.dispositif == TOUS_DISPOSITIFS else obj.dispositif

    def get_annee(self, obj) -> int | None:
        return None if obj.annee == TOUTES_ANNEES else obj.annee

    def get_nb_projets_par_statut(self, obj) -> dict[str, int]:
        return {statut: nombre for statut, _, nombre in obj.projets_par_statut()}


class IndicateurSerializer(serializers.Serializer):
    """Un indicateur du programme, sa cible et sa valeur la plus récente."""

    code = serializers.CharField()
    libelle = serializers.CharField()
    unite = serializers.CharField()
    cible = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    date_cible = serializers.DateField(allow_null=True)
    valeur = serializers.DecimalField(
        source="derniere_valeur", max_digits=16, decimal_places=2, allow_null=True
    )
    date = serializers.DateField(source="derniere_date", allow_null=True)
    source = serializers.CharField(source="derniere_source", allow_null=True)
