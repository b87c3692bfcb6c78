from django.apps import AppConfig


class ProjetsConfig(AppConfig):
    """Projets industriels, instruction et avis État / Région."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "projets"
    verbose_name = "Projets"
