"""Les colonnes des tableaux de bord : chacune une fois, pour la page et pour l'export.

Un périmètre (région ou territoire) par ligne de `Totaux` (`colonnes_perimetres`), le
Fonds d'accélération par année, les projets par statut, par enjeu et l'entonnoir, les
montants engagés par année, les indicateurs ; et les chiffres que le cartogramme des
régions peut montrer (`CARTES`).
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from django.urls import reverse

from pilotage import graphiques
from pilotage.models import Niveau
from socle.exports import TypeColonne
from socle.format_fr import nombre as format_nombre
from socle.tableaux import Colonne

T = TypeColonne
FORMAT_LEVIER = "0.00"


class Carte(NamedTuple):
    """Un chiffre que le cartogramme des régions peut montrer."""

    libelle: str
    lire: Callable[[Any], Any]  # la valeur, lue sur une ligne de `Totaux`
    format_long: Callable[[Any], str]  # infobulle et tableau de données
    format_court: Callable[[Any], str]  # dans la case


# Par clé du paramètre `carte`.
CARTES = {
    "investissement": Carte(
        "Investissement productif",
        lambda t: t.investissement,
        graphiques.euros_longs,
        graphiques.euros_courts,
    ),
    "engage": Carte(
        "Montant engagé",
        lambda t: t.montant_engage,
        graphiques.euros_longs,
        graphiques.euros_courts,
    ),
    "disponible": Carte(
        "Crédits disponibles",
        lambda t: t.montant_disponible,
        graphiques.euros_longs,
        graphiques.euros_courts,
    ),
    "projets": Carte("Projets", lambda t: t.nb_projets, format_nombre, graphiques.nombre_court),
    "emplois": Carte(
        "Emplois créés",
        lambda t: t.emplois_crees,
        format_nombre,
        graphiques.nombre_court,
    ),
    "levier": Carte(
        "Effet de levier",
        lambda t: t.effet_levier,
        graphiques.levier_court,
        graphiques.levier_court,
    ),
}
CARTE_PAR_DEFAUT = "investissement"


def colonnes_perimetres(niveau: str) -> list[Colonne]:
    """Une région ou un territoire par ligne (lignes de `Totaux`)."""
    region = niveau == Niveau.REGION
    if region:
        nom = Colonne(
            "nom",
            "Région",
            lambda t: t.libelle,
            lien=lambda t: reverse("pilotage:region", args=[t.code]),
        )
    else:
        nom = Colonne(
            "nom",
            "Territoire d'industrie",
            lambda t: t.libelle,
            lien=lambda t: reverse("territoires:detail", args=[t.code]),
        )
    colonnes = [
        nom,
        Colonne("code", "Code", lambda t: t.code, export_seulement=True),
    ]
    if region:
        colonnes.append(
            Colonne("territoires", "Territoires d'industrie", lambda t: t.nb_territoires, T.ENTIER)
        )
    colonnes += [
        Colonne("epci", "Intercommunalités", lambda t: t.nb_intercommunalites, T.ENTIER),
        Colonne("projets", "Projets", lambda t: t.nb_projets, T.ENTIER),
        Colonne(
            "engagements",
            "Engagements",
            lambda t: t.nb_engagements,
            T.ENTIER,
            export_seulement=True,
        ),
        Colonne(
            "investissement",
            "Investissement productif",
            lambda t: t.investissement,
            T.MONTANT,
            titre_export="Investissement productif (€)",
        ),
        Colonne("emplois_crees", "Emplois créés", lambda t: t.emplois_crees, T.ENTIER),
        Colonne("emplois_maintenus", "Emplois maintenus", lambda t: t.emplois_maintenus, T.ENTIER),
        Colonne(
            "aide",
            "Aide sollicitée",
            lambda t: t.aide_sollicitee,
            T.MONTANT,
            titre_export="Aide sollicitée (€)",
            export_seulement=True,
        ),
    ]
    if region:
        colonnes.append(
            Colonne(
                "enveloppe",
                "Enveloppe",
                lambda t: t.montant_enveloppe,
                T.MONTANT,
                titre_export="Enveloppe (€)",
            )
        )
    colonnes += [
        Colonne(
            "engage", "Engagé", lambda t: t.montant_engage, T.MONTANT, titre_export="Engagé (€)"
        ),
        Colonne("verse", "Versé", lambda t: t.montant_verse, T.MONTANT, titre_export="Versé (€)"),
    ]
    if region:
        colonnes.append(
            Colonne(
                "disponible",
                "Disponible",
                lambda t: t.montant_disponible,
                T.MONTANT,
                titre_export="Disponible (€)",
            )
        )
    colonnes += [
        Colonne(
            "levier",
            "Effet de levier",
            lambda t: t.effet_levier,
            T.MONTANT,
            afficher=graphiques.levier_court,
            format_xlsx=FORMAT_LEVIER,
        ),
        Colonne(
            "calcule_le", "Données au", lambda t: t.calcule_le, T.DATE_HEURE, export_seulement=True
        ),
    ]
    return colonnes


COLONNES_FONDS = [
    Colonne(
        "annee",
        "Année",
        lambda t: str(t.annee) if t.annee else "Toutes les années",
        triable=False,
    ),
    Colonne(
        "enveloppe",
        "Enveloppe",
        lambda t: t.montant_enveloppe,
        T.MONTANT,
        titre_export="Enveloppe (€)",
        triable=False,
    ),
    Colonne("engage", "Engagé", lambda t: t.montant_engage, T.MONTANT, titre_export="Engagé (€)"),
    Colonne("verse", "Versé", lambda t: t.montant_verse, T.MONTANT, titre_export="Versé (€)"),
    Colonne(
        "disponible",
        "Disponible",
        lambda t: t.montant_disponible,
        T.MONTANT,
        titre_export="Disponible (€)",
    ),
    Colonne("projets", "Projets", lambda t: t.nb_projets, T.ENTIER),
    Colonne("engagements", "Engagements", lambda t: t.nb_engagements, T.ENTIER),
    Colonne("calcule_le", "Données au", lambda t: t.calcule_le, T.DATE_HEURE),
]

COLONNES_STATUTS = [
    Colonne("statut", "Statut", lambda ligne: ligne[1], triable=False),
    Colonne("nombre", "Projets", lambda ligne: ligne[2], T.ENTIER, triable=False),
]
COLONNES_ENJEUX = [
    Colonne("enjeu", "Enjeu", lambda ligne: ligne[1], triable=False),
    Colonne("nombre", "Projets", lambda ligne: ligne[2], T.ENTIER, triable=False),
]
COLONNES_ENTONNOIR = [
    Colonne("etape", "Étape", lambda ligne: ligne[1], triable=False),
    Colonne(
        "atteint", "Projets ayant atteint l'étape", lambda ligne: ligne[2], T.ENTIER, triable=False
    ),
    Colonne(
        "actuel", "Dont à cette étape aujourd'hui", lambda ligne: ligne[3], T.ENTIER, triable=False
    ),
]


def colonnes_engagements(titre: str, annees: list[int]) -> list[Colonne]:
    """Montant engagé par année : (nom, {année: montant}, total)."""
    colonnes = [Colonne("nom", titre, lambda ligne: ligne[0], triable=False)]
    for annee in annees:
        colonnes.append(
            Colonne(
                str(annee),
                f"Engagé en {annee}",
                lambda ligne, annee=annee: ligne[1].get(annee, Decimal(0)),
                T.MONTANT,
                titre_export=f"Engagé en {annee} (€)",
                triable=False,
            )
        )
    colonnes.append(
        Colonne(
            "total",
            "Total engagé",
            lambda ligne: ligne[2],
            T.MONTANT,
            titre_export="Total engagé (€)",
            triable=False,
        )
    )
    return colonnes


COLONNES_INDICATEURS = [
    Colonne("indicateur", "Indicateur", lambda a: a.indicateur.libelle, triable=False),
    Colonne(
        "valeur",
        "Valeur",
        lambda a: a.valeur,
        T.MONTANT,
        format_xlsx="#,##0.##",
        triable=False,
        texte_de=lambda a: a.valeur_affichee,
    ),
    Colonne("unite", "Unité", lambda a: a.indicateur.get_unite_display(), triable=False),
    Colonne(
        "cible",
        "Cible",
        lambda a: a.indicateur.cible,
        T.MONTANT,
        format_xlsx="#,##0.##",
        triable=False,
        texte_de=lambda a: a.cible_affichee,
    ),
    Colonne("echeance", "Échéance", lambda a: a.indicateur.date_cible, T.DATE, triable=False),
    Colonne("taux", "Taux d'atteinte", lambda a: a.taux, T.POURCENTAGE, triable=False),
    Colonne("date", "Données au", lambda a: a.date, T.DATE, triable=False),
    Colonne("source", "Source", lambda a: a.source, triable=False),
]
