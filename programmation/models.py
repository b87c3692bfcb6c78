"""Les simulations de programmation d'une enveloppe régionale.

« Et si l'on finançait ces projets à ces montants ? » : une simulation porte sur une
enveloppe régionale (région × dispositif × année) ; ses lignes sont les projets
candidats (présélectionnés ou en instruction, de la région et de l'année), chacun avec
un montant proposé, inclus ou non. Elle est partagée entre la préfecture et le conseil
régional de la région ; il peut y en avoir plusieurs par enveloppe. Appliquée, elle
devient des engagements (`fonds.services.engager_en_lot`) et ne change plus.

Chaque ligne, et la simulation elle-même, portent une `version` : deux agents qui
modifient la même ligne ne s'écrasent pas, le second apprend qu'elle a changé.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

ZERO = Decimal("0.00")


class Simulation(models.Model):
    enveloppe = models.ForeignKey(
        "fonds.Enveloppe",
        on_delete=models.PROTECT,
        related_name="simulations",
        verbose_name="enveloppe",
        help_text="L'enveloppe régionale programmée (région, dispositif, année).",
    )
    nom = models.CharField("nom", max_length=120)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="dernière modification par",
    )
    version = models.PositiveIntegerField(
        "version", default=1, help_text="Augmente à chaque changement d'une ligne."
    )
    appliquee_le = models.DateTimeField("appliquée le", null=True, blank=True)
    appliquee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="appliquée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "simulation de programmation"
        verbose_name_plural = "simulations de programmation"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enveloppe", "nom"], name="simulation_nom_unique"),
            models.CheckConstraint(condition=~Q(nom=""), name="simulation_nommee"),
        ]

    def __str__(self):
        return f"Simulation « {self.nom} »"

    @property
    def appliquee(self) -> bool:
        return self.appliquee_le is not None


class LigneSimulation(models.Model):
    """Un projet candidat dans une simulation : le montant proposé, inclus ou non."""

    simulation = models.ForeignKey(
        Simulation, on_delete=models.CASCADE, related_name="lignes", verbose_name="simulation"
    )
    projet = models.ForeignKey(
        "projets.Projet",
        on_delete=models.PROTECT,
        related_name="lignes_de_simulation",
        verbose_name="projet",
    )
    montant = models.DecimalField(
        "montant proposé (€)",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )
    incluse = models.BooleanField("incluse", default=False)
    version = models.PositiveIntegerField("version", default=1)
    modifiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="dernière modification par",
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "ligne de simulation"
        verbose_name_plural = "lignes de simulation"
        ordering = ["simulation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["simulation", "projet"], name="ligne_projet_unique"),
            models.CheckConstraint(condition=Q(montant__gte=0), name="ligne_montant_positif"),
        ]

    def __str__(self):
        return f"Ligne du projet n° {self.projet_id} – simulation n° {self.simulation_id}"
