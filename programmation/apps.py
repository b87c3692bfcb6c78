from django.apps import AppConfig


class ProgrammationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programmation"
    verbose_name = "Programmation des enveloppes"
