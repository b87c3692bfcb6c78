from django.apps import AppConfig


class FondsConfig(AppConfig):
    """Dispositifs, enveloppes, mouvements, engagements et versements."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fonds"
    verbose_name = "Fonds et enveloppes"

    def ready(self):
        # L'abandon d'un projet engagé rend à l'enveloppe la part non versée de ses
        # engagements, dans la transaction du changement de statut. `projets` ne
        # connaît pas `fonds` : c'est `fonds` qui s'inscrit.
        from fonds.services import liberer_engagements_du_projet
        from projets.services import inscrire_action_avant_abandon

        inscrire_action_avant_abandon(liberer_engagements_du_projet)

        # Journal d'audit : pas de trace d'engagement ou de versement hors de la vue de l'agent.
        from comptes.audit import inscrire_objets_masques
        from fonds import selectors

        inscrire_objets_masques("fonds.Engagement", selectors.engagements_masques_dans_la_region)
        inscrire_objets_masques("fonds.Versement", selectors.versements_masques_dans_la_region)
