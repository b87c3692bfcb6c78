from rest_framework import serializers

from documents.models import TYPES_DEPOSABLES, Document


class DocumentSerializer(serializers.ModelSerializer):
    type_libelle = serializers.CharField(source="get_type_display", read_only=True)
    etat_libelle = serializers.CharField(source="get_etat_display", read_only=True)
    auteur = serializers.SlugRelatedField(slug_field="username", read_only=True)
    telechargeable = serializers.BooleanField(read_only=True)
    fichier = serializers.SerializerMethodField(
        help_text="Adresse du téléchargement (droit vérifié, consultation tracée)."
    )

    class Meta:
        model = Document
        fields = [
            "id", "projet", "type", "type_libelle", "titre", "nom_fichier", "type_mime", "taille",
            "empreinte", "etat", "etat_libelle", "analyse", "telechargeable", "precedent",
            "auteur", "created_at", "fichier",
        ]  # fmt: skip
        read_only_fields = fields

    def get_fichier(self, document) -> str:
        from django.urls import reverse

        chemin = reverse("projet-document-fichier", args=[document.projet_id, document.pk])
        requete = self.context.get("request")
        return requete.build_absolute_uri(chemin) if requete else chemin


class DepotSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TYPES_DEPOSABLES)
    titre = serializers.CharField(max_length=200, required=False, allow_blank=True)
    fichier = serializers.FileField(allow_empty_file=True)


class RemplacementSerializer(serializers.Serializer):
    titre = serializers.CharField(max_length=200, required=False, allow_blank=True)
    fichier = serializers.FileField(allow_empty_file=True)
