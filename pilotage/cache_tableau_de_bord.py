"""Le corps d'un tableau de bord gardé en cache tant que ses chiffres n'ont pas changé.

Les chiffres d'un tableau de bord ne changent qu'avec un recalcul (qui écrit ses totaux et
sa ligne `Calcul` dans la même transaction), une nouvelle valeur d'indicateur ou une
demande de recalcul en attente : leur « version » se lit en une requête, et le corps de la
page rendu pour une version, une adresse et une portée d'agent est repris tel quel.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from pilotage.models import Calcul, ValeurIndicateur
from socle.models import DemandeRecalcul
from socle.tableaux import entetes, parametres_de_la_page

CORPS = "pilotage/_tableau_de_bord_corps.html"


def version_des_chiffres() -> str:
    """Ce qui change dès que les chiffres d'un tableau de bord changent, lu en une requête :
    le dernier recalcul (il écrit ses totaux et sa ligne dans la même transaction), la
    dernière valeur d'un indicateur, et s'il reste des demandes de recalcul (le bandeau
    « mise à jour en cours »)."""
    tables = [
        connection.ops.quote_name(modele._meta.db_table)
        for modele in (Calcul, ValeurIndicateur, DemandeRecalcul)
    ]
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT (SELECT MAX(id) FROM {tables[0]}), (SELECT MAX(id) FROM {tables[1]}), "  # noqa: S608
            f"EXISTS (SELECT 1 FROM {tables[2]})"
        )
        return ":".join(map(str, curseur.fetchone()))


def corps_en_cache(request, *, portee: str, construire_contexte: Callable[[], dict]) -> SafeString:
    """Le corps de la page (`CORPS`) : rendu une fois, puis repris du cache tant que les
    chiffres n'ont pas changé (`version_des_chiffres`), pour la même adresse et la même
    `portee` (ce qui, de l'agent, change la page : sa région, son droit de saisir).

    `construire_contexte()` n'est appelé qu'à défaut de cache : c'est lui qui lit les
    totaux. Une page aux filtres invalides (signalés par un message) n'est pas gardée."""
    parametres = sorted((cle, valeur) for cle, valeur in request.GET.lists())
    empreinte = hashlib.sha256(
        repr((version_des_chiffres(), portee, request.path, parametres)).encode()
    ).hexdigest()
    cle = f"tableau-de-bord:{empreinte}"
    if (corps := cache.get(cle)) is not None:
        return mark_safe(corps)  # noqa: S308 (rendu par le gabarit, échappé)
    contexte = construire_contexte()
    parametres_page = parametres_de_la_page(request)
    for tableau in contexte["tableaux"].values():
        tableau.entetes = tableau.entetes or entetes(tableau, parametres_page, tableau.cle)
    corps = render_to_string(CORPS, {**contexte, "request": request})
    # Un dispositif ou un indicateur renommé dans l'administration (sans nouveau recalcul ni
    # nouvelle valeur) se voit au plus tard après `TABLEAU_DE_BORD_CACHE_S` secondes.
    if settings.TABLEAU_DE_BORD_CACHE_S and not contexte["form"].errors:
        cache.set(cle, corps, settings.TABLEAU_DE_BORD_CACHE_S)
    return mark_safe(corps)  # noqa: S308 (rendu par le gabarit, échappé)
