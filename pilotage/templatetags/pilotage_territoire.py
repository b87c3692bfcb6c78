"""`{% chiffres_du_territoire territoire request.user %}` : chiffres et projets, sur la page
publique d'un territoire.

Un visiteur anonyme (ou sans profil) ne voit rien de plus. Un agent voit la ligne de
totaux du territoire si elle est dans son périmètre (`totaux_visibles_par`), et les
dix derniers projets du territoire qu'il peut voir (`projets_visibles_par`) : deux
requêtes, quel que soit le nombre de projets.
"""

from django import template

from comptes.scoping import portee_de
from pilotage import selectors
from pilotage.models import Niveau
from projets.selectors import pour_liste, projets_visibles_par

register = template.Library()

NB_PROJETS = 10


@register.inclusion_tag("pilotage/_territoire.html")
def chiffres_du_territoire(territoire, user):
    if portee_de(user).aucune:
        return {"visible": False}
    ligne = selectors.totaux(Niveau.TERRITOIRE, territoire.code, user=user)
    projets = list(
        pour_liste(projets_visibles_par(user).filter(territoire_id=territoire.code)).order_by(
            "-updated_at", "-id"
        )[:NB_PROJETS]
    )
    return {
        "visible": True,
        "territoire": territoire,
        "ligne": ligne,
        "projets": projets,
        "nb_projets_max": NB_PROJETS,
    }
