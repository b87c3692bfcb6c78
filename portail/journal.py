"""Le journal d'audit tel que chaque agent le lit : sans les objets qu'il ne voit pas.

Les traces sont écrites par les services de toutes les applications (`comptes.audit`).
Un agent régional ne lit que celles de sa région, et pas celles des objets qu'il ne
voit pas : brouillons des préfectures (et leurs entreprises) pour le conseil régional,
autres départements pour une préfecture départementale (et les simulations de
programmation, qu'elle ne prépare pas). Ces objets sont connus de `projets` et de `fonds`,
au-dessus de `comptes` : c'est ici, où tout est connu, qu'ils sont réunis.
"""

from django.db.models import QuerySet

from comptes import audit
from comptes.models import Trace
from documents import selectors as documents_selectors
from echanges import selectors as echanges_selectors
from fonds import selectors as fonds_selectors
from programmation import selectors as programmation_selectors
from projets import selectors as projets_selectors

OBJETS_MASQUES = {
    "projets.Projet": projets_selectors.projets_masques_dans_la_region,
    "projets.Avis": projets_selectors.avis_masques_dans_la_region,
    "projets.Entreprise": projets_selectors.entreprises_masquees_dans_la_region,
    "fonds.Engagement": fonds_selectors.engagements_masques_dans_la_region,
    "fonds.Versement": fonds_selectors.versements_masques_dans_la_region,
    "programmation.Simulation": programmation_selectors.simulations_masquees_dans_la_region,
    "programmation.LigneSimulation": programmation_selectors.lignes_masquees_dans_la_region,
    "documents.Document": documents_selectors.documents_masques_dans_la_region,
    "documents.Signature": documents_selectors.signatures_masquees_dans_la_region,
    "echanges.Commentaire": echanges_selectors.commentaires_masques_dans_la_region,
}


def traces_visibles_par(user) -> QuerySet[Trace]:
    return audit.traces_visibles_par(user, objets_masques=OBJETS_MASQUES)
