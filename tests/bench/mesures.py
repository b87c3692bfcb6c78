"""Les mesures du banc : recalcul des totaux, SQL nu de référence, mémoire, pages."""

import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F
from django.urls import Resolver404, resolve

from fonds.models import Dispositif, Engagement, Enveloppe
from pilotage import moteur as services
from pilotage.models import TOUS_DISPOSITIFS, Totaux
from projets.models import Enjeu, Projet, Statut

RUNS_RECALCUL = 5
RUNS_INCREMENTAL = 11
RUNS_MEMOIRE = 3
REQUETES = 50
ECHAUFFEMENT = 3
TABLE_BROUILLON = "banc_agregat"
TABLE_PARTIELLE = "banc_agregat_partiel"


def mediane(valeurs: list[float]) -> float:
    return statistics.median(valeurs)


def centile(valeurs: list[float], rang: float) -> float:
    """Centile « au rang le plus proche » (p95 de 50 valeurs : la 48e)."""
    tri = sorted(valeurs)
    return tri[max(0, math.ceil(rang / 100 * len(tri)) - 1)]


def chronometrer(fonction: Callable[[], object], fois: int) -> list[float]:
    """Durées en millisecondes de `fois` appels."""
    durees = []
    for _ in range(fois):
        debut = time.perf_counter()
        fonction()
        durees.append((time.perf_counter() - debut) * 1000)
    return durees


# --- Recalcul complet et SQL nu -------------------------------------------------------

STATUTS = list(Statut.values)
ENJEUX = list(Enjeu.values)
COLONNES_PARTIELS = [
    "projets",
    *(f"statut_{statut}" for statut in STATUTS),
    *(f"enjeu_{enjeu}" for enjeu in ENJEUX),
    "montant_investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "nb",
    "net",
    "verse",
]
COLONNES_REFERENCE = [
    "nb_projets",
    *(f"statut_{statut}" for statut in STATUTS),
    *(f"enjeu_{enjeu}" for enjeu in ENJEUX),
    "investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "nb_engagements",
    "montant_engage",
    "montant_verse",
]


def creer_tables_brouillon() -> None:
    """Les tables où écrivent les deux instructions SQL de référence."""
    comptes = ", ".join(
        f"{nom} bigint NOT NULL"
        for nom in COLONNES_REFERENCE
        if nom.startswith(("statut_", "enjeu_"))
    )
    with connection.cursor() as curseur:
        curseur.execute(f"DROP TABLE IF EXISTS {TABLE_BROUILLON}, {TABLE_PARTIELLE}")
        curseur.execute(
            f"CREATE TABLE {TABLE_BROUILLON} ("
            "niveau varchar(10) NOT NULL, code varchar(4) NOT NULL, dispositif_id bigint, "
            "annee smallint NOT NULL, nb_projets bigint NOT NULL, "
            f"{comptes}, "
            "investissement numeric(16, 2) NOT NULL, emplois_crees bigint NOT NULL, "
            "emplois_maintenus bigint NOT NULL, aide_sollicitee numeric(16, 2) NOT NULL, "
            "nb_engagements bigint NOT NULL, montant_engage numeric(16, 2) NOT NULL, "
            "montant_verse numeric(16, 2) NOT NULL)"
        )
        curseur.execute(
            f"CREATE TABLE {TABLE_PARTIELLE} ("
            "niveau varchar(10) NOT NULL, code varchar(4) NOT NULL, dispositif_id bigint, "
            "annee smallint NOT NULL, nb_projets bigint NOT NULL, "
            "investissement numeric(16, 2) NOT NULL, emplois_crees bigint NOT NULL, "
            "emplois_maintenus bigint NOT NULL, aide_sollicitee numeric(16, 2) NOT NULL, "
            "nb_engagements bigint NOT NULL, montant_engage numeric(16, 2) NOT NULL, "
            "montant_verse numeric(16, 2) NOT NULL)"
        )


def _tables_et_vivant() -> tuple[str, str, str, str]:
    hors = ", ".join(f"'{s}'" for s in services.STATUTS_HORS_SOMMES)
    return (
        Projet._meta.db_table,
        Engagement._meta.db_table,
        Enveloppe._meta.db_table,
        f"p.statut NOT IN ({hors})",
    )


def _sql_nu() -> str:
    """Une seule instruction écrite à la main : tous les chiffres des projets et des
    engagements que calcule le moteur des totaux, ligne par ligne.

    Pour chaque territoire, région du site et le niveau national, et pour chacune des
    quatre combinaisons (tous dispositifs ou un dispositif) × (toutes années ou une
    année d'enveloppe) : nombre de projets, nombre par statut et par enjeu,
    investissement, emplois et aide des projets vivants (ni brouillon, ni non retenu,
    ni abandonné), nombre d'engagements non annulés, montants engagés nets (montant −
    libéré) et versés de tous les engagements. Sans dispositif ni année : tous les
    projets ; avec l'un ou l'autre : les projets qui y ont au moins un engagement non
    annulé, chacun compté une fois.

    Écrite pour aller vite, comme le ferait un bon SQL à la main : projets et
    engagements sont d'abord réduits à de petits groupes (territoire, région, statut,
    enjeu, et pour les engagements dispositif, année et trois drapeaux « premier
    engagement du projet » tirés de fenêtres), puis chaque groupe est compté dans ses
    combinaisons et tout est sommé par `GROUPING SETS`.
    """
    projet, engagement, enveloppe, vivant = _tables_et_vivant()
    par_statut = ", ".join(
        f"COALESCE(SUM(projets) FILTER (WHERE statut = '{s}'), 0) AS statut_{s}" for s in STATUTS
    )
    par_enjeu = ", ".join(
        f"COALESCE(SUM(projets) FILTER (WHERE enjeu = '{j}'), 0) AS enjeu_{j}" for j in ENJEUX
    )
    sommes = "montant_investissement, emplois_crees, emplois_maintenus, aide_sollicitee"

    def premier(partition: str, ordre: str) -> str:
        return (
            "ROW_NUMBER() OVER (PARTITION BY e.projet_id, e.statut = 'annule', "
            f"{partition} ORDER BY {ordre}) = 1"
        )

    def combinaison(dispositif: str, annee: str, drapeau: str) -> str:
        compte = f"actif AND {drapeau}"
        return (
            f"SELECT territoire_id, region_id, statut, enjeu, {dispositif}, {annee}, "
            f"CASE WHEN {compte} THEN n ELSE 0 END, "
            + ", ".join(f"CASE WHEN {compte} THEN {c} ELSE 0 END" for c in sommes.split(", "))
            + ", CASE WHEN actif THEN n ELSE 0 END, net, verse FROM groupes"
        )

    return f"""
INSERT INTO {TABLE_BROUILLON}
WITH engagements AS (
    SELECT p.territoire_id, p.region_id, p.statut, p.enjeu, v.dispositif_id, v.annee,
           e.statut <> 'annule' AS actif, e.montant - e.montant_libere AS net,
           e.montant_verse AS verse,
           CASE WHEN {vivant} THEN p.montant_investissement ELSE 0 END AS montant_investissement,
           CASE WHEN {vivant} THEN p.emplois_crees ELSE 0 END AS emplois_crees,
           CASE WHEN {vivant} THEN p.emplois_maintenus ELSE 0 END AS emplois_maintenus,
           CASE WHEN {vivant} THEN p.aide_sollicitee ELSE 0 END AS aide_sollicitee,
           {premier("v.dispositif_id, v.annee", "e.id")} AS p1,
           {premier("v.dispositif_id", "v.annee, e.id")} AS p2,
           {premier("v.annee", "v.dispositif_id, e.id")} AS p3
    FROM {engagement} e JOIN {projet} p ON p.id = e.projet_id
    JOIN {enveloppe} v ON v.id = e.enveloppe_id
), groupes AS (
    SELECT territoire_id, region_id, statut, enjeu, dispositif_id, annee, actif, p1, p2, p3,
           COUNT(*) AS n, SUM(net) AS net, SUM(verse) AS verse,
           SUM(montant_investissement) AS montant_investissement,
           SUM(emplois_crees) AS emplois_crees, SUM(emplois_maintenus) AS emplois_maintenus,
           SUM(aide_sollicitee) AS aide_sollicitee
    FROM engagements
    GROUP BY territoire_id, region_id, statut, enjeu, dispositif_id, annee, actif, p1, p2, p3
), lignes (territoire_id, region_id, statut, enjeu, dispositif_id, annee, projets,
           {sommes}, nb, net, verse) AS (
    SELECT p.territoire_id, p.region_id, p.statut, p.enjeu, NULL::bigint, 0, COUNT(*),
           COALESCE(SUM(p.montant_investissement) FILTER (WHERE {vivant}), 0),
           COALESCE(SUM(p.emplois_crees) FILTER (WHERE {vivant}), 0),
           COALESCE(SUM(p.emplois_maintenus) FILTER (WHERE {vivant}), 0),
           COALESCE(SUM(p.aide_sollicitee) FILTER (WHERE {vivant}), 0), 0, 0, 0
    FROM {projet} p GROUP BY p.territoire_id, p.region_id, p.statut, p.enjeu
    UNION ALL {combinaison("dispositif_id", "annee", "p1")}
    UNION ALL {combinaison("dispositif_id", "0", "p2")}
    UNION ALL {combinaison("NULL", "annee", "p3")}
    UNION ALL {combinaison("NULL", "0", "FALSE")}
), partiels AS (
    SELECT territoire_id, region_id, dispositif_id, annee, SUM(projets) AS projets,
           {par_statut}, {par_enjeu},
           SUM(montant_investissement) AS montant_investissement,
           SUM(emplois_crees) AS emplois_crees, SUM(emplois_maintenus) AS emplois_maintenus,
           SUM(aide_sollicitee) AS aide_sollicitee, SUM(nb) AS nb, SUM(net) AS net,
           SUM(verse) AS verse
    FROM lignes GROUP BY territoire_id, region_id, dispositif_id, annee
)
SELECT CASE WHEN GROUPING(territoire_id) = 0 THEN 'territoire'
            WHEN GROUPING(region_id) = 0 THEN 'region' ELSE 'national' END,
       COALESCE(territoire_id, region_id, ''), dispositif_id, annee,
       {", ".join(f"SUM({c})" for c in COLONNES_PARTIELS)}
FROM partiels
GROUP BY GROUPING SETS ((territoire_id, dispositif_id, annee), (region_id, dispositif_id, annee),
                        (dispositif_id, annee))
"""  # noqa: S608 (noms de tables des modèles, statuts et enjeux constants)


def _sql_nu_partiel() -> str:
    """L'ancienne référence, pour mémoire : une partie seulement des chiffres du moteur.

    Tous dispositifs et toutes années, et chaque (dispositif, année) ; ni les
    combinaisons « un dispositif, toutes années » et « tous dispositifs, une année »,
    ni les nombres de projets par statut et par enjeu, ni les engagements sans
    dispositif ni année.
    """
    projet, engagement, enveloppe, vivant = _tables_et_vivant()
    return f"""
INSERT INTO {TABLE_PARTIELLE}
WITH e AS (
    SELECT e.projet_id, v.dispositif_id, v.annee,
           COUNT(*) FILTER (WHERE e.statut <> 'annule') AS nb,
           SUM(e.montant - e.montant_libere) AS engage, SUM(e.montant_verse) AS verse
    FROM {engagement} e JOIN {enveloppe} v ON v.id = e.enveloppe_id
    GROUP BY e.projet_id, v.dispositif_id, v.annee
), ep AS (
    SELECT p.territoire_id, p.region_id, e.dispositif_id, e.annee, e.nb, e.engage, e.verse,
           CASE WHEN e.nb > 0 THEN 1 ELSE 0 END AS compte,
           CASE WHEN e.nb > 0 AND {vivant} THEN p.montant_investissement ELSE 0 END AS inv,
           CASE WHEN e.nb > 0 AND {vivant} THEN p.emplois_crees ELSE 0 END AS crees,
           CASE WHEN e.nb > 0 AND {vivant} THEN p.emplois_maintenus ELSE 0 END AS maint,
           CASE WHEN e.nb > 0 AND {vivant} THEN p.aide_sollicitee ELSE 0 END AS aide
    FROM e JOIN {projet} p ON p.id = e.projet_id
)
SELECT CASE WHEN GROUPING(territoire_id) = 0 THEN 'territoire'
            WHEN GROUPING(region_id) = 0 THEN 'region' ELSE 'national' END,
       COALESCE(territoire_id, region_id, ''), dispositif_id, annee,
       SUM(compte), SUM(inv), SUM(crees), SUM(maint), SUM(aide), SUM(nb), SUM(engage), SUM(verse)
FROM ep
GROUP BY GROUPING SETS ((territoire_id, dispositif_id, annee),
                        (region_id, dispositif_id, annee), (dispositif_id, annee))
UNION ALL
SELECT CASE WHEN GROUPING(p.territoire_id) = 0 THEN 'territoire'
            WHEN GROUPING(p.region_id) = 0 THEN 'region' ELSE 'national' END,
       COALESCE(p.territoire_id, p.region_id, ''), NULL, 0, COUNT(*),
       COALESCE(SUM(p.montant_investissement) FILTER (WHERE {vivant}), 0),
       COALESCE(SUM(p.emplois_crees) FILTER (WHERE {vivant}), 0),
       COALESCE(SUM(p.emplois_maintenus) FILTER (WHERE {vivant}), 0),
       COALESCE(SUM(p.aide_sollicitee) FILTER (WHERE {vivant}), 0), 0, 0, 0
FROM {projet} p
GROUP BY GROUPING SETS ((p.territoire_id), (p.region_id), ())
"""  # noqa: S608 (noms de tables des modèles, statuts constants)


def _executer(table: str, sql: str) -> None:
    """Une référence dans sa transaction, avec le même `work_mem` que le moteur."""
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute("SET LOCAL work_mem = '64MB'")
        curseur.execute(f"TRUNCATE {table}")
        curseur.execute(sql)


def executer_sql_nu() -> None:
    _executer(TABLE_BROUILLON, _sql_nu())


def executer_sql_nu_partiel() -> None:
    _executer(TABLE_PARTIELLE, _sql_nu_partiel())


def _chiffres_du_moteur(totaux: Totaux) -> tuple:
    """Une ligne de totaux dans l'ordre de `COLONNES_REFERENCE`."""
    par_statut, par_enjeu = totaux.nb_projets_par_statut, totaux.nb_projets_par_enjeu
    return (
        totaux.nb_projets,
        *(par_statut.get(statut, 0) for statut in STATUTS),
        *(par_enjeu.get(enjeu, 0) for enjeu in ENJEUX),
        Decimal(totaux.investissement),
        totaux.emplois_crees,
        totaux.emplois_maintenus,
        Decimal(totaux.aide_sollicitee),
        totaux.nb_engagements,
        Decimal(totaux.montant_engage),
        Decimal(totaux.montant_verse),
    )


def ecarts_avec_sql_nu() -> list[str]:
    """Compare chaque ligne de la référence à la ligne du moteur ; rend les écarts.

    Toutes les lignes de la référence (chaque niveau, chaque combinaison) doivent
    exister dans les totaux avec les mêmes chiffres ; une ligne des totaux absente de
    la référence (un périmètre sans projet ni engagement, une enveloppe sans
    engagement) ne doit porter aucun projet ni engagement.
    """
    codes = dict(Dispositif.objects.values_list("id", "code"))
    colonnes = ", ".join(COLONNES_REFERENCE)
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT niveau, code, dispositif_id, annee, {colonnes} FROM {TABLE_BROUILLON}"  # noqa: S608
        )
        reference = {
            (niveau, code, codes.get(dispositif, TOUS_DISPOSITIFS), annee): tuple(chiffres)
            for niveau, code, dispositif, annee, *chiffres in curseur
        }
    ecarts = []
    for totaux in Totaux.objects.iterator(chunk_size=2000):
        cle = (totaux.niveau, totaux.code, totaux.dispositif, totaux.annee)
        obtenus = _chiffres_du_moteur(totaux)
        attendus = reference.pop(cle, None)
        if attendus is None:
            if any(obtenus):
                ecarts.append(f"{cle} : absent de la référence, chiffres non nuls {obtenus}")
            continue
        for nom, obtenu, attendu in zip(COLONNES_REFERENCE, obtenus, attendus, strict=True):
            if Decimal(str(obtenu)) != Decimal(str(attendu)):
                ecarts.append(f"{cle} {nom} : moteur {obtenu}, SQL nu {attendu}")
    ecarts.extend(f"{cle} : absent des totaux" for cle in reference)
    return ecarts


def mesurer_recalcul() -> dict:
    """Premier recalcul (tout est écrit), puis médianes de 5 recalculs et de 5 SQL nus.

    Recalculs et SQL nus alternent : une variation de la charge de la machine pèse
    sur les deux, et leur rapport reste lisible sur une machine partagée. L'ancienne
    référence, partielle, est mesurée de même pour mémoire.
    """
    premier = chronometrer(services.recalculer_tout, 1)[0]
    executer_sql_nu()  # échauffement
    executer_sql_nu_partiel()
    recalculs, sql_nu, sql_partiel = [], [], []
    for _ in range(RUNS_RECALCUL):
        recalculs += chronometrer(services.recalculer_tout, 1)
        sql_nu += chronometrer(executer_sql_nu, 1)
        sql_partiel += chronometrer(executer_sql_nu_partiel, 1)
    return {
        "premier_ms": premier,
        "recalcul_ms": recalculs,
        "recalcul_mediane_ms": mediane(recalculs),
        "sql_nu_ms": sql_nu,
        "sql_nu_mediane_ms": mediane(sql_nu),
        "rapport": mediane(recalculs) / mediane(sql_nu),
        "sql_partiel_ms": sql_partiel,
        "sql_partiel_mediane_ms": mediane(sql_partiel),
        "rapport_partiel": mediane(recalculs) / mediane(sql_partiel),
        "ecarts_sql_nu": ecarts_avec_sql_nu(),
    }


# --- Recalcul incrémental -----------------------------------------------------------


def mesurer_incremental() -> dict:
    """Un projet du plus gros territoire change, puis ses périmètres sont recalculés."""
    territoire, region, nombre = (
        Projet.objects.order_by()
        .values_list("territoire", "region")
        .annotate(n=Count("id"))
        .order_by("-n", "territoire")
        .first()
    )
    projet = (
        Projet.objects.filter(territoire=territoire, region=region, statut=Statut.EN_COURS)
        .order_by("pk")
        .first()
        or Projet.objects.filter(territoire=territoire, region=region).order_by("pk").first()
    )
    durees = []
    for rang in range(RUNS_INCREMENTAL):
        variation = 1 if rang % 2 == 0 else -1
        Projet.objects.filter(pk=projet.pk).update(emplois_crees=F("emplois_crees") + variation)
        debut = time.perf_counter()
        services.recalculer_perimetres(territoires=[territoire], regions=[region])
        durees.append((time.perf_counter() - debut) * 1000)
    return {
        "territoire": territoire,
        "region": region,
        "projets_du_territoire": nombre,
        "durees_ms": durees,
        "mediane_ms": mediane(durees),
        "max_ms": max(durees),
    }


# --- Mémoire du recalcul (sous-processus) --------------------------------------------


def _proc_ko(cle: str) -> int:
    """Une mémoire du processus en Ko, lue dans /proc/self/status (`VmRSS`, `VmHWM`)."""
    with open("/proc/self/status", encoding="ascii") as statut:
        for ligne in statut:
            if ligne.startswith(f"{cle}:"):
                return int(ligne.split()[1])
    raise RuntimeError(f"{cle} absent de /proc/self/status")


def memoire_dans_ce_processus() -> dict:
    """Exécuté par le sous-processus : un recalcul complet, puis sa mémoire maximale.

    `VmHWM` (pic de mémoire résidente de ce programme) plutôt que `ru_maxrss` : sous
    Linux, `ru_maxrss` d'un processus lancé par `fork` + `exec` garde le pic du parent
    au moment du `fork` (ici le banc, qui a tenu en mémoire les lignes générées).
    """
    avant = _proc_ko("VmRSS")
    services.recalculer_tout()
    return {"avant_ko": avant, "pic_ko": _proc_ko("VmHWM")}


def mesurer_memoire() -> dict:
    """Recalcul complet dans un processus neuf : son pic de mémoire résidente (`VmHWM`)."""
    mesures = []
    for _ in range(RUNS_MEMOIRE):
        sortie = subprocess.run(  # noqa: S603 (notre propre module, mêmes arguments)
            [sys.executable, "-m", "tests.bench.banc", "--memoire-recalcul"],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        mesures.append(json.loads(sortie.stdout.strip().splitlines()[-1]))
    pics = [m["pic_ko"] for m in mesures]
    return {
        "pic_mo": mediane(pics) / 1024,
        "accroissement_mo": mediane([m["pic_ko"] - m["avant_ko"] for m in mesures]) / 1024,
        "mesures": mesures,
    }


# --- Pages ----------------------------------------------------------------------------


def url_existe(chemin: str) -> bool:
    try:
        resolve(chemin.split("?", 1)[0])
    except Resolver404:
        return False
    return True
