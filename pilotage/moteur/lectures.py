"""Les lectures du moteur : le référentiel, les projets et les engagements groupés par SQL,
les totaux déjà écrits des périmètres qu'un recalcul incrémental ne relit pas."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Sum

from fonds.models import Dispositif, Engagement, Enveloppe, StatutEngagement
from pilotage.models import Niveau, Totaux, TotauxPartiels
from pilotage.moteur.lignes import (
    CHAMPS_PARTIELS,
    CLE_PARTIELS,
    Cle,
    ClePartiel,
    Ligne,
    Portee,
    au_centime,
    euros_sql,
)
from projets.models import Projet
from territoires.models import Perimetre, Phase, Region, TerritoireIndustrie, phase_de_l_annee


@dataclass
class Referentiel:
    regions: dict[str, str]  # code -> nom
    territoires: dict[str, tuple[str, str]]  # code -> (nom, région de pilotage)
    territoires_par_region: Counter  # toutes phases : les régions qui ont une ligne
    epci_par_territoire: dict[str, int]
    # (phase, code de région ou "" au national) -> nombre de territoires, d'EPCI
    territoires_par_phase: Counter
    epci_par_phase: dict[tuple[str, str], int]
    dispositifs: dict[str, str]  # code -> nom
    codes_dispositifs: dict[int, str]  # id -> code


def lire_referentiel() -> Referentiel:
    """Le référentiel entier : quelques centaines de lignes, quel que soit le nombre de projets."""
    territoires = {
        code: (nom, region)
        for code, nom, region in TerritoireIndustrie.objects.order_by().values_list(
            "code", "nom", "region"
        )
    }
    phases = dict(TerritoireIndustrie.objects.order_by().values_list("code", "phase"))
    territoires_par_phase = Counter()
    for code, (_nom, region) in territoires.items():
        territoires_par_phase[(phases[code], region)] += 1
        territoires_par_phase[(phases[code], "")] += 1
    adhesions = Perimetre.objects.en_vigueur().order_by()
    epci_par_phase = {
        (phase, region): n
        for phase, region, n in adhesions.values_list("territoire__phase", "territoire__region")
        .annotate(n=Count("epci", distinct=True))
        .values_list("territoire__phase", "territoire__region", "n")
    }
    for phase, n in adhesions.values_list("territoire__phase").annotate(
        n=Count("epci", distinct=True)
    ):
        epci_par_phase[(phase, "")] = n
    dispositifs = Dispositif.objects.order_by().values_list("id", "code", "nom")
    return Referentiel(
        regions=dict(Region.objects.order_by().values_list("code", "nom")),
        territoires=territoires,
        territoires_par_region=Counter(region for _nom, region in territoires.values()),
        epci_par_territoire=dict(
            adhesions.values_list("territoire").annotate(n=Count("epci", distinct=True))
        ),
        territoires_par_phase=territoires_par_phase,
        epci_par_phase=epci_par_phase,
        dispositifs={code: nom for _id, code, nom in dispositifs},
        codes_dispositifs={id_: code for id_, code, _nom in dispositifs},
    )


def phase_comptee(annee: int) -> str:
    """La liste dont un total national ou régional compte les territoires et les EPCI :
    celle de la phase de l'année ; toutes années confondues, la première (2018-2022)."""
    return phase_de_l_annee(annee) or Phase.PHASE_1


def projets_groupes(portee: Portee) -> Iterator[tuple]:
    """Les projets (des territoires touchés), groupés par territoire, région, statut et enjeu.

    La requête est construite par l'ORM et lue par un curseur : quelques milliers de
    lignes, sans la conversion ligne à ligne des résultats de l'ORM.
    """
    if portee.territoires is not None and not portee.territoires:
        return
    groupes = (
        Projet.objects.filter(portee.q_projets())
        .order_by()
        .values_list("territoire", "region", "statut", "enjeu")
        .annotate(
            nombre=Count("id"),
            investissement=Sum("montant_investissement"),
            crees=Sum("emplois_crees"),
            maintenus=Sum("emplois_maintenus"),
            aide=Sum("aide_sollicitee"),
        )
    )
    sql, params = groupes.query.sql_with_params()
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        for territoire, region, statut, enjeu, nombre, *sommes in curseur:
            investissement, crees, maintenus, aide = sommes
            yield (
                territoire,
                region,
                statut,
                enjeu,
                nombre,
                euros_sql(investissement),
                crees or 0,
                maintenus or 0,
                euros_sql(aide),
            )


def engagements_groupes(portee: Portee, codes_dispositifs: dict[int, str]) -> Iterator[tuple]:
    """Les engagements et leurs projets, groupés ; une seule lecture des engagements.

    Par groupe (territoire, région, statut et enjeu du projet, dispositif, année, annulé) :
    nombre d'engagements, montant net engagé (montant moins la part libérée : ce que
    l'engagement retient sur l'enveloppe, annulé ou non), montant versé, et les
    sommes des projets. Un projet engagé deux fois sur le même dispositif ou la même
    année ne doit compter qu'une fois : trois drapeaux (`ROW_NUMBER() = 1`) marquent
    le premier engagement non annulé du projet pour (dispositif, année), pour le
    dispositif toutes années et pour l'année tous dispositifs ; seuls les premiers
    apportent les chiffres du projet à la combinaison correspondante.
    """
    if portee.territoires is not None and not portee.territoires:
        return
    q = connection.ops.quote_name
    projet, engagement, enveloppe = Projet._meta, Engagement._meta, Enveloppe._meta

    def p(nom):
        return f"p.{q(projet.get_field(nom).column)}"

    def e(nom):
        return f"e.{q(engagement.get_field(nom).column)}"

    filtre, params_filtre = portee.sql_projets("p")
    annule = f"CASE WHEN {e('statut')} = %s THEN 1 ELSE 0 END"
    cle = f"{e('projet')}, {annule}"

    def premier(partition, ordre):
        return (
            f"CASE WHEN ROW_NUMBER() OVER (PARTITION BY {cle}, {partition} ORDER BY {ordre}) = 1 "
            "THEN 1 ELSE 0 END"
        )

    dispositif = f"v.{q(enveloppe.get_field('dispositif').column)}"
    groupe = "territoire, region, statut, enjeu, dispositif, annee"
    drapeaux = "annule, premier, premier_dispositif, premier_annee"
    sql = (
        # Noms de tables et de colonnes tirés des modèles ; toutes les valeurs en paramètres.
        f"SELECT {groupe}, {drapeaux}, COUNT(*), SUM(net), SUM(verse), "  # noqa: S608
        "SUM(investissement), SUM(crees), SUM(maintenus), SUM(aide) "
        "FROM ("
        f"SELECT {p('territoire')} AS territoire, {p('region')} AS region, "
        f"{p('statut')} AS statut, {p('enjeu')} AS enjeu, "
        f"{dispositif} AS dispositif, v.annee AS annee, "
        f"{annule} AS annule, "
        f"{e('montant')} - {e('montant_libere')} AS net, {e('montant_verse')} AS verse, "
        f"{p('montant_investissement')} AS investissement, {p('emplois_crees')} AS crees, "
        f"{p('emplois_maintenus')} AS maintenus, {p('aide_sollicitee')} AS aide, "
        f"{premier(f'{dispositif}, v.annee', e('id'))} AS premier, "
        f"{premier(dispositif, 'v.annee, ' + e('id'))} AS premier_dispositif, "
        f"{premier('v.annee', f'{dispositif}, ' + e('id'))} AS premier_annee "
        f"FROM {q(engagement.db_table)} e "
        f"JOIN {q(projet.db_table)} p ON p.id = {e('projet')} "
        f"JOIN {q(enveloppe.db_table)} v ON v.id = {e('enveloppe')} "
        f"WHERE 1 = 1{filtre}"
        f") x GROUP BY {groupe}, {drapeaux}"
    )
    params = [StatutEngagement.ANNULE] * 4 + list(params_filtre)
    with connection.cursor() as curseur:
        curseur.execute(sql, params)
        for ligne in curseur:
            (territoire, region, statut, enjeu, dispositif, annee, *drapeaux) = ligne[:10]
            nombre, net, verse, inv, crees, maint, aide = ligne[10:]
            yield (
                territoire,
                region,
                statut,
                enjeu,
                codes_dispositifs[dispositif],
                int(annee),
                *drapeaux,  # annulé, premier (dispositif, année), du dispositif, de l'année
                (
                    nombre,
                    euros_sql(net),
                    euros_sql(verse),
                    (nombre, euros_sql(inv), int(crees or 0), int(maint or 0), euros_sql(aide)),
                ),
            )


def enveloppes() -> Iterator[tuple]:
    """Toutes les enveloppes : (région ou `None`, dispositif, année, montant, engagé, versé)."""
    lues = Enveloppe.objects.order_by().values_list(
        "region", "dispositif__code", "annee", "montant", "montant_engage", "montant_verse"
    )
    for region, dispositif, annee, montant, engage, verse in lues:
        yield region, dispositif, annee, au_centime(montant), au_centime(engage), au_centime(verse)


def partiels_ecrits(portee: Portee) -> Iterator[tuple[ClePartiel, Ligne]]:
    """Les totaux partiels déjà écrits des régions touchées, hors territoires recalculés."""
    ecrits = (
        TotauxPartiels.objects.filter(region__in=sorted(portee.regions or ()))
        .exclude(territoire__in=sorted(portee.territoires or ()))
        .order_by()
        .values_list(*CLE_PARTIELS, *CHAMPS_PARTIELS)
    )
    for ligne in ecrits:
        yield tuple(ligne[:4]), Ligne.depuis_partiel(*ligne[4:])


def lignes_regions_ecrites(*, exclure: frozenset[str]) -> Iterator[tuple[Cle, Ligne]]:
    """Les lignes déjà écrites des autres régions ; leurs montants engagés et versés, qui
    viennent des enveloppes, ne sont pas repris au national (`ajouter(montants=False)`)."""
    ecrites = (
        Totaux.objects.filter(niveau=Niveau.REGION)
        .exclude(code__in=sorted(exclure))
        .order_by()
        .values_list("code", "dispositif", "annee", *CHAMPS_PARTIELS)
    )
    for code, dispositif, annee, *chiffres in ecrites:
        yield (Niveau.REGION, code, dispositif, annee), Ligne.depuis_partiel(*chiffres)
