"""Le travail entre les agents : notifications, courriels, rappels, discussion, vues.

Une notification naît d'un fait du programme (`socle.Evenement`) distribué à ceux qui
voient le projet (`echanges.distribution`) ; selon la préférence de l'agent pour ce
genre, elle part aussi par courriel tout de suite, dans le récapitulatif du jour, ou pas.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Mode(models.TextChoices):
    IMMEDIAT = "immediat", "Par courriel, tout de suite"
    QUOTIDIEN = "quotidien", "Dans le récapitulatif du jour"
    JAMAIS = "jamais", "Jamais par courriel"


class Preference(models.Model):
    """Comment un agent veut recevoir un genre de notification (défaut : tout de suite)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preferences_echanges"
    )
    genre = models.CharField("genre", max_length=40)
    mode = models.CharField("mode", max_length=10, choices=Mode.choices, default=Mode.IMMEDIAT)

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"
        constraints = [
            models.UniqueConstraint(fields=["user", "genre"], name="preference_unique"),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="preference_mode"),
        ]

    def __str__(self):
        return f"{self.user} – {self.genre} : {self.get_mode_display()}"


class Notification(models.Model):
    """Ce qu'un agent lit dans le portail (la cloche de l'en-tête, `/notifications/`)."""

    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="destinataire",
    )
    evenement = models.ForeignKey(
        "socle.Evenement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="fait",
    )
    genre = models.CharField("genre", max_length=40)
    projet_id = models.IntegerField("projet", null=True, blank=True)
    titre = models.CharField("titre", max_length=250)
    texte = models.TextField("texte", blank=True)
    lien = models.CharField("lien", max_length=250, blank=True)
    mode = models.CharField("envoi", max_length=10, choices=Mode.choices, default=Mode.IMMEDIAT)
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    lue_le = models.DateTimeField("lue le", null=True, blank=True)
    recapitulee_le = models.DateTimeField(
        "mise au récapitulatif le",
        null=True,
        blank=True,
        help_text="Envoyée dans le récapitulatif du jour à cette date.",
    )

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["destinataire", "lue_le"], name="notification_non_lue_idx"),
            models.Index(
                fields=["mode", "recapitulee_le", "destinataire"], name="notification_recap_idx"
            ),
        ]
        constraints = [
            # Un fait distribué deux fois (tâche rejouée) ne notifie pas deux fois.
            models.UniqueConstraint(
                fields=["evenement", "destinataire"], name="notification_une_par_fait"
            ),
        ]

    def __str__(self):
        return self.titre

    @property
    def lue(self) -> bool:
        return self.lue_le is not None


class EtatCourriel(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    ENVOYE = "envoye", "Envoyé"
    ECHOUE = "echoue", "Échoué"


class Courriel(models.Model):
    """Un courriel à un agent : une notification, ou le récapitulatif du jour.

    Envoyé par une tâche Celery, réessayé un nombre borné de fois ; un échec final reste
    inscrit, visible de l'équipe nationale (administration, `/mon-espace/`). L'action de
    l'agent qui l'a causé n'en dépend jamais.
    """

    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    adresse = models.EmailField("adresse")
    sujet = models.CharField("sujet", max_length=250)
    texte = models.TextField("texte")
    html = models.TextField("HTML")
    recapitulatif = models.BooleanField("récapitulatif du jour", default=False)
    etat = models.CharField(
        "état", max_length=10, choices=EtatCourriel.choices, default=EtatCourriel.A_ENVOYER
    )
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    erreur = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("préparé le", auto_now_add=True, db_index=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["etat", "created_at"], name="courriel_etat_idx")]

    def __str__(self):
        return f"{self.sujet} → {self.adresse} ({self.get_etat_display().lower()})"


class Rappel(models.Model):
    """Un rappel de date limite déjà publié : un seul par projet, genre et date limite, même
    si la tâche du matin tourne deux fois ; une nouvelle date limite en appelle un autre."""

    projet = models.ForeignKey("projets.Projet", on_delete=models.CASCADE, related_name="+")
    genre = models.CharField("genre", max_length=40)
    date_limite = models.DateField("date limite")
    created_at = models.DateTimeField("publié le", auto_now_add=True)

    class Meta:
        verbose_name = "rappel"
        verbose_name_plural = "rappels"
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "genre", "date_limite"], name="rappel_une_fois"
            )
        ]

    def __str__(self):
        return f"{self.genre} – projet {self.projet_id} – {self.date_limite:%d/%m/%Y}"


class Commentaire(models.Model):
    """Un message de la discussion d'un projet, entre préfecture, Région et équipe nationale."""

    projet = models.ForeignKey(
        "projets.Projet", on_delete=models.CASCADE, related_name="commentaires"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    texte = models.TextField("message")
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="agents mentionnés"
    )
    created_at = models.DateTimeField("écrit le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifié le", null=True, blank=True)

    class Meta:
        verbose_name = "commentaire"
        verbose_name_plural = "commentaires"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["projet", "created_at"], name="commentaire_projet_idx")]

    def __str__(self):
        return f"{self.auteur} sur le projet {self.projet_id}, {self.created_at:%d/%m/%Y %H:%M}"


class VueEnregistree(models.Model):
    """Les filtres de `/projets/` qu'un agent a enregistrés sous un nom."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vues_enregistrees"
    )
    nom = models.CharField("nom", max_length=100)
    parametres = models.CharField("filtres", max_length=1000, blank=True)
    created_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "vue enregistrée"
        verbose_name_plural = "vues enregistrées"
        ordering = ["nom", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "nom"], name="vue_nom_unique_par_agent")
        ]

    def __str__(self):
        return self.nom
