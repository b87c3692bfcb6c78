from django.apps import AppConfig


class PilotageConfig(AppConfig):
    """Totaux précalculés, indicateurs du programme et tableaux de bord."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "pilotage"
    verbose_name = "Pilotage"
