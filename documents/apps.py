from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = "Documents des projets"

    def ready(self):
        # La tâche d'analyse est envoyée par son nom : elle doit être connue du processus web.
        from documents import tasks  # noqa: F401
