from django.apps import AppConfig


class PortailConfig(AppConfig):
    """Les pages et l'API qui assemblent plusieurs domaines (couche la plus haute)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portail"
    verbose_name = "Pages du portail"
