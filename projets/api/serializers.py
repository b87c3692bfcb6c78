from rest_framework import serializers

from projets import permissions
from projets.forms import ProjetForm
from projets.models import Avis, Entreprise, Projet, SensAvis, Statut


class PorteurSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entreprise
        fields = ["raison_sociale", "siren", "taille", "fictive"]
        read_only_fields = ["fictive"]
        extra_kwargs = {"siren": {"validators": []}}


class AbilitiesSerializer(serializers.Serializer):
    modifier = serializers.BooleanField()
    transitions = serializers.ListField(child=serializers.CharField())
    avis = serializers.BooleanField()


class ProjetSerializer(serializers.ModelSerializer):
    territoire = serializers.CharField(source="territoire_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    departement = serializers.CharField(source="departement_id", read_only=True)
    epci = serializers.CharField(source="epci_id", read_only=True)
    commune = serializers.CharField(source="commune_id", read_only=True)
    porteur = PorteurSerializer(read_only=True)
    abilities = serializers.SerializerMethodField(
        help_text="Ce que l'utilisateur peut faire de ce projet."
    )

    class Meta:
        model = Projet
        fields = [
            "id",
            "intitule",
            "description",
            "statut",
            "territoire",
            "region",
            "departement",
            "epci",
            "commune",
            "porteur",
            "siret",
            "enjeu",
            "filiere",
            "annee",
            "montant_investissement",
            "emplois_crees",
            "emplois_maintenus",
            "aide_sollicitee",
            "date_debut",
            "date_fin",
            "avis_etat",
            "avis_region",
            "motif_non_retenu",
            "version",
            "created_at",
            "updated_at",
            "abilities",
        ]
        read_only_fields = fields

    def get_abilities(self, obj) -> AbilitiesSerializer:
        actions = permissions.actions_possibles(self.context["request"].user, obj)
        return {
            "modifier": actions["modifier"],
            "transitions": [vers for vers, _ in actions["transitions"]],
            "avis": actions["avis"],
        }


class ProjetEcritureSerializer(serializers.Serializer):
    """Saisie d'un projet : les mêmes règles que le formulaire des pages."""

    intitule = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    territoire = serializers.CharField(help_text="Code du Territoire d'industrie, ex. 8414.")
    commune = serializers.CharField(help_text="Code INSEE de la commune du site, ex. 74081.")
    porteur = PorteurSerializer()
    siret = serializers.CharField(required=False, allow_blank=True, max_length=14)
    enjeu = serializers.CharField()
    filiere = serializers.CharField()
    annee = serializers.IntegerField()
    montant_investissement = serializers.DecimalField(max_digits=14, decimal_places=2)
    emplois_crees = serializers.IntegerField()
    emplois_maintenus = serializers.IntegerField()
    aide_sollicitee = serializers.DecimalField(max_digits=14, decimal_places=2)
    date_debut = serializers.DateField()
    date_fin = serializers.DateField()
    deposer = serializers.BooleanField(
        required=False, default=False, write_only=True, help_text="Déposer dès la création."
    )
    version = serializers.IntegerField(
        required=False, help_text="Version lue avant modification (409 si elle a changé)."
    )

    def validate(self, attrs):
        porteur = attrs.pop("porteur", {})
        donnees = {**self.initial_form_data(), **attrs}
        donnees.update(
            {f"porteur_{cle}": valeur for cle, valeur in porteur.items() if cle != "fictive"}
        )
        form = ProjetForm(data=donnees, user=self.context["request"].user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors.get_json_data(escape_html=False))
        nettoye = dict(form.cleaned_data)
        nettoye["deposer"] = attrs.get("deposer", False)
        nettoye["version"] = attrs.get("version")
        return nettoye

    def initial_form_data(self) -> dict:
        projet = self.context.get("projet")
        if projet is None:
            return {}
        donnees = ProjetForm.initial_depuis(projet)
        donnees["territoire"] = projet.territoire_id
        return donnees

    def to_internal_value(self, data):
        # En modification partielle, le porteur peut être donné en partie.
        return super().to_internal_value(data)


class TransitionSerializer(serializers.Serializer):
    vers = serializers.ChoiceField(choices=Statut.choices)
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class AvisEntreeSerializer(serializers.Serializer):
    avis = serializers.ChoiceField(choices=SensAvis.choices)
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class AvisSerializer(serializers.ModelSerializer):
    avis = serializers.CharField(source="sens")
    auteur = serializers.CharField(source="auteur.username")

    class Meta:
        model = Avis
        fields = ["id", "projet", "cote", "avis", "commentaire", "auteur", "created_at", "en_cours"]
