from django.apps import AppConfig


class ComptesConfig(AppConfig):
    """Comptes, rôles et périmètres des utilisateurs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "comptes"
    verbose_name = "Comptes et droits"
