"""Sérialiseurs de l'API des crédits : lecture des modèles, saisie validée avant les services.

Les entrées ne valident que la forme (types, bornes) ; les règles du programme
(plafond de l'enveloppe, périmètre, éligibilité) restent dans `fonds.services`.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, TypeMouvement, Versement
from fonds.services import TYPES_MOUVEMENT_SAISIS
from projets.saisie import ANNEE_MAX, ANNEE_MIN, MONTANT_MAX

ID_MAX = 2**63 - 1  # au-delà, aucun identifiant n'existe (entier 64 bits)
CODE_REGION_MAX = 3


# Le motif d'un montant accepté, pour le schéma : de 0,01 à `MONTANT_MAX`, deux décimales au plus.
_PLAFOND = f"{MONTANT_MAX:.0f}"
MOTIF_MONTANT = (
    rf"^(?:[1-9]\d{{0,{len(_PLAFOND) - 2}}}(?:\.\d{{1,2}})?"
    rf"|{_PLAFOND}(?:\.0{{1,2}})?|0?\.(?:0[1-9]|[1-9]\d?))$"
)


@extend_schema_field({"type": "string", "format": "decimal", "pattern": MOTIF_MONTANT})
class ChampMontant(serializers.DecimalField):
    """Un montant saisi, décrit dans le schéma par ses bornes réelles."""


def _montant(**kwargs) -> serializers.DecimalField:
    """Un montant saisi en euros : chaîne décimale, deux décimales au plus, strictement positif."""
    return ChampMontant(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MONTANT_MAX,
        **kwargs,
    )


def _identifiant(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=help_text)


def _annee(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=ANNEE_MIN, max_value=ANNEE_MAX, **kwargs)


def _code_region(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=CODE_REGION_MAX, **kwargs)


# --- Dispositifs et enveloppes -------------------------------------------------


class DispositifSerializer(serializers.ModelSerializer):
    montant_total = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        read_only=True,
        help_text="Somme des enveloppes nationales du dispositif, toutes années (€).",
    )

    class Meta:
        model = Dispositif
        fields = [
            "code",
            "nom",
            "description",
            "montant_total",
            "montant_annonce",
            "finance_projets",
        ]
        read_only_fields = fields


class EnveloppeSerializer(serializers.ModelSerializer):
    dispositif = serializers.CharField(source="dispositif.code", help_text="Code du dispositif.")
    region = serializers.CharField(
        source="region_id",
        allow_null=True,
        help_text="Code de la région ; vide (null) pour l'enveloppe nationale.",
    )
    montant_disponible = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        help_text="Montant moins montant engagé (€).",
    )

    class Meta:
        model = Enveloppe
        fields = [
            "id",
            "dispositif",
            "annee",
            "region",
            "montant",
            "montant_engage",
            "montant_verse",
            "montant_disponible",
            "updated_at",
        ]
        read_only_fields = fields


class EnveloppeCreationSerializer(serializers.Serializer):
    dispositif = serializers.SlugField(max_length=40, help_text="Code du dispositif.")
    annee = _annee()
    region = _code_region(
        required=False,
        allow_null=True,
        default=None,
        help_text="Code de la région ; absent ou null pour l'enveloppe nationale.",
    )


class MouvementSerializer(serializers.ModelSerializer):
    auteur = serializers.CharField(source="auteur.username", help_text="Identifiant de l'auteur.")

    class Meta:
        model = Mouvement
        fields = [
            "id",
            "enveloppe",
            "type",
            "montant",
            "date_effet",
            "motif",
            "auteur",
            "operation",
            "created_at",
        ]
        read_only_fields = fields


class MouvementEntreeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[(t.value, t.label) for t in TypeMouvement if t in TYPES_MOUVEMENT_SAISIS],
        help_text="Une annulation retire des crédits ; une dotation ou un abondement en ajoute.",
    )
    montant = _montant(help_text="Montant positif (€) ; le type dit le sens du mouvement.")
    date_effet = serializers.DateField()
    motif = serializers.CharField(max_length=2000, help_text="Décision, texte budgétaire…")


class AnticipationSerializer(serializers.Serializer):
    dispositif = serializers.SlugField(max_length=40, help_text="Code du dispositif.")
    annee_source = _annee(help_text="Année dont les crédits sont avancés, ex. 2021.")
    annee_cible = _annee(help_text="Année qui reçoit les crédits, ex. 2020.")
    montant = _montant()
    date_effet = serializers.DateField()
    motif = serializers.CharField(max_length=2000)


class RepartitionSerializer(serializers.Serializer):
    montants = serializers.DictField(
        child=_montant(),
        allow_empty=False,
        help_text='Montant par code de région, ex. {"84": "10000000.00", "32": "5000000.00"}.',
    )
    date_effet = serializers.DateField()
    motif = serializers.CharField(max_length=2000)

    def validate_montants(self, montants):
        invalides = [code for code in montants if not (0 < len(code) <= CODE_REGION_MAX)]
        if invalides or not all(code.isascii() and code.isalnum() for code in montants):
            raise serializers.ValidationError("Les clés sont des codes de région, ex. « 84 ».")
        return montants


class RedeploiementSerializer(serializers.Serializer):
    dispositif = serializers.SlugField(max_length=40, help_text="Code du dispositif.")
    annee = _annee()
    region_source = _code_region(help_text="Région qui cède des crédits non engagés.")
    region_cible = _code_region(help_text="Région qui les reçoit.")
    montant = _montant()
    date_effet = serializers.DateField()
    motif = serializers.CharField(max_length=2000)


# --- Engagements et versements -------------------------------------------------


class EngagementSerializer(serializers.ModelSerializer):
    dispositif = serializers.CharField(
        source="enveloppe.dispositif.code", help_text="Code du dispositif de l'enveloppe."
    )
    annee = serializers.IntegerField(source="enveloppe.annee", help_text="Année de l'enveloppe.")
    region = serializers.CharField(
        source="enveloppe.region_id", help_text="Code de la région de l'enveloppe."
    )

    class Meta:
        model = Engagement
        fields = [
            "id",
            "projet",
            "enveloppe",
            "dispositif",
            "annee",
            "region",
            "montant",
            "montant_verse",
            "montant_libere",
            "statut",
            "date_engagement",
            "commentaire",
            "created_at",
        ]
        read_only_fields = fields


class EngagementEntreeSerializer(serializers.Serializer):
    projet = _identifiant("Identifiant du projet (présélectionné, engagé ou en cours).")
    enveloppe = _identifiant("Enveloppe régionale de la région et de l'année du projet.")
    montant = _montant(help_text="Montant engagé (€), ex. « 1500000.00 ».")
    date_engagement = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Aujourd'hui par défaut."
    )
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )


class VersementSerializer(serializers.ModelSerializer):
    projet = serializers.IntegerField(source="engagement.projet_id", help_text="Projet payé.")

    class Meta:
        model = Versement
        fields = [
            "id",
            "engagement",
            "projet",
            "montant",
            "date_versement",
            "reference",
            "created_at",
        ]
        read_only_fields = fields


class VersementEntreeSerializer(serializers.Serializer):
    engagement = _identifiant("Identifiant de l'engagement payé.")
    montant = _montant(help_text="Montant versé (€), au plus le reste à verser.")
    date_versement = serializers.DateField(help_text="AAAA-MM-JJ, pas avant l'engagement.")
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
