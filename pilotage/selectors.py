"""Lectures des totaux : la table des totaux seulement, jamais les projets.

Chaque lecture fait un nombre fixe de requêtes, quel que soit le nombre de
projets. `totaux_visibles_par(user)` est la seule porte d'accès selon le rôle ;
les autres fonctions l'appliquent quand on leur passe `user`.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, QuerySet

from comptes.scoping import portee_de
from fonds.models import Dispositif
from pilotage.indicateurs import avancements, indicateurs_avec_derniere_valeur
from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau, Totaux
from projets.selectors import pour_liste, projets_visibles_par
from socle.recalcul import demandes_en_attente

_NON_FOURNI = object()
FONDS_ACCELERATION = "fonds-acceleration"
TOUS = "tous"  # le choix « tous les dispositifs » (les projets seulement)


class DonneesAu(NamedTuple):
    """Quand les chiffres ont été calculés : dernier recalcul complet, dernier recalcul."""

    plus_ancien: object  # datetime | None : le dernier recalcul complet
    plus_recent: object  # datetime | None : le dernier recalcul, complet ou non

    @classmethod
    def de(cls, ligne: Totaux | None) -> "DonneesAu":
        """Les dates portées par une ligne lue par ce module (`Totaux.objects.avec_dates`)."""
        if ligne is None:
            return cls(None, None)
        return cls(ligne.calcule_complet_le, ligne.calcule_le)


def totaux_visibles_par(user) -> QuerySet[Totaux]:
    """Un ministère et l'équipe nationale voient tout ; une préfecture ou un conseil
    régional, sa région et les territoires qu'elle pilote."""
    portee = portee_de(user)
    qs = Totaux.objects.avec_dates()
    if portee.nationale:
        return qs
    if portee.regionale:
        return qs.filter(
            Q(niveau=Niveau.REGION) | Q(niveau=Niveau.TERRITOIRE), code_region=portee.region_code
        )
    return qs.none()


def _base(user) -> QuerySet[Totaux]:
    return Totaux.objects.avec_dates() if user is _NON_FOURNI else totaux_visibles_par(user)


def totaux(
    niveau: str, code: str = "", dispositif: str = "", annee: int | None = None, *, user=_NON_FOURNI
) -> Totaux | None:
    """La ligne d'un périmètre ; `annee=None` : toutes les années. `None` si absente."""
    return (
        _base(user)
        .filter(
            niveau=niveau,
            code=code or "",
            dispositif=dispositif or TOUS_DISPOSITIFS,
            annee=annee or TOUTES_ANNEES,
        )
        .first()
    )


def totaux_nationaux(dispositif: str = "", annee: int | None = None, *, user=_NON_FOURNI):
    return totaux(Niveau.NATIONAL, "", dispositif, annee, user=user)


def totaux_par_region(
    dispositif: str = "", annee: int | None = None, *, user=_NON_FOURNI
) -> QuerySet[Totaux]:
    """Une ligne par région (qui a des territoires, des projets ou des enveloppes)."""
    return (
        _base(user)
        .filter(
            niveau=Niveau.REGION,
            dispositif=dispositif or TOUS_DISPOSITIFS,
            annee=annee or TOUTES_ANNEES,
        )
        .order_by("libelle")
    )


def totaux_par_territoire(
    region: str | None = None,
    dispositif: str = "",
    annee: int | None = None,
    *,
    user=_NON_FOURNI,
) -> QuerySet[Totaux]:
    """Une ligne par territoire (d'une région de pilotage si `region` est donné)."""
    qs = _base(user).filter(
        niveau=Niveau.TERRITOIRE,
        dispositif=dispositif or TOUS_DISPOSITIFS,
        annee=annee or TOUTES_ANNEES,
    )
    if region:
        qs = qs.filter(code_region=region)
    return qs.order_by("libelle")


def totaux_d_un_perimetre(niveau: str, code: str = "", *, user=_NON_FOURNI) -> QuerySet[Totaux]:
    """Toutes les lignes d'un périmètre : tous dispositifs et toutes années d'abord."""
    return _base(user).filter(niveau=niveau, code=code or "").order_by("dispositif", "annee")


@dataclass(frozen=True)
class AutreInstrument:
    """Un instrument qui ne finance pas ses projets par le portail : ses propres chiffres.

    Son enveloppe vient de ses mouvements (lignes de totaux), ses crédits mobilisés de son
    indicateur (dernière valeur datée et sourcée) : une source pour chaque chiffre.
    """

    code: str
    nom: str
    enveloppe: Decimal | None
    avancement: object | None  # `indicateurs.Avancement` de l'indicateur qui le suit


def autres_instruments(instruments, lignes: list[Totaux], avancements) -> list[AutreInstrument]:
    """Les instruments sans projets sur le portail, dans l'ordre du programme."""
    enveloppes = {
        t.dispositif: t.montant_enveloppe
        for t in lignes
        if t.annee == TOUTES_ANNEES and t.dispositif != TOUS_DISPOSITIFS
    }
    par_instrument = {a.indicateur.code_du_dispositif: a for a in avancements}
    return [
        AutreInstrument(
            code=instrument.code,
            nom=instrument.nom,
            enveloppe=enveloppes.get(instrument.code) or None,
            avancement=par_instrument.get(instrument.code),
        )
        for instrument in instruments
        if not instrument.finance_projets
    ]


class TableauDeBord(NamedTuple):
    """Ce que montre le tableau de bord des totaux (administration) : cinq requêtes.

    Comme les pages du pilotage : le Fonds d'accélération d'abord, chaque autre
    instrument avec ses propres chiffres, jamais de crédits additionnés entre instruments.
    """

    fonds: list  # (dispositif, ses lignes nationales par année) : ceux qui financent des projets
    autres: list  # `AutreInstrument`
    national_tout: Totaux | None  # tous dispositifs, toutes années : les projets
    regions: list  # lignes des régions pour le choix (dispositif, année)
    choix: list  # (valeur, libellé) des choix du tableau par région
    valeur_choisie: str  # « <dispositif>|<année> »
    dispositif: str
    annee: int
    avec_montants: bool
    donnees_au: DonneesAu
    mise_a_jour_en_cours: bool


def _annee_apres_tout(ligne: Totaux) -> tuple:
    """Les années dans l'ordre, la ligne « toutes années » en dernier."""
    return (ligne.annee == TOUTES_ANNEES, ligne.annee)


def tableau_de_bord(user, *, dispositif: str = "", annee: int | None = None) -> TableauDeBord:
    visibles = totaux_visibles_par(user)
    instruments = list(Dispositif.objects.order_by("ordre", "nom"))
    finance = [d for d in instruments if d.finance_projets]
    national = list(visibles.filter(niveau=Niveau.NATIONAL).order_by("dispositif", "annee"))
    codes = {d.code for d in finance}
    if dispositif not in codes and dispositif != TOUS:
        dispositif = FONDS_ACCELERATION if FONDS_ACCELERATION in codes else TOUS
    annee = annee or TOUTES_ANNEES
    cle = TOUS_DISPOSITIFS if dispositif == TOUS else dispositif
    regions = list(
        visibles.filter(niveau=Niveau.REGION, dispositif=cle, annee=annee).order_by("libelle")
    )
    annees = sorted({t.annee for t in national if t.annee != TOUTES_ANNEES})
    choix = [
        (f"{d.code}|{a}", f"{d.nom} – {a or 'toutes années'}")
        for d in finance
        for a in [TOUTES_ANNEES, *annees]
    ] + [
        (f"{TOUS}|{a}", f"Tous les dispositifs (projets) – {a or 'toutes années'}")
        for a in [TOUTES_ANNEES, *annees]
    ]
    return TableauDeBord(
        fonds=[
            (d, sorted((t for t in national if t.dispositif == d.code), key=_annee_apres_tout))
            for d in finance
        ],
        autres=autres_instruments(
            instruments, national, avancements(indicateurs_avec_derniere_valeur())
        ),
        national_tout=next(
            (t for t in national if (t.dispositif, t.annee) == ("", TOUTES_ANNEES)), None
        ),
        regions=regions,
        choix=choix,
        valeur_choisie=f"{dispositif}|{annee}",
        dispositif=dispositif,
        annee=annee,
        avec_montants=dispositif != TOUS,
        donnees_au=DonneesAu.de(next(iter(national + regions), None)),
        mise_a_jour_en_cours=demandes_en_attente(),
    )


NB_PROJETS_DU_TERRITOIRE = 10


def chiffres_du_territoire(territoire, user) -> dict:
    """La section « Chiffres et projets » de la page d'un territoire (`pilotage/_territoire.html`).

    Un visiteur anonyme (ou sans profil) ne voit rien de plus. Un agent voit la ligne de
    totaux du territoire si elle est dans son périmètre (`totaux_visibles_par`), et les
    dix derniers projets du territoire qu'il peut voir (`projets_visibles_par`) : deux
    requêtes, quel que soit le nombre de projets.
    """
    if portee_de(user).aucune:
        return {"visible": False}
    ligne = totaux(Niveau.TERRITOIRE, territoire.code, user=user)
    projets = list(
        pour_liste(projets_visibles_par(user).filter(territoire_id=territoire.code)).order_by(
            "-updated_at", "-id"
        )[:NB_PROJETS_DU_TERRITOIRE]
    )
    return {
        "visible": True,
        "territoire": territoire,
        "ligne": ligne,
        "projets": projets,
        "nb_projets_max": NB_PROJETS_DU_TERRITOIRE,
    }
