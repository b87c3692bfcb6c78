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
