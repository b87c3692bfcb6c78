from django.conf import settings
from django.db import models


class DemandeRecalcul(models.Model):
    """Des périmètres dont les totaux sont à recalculer, après une écriture.

    Écrite dans la transaction même de l'écriture (un projet, un avis, un mouvement,
    un engagement…) : validée avec elle, annulée avec elle, elle ne se perd jamais.
    La tâche de recalcul lit les demandes en attente, recalcule leurs périmètres et les
    efface dans la transaction qui écrit les nouveaux totaux : un worker tué en chemin
    laisse les demandes en attente, et la tâche suivante les reprend.
    """

    created_at = models.DateTimeField("demandée le", auto_now_add=True, db_index=True)
    territoires = models.JSONField("territoires", default=list, blank=True)
    regions = models.JSONField("régions", default=list, blank=True)

    class Meta:
        verbose_name = "demande de recalcul"
        verbose_name_plural = "demandes de recalcul"
        ordering = ["pk"]

    def __str__(self):
        perimetres = ", ".join([*self.regions, *self.territoires]) or "national"
        return f"Recalcul demandé le {self.created_at:%d/%m/%Y %H:%M} ({perimetres})"


class Evenement(models.Model):
    """Un fait du programme dont les agents concernés sont à prévenir.

    Écrit par le service, dans la transaction de l'écriture (un projet déposé, un avis
    donné, un engagement…) : il n'existe que si l'écriture est validée. Après validation,
    la tâche de distribution (`socle.evenements.TACHE_DISTRIBUTION`) en fait des
    notifications pour les agents qui voient le projet et le marque distribué ; un
    worker tué en chemin laisse l'événement non distribué, et la tâche suivante le reprend.
    """

    created_at = models.DateTimeField("survenu le", auto_now_add=True, db_index=True)
    genre = models.CharField("genre", max_length=40)
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="acteur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    projet_id = models.IntegerField("projet", null=True, blank=True)
    region = models.CharField("région", max_length=3, blank=True)
    donnees = models.JSONField("données", default=dict, blank=True)
    distribue_le = models.DateTimeField("distribué le", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.genre} le {self.created_at:%d/%m/%Y %H:%M}"


class EtatTravail(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHOUE = "echoue", "Échoué"


ETATS_FINIS = (EtatTravail.TERMINE, EtatTravail.ECHOUE)


class Travail(models.Model):
    """Un travail de fond demandé par un agent : import, mise à jour en masse, gros export.

    La page de l'agent ne l'attend pas : la ligne est écrite, la tâche Celery du genre
    (`socle.travaux`) l'exécute, en inscrit l'avancement (`fait` sur `total`) et, à la
    fin, le résultat (`resultat`, un fichier produit) ou la raison de l'échec. Seuls son
    auteur et l'équipe nationale le voient. Le fichier reçu (`entree`) et le fichier
    produit (`fichier`) sont gardés par le stockage de Django, jamais à une adresse
    publique : ils se téléchargent par une page qui vérifie le droit.
    """

    genre = models.CharField("genre", max_length=40)
    libelle = models.CharField("libellé", max_length=200)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.CASCADE,
        related_name="+",
    )
    etat = models.CharField(
        "état", max_length=10, choices=EtatTravail.choices, default=EtatTravail.EN_ATTENTE
    )
    etape = models.CharField("étape en cours", max_length=100, blank=True)
    fait = models.PositiveIntegerField("fait", default=0)
    total = models.PositiveIntegerField("total", default=0, help_text="0 : encore inconnu.")
    message = models.TextField("message", blank=True)
    parametres = models.JSONField("paramètres", default=dict, blank=True)
    resultat = models.JSONField("résultat", default=dict, blank=True)
    entree = models.FileField("fichier reçu", upload_to="travaux/entrees/%Y/%m/", blank=True)
    fichier = models.FileField("fichier produit", upload_to="travaux/resultats/%Y/%m/", blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("fini le", null=True, blank=True)

    class Meta:
        verbose_name = "travail de fond"
        verbose_name_plural = "travaux de fond"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["auteur", "-created_at"], name="travail_auteur_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(etat__in=EtatTravail.values), name="travail_etat_connu"
            ),
        ]

    def __str__(self):
        return f"{self.libelle} ({self.get_etat_display().lower()})"

    @property
    def fini(self) -> bool:
        return self.etat in ETATS_FINIS

    @property
    def pourcentage(self) -> int | None:
        """L'avancement en pour cent ; `None` tant que le total n'est pas connu."""
        if self.etat == EtatTravail.TERMINE:
            return 100
        if not self.total:
            return None
        return min(100, self.fait * 100 // self.total)
