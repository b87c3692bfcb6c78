"""`{% brouillons_hors_liste request.user as nombre %}` : sur la liste des projets, les
brouillons qu'un agent ne voit pas, lus dans les totaux.

Les tableaux de bord comptent les projets à tous les stades, brouillons compris ; un
conseil régional ou un ministère ne voit pas les brouillons des préfectures. La liste
dit combien lui en manquent, d'après la même ligne de totaux que son tableau de bord
(sa région, ou le national) : une requête, quel que soit le nombre de projets.
"""

from django import template

from comptes.scoping import portee_de
from pilotage import selectors
from pilotage.models import Niveau
from projets.models import Statut
from projets.permissions import voit_les_brouillons

register = template.Library()


@register.simple_tag
def brouillons_hors_liste(user) -> int:
    portee = portee_de(user)
    if portee.aucune or voit_les_brouillons(portee):
        return 0
    if portee.nationale:
        ligne = selectors.totaux_nationaux(user=user)
    else:
        ligne = selectors.totaux(Niveau.REGION, portee.region_code, user=user)
    return ligne.nb_projets_par_statut.get(Statut.BROUILLON, 0) if ligne else 0
