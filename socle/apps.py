from django.apps import AppConfig


class SocleConfig(AppConfig):
    """Le socle partagé ; son seul modèle : les demandes de recalcul des totaux."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "socle"
    verbose_name = "Socle du portail"

    def ready(self):
        from django.db.backends.signals import connection_created

        from socle.sqlite import ajouter_les_fonctions

        connection_created.connect(ajouter_les_fonctions, dispatch_uid="socle.sqlite")
