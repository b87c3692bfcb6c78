from django.apps import AppConfig


class ProjetsConfig(AppConfig):
    """Projets industriels, instruction et avis État / Région."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "projets"
    verbose_name = "Projets"

    def ready(self):
        # Le journal d'audit ne montre pas à un agent régional les traces des projets qu'il
        # ne voit pas (brouillons, autres départements) : `comptes` ne connaît pas `projets`.
        from comptes.audit import inscrire_objets_masques
        from projets import selectors

        inscrire_objets_masques("projets.Projet", selectors.projets_masques_dans_la_region)
        inscrire_objets_masques("projets.Avis", selectors.avis_masques_dans_la_region)
