from rest_framework import serializers

from echanges.models import Commentaire, Notification


class NotificationSerializer(serializers.ModelSerializer):
    lue = serializers.BooleanField(read_only=True, help_text="Lue par son destinataire.")
    projet = serializers.IntegerField(source="projet_id", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "genre", "titre", "texte", "lien", "projet", "created_at", "lue", "lue_le"]
        read_only_fields = fields


class CommentaireSerializer(serializers.ModelSerializer):
    auteur = serializers.CharField(source="auteur.username", read_only=True)
    mentions = serializers.SlugRelatedField(
        slug_field="username", many=True, read_only=True, help_text="Agents mentionnés."
    )
    projet = serializers.IntegerField(source="projet_id", read_only=True)

    class Meta:
        model = Commentaire
        fields = ["id", "projet", "auteur", "texte", "mentions", "created_at", "modifie_le"]
        read_only_fields = ["id", "projet", "auteur", "mentions", "created_at", "modifie_le"]


class CommentaireEcritureSerializer(serializers.Serializer):
    texte = serializers.CharField(
        help_text="Le message ; « @identifiant » mentionne un agent qui voit le projet."
    )
