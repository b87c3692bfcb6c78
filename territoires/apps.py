from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    """Régions, départements, EPCI, communes et Territoires d'industrie."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "territoires"
    verbose_name = "Référentiel des territoires"
