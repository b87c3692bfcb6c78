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
    colonnes_export = models.JSONField(
        "colonnes des exports",
        default=dict,
        blank=True,
        help_text="Les colonnes choisies pour chaque export : {liste: [colonnes]}.",
    )
    notifications_non_lues = models.PositiveIntegerField(
        "notifications non lues",
        default=0,
        editable=False,
        help_text="Le nombre de la cloche de l'en-tête, tenu à jour par les notifications.",
    )

    class Meta:
        verbose_name = "profil"
        verbose_name_plural = "profils"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=ROLES_REGIONAUX) | Q(region__isnull=False),
                name="profil_regional_a_une_region",
            ),
            models.CheckConstraint(
                condition=Q(departement__isnull=True) | Q(role=Role.PREFECTURE),
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


class Action(models.TextChoices):
    CREATION = "creation", "Création"
    MODIFICATION = "modification", "Modification"
    SUPPRESSION = "suppression", "Suppression"
    CONSULTATION = "consultation", "Consultation"


class Trace(models.Model):
    """Le journal d'audit : qui a créé, modifié ou supprimé quoi, quand et d'où.

    Écrit par les services (jamais par des signaux), dans la transaction de
    l'écriture : une écriture annulée n'a pas de trace, une trace n'existe pas sans
    son écriture. `region` permet aux agents régionaux de lire le journal de leur
    région.
    """

    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="auteur",
    )
    action = models.CharField("action", max_length=12, choices=Action.choices)
    modele = models.CharField("objet", max_length=60, help_text="app.Modèle, ex. projets.Projet")
    objet_id = models.CharField("identifiant", max_length=40)
    libelle = models.CharField("libellé", max_length=250, blank=True)
    changements = models.JSONField(
        "changements", default=dict, blank=True, help_text="{champ: [avant, après]}"
    )
    region = models.CharField("région", max_length=3, blank=True, db_index=True)
    requete = models.CharField("requête", max_length=64, blank=True, help_text="X-Request-ID")
    adresse_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    class Meta:
        verbose_name = "trace d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["modele", "objet_id", "-created_at"])]

    def __str__(self):
        quand = f"{self.created_at:%d/%m/%Y %H:%M}"
        return f"{self.get_action_display()} {self.modele} {self.objet_id} – {quand}"


class Jeton(models.Model):
    """Un jeton d'API d'un agent, pour un script ou un outil.

    Seule l'empreinte SHA-256 de la clé est gardée : la clé est montrée une fois, à sa
    création, et ne peut plus être relue (ni dans l'administration, ni en base). Un jeton
    expire (`API_JETON_DUREE_JOURS`) ; il ne vaut plus rien dès que le mot de passe de
    l'agent change ou que son compte est désactivé (`empreinte_compte`, voir
    `comptes.jetons`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jetons",
        verbose_name="agent",
    )
    nom = models.CharField("nom", max_length=100, help_text="À quoi sert ce jeton.")
    prefixe = models.CharField(
        "début de la clé", max_length=8, help_text="Pour reconnaître la clé, sans la révéler."
    )
    empreinte = models.CharField("empreinte de la clé", max_length=64, unique=True)
    empreinte_compte = models.CharField(
        "empreinte du mot de passe", max_length=128, help_text="Change avec le mot de passe."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expire_le = models.DateTimeField("expire le", db_index=True)
    dernier_usage = models.DateTimeField("dernier usage", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.nom} ({self.prefixe}…) – {self.user}"
