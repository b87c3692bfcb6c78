"""Un seul générateur de données fictives, pour la démonstration et pour le banc.

Un scénario (`scenarios`) dit ce que les données racontent ; le planificateur
(`planification.planifier`) en tire, sur le référentiel réel (`referentiel`), des
lignes nommées (`lignes.Plan`) ; `ecriture.ecrire` les écrit en masse (ORM, ou COPY
sur PostgreSQL pour le banc). Tout ce qui est généré est fictif : entreprises
marquées `fictive` (SIREN en 999…), projets, montants, dates, agents ; le
référentiel (territoires, EPCI, communes) est lu, jamais inventé.

    plan = planifier(communique_2020(graine), lire_referentiel(), auteurs)
    ecrire(plan)
"""

from pilotage.generation.agents import Agent, Auteurs, creer_agents
from pilotage.generation.ecriture import Ecrit, ecrire
from pilotage.generation.planification import planifier
from pilotage.generation.referentiel import lire_referentiel
from pilotage.generation.scenarios import communique_2020, croisiere

__all__ = [
    "Agent",
    "Auteurs",
    "Ecrit",
    "communique_2020",
    "creer_agents",
    "croisiere",
    "ecrire",
    "lire_referentiel",
    "planifier",
]
