from django.apps import AppConfig


class EchangesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "echanges"
    verbose_name = "Échanges entre agents"
