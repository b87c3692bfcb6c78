from rest_framework import serializers

from projets import permissions
from projets.models import Avis, Entreprise, Projet, SensAvis, Statut
from projets.saisie import SaisieProjet, saisie_du_projet


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


class AvisDonneField(serializers.ChoiceField):
    """L'avis d'un côté sur un projet : « favorable », « défavorable », ou `null` tant qu'il
    n'est pas donné (jamais une chaîne vide, hors de l'énumération du schéma)."""

    def __init__(self, **kwargs):
        super().__init__(choices=SensAvis.choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


class ProjetSerializer(serializers.ModelSerializer):
    territoire = serializers.CharField(source="territoire_id", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    departement = serializers.CharField(source="departement_id", read_only=True)
    epci = serializers.CharField(source="epci_id", read_only=True)
    commune = serializers.CharField(source="commune_id", read_only=True)
    porteur = PorteurSerializer(read_only=True)
    avis_etat = AvisDonneField(help_text="Avis de l'État ; null s'il n'est pas donné.")
    avis_region = AvisDonneField(help_text="Avis de la Région ; null s'il n'est pas donné.")
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


class ProjetEcritSerializer(ProjetSerializer):
    """La réponse à une création ou une modification : le projet, et ce que l'agent doit
    savoir de ce qui a été fait (une entreprise connue prise telle qu'elle est)."""

    avertissements = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Messages à lire (ex. : entreprise connue rattachée sans changer son nom).",
    )

    class Meta(ProjetSerializer.Meta):
        fields = [*ProjetSerializer.Meta.fields, "avertissements"]


class PorteurEntreeSerializer(serializers.Serializer):
    raison_sociale = serializers.CharField(required=False, allow_blank=True)
    siren = serializers.CharField(required=False, allow_blank=True)
    taille = serializers.CharField(required=False, allow_blank=True)


def _facultatif(classe: type[serializers.Field], **options) -> serializers.Field:
    """Lu s'il est donné ; manquant, c'est la saisie (`projets.saisie`) qui le dit.

    Les options sont passées à la construction : DRF recrée chaque champ déclaré pour chaque
    sérialiseur (copie profonde avec les arguments d'origine), un attribut posé ensuite
    serait perdu.
    """
    return classe(required=False, allow_null=True, **options)


class ProjetEcritureSerializer(serializers.Serializer):
    """Saisie d'un projet : les types seulement ; les règles sont celles de `projets.saisie`,
    les mêmes que pour le formulaire des pages et l'import de tableurs."""

    intitule = _facultatif(serializers.CharField, allow_blank=True)
    description = _facultatif(serializers.CharField, allow_blank=True)
    territoire = _facultatif(
        serializers.CharField,
        allow_blank=True,
        help_text="Code du Territoire d'industrie, ex. 8414.",
    )
    commune = _facultatif(
        serializers.CharField,
        allow_blank=True,
        help_text="Code INSEE de la commune du site, ex. 74081.",
    )
    porteur = _facultatif(PorteurEntreeSerializer)
    siret = _facultatif(serializers.CharField, allow_blank=True)
    enjeu = _facultatif(serializers.CharField, allow_blank=True)
    filiere = _facultatif(serializers.CharField, allow_blank=True)
    annee = _facultatif(serializers.IntegerField)
    montant_investissement = _facultatif(
        serializers.DecimalField, max_digits=None, decimal_places=None
    )
    emplois_crees = _facultatif(serializers.IntegerField)
    emplois_maintenus = _facultatif(serializers.IntegerField)
    aide_sollicitee = _facultatif(serializers.DecimalField, max_digits=None, decimal_places=None)
    date_debut = _facultatif(serializers.DateField)
    date_fin = _facultatif(serializers.DateField)
    deposer = serializers.BooleanField(
        required=False, default=False, write_only=True, help_text="Déposer dès la création."
    )
    version = serializers.IntegerField(
        required=False, help_text="Version lue avant modification (409 si elle a changé)."
    )

    def saisie(self, projet: Projet | None = None) -> SaisieProjet:
        """La saisie lue ; en modification, les champs absents gardent leur valeur."""
        donnees = dict(self.validated_data)
        porteur = donnees.pop("porteur", None) or {}
        valeurs = {
            champ: valeur for champ, valeur in donnees.items() if champ in SaisieProjet.champs()
        }
        valeurs.update({f"porteur_{cle}": valeur for cle, valeur in porteur.items()})
        for champ in ("territoire", "commune", "porteur_siren", "siret"):
            if isinstance(valeurs.get(champ), str):
                valeurs[champ] = valeurs[champ].replace(" ", "").upper()
        for champ in ("intitule", "porteur_raison_sociale"):
            if isinstance(valeurs.get(champ), str):
                valeurs[champ] = valeurs[champ].strip()
        depart = saisie_du_projet(projet) if projet is not None else SaisieProjet()
        return depart.avec(**{c: v for c, v in valeurs.items() if c in SaisieProjet.champs()})


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
