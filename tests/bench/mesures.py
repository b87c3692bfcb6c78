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
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from fonds.models import Dispositif, Engagement, Enveloppe
from pilotage import services
from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau, Totaux
from projets.models import Projet, Statut

RUNS_RECALCUL = 5
RUNS_INCREMENTAL = 11
RUNS_MEMOIRE = 3
REQUETES = 50
ECHAUFFEMENT = 3
TABLE_BROUILLON = "banc_agregat"


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


def creer_table_brouillon() -> None:
    with connection.cursor() as curseur:
        curseur.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE_BROUILLON} ("
            "niveau varchar(10) NOT NULL, code varchar(4) NOT NULL, dispositif_id bigint, "
            "annee smallint NOT NULL, nb_projets bigint NOT NULL, "
            "investissement numeric(16, 2) NOT NULL, emplois_crees bigint NOT NULL, "
            "emplois_maintenus bigint NOT NULL, aide_sollicitee numeric(16, 2) NOT NULL, "
            "nb_engagements bigint NOT NULL, montant_engage numeric(16, 2) NOT NULL, "
            "montant_verse numeric(16, 2) NOT NULL)"
        )


def _sql_nu() -> str:
    """Une seule instruction écrite à la main : les mêmes chiffres que le moteur des totaux.

    - Tous dispositifs, toutes années : par territoire, région du site et national,
      nombre de projets (tous statuts), investissement, emplois et aide des projets
      vivants (ni brouillon, ni non retenu, ni abandonné).
    - Par dispositif × année d'enveloppe et par territoire, région et national : montants
      engagés nets (montant − libéré) et versés de tous les engagements, nombre
      d'engagements non annulés, et les chiffres des projets qui en ont au moins un
      (chaque projet compté une fois par dispositif × année).
    """
    projet = Projet._meta.db_table
    engagement = Engagement._meta.db_table
    enveloppe = Enveloppe._meta.db_table
    hors = ", ".join(f"'{s}'" for s in services.STATUTS_HORS_SOMMES)
    vivant = f"p.statut NOT IN ({hors})"
    return f"""
INSERT INTO {TABLE_BROUILLON}
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


def executer_sql_nu() -> None:
    """Le SQL nu dans sa transaction, avec le même `work_mem` que le moteur."""
    with transaction.atomic(), connection.cursor() as curseur:
        curseur.execute("SET LOCAL work_mem = '64MB'")
        curseur.execute(f"TRUNCATE {TABLE_BROUILLON}")
        curseur.execute(_sql_nu())


def ecarts_avec_sql_nu() -> list[str]:
    """Compare les totaux nationaux du moteur à ceux du SQL nu ; rend les écarts (vide : égaux)."""
    codes = dict(Dispositif.objects.values_list("id", "code"))
    with connection.cursor() as curseur:
        curseur.execute(
            f"SELECT dispositif_id, annee, nb_projets, investissement, emplois_crees, "  # noqa: S608
            f"emplois_maintenus, aide_sollicitee, nb_engagements, montant_engage, montant_verse "
            f"FROM {TABLE_BROUILLON} WHERE niveau = 'national'"
        )
        reference = {
            (codes.get(ligne[0], TOUS_DISPOSITIFS), ligne[1]): ligne[2:] for ligne in curseur
        }
    ecarts = []
    champs = [
        "nb_projets",
        "investissement",
        "emplois_crees",
        "emplois_maintenus",
        "aide_sollicitee",
        "nb_engagements",
        "montant_engage",
        "montant_verse",
    ]
    nationaux = {(t.dispositif, t.annee): t for t in Totaux.objects.filter(niveau=Niveau.NATIONAL)}
    for cle, valeurs in reference.items():
        totaux = nationaux.get(cle)
        if totaux is None:
            ecarts.append(f"{cle} : absent des totaux")
            continue
        attendus = dict(zip(champs, valeurs, strict=True))
        if cle == (TOUS_DISPOSITIFS, TOUTES_ANNEES):
            # Tous dispositifs : le SQL nu ne compte pas les engagements à ce niveau.
            for nom in ("nb_engagements", "montant_engage", "montant_verse"):
                attendus.pop(nom)
        for nom, attendu in attendus.items():
            obtenu = getattr(totaux, nom)
            if Decimal(str(obtenu)) != Decimal(str(attendu)):
                ecarts.append(f"{cle} {nom} : moteur {obtenu}, SQL nu {attendu}")
    return ecarts


def mesurer_recalcul() -> dict:
    """Premier recalcul (tout est écrit), puis médianes de 5 recalculs et de 5 SQL nus.

    Recalculs et SQL nus alternent : une variation de la charge de la machine pèse
    sur les deux, et leur rapport reste lisible sur une machine partagée.
    """
    premier = chronometrer(services.recalculer_tout, 1)[0]
    executer_sql_nu()  # échauffement
    recalculs, sql_nu = [], []
    for _ in range(RUNS_RECALCUL):
        recalculs += chronometrer(services.recalculer_tout, 1)
        sql_nu += chronometrer(executer_sql_nu, 1)
    return {
        "premier_ms": premier,
        "recalcul_ms": recalculs,
        "recalcul_mediane_ms": mediane(recalculs),
        "sql_nu_ms": sql_nu,
        "sql_nu_mediane_ms": mediane(sql_nu),
        "rapport": mediane(recalculs) / mediane(sql_nu),
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


def mesurer_page(client: Client, url: str) -> dict:
    """Nombre de requêtes SQL (une requête capturée) et latences de 50 requêtes."""
    for _ in range(ECHAUFFEMENT):
        reponse = client.get(url)
        if reponse.status_code != 200:
            raise RuntimeError(f"{url} répond {reponse.status_code}")
    with CaptureQueriesContext(connection) as capture:
        client.get(url)
    # À lire tout de suite : chaque requête suivante vide le journal des requêtes.
    sql = [q["sql"] for q in capture.captured_queries]
    durees = chronometrer(lambda: client.get(url), REQUETES)
    return {
        "url": url,
        "requetes_sql": len(sql),
        "sql": sql,
        "p50_ms": centile(durees, 50),
        "p95_ms": centile(durees, 95),
        "durees_ms": durees,
    }
