from django.apps import AppConfig


class EchangesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "echanges"
    verbose_name = "Échanges entre agents"

    def ready(self):
        # Les tâches sont déclarées dès le démarrage : `socle.evenements` et `socle.travaux`
        # les envoient par leur nom, aussi depuis le processus web (sans courtier).
        from echanges import tasks  # noqa: F401
