"""Les simulations des tests : l'enveloppe d'une région, ses projets candidats, des simulations.

Tout passe par les services (répartition du fonds, projets menés jusqu'à leur statut,
création des simulations) : les tests partent d'états que l'application sait produire.
Les projets des tests (`tests.projets.factories.saisie_projet`) : 2,5 M€ d'investissement,
400 000 € d'aide sollicitée, 25 emplois créés et 110 maintenus, programmés en 2020.
"""

from decimal import Decimal

from fonds.models import Enveloppe
from programmation import services
from programmation.models import LigneSimulation, Simulation
from projets.models import Projet, Statut
from tests.fonds.factories import fonds_2020
from tests.projets.factories import projet_au_statut
from tests.territoires.factories import TERRITOIRE_84

M = Decimal("1000000")
AIDE = Decimal("400000")  # l'aide sollicitée par défaut d'un projet des tests


def enveloppes(comptes, *, region_84: Decimal = M, region_32: Decimal = M) -> dict:
    """Le Fonds d'accélération 2020 réparti : {code région: enveloppe régionale}."""
    _nationale, regionales = fonds_2020(
        auteur=comptes["admin-national"], regions={"84": region_84, "32": region_32}
    )
    return regionales


def candidats(
    comptes, nombre: int, statut: str = Statut.PRESELECTIONNE, territoire=TERRITOIRE_84, **valeurs
) -> list[Projet]:
    """`nombre` projets menés jusqu'à `statut` par les agents de leur région (les deux
    premiers chiffres du code d'un territoire de 2020 sont ceux de sa région)."""
    region = territoire[:2]
    return [
        projet_au_statut(
            statut,
            prefecture=comptes[f"prefecture-{region}"],
            conseil=comptes[f"region-{region}"],
            territoire=territoire,
            **valeurs,
        )
        for _ in range(nombre)
    ]


def simulation(
    comptes, *, nom: str = "Proposition État", par: str = "prefecture-84", region="84", annee=2020
) -> Simulation:
    return services.creer_simulation(auteur=comptes[par], region=region, annee=annee, nom=nom)


def ligne_de(simulation: Simulation, projet: Projet) -> LigneSimulation:
    return simulation.lignes.get(projet=projet)


def relue(enveloppe: Enveloppe) -> Enveloppe:
    enveloppe.refresh_from_db()
    return enveloppe
