"""L'export d'une simulation (XLSX ou CSV) : une ligne par projet candidat."""

from programmation.models import Simulation
from programmation.selectors import lignes_de
from socle.exports import TypeColonne
from socle.tableaux import Colonne, Tableau, exporter

T = TypeColonne


def taux(ligne) -> float | None:
    """Le montant proposé rapporté à l'investissement productif du projet."""
    investissement = ligne.projet.montant_investissement
    return float(ligne.montant / investissement) if investissement else None


COLONNES = [
    Colonne("projet", "Projet n°", lambda lg: lg.projet_id, T.ENTIER, format_xlsx="0"),
    Colonne("intitule", "Intitulé", lambda lg: lg.projet.intitule, largeur=40),
    Colonne("porteur", "Porteur", lambda lg: lg.projet.porteur.raison_sociale, largeur=30),
    Colonne(
        "territoire", "Territoire d'industrie", lambda lg: lg.projet.territoire.nom, largeur=30
    ),
    Colonne("statut", "Statut du projet", lambda lg: lg.projet.get_statut_display()),
    Colonne(
        "investissement",
        "Investissement productif",
        lambda lg: lg.projet.montant_investissement,
        T.MONTANT,
    ),
    Colonne("aide", "Aide sollicitée", lambda lg: lg.projet.aide_sollicitee, T.MONTANT),
    Colonne("deja", "Déjà engagé", lambda lg: lg.deja_engage, T.MONTANT),
    Colonne(
        "montant",
        "Montant proposé",
        lambda lg: lg.montant,
        T.MONTANT,
        definition="Crédits que la simulation propose d'engager pour le projet.",
    ),
    Colonne(
        "taux",
        "Taux d'aide",
        taux,
        T.POURCENTAGE,
        definition="Montant proposé divisé par l'investissement productif du projet.",
    ),
    Colonne(
        "incluse",
        "Incluse",
        lambda lg: "Oui" if lg.incluse else "Non",
        definition="Une ligne incluse devient un engagement quand la simulation est appliquée.",
    ),
    Colonne("emplois_crees", "Emplois créés", lambda lg: lg.projet.emplois_crees, T.ENTIER),
    Colonne(
        "emplois_maintenus", "Emplois maintenus", lambda lg: lg.projet.emplois_maintenus, T.ENTIER
    ),
    Colonne("modifiee_par", "Modifiée par", lambda lg: lg.modifiee_par.username),
    Colonne("modifiee_le", "Modifiée le", lambda lg: lg.updated_at, T.DATE_HEURE),
]


def exporter_simulation(simulation: Simulation, format: str):
    enveloppe = simulation.enveloppe
    titre = f"Simulation « {simulation.nom} » – {enveloppe.region.nom} {enveloppe.annee}"
    tableau = Tableau("lignes", titre, COLONNES, lignes_de(simulation))
    return exporter(tableau, format=format, nom=f"simulation-{simulation.pk}-{enveloppe.annee}")
