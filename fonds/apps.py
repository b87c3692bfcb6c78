from django.apps import AppConfig


class FondsConfig(AppConfig):
    """Dispositifs, enveloppes, mouvements, engagements et versements."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fonds"
    verbose_name = "Fonds et enveloppes"
