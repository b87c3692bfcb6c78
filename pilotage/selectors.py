"""Lectures des totaux : la table des totaux seulement, jamais les projets.

Chaque lecture fait un nombre fixe de requêtes, quel que soit le nombre de
projets. `totaux_visibles_par(user)` est la seule porte d'accès selon le rôle ;
les autres fonctions l'appliquent quand on leur passe `user`.
"""

from typing import NamedTuple

from django.db.models import Q, QuerySet

from comptes.scoping import portee_de
from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau, Totaux
from projets.selectors import pour_liste, projets_visibles_par

_NON_FOURNI = object()


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


class TableauDeBord(NamedTuple):
    """Ce que montre le tableau de bord des totaux (administration) : quatre requêtes."""

    national: list  # lignes nationales, toutes combinaisons (dispositif, année)
    regions: list  # lignes des régions pour la combinaison choisie
    combinaisons: list  # (dispositif, nom du dispositif, année) disponibles
    dispositif: str
    annee: int
    donnees_au: DonneesAu

    @property
    def national_tout(self):
        """La ligne nationale tous dispositifs, toutes années."""
        return next(
            (t for t in self.national if (t.dispositif, t.annee) == ("", TOUTES_ANNEES)), None
        )


def tableau_de_bord(user, *, dispositif: str = "", annee: int | None = None) -> TableauDeBord:
    visibles = totaux_visibles_par(user)
    dispositif, annee = dispositif or TOUS_DISPOSITIFS, annee or TOUTES_ANNEES
    combinaisons = list(
        visibles.filter(niveau__in=[Niveau.NATIONAL, Niveau.REGION])
        .order_by("dispositif", "annee")
        .values_list("dispositif", "dispositif_nom", "annee")
        .distinct()
    )
    national = list(visibles.filter(niveau=Niveau.NATIONAL).order_by("dispositif", "annee"))
    regions = list(
        visibles.filter(niveau=Niveau.REGION, dispositif=dispositif, annee=annee).order_by(
            "libelle"
        )
    )
    return TableauDeBord(
        national=national,
        regions=regions,
        combinaisons=combinaisons,
        dispositif=dispositif,
        annee=annee,
        donnees_au=DonneesAu.de(next(iter(national + regions), None)),
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
