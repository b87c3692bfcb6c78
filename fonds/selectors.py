"""Lectures des crédits. Les fonctions `..._visibles_par(user)` sont les seules portes d'accès.

Les enveloppes sont des chiffres publics du programme : tout utilisateur doté
d'un profil les lit. Les engagements et versements, eux, disent quel projet
reçoit quoi : comme les projets, une préfecture ou un conseil régional ne voit
que ceux de sa région (de son département pour une préfecture départementale).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from comptes.scoping import dans_la_portee, portee_de
from fonds import permissions
from fonds.models import (
    ZERO,
    Dispositif,
    Engagement,
    Enveloppe,
    Mouvement,
    StatutEngagement,
    Versement,
)
from projets.models import Projet


def engagements_visibles_par(user) -> QuerySet[Engagement]:
    return dans_la_portee(Engagement.objects.all(), portee_de(user), lieu="projet__")


def versements_visibles_par(user) -> QuerySet[Versement]:
    return dans_la_portee(Versement.objects.all(), portee_de(user), lieu="engagement__projet__")


def engagements_masques_dans_la_region(user) -> QuerySet[Engagement]:
    """Les engagements de la région d'un agent régional qu'il ne voit pas (journal d'audit)."""
    portee = portee_de(user)
    return Engagement.objects.filter(projet__region_id=portee.region_code).exclude(
        pk__in=engagements_visibles_par(user).values("pk")
    )


def versements_masques_dans_la_region(user) -> QuerySet[Versement]:
    portee = portee_de(user)
    return Versement.objects.filter(engagement__projet__region_id=portee.region_code).exclude(
        pk__in=versements_visibles_par(user).values("pk")
    )


def enveloppes_visibles_par(user) -> QuerySet[Enveloppe]:
    """Toutes les enveloppes pour quiconque a un profil (chiffres publics), aucune sinon."""
    if portee_de(user).aucune:
        return Enveloppe.objects.none()
    return Enveloppe.objects.all()


def enveloppes_inutilisees(user, *, jusqu_a: int) -> QuerySet[Enveloppe]:
    """Les enveloppes régionales des années jusqu'à `jusqu_a` dont des crédits restent à
    engager (`/mon-espace/` de l'équipe nationale, en fin d'année)."""
    return enveloppes_visibles_par(user).filter(
        region__isnull=False, annee__lte=jusqu_a, montant__gt=F("montant_engage")
    )


# --- Tableau des fonds (/fonds/) ---------------------------------------------


@dataclass
class LigneNationale:
    """Une année d'un dispositif : l'enveloppe nationale et ce que les régions en ont fait."""

    annee: int
    enveloppe: Enveloppe | None = None
    montant: Decimal = ZERO
    reparti: Decimal = ZERO
    engage: Decimal = ZERO
    verse: Decimal = ZERO

    @property
    def reste_a_repartir(self) -> Decimal:
        return self.montant - self.reparti

    @property
    def disponible(self) -> Decimal:
        return self.montant - self.engage


@dataclass
class TableauDispositif:
    dispositif: Dispositif
    nationales: list[LigneNationale] = field(default_factory=list)
    regionales: list[Enveloppe] = field(default_factory=list)

    @property
    def total(self) -> LigneNationale:
        """Le total du dispositif, toutes années : la somme des enveloppes nationales."""
        total = LigneNationale(annee=0)
        for ligne in self.nationales:
            total.montant += ligne.montant
            total.reparti += ligne.reparti
            total.engage += ligne.engage
            total.verse += ligne.verse
        return total


def tableau_des_fonds(user, *, annee: int | None = None, region_code: str | None = None):
    """Les dispositifs, leurs enveloppes nationales par année et leurs enveloppes régionales.

    Deux requêtes quel que soit le nombre d'enveloppes (dispositifs, enveloppes) ;
    les sommes par année sont faites ici, sur quelques centaines de lignes au plus.
    """
    enveloppes = enveloppes_visibles_par(user).select_related("region")
    if annee:
        enveloppes = enveloppes.filter(annee=annee)
    if region_code:
        enveloppes = enveloppes.filter(region_id=region_code)
    tableaux = {d.pk: TableauDispositif(dispositif=d) for d in Dispositif.objects.all()}
    lignes: dict[tuple[int, int], LigneNationale] = {}
    for enveloppe in enveloppes.order_by("annee", "region__nom"):
        tableau = tableaux.get(enveloppe.dispositif_id)
        if tableau is None:
            continue
        cle = (enveloppe.dispositif_id, enveloppe.annee)
        ligne = lignes.get(cle)
        if ligne is None:
            ligne = lignes[cle] = LigneNationale(annee=enveloppe.annee)
            tableau.nationales.append(ligne)
        if enveloppe.est_nationale:
            ligne.enveloppe, ligne.montant = enveloppe, enveloppe.montant
        else:
            tableau.regionales.append(enveloppe)
            ligne.reparti += enveloppe.montant
            ligne.engage += enveloppe.montant_engage
            ligne.verse += enveloppe.montant_verse
    return list(tableaux.values())


def annees_des_enveloppes() -> list[int]:
    return list(Enveloppe.objects.order_by("annee").values_list("annee", flat=True).distinct())


# --- Une enveloppe -----------------------------------------------------------


def enveloppe_detail(user, pk: int) -> Enveloppe:
    """Une enveloppe lisible par l'utilisateur ; `Enveloppe.DoesNotExist` sinon (404)."""
    return enveloppes_visibles_par(user).select_related("dispositif", "region").get(pk=pk)


def mouvements_de(enveloppe: Enveloppe) -> QuerySet[Mouvement]:
    return enveloppe.mouvements.select_related("auteur").order_by("date_effet", "created_at", "id")


def enveloppes_regionales_de(nationale: Enveloppe) -> QuerySet[Enveloppe]:
    return (
        Enveloppe.objects.filter(dispositif_id=nationale.dispositif_id, annee=nationale.annee)
        .exclude(region__isnull=True)
        .select_related("region")
        .order_by("region__nom")
    )


def engagements_de_l_enveloppe(user, enveloppe: Enveloppe) -> QuerySet[Engagement]:
    return (
        engagements_visibles_par(user)
        .filter(enveloppe=enveloppe)
        .select_related("projet", "projet__territoire")
        .order_by("-date_engagement", "-id")
    )


# --- Engagements d'un projet -------------------------------------------------


def enveloppes_eligibles(projet: Projet) -> QuerySet[Enveloppe]:
    """Les enveloppes sur lesquelles ce projet peut recevoir des crédits.

    Régionales, de la région et de l'année du projet, d'un dispositif qui
    finance des projets.
    """
    return (
        Enveloppe.objects.filter(
            region_id=projet.region_id,
            annee=projet.annee,
            dispositif__finance_projets=True,
        )
        .select_related("dispositif", "region")
        .order_by("dispositif__ordre", "dispositif__nom")
    )


def engagements_du_projet(user, projet: Projet) -> QuerySet[Engagement]:
    return (
        engagements_visibles_par(user)
        .filter(projet=projet)
        .select_related("enveloppe__dispositif", "enveloppe__region")
        .prefetch_related(
            Prefetch(
                "versements",
                queryset=Versement.objects.order_by("date_versement", "id"),
            )
        )
        .order_by("date_engagement", "id")
    )


def engagement_detail(user, pk: int) -> Engagement:
    """Un engagement visible par l'utilisateur ; `Engagement.DoesNotExist` sinon (404)."""
    return (
        engagements_visibles_par(user)
        .select_related(
            "projet", "projet__territoire", "enveloppe__dispositif", "enveloppe__region"
        )
        .get(pk=pk)
    )


def totaux_engagements(engagements) -> dict:
    """Sommes d'une liste d'engagements déjà chargée (sans requête)."""
    totaux: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for engagement in engagements:
        totaux["montant"] += engagement.montant_net
        totaux["verse"] += engagement.montant_verse
    totaux["reste"] = totaux["montant"] - totaux["verse"]
    return dict(totaux)


def credits_du_projet(user, projet: Projet) -> dict:
    """La section « Crédits » de la fiche d'un projet (gabarit `fonds/_projet.html`).

    Deux requêtes (engagements avec leur enveloppe, versements), quel que soit le
    nombre d'engagements.
    """
    engagements = list(engagements_du_projet(user, projet))
    for engagement in engagements:
        # La fiche a déjà chargé le projet : pas de requête par engagement.
        engagement.projet = projet
    return {
        "projet": projet,
        "engagements": [
            {
                "engagement": engagement,
                "reste": engagement.montant_net - engagement.montant_verse,
                "peut_verser": bool(
                    permissions.peut_verser(user, engagement)
                    and permissions.engagement_payable(engagement)
                ),
            }
            for engagement in engagements
        ],
        "totaux": totaux_engagements(engagements),
        "peut_engager": permissions.actions_sur_le_projet(user, projet),
    }


def projets_finances_par(projets: QuerySet[Projet], dispositif: str) -> QuerySet[Projet]:
    """Les projets qui ont un engagement (non annulé) sur ce dispositif."""
    engagements = Engagement.objects.filter(
        projet_id=OuterRef("pk"), enveloppe__dispositif__code=dispositif
    ).exclude(statut=StatutEngagement.ANNULE)
    return projets.filter(Exists(engagements))


def avec_credits(projets: QuerySet[Projet]) -> QuerySet[Projet]:
    """Chaque projet avec ses crédits engagés (nets des parts libérées, hors engagements
    annulés) et versés : `credits_engages`, `credits_verses` (deux sous-requêtes)."""
    engagements = (
        Engagement.objects.filter(projet_id=OuterRef("pk"))
        .exclude(statut=StatutEngagement.ANNULE)
        .order_by()
        .values("projet_id")
    )
    montant = DecimalField(max_digits=14, decimal_places=2)
    return projets.annotate(
        credits_engages=Coalesce(
            Subquery(
                engagements.annotate(s=Sum(F("montant") - F("montant_libere"))).values("s"),
                output_field=montant,
            ),
            ZERO,
            output_field=montant,
        ),
        credits_verses=Coalesce(
            Subquery(
                engagements.annotate(s=Sum("montant_verse")).values("s"), output_field=montant
            ),
            ZERO,
            output_field=montant,
        ),
    )
