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
