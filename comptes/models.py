from django.conf import settings
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    PREFECTURE = "prefecture", "Préfecture"
    REGION = "region", "Conseil régional"
    MINISTERE = "ministere", "Ministère ou opérateur national"
    ADMIN_NATIONAL = "admin_national", "Équipe nationale du programme"


ROLES_REGIONAUX = (Role.PREFECTURE, Role.REGION)


class Profil(models.Model):
    """Rôle et périmètre d'un utilisateur.

    Une préfecture et un conseil régional agissent pour une seule région (la
    préfecture, éventuellement pour un seul département) ; un ministère et
    l'équipe nationale voient tout le programme.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profil",
        verbose_name="utilisateur",
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="région",
        help_text="Obligatoire pour une préfecture ou un conseil régional.",
    )
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
        help_text="Facultatif : restreint une préfecture à un département de sa région.",
    )
    organisme = models.CharField("organisme", max_length=200, blank=True)

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profils"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=["prefecture", "region"]) | Q(region__isnull=False),
                name="profil_regional_a_une_region",
            ),
            models.CheckConstraint(
                condition=Q(departement__isnull=True) | Q(role="prefecture"),
                name="profil_departement_pour_prefecture",
            ),
        ]

    def __str__(self):
        portee = f" – {self.region}" if self.region_id else ""
        return f"{self.user} ({self.get_role_display()}{portee})"

    def clean(self):
        from django.core.exceptions import ValidationError

        erreurs = {}
        if self.role in ROLES_REGIONAUX and not self.region_id:
            erreurs["region"] = "Une préfecture ou un conseil régional doit avoir une région."
        if self.role not in ROLES_REGIONAUX and self.region_id:
            erreurs["region"] = "Un profil national ne se rattache pas à une région."
        if self.departement_id:
            if self.role != Role.PREFECTURE:
                erreurs["departement"] = "Seule une préfecture se rattache à un département."
            elif self.region_id and self.departement.region_id != self.region_id:
                erreurs["departement"] = "Ce département n'appartient pas à la région choisie."
        if erreurs:
            raise ValidationError(erreurs)
