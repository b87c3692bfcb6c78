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
from pilotage.definitions import DEFINITIONS
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
    montant: bool = False  # des crédits : pour un dispositif choisi seulement


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
        montant=True,
    ),
    "disponible": Carte(
        "Crédits disponibles",
        lambda t: t.montant_disponible,
        graphiques.euros_longs,
        graphiques.euros_courts,
        montant=True,
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
        montant=True,
    ),
}
CARTE_PAR_DEFAUT = "investissement"


def chiffre(cle: str, champ: str, type: TypeColonne, **options) -> Colonne:
    """La colonne d'un chiffre défini (`pilotage.definitions`) : son libellé, son unité dans
    l'en-tête de l'export, sa définition dans la feuille « Définitions »."""
    definie = DEFINITIONS[champ]
    return Colonne(
        cle,
        options.pop("titre", definie.libelle),
        lambda t: getattr(t, champ),
        type,
        titre_export=definie.titre_export,
        definition=definie.texte,
        **options,
    )


def _levier(**options) -> Colonne:
    return chiffre(
        "levier",
        "effet_levier",
        T.MONTANT,
        afficher=graphiques.levier_court,
        format_xlsx=FORMAT_LEVIER,
        **options,
    )


def colonnes_perimetres(niveau: str, *, avec_montants: bool) -> list[Colonne]:
    """Une région ou un territoire par ligne (lignes de `Totaux`).

    `avec_montants` : les crédits (enveloppe, engagé, versé, disponible, effet de levier)
    ne se montrent que pour un dispositif choisi, jamais additionnés entre instruments.
    """
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
    colonnes = [nom, Colonne("code", "Code", lambda t: t.code, export_seulement=True)]
    if region:
        colonnes.append(chiffre("territoires", "nb_territoires", T.ENTIER))
    colonnes += [
        chiffre("epci", "nb_intercommunalites", T.ENTIER),
        chiffre("projets", "nb_projets", T.ENTIER),
        chiffre("investissement", "investissement", T.MONTANT),
        chiffre("emplois_crees", "emplois_crees", T.ENTIER),
        chiffre("emplois_maintenus", "emplois_maintenus", T.ENTIER),
        chiffre("aide", "aide_sollicitee", T.MONTANT, export_seulement=True),
    ]
    if avec_montants:
        colonnes.append(chiffre("engagements", "nb_engagements", T.ENTIER, export_seulement=True))
        if region:
            colonnes.append(chiffre("enveloppe", "montant_enveloppe", T.MONTANT))
        colonnes += [
            chiffre("engage", "montant_engage", T.MONTANT),
            chiffre("verse", "montant_verse", T.MONTANT),
        ]
        if region:
            colonnes.append(chiffre("disponible", "montant_disponible", T.MONTANT))
        colonnes.append(_levier())
    colonnes.append(
        Colonne(
            "calcule_le", "Données au", lambda t: t.calcule_le, T.DATE_HEURE, export_seulement=True
        )
    )
    return colonnes


COLONNES_FONDS = [
    Colonne(
        "annee",
        "Année",
        lambda t: str(t.annee) if t.annee else "Toutes les années",
        triable=False,
    ),
    chiffre("enveloppe", "montant_enveloppe", T.MONTANT, triable=False),
    chiffre("engage", "montant_engage", T.MONTANT),
    chiffre("verse", "montant_verse", T.MONTANT),
    chiffre("disponible", "montant_disponible", T.MONTANT),
    chiffre("projets", "nb_projets", T.ENTIER, titre="Projets financés"),
    chiffre("engagements", "nb_engagements", T.ENTIER),
    _levier(triable=False),
    Colonne("calcule_le", "Données au", lambda t: t.calcule_le, T.DATE_HEURE),
]

COLONNES_STATUTS = [
    Colonne("statut", "Statut actuel", lambda ligne: ligne[1], triable=False),
    Colonne(
        "nombre",
        "Projets",
        lambda ligne: ligne[2],
        T.ENTIER,
        triable=False,
        definition=DEFINITIONS["statuts"].texte,
    ),
]
COLONNES_ENJEUX = [
    Colonne("enjeu", "Enjeu", lambda ligne: ligne[1], triable=False),
    Colonne("nombre", "Projets", lambda ligne: ligne[2], T.ENTIER, triable=False),
]
COLONNES_ENTONNOIR = [
    Colonne("etape", "Étape", lambda ligne: ligne[1], triable=False),
    Colonne(
        "atteint",
        "Ont atteint au moins l'étape (cumulatif)",
        lambda ligne: ligne[2],
        T.ENTIER,
        triable=False,
        definition=DEFINITIONS["entonnoir"].texte,
    ),
    Colonne(
        "actuel",
        "Dont à cette étape aujourd'hui (statut actuel)",
        lambda ligne: ligne[3],
        T.ENTIER,
        triable=False,
        definition=DEFINITIONS["statuts"].texte,
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
        lambda a: a.cible,
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
