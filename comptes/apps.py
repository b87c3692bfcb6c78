from django.apps import AppConfig


class ComptesConfig(AppConfig):
    """Comptes, rôles et périmètres des utilisateurs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "comptes"
    verbose_name = "Comptes et droits"

    def ready(self):
        from comptes import securite  # noqa: F401 (enregistre le contrôle du cache partagé)
