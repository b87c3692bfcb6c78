from django.apps import AppConfig


class SocleConfig(AppConfig):
    """Le socle partagé ; son seul modèle : les demandes de recalcul des totaux."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "socle"
    verbose_name = "Socle du portail"
