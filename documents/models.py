"""Les pièces d'un dossier de financement : fichiers joints à un projet, lettres produites.

Un document appartient à un projet ; il est vu exactement par ceux qui voient le projet
(`selectors.documents_visibles_par`). Son fichier est rangé sous une clé que personne ne
devine (`cle`), dans le stockage des documents (`documents.stockage`), et ne se télécharge
que par une vue qui vérifie le droit. Remplacer un document en écrit un nouveau qui pointe
vers le précédent (`precedent`) : les versions restent listées.
"""

from django.conf import settings
from django.db import models


class TypeDocument(models.TextChoices):
    DEVIS = "devis", "Devis"
    KBIS = "kbis", "Extrait Kbis"
    DELIBERATION = "deliberation", "Délibération"
    CONVENTION_SIGNEE = "convention_signee", "Convention signée"
    JUSTIFICATIF_VERSEMENT = "justificatif_versement", "Justificatif de versement"
    AUTRE = "autre", "Autre"
    # Produits par le portail (`documents.lettres`), jamais envoyés par un agent.
    LETTRE_NOTIFICATION = "lettre_notification", "Lettre de notification"
    PROJET_CONVENTION = "projet_convention", "Projet de convention"


TYPES_GENERES = (TypeDocument.LETTRE_NOTIFICATION, TypeDocument.PROJET_CONVENTION)
TYPES_DEPOSABLES = [(v, label) for v, label in TypeDocument.choices if v not in TYPES_GENERES]


class EtatDocument(models.TextChoices):
    ANALYSE_EN_COURS = "analyse_en_cours", "Analyse en cours"
    DISPONIBLE = "disponible", "Disponible"
    QUARANTAINE = "quarantaine", "En quarantaine"


class Document(models.Model):
    projet = models.ForeignKey(
        "projets.Projet",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="projet",
    )
    type = models.CharField("type", max_length=25, choices=TypeDocument.choices)
    titre = models.CharField("titre", max_length=200)
    nom_fichier = models.CharField("nom du fichier", max_length=150)
    cle = models.CharField(
        "clé de stockage", max_length=200, unique=True, editable=False,
        help_text="Chemin du fichier dans le stockage des documents (jamais une adresse).",
    )  # fmt: skip
    type_mime = models.CharField("type de contenu", max_length=100)
    taille = models.PositiveBigIntegerField("taille (octets)")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    etat = models.CharField(
        "état", max_length=20, choices=EtatDocument.choices, default=EtatDocument.ANALYSE_EN_COURS
    )
    analyse = models.CharField(
        "résultat de l'analyse", max_length=200, blank=True,
        help_text="Ce qu'a dit l'antivirus (signature trouvée), ou pourquoi rien n'a été analysé.",
    )  # fmt: skip
    analyse_le = models.DateTimeField("analysé le", null=True, blank=True)
    precedent = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivant",
        verbose_name="version précédente",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("ajouté le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=TypeDocument.values), name="document_type_connu"
            ),
            models.CheckConstraint(
                condition=models.Q(etat__in=EtatDocument.values), name="document_etat_connu"
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} – {self.titre}"

    @property
    def telechargeable(self) -> bool:
        return self.etat == EtatDocument.DISPONIBLE

    @property
    def genere(self) -> bool:
        return self.type in TYPES_GENERES


class Signature(models.Model):
    """La convention signée d'un projet engagé : le projet est « signé » depuis `signe_le`."""

    projet = models.OneToOneField(
        "projets.Projet", on_delete=models.PROTECT, related_name="signature", verbose_name="projet"
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="+", verbose_name="convention signée"
    )
    signe_le = models.DateTimeField("signée le", auto_now_add=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="jointe par",
    )

    class Meta:
        verbose_name = "convention signée"
        verbose_name_plural = "conventions signées"

    def __str__(self):
        return f"Convention signée du projet {self.projet_id}"
