"""`{% fonds_du_projet projet user %}` : les crédits d'un projet, sur sa page.

Deux requêtes (engagements avec leur enveloppe, versements), quel que soit le
nombre d'engagements.
"""

from django import template

from fonds import permissions, selectors

register = template.Library()


@register.inclusion_tag("fonds/_projet.html")
def fonds_du_projet(projet, user):
    engagements = list(selectors.engagements_du_projet(user, projet))
    for engagement in engagements:
        # La page du projet a déjà chargé le projet : pas de requête par engagement.
        engagement.projet = projet
    return {
        "projet": projet,
        "engagements": [
            {
                "engagement": engagement,
                "reste": engagement.montant_net - engagement.montant_verse,
                "peut_verser": bool(permissions.peut_verser(user, engagement)),
            }
            for engagement in engagements
        ],
        "totaux": selectors.totaux_engagements(engagements),
        "peut_engager": bool(permissions.peut_engager(user, projet)),
    }
