"""Toutes les écritures du fonds : enveloppes et mouvements, engagements et versements.

`enveloppes` tient le montant des enveloppes (somme de leurs mouvements) et le plafond
national ; `engagements` tient le disponible (jamais dépassé, même en concurrence) et
l'abandon des projets engagés ; `regles` ce qu'ils partagent (montants, verrous).
"""

from fonds.services.engagements import (
    abandonner_projet,
    changer_statut_du_projet,
    engager,
    verser,
)
from fonds.services.enveloppes import (
    ajouter_mouvement,
    anticiper,
    creer_enveloppe,
    redeployer,
    repartir,
)
from fonds.services.lots import LignesNonEngageables, engager_en_lot
from fonds.services.regles import (
    TYPES_MOUVEMENT_SAISIS,
    DepassementEngagement,
    DepassementEnveloppe,
)

__all__ = [
    "TYPES_MOUVEMENT_SAISIS",
    "DepassementEngagement",
    "DepassementEnveloppe",
    "LignesNonEngageables",
    "abandonner_projet",
    "ajouter_mouvement",
    "anticiper",
    "changer_statut_du_projet",
    "creer_enveloppe",
    "engager",
    "engager_en_lot",
    "redeployer",
    "repartir",
    "verser",
]
