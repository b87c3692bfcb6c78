"""Indicateurs du programme : leurs cibles (le communiqué du comité de pilotage), leurs
valeurs telles que les pages les lisent et les montrent.

Une valeur ne s'écrase jamais : chaque mesure est une ligne datée et sourcée,
saisie par l'équipe nationale (`pilotage.services`) ; la plus récente (par date de
mesure) fait foi sur les tableaux de bord. Les lectures des pages font un nombre fixe
de requêtes.

Cibles reprises du communiqué du comité de pilotage national de novembre 2020
(`INDICATEURS_DU_PROGRAMME`, chargés par `services.charger_indicateurs_du_programme`) ;
l'appel à candidatures « sites clés en main » n'y a pas de cible chiffrée : l'indicateur
compte les candidatures, sans cible ni barre de progression.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum

from fonds.models import Enveloppe
from pilotage.models import Indicateur, Unite, ValeurIndicateur
from socle.format_fr import format_euros, nombre_decimal

CENT = Decimal(100)


@dataclass(frozen=True)
class DefinitionIndicateur:
    code: str
    libelle: str
    unite: str
    cible: Decimal | None
    date_cible: datetime.date | None
    description: str
    valeur_demo: Decimal
    # L'instrument suivi : la cible d'un indicateur en euros est alors son enveloppe.
    dispositif: str | None = None


# Les engagements chiffrés du communiqué du comité de pilotage national (novembre 2020).
INDICATEURS_DU_PROGRAMME = [
    DefinitionIndicateur(
        code="chefs-de-projet-supplementaires",
        libelle="Chefs de projet « Territoires d'industrie » supplémentaires",
        unite=Unite.NOMBRE,
        cible=Decimal(40),
        date_cible=None,
        description=(
            "40 chefs de projet supplémentaires financés par le ministère de la Cohésion des "
            "territoires dans les territoires les plus exposés à la crise, dans une logique "
            "de retournement."
        ),
        valeur_demo=Decimal(27),
    ),
    DefinitionIndicateur(
        code="accompagnements-industrie-du-futur",
        libelle="Accompagnements « industrie du futur »",
        unite=Unite.NOMBRE,
        cible=Decimal(10_000),
        date_cible=None,
        description="France Relance : déploiement de 10 000 accompagnements industrie du futur.",
        valeur_demo=Decimal(4_350),
        dispositif="industrie-du-futur",
    ),
    DefinitionIndicateur(
        code="5g-part-des-sites-deployes",
        libelle="5G : part des sites déployés dans la zone incluant les Territoires d'industrie",
        unite=Unite.POURCENTAGE,
        cible=Decimal(25),
        date_cible=datetime.date(2024, 12, 31),
        description=(
            "Les opérateurs devront déployer 25 % des sites fin 2024 dans une zone rassemblant "
            "les communes des zones peu denses et celles des Territoires d'industrie, hors des "
            "principales agglomérations."
        ),
        valeur_demo=Decimal("11.5"),
    ),
    DefinitionIndicateur(
        code="transition-collective",
        libelle="Transition collective : crédits mobilisés",
        unite=Unite.EUROS,
        cible=None,
        date_cible=None,
        description=(
            "Dispositif financé à hauteur de 500 millions d'euros par France Relance ; appel à "
            "manifestation d'intérêt pour des bassins d'emploi pilotes."
        ),
        valeur_demo=Decimal(182_000_000),
        dispositif="transition-collective",
    ),
    DefinitionIndicateur(
        code="dsil-territoires-industrie",
        libelle="DSIL orientée vers les projets des Territoires d'industrie",
        unite=Unite.EUROS,
        cible=None,
        date_cible=None,
        description=(
            "Effet levier du milliard d'euros de dotations supplémentaires au titre de la "
            "dotation de soutien à l'investissement local."
        ),
        valeur_demo=Decimal(615_000_000),
        dispositif="dsil",
    ),
    DefinitionIndicateur(
        code="banque-des-territoires",
        libelle="Contribution de la Banque des Territoires",
        unite=Unite.EUROS,
        cible=None,
        date_cible=None,
        description="Contribution doublée, de 500 millions à 1 milliard d'euros.",
        valeur_demo=Decimal(470_000_000),
        dispositif="banque-des-territoires",
    ),
    DefinitionIndicateur(
        code="sites-cles-en-main-candidatures",
        libelle="Sites clés en main : candidatures à l'appel",
        unite=Unite.NOMBRE,
        cible=None,
        date_cible=None,
        description=(
            "Appel à candidatures pour une nouvelle génération de sites clés en main, ouvert "
            "dès la deuxième quinzaine de novembre 2020. Le communiqué ne fixe pas de cible "
            "chiffrée : l'indicateur compte les candidatures reçues, sans cible."
        ),
        valeur_demo=Decimal(54),
        dispositif="sites-cles-en-main",
    ),
]


# --- Formats ---------------------------------------------------------------------------------


def formater(unite: str, valeur) -> str:
    """Une valeur ou une cible dans son unité : « 40 », « 25 % », « 500 M€ », « 1 Md€ »."""
    if valeur is None:
        return "—"
    valeur = Decimal(str(valeur))
    if unite == Unite.POURCENTAGE:
        return f"{nombre_decimal(valeur, 1)}\u00a0%"
    if unite == Unite.EUROS:
        if valeur >= Decimal(10) ** 9:
            return f"{nombre_decimal(valeur / Decimal(10) ** 9, 2)}\u00a0Md€"
        if valeur >= Decimal(10) ** 6:
            return f"{nombre_decimal(valeur / Decimal(10) ** 6, 1)}\u00a0M€"
        return format_euros(valeur, centimes=False)
    return nombre_decimal(valeur, 2)


def taux_d_atteinte(valeur, cible) -> Decimal | None:
    """valeur / cible (0,46 pour 46 %) ; `None` sans cible ou sans valeur."""
    if valeur is None or not cible:
        return None
    return (Decimal(str(valeur)) / Decimal(str(cible))).quantize(Decimal("0.0001"))


# --- Lectures --------------------------------------------------------------------------------


def indicateurs_avec_derniere_valeur() -> QuerySet[Indicateur]:
    """Les indicateurs, chacun annoté de sa valeur la plus récente : une seule requête.

    Annotations : `derniere_valeur`, `derniere_date`, `derniere_source` (vides sans valeur),
    `enveloppe_du_dispositif` (la somme des enveloppes nationales de l'instrument suivi, sa
    cible quand l'indicateur est en euros) et `code_du_dispositif`.
    """
    derniere = ValeurIndicateur.objects.filter(indicateur=OuterRef("pk")).order_by(
        "-date", "-created_at", "-id"
    )
    enveloppes = (
        Enveloppe.objects.filter(dispositif=OuterRef("dispositif"), region__isnull=True)
        .order_by()
        .values("dispositif")
        .annotate(total=Sum("montant"))
        .values("total")
    )
    return Indicateur.objects.annotate(
        derniere_valeur=Subquery(derniere.values("valeur")[:1]),
        derniere_date=Subquery(derniere.values("date")[:1]),
        derniere_source=Subquery(derniere.values("source")[:1]),
        enveloppe_du_dispositif=Subquery(enveloppes[:1]),
        code_du_dispositif=F("dispositif__code"),
    ).order_by("ordre", "libelle")


def historique_des_valeurs() -> QuerySet[ValeurIndicateur]:
    """Toutes les valeurs saisies, les plus récentes d'abord, avec leur auteur."""
    return ValeurIndicateur.objects.select_related("auteur").order_by(
        "indicateur_id", "-date", "-created_at", "-id"
    )


@dataclass(frozen=True)
class Avancement:
    """Ce qu'une page montre d'un indicateur : valeur, cible, progression, date et source."""

    indicateur: Indicateur
    valeur: Decimal | None
    date: datetime.date | None
    source: str

    @property
    def valeur_affichee(self) -> str:
        return formater(self.indicateur.unite, self.valeur)

    @property
    def cible(self) -> Decimal | None:
        """La cible : celle de l'indicateur, ou l'enveloppe de l'instrument qu'il suit (un
        indicateur en euros d'un instrument n'a pas d'autre cible : une seule source)."""
        indicateur = self.indicateur
        if indicateur.dispositif_id and indicateur.unite == Unite.EUROS:
            enveloppe = getattr(indicateur, "enveloppe_du_dispositif", None)
            return None if enveloppe is None else Decimal(str(enveloppe))
        return indicateur.cible

    @property
    def cible_affichee(self) -> str:
        return formater(self.indicateur.unite, self.cible)

    @property
    def taux(self) -> Decimal | None:
        return taux_d_atteinte(self.valeur, self.cible)

    @property
    def pourcentage(self) -> int | None:
        """Le taux d'atteinte en pour cent, borné à 100 pour la barre de progression."""
        if self.taux is None:
            return None
        return int(min(self.taux * CENT, CENT).to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def taux_affiche(self) -> str:
        if self.taux is None:
            return ""
        return f"{nombre_decimal(self.taux * CENT, 0)}\u00a0%"


def avancements(indicateurs) -> list[Avancement]:
    return [
        Avancement(
            indicateur=indicateur,
            valeur=(
                None
                if indicateur.derniere_valeur is None
                else Decimal(str(indicateur.derniere_valeur))
            ),
            date=indicateur.derniere_date,
            source=indicateur.derniere_source or "",
        )
        for indicateur in indicateurs
    ]
