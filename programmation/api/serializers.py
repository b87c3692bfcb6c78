"""Sérialiseurs de l'API des simulations : lecture, et saisie dont seule la forme est vérifiée
ici (types, bornes) ; les règles (périmètre, candidats, plafonds, versions) sont dans
`programmation.services`."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from programmation.models import LigneSimulation, Simulation
from projets.saisie import ANNEE_MAX, ANNEE_MIN, MONTANT_MAX

ID_MAX = 2**63 - 1


def _montant(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, **kwargs)


def _version(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=help_text)


class TotauxSimulationSerializer(serializers.Serializer):
    nb_lignes = serializers.IntegerField(help_text="Projets candidats de la simulation.")
    nb_incluses = serializers.IntegerField(help_text="Lignes incluses.")
    propose = _montant(help_text="Somme des montants proposés des lignes incluses (€).")
    disponible = _montant(help_text="Disponible actuel de l'enveloppe (montant moins engagé, €).")
    reste_apres = _montant(help_text="Disponible moins proposé (€) ; négatif : dépassement.")
    investissement = _montant(help_text="Investissement productif des projets inclus (€).")
    emplois_crees = serializers.IntegerField(help_text="Emplois créés des projets inclus.")
    emplois_maintenus = serializers.IntegerField(help_text="Emplois maintenus des projets inclus.")
    effet_levier = serializers.DecimalField(
        max_digits=12,
        decimal_places=1,
        allow_null=True,
        help_text="Investissement des projets inclus divisé par le montant proposé (null si 0).",
    )


CHAMPS_TOTAUX = list(TotauxSimulationSerializer().fields)


class SimulationSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="enveloppe.region_id", help_text="Code de la région.")
    dispositif = serializers.CharField(
        source="enveloppe.dispositif.code", help_text="Code du dispositif."
    )
    annee = serializers.IntegerField(source="enveloppe.annee", help_text="Année de l'enveloppe.")
    auteur = serializers.CharField(source="auteur.username", help_text="Qui l'a créée.")
    modifiee_par = serializers.CharField(
        source="modifiee_par.username", help_text="Qui l'a modifiée en dernier."
    )
    appliquee_par = serializers.CharField(
        source="appliquee_par.username", allow_null=True, default=None
    )
    statut = serializers.SerializerMethodField(help_text="`en_preparation` ou `appliquee`.")
    totaux = serializers.SerializerMethodField()

    class Meta:
        model = Simulation
        fields = [
            "id",
            "nom",
            "enveloppe",
            "region",
            "dispositif",
            "annee",
            "auteur",
            "created_at",
            "modifiee_par",
            "updated_at",
            "version",
            "statut",
            "appliquee_le",
            "appliquee_par",
            "totaux",
        ]
        read_only_fields = fields

    def get_statut(self, simulation) -> str:
        return "appliquee" if simulation.appliquee else "en_preparation"

    @extend_schema_field(TotauxSimulationSerializer)
    def get_totaux(self, simulation) -> dict:
        """Les totaux lus par la vue (`context["totaux"]`, une requête pour toute la page)."""
        totaux = self.context["totaux"][simulation.pk]
        return TotauxSimulationSerializer({cle: getattr(totaux, cle) for cle in CHAMPS_TOTAUX}).data


class SimulationCreationSerializer(serializers.Serializer):
    nom = serializers.CharField(max_length=Simulation._meta.get_field("nom").max_length)
    region = serializers.CharField(max_length=3, help_text="Code de la région, ex. « 84 ».")
    annee = serializers.IntegerField(min_value=ANNEE_MIN, max_value=ANNEE_MAX)
    dispositif = serializers.SlugField(
        max_length=40, required=False, default="fonds-acceleration", help_text="Code du dispositif."
    )


class DuplicationSerializer(serializers.Serializer):
    nom = serializers.CharField(
        max_length=Simulation._meta.get_field("nom").max_length, help_text="Nom de la copie."
    )


class ApplicationSerializer(serializers.Serializer):
    version = _version(
        "La version de la simulation que vous avez relue : si elle a changé depuis, 409."
    )


class LigneSerializer(serializers.ModelSerializer):
    intitule = serializers.CharField(source="projet.intitule")
    statut_projet = serializers.CharField(source="projet.statut")
    territoire = serializers.CharField(source="projet.territoire_id", help_text="Code.")
    montant_investissement = _montant(source="projet.montant_investissement")
    aide_sollicitee = _montant(source="projet.aide_sollicitee")
    deja_engage = _montant(help_text="Crédits déjà engagés sur le projet (€).")
    emplois_crees = serializers.IntegerField(source="projet.emplois_crees")
    emplois_maintenus = serializers.IntegerField(source="projet.emplois_maintenus")
    taux = serializers.SerializerMethodField(
        help_text="Montant proposé divisé par l'investissement productif (4 décimales)."
    )
    modifiee_par = serializers.CharField(source="modifiee_par.username")

    class Meta:
        model = LigneSimulation
        fields = [
            "id",
            "projet",
            "intitule",
            "statut_projet",
            "territoire",
            "montant_investissement",
            "aide_sollicitee",
            "deja_engage",
            "emplois_crees",
            "emplois_maintenus",
            "montant",
            "taux",
            "incluse",
            "version",
            "modifiee_par",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True))
    def get_taux(self, ligne) -> str | None:
        investissement = ligne.projet.montant_investissement
        if not investissement:
            return None
        return str((ligne.montant / investissement).quantize(Decimal("0.0001")))


class LigneCreationSerializer(serializers.Serializer):
    projet = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    montant = _montant(
        required=False,
        allow_null=True,
        default=None,
        max_value=MONTANT_MAX,
        help_text="Par défaut : l'aide sollicitée moins ce qui est déjà engagé.",
    )
    incluse = serializers.BooleanField(required=False, default=True)
    version = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="La version de la simulation que vous avez lue (facultatif) : si elle a "
        "changé depuis, 409.",
    )


class LigneModificationSerializer(serializers.Serializer):
    montant = _montant(required=False, max_value=MONTANT_MAX, help_text="Montant proposé (€).")
    incluse = serializers.BooleanField(required=False)
    version = _version("La version de la ligne que vous avez lue : si elle a changé, 409.")
