"""Dispositifs, enveloppes, mouvements, engagements et versements.

Le montant d'une enveloppe n'est jamais saisi : c'est la somme de ses
mouvements (dotation, abondement, anticipation, redéploiement, répartition).
`montant`, `montant_engage` et `montant_verse` sont tenus à jour par les
services de `fonds.services`, qui verrouillent la ligne de l'enveloppe ; les
contraintes de la base interdisent en dernier recours une enveloppe négative ou
sur-engagée.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from socle.format_fr import format_euros

ZERO = Decimal("0.00")


def _montant(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class Dispositif(models.Model):
    """Un instrument financier suivi par le programme (le Fonds d'accélération et les autres)."""

    code = models.SlugField("code", max_length=40, unique=True)
    nom = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    montant_annonce = _montant(
        "montant annoncé (€)",
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="Montant public du dispositif, pour mémoire ; les enveloppes font foi.",
    )
    finance_projets = models.BooleanField(
        "engage des crédits sur les projets",
        default=False,
        help_text="Vrai pour le Fonds d'accélération : engagements sur les projets.",
    )
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "dispositif"
        verbose_name_plural = "dispositifs"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


class Enveloppe(models.Model):
    """Crédits d'un dispositif pour une année, au niveau national (`region` vide) ou régional."""

    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.PROTECT, related_name="enveloppes", verbose_name="dispositif"
    )
    annee = models.PositiveSmallIntegerField("année")
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enveloppes",
        verbose_name="région",
        help_text="Vide pour l'enveloppe nationale.",
    )
    montant = _montant("montant (€)", default=ZERO, editable=False)
    montant_engage = _montant("montant engagé (€)", default=ZERO, editable=False)
    montant_verse = _montant("montant versé (€)", default=ZERO, editable=False)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "enveloppe"
        verbose_name_plural = "enveloppes"
        ordering = ["dispositif__ordre", "annee", "region__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "annee", "region"],
                name="enveloppe_unique_regionale",
                condition=Q(region__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["dispositif", "annee"],
                name="enveloppe_unique_nationale",
                condition=Q(region__isnull=True),
            ),
            models.CheckConstraint(condition=Q(montant__gte=0), name="enveloppe_montant_positif"),
            models.CheckConstraint(
                condition=Q(montant_engage__gte=0) & Q(montant_engage__lte=F("montant")),
                name="enveloppe_jamais_surengagee",
            ),
            models.CheckConstraint(
                condition=Q(montant_verse__gte=0) & Q(montant_verse__lte=F("montant_engage")),
                name="enveloppe_verse_inferieur_engage",
            ),
        ]

    def __str__(self):
        niveau = self.region.nom if self.region_id else "nationale"
        return f"{self.dispositif} {self.annee} – {niveau}"

    @property
    def est_nationale(self) -> bool:
        return self.region_id is None

    @property
    def montant_disponible(self) -> Decimal:
        return self.montant - self.montant_engage


class TypeMouvement(models.TextChoices):
    DOTATION = "dotation", "Dotation"
    ABONDEMENT = "abondement", "Abondement"
    ANTICIPATION = "anticipation", "Anticipation (d'une année sur une autre)"
    REDEPLOIEMENT = "redeploiement", "Redéploiement (entre régions)"
    REPARTITION = "repartition", "Répartition de l'enveloppe nationale"
    ANNULATION = "annulation", "Annulation de crédits"


class Mouvement(models.Model):
    """Une variation datée et motivée du montant d'une enveloppe.

    Une anticipation ou un redéploiement est une paire de mouvements de même
    `operation` : l'un retire, l'autre ajoute le même montant, si bien que le total
    du dispositif est inchangé.
    """

    enveloppe = models.ForeignKey(
        Enveloppe, on_delete=models.PROTECT, related_name="mouvements", verbose_name="enveloppe"
    )
    type = models.CharField("type", max_length=15, choices=TypeMouvement.choices)
    montant = _montant("montant (€)", help_text="Positif : crédits ajoutés ; négatif : retirés.")
    date_effet = models.DateField("date d'effet")
    motif = models.TextField("motif")
    operation = models.UUIDField(
        "opération",
        null=True,
        blank=True,
        db_index=True,
        help_text="Relie les deux mouvements d'une anticipation ou d'un redéploiement.",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "mouvement"
        verbose_name_plural = "mouvements"
        ordering = ["date_effet", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(montant=0), name="mouvement_non_nul"),
            models.CheckConstraint(condition=~Q(motif=""), name="mouvement_motive"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} de {format_euros(self.montant)} – {self.enveloppe}"


class StatutEngagement(models.TextChoices):
    PROGRAMME = "programme", "Programmé"
    ENGAGE = "engage", "Engagé"
    SOLDE = "solde", "Soldé"
    ANNULE = "annule", "Annulé"


class Engagement(models.Model):
    """Crédits réservés pour un projet sur l'enveloppe régionale de son année."""

    projet = models.ForeignKey(
        "projets.Projet",
        on_delete=models.PROTECT,
        related_name="engagements",
        verbose_name="projet",
    )
    enveloppe = models.ForeignKey(
        Enveloppe, on_delete=models.PROTECT, related_name="engagements", verbose_name="enveloppe"
    )
    montant = _montant("montant (€)", validators=[MinValueValidator(Decimal("0.01"))])
    montant_verse = _montant("montant versé (€)", default=ZERO, editable=False)
    montant_libere = _montant(
        "montant libéré (€)",
        default=ZERO,
        editable=False,
        help_text="Part non versée rendue à l'enveloppe (abandon ou annulation).",
    )
    statut = models.CharField(
        "statut", max_length=10, choices=StatutEngagement.choices, default=StatutEngagement.ENGAGE
    )
    date_engagement = models.DateField("date d'engagement")
    commentaire = models.TextField("commentaire", blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "engagement"
        verbose_name_plural = "engagements"
        ordering = ["-date_engagement", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gte=0), name="engagement_montant_positif"),
            models.CheckConstraint(
                condition=Q(montant_libere__gte=0)
                & Q(montant_verse__gte=0)
                & Q(montant_verse__lte=F("montant") - F("montant_libere")),
                name="engagement_verse_inferieur_montant",
            ),
        ]
        indexes = [models.Index(fields=["enveloppe", "statut"])]

    def __str__(self):
        return f"Engagement de {format_euros(self.montant)} – {self.projet}"

    @property
    def montant_net(self) -> Decimal:
        """Ce que l'engagement retient sur l'enveloppe : le montant moins la part libérée."""
        return self.montant - self.montant_libere


class Versement(models.Model):
    """Un paiement au titre d'un engagement."""

    engagement = models.ForeignKey(
        Engagement, on_delete=models.PROTECT, related_name="versements", verbose_name="engagement"
    )
    montant = _montant("montant (€)", validators=[MinValueValidator(Decimal("0.01"))])
    date_versement = models.DateField("date du versement")
    reference = models.CharField("référence comptable", max_length=100, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["-date_versement", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(montant__gt=0), name="versement_montant_positif"),
        ]

    def __str__(self):
        return f"Versement de {format_euros(self.montant)} – {self.engagement.projet}"
