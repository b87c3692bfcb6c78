"""Banc de performance du portail sur PostgreSQL.

Usage (depuis la racine du projet) :

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_ti \\
        .venv/bin/python -m tests.bench.banc [--tailles 1000,10000,100000]

Le banc ne touche ni la base de `DATABASE_URL` ni sa base de test : il supprime puis
recrée une base à part, du même nom suivi de `_banc` (ici `portail_ti_banc`), la
migre, y charge le vrai référentiel (`importer_referentiel`) puis, pour chaque
taille, y écrit N projets fictifs (`tests/bench/generation.py`, par le générateur de la
démonstration, `pilotage.generation`) et mesure :

- le recalcul complet des totaux (`recalculer_tout`, médiane de 5) et son rapport à
  une instruction SQL écrite à la main qui calcule les mêmes chiffres (médiane de 5,
  en alternance avec les recalculs) : chaque ligne de totaux (niveau, dispositif,
  année ; projets par statut et par enjeu, sommes, engagements) est comparée à celle
  du SQL ; pour mémoire, le rapport à l'ancienne référence, qui ne calculait qu'une
  partie de ces chiffres ;
- le recalcul incrémental après le changement d'un projet du plus gros territoire
  (`recalculer_perimetres`, médiane de 11) ;
- la mémoire maximale d'un recalcul complet, dans un processus neuf (`VmHWM` de
  /proc, médiane de 3) ;
- le tableau de bord `/pilotage/` (à défaut, l'accueil de `/admin/`), la liste
  `/projets/` filtrée, `/api/v1/projets/` filtrée et `/api/v1/totaux/` : nombre de
  requêtes SQL et latences p50 / p95 sur 50 requêtes (client de test de Django,
  connecté en agent d'un ministère). La base de chaque taille est copiée
  (`<nom>_banc_<taille>`) ; à la fin, un processus neuf par taille sert ses pages et
  les requêtes alternent d'une taille à l'autre, si bien qu'une variation de la charge
  de la machine pèse sur toutes les tailles à la fois. Les copies sont supprimées.

Il affiche un tableau, écrit `tests/bench/results.json` et sort en erreur (code 1)
si une cible n'est pas atteinte (code 2 : configuration refusée). Les seuils absolus
(recalcul incrémental, p95 des listes) s'appliquent à la plus grande taille mesurée,
les rapports entre tailles à la plus grande par rapport à la plus petite ; le rapport
au SQL nu et la durée de génération ne se vérifient qu'avec 100 000 projets.

Les latences dépendent de la charge de la machine (affichée pour chaque taille) :
pour des chiffres de référence, lancez le banc sur une machine au repos.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

SUFFIXE = "_banc"
TAILLES = (1000, 10_000, 100_000)
RESULTATS = Path(__file__).with_name("results.json")

# Cibles (docs : /work/shared/DESIGN.md, « Non-functional targets »).
RAPPORT_SQL_NU_MAX = 2.0
TAILLE_DU_RAPPORT = 100_000
INCREMENTAL_MAX_MS = 100.0
TABLEAU_DE_BORD_RAPPORT_MAX = 1.3
LISTE_P95_MAX_MS = 150.0
MEMOIRE_RAPPORT_MAX = 1.2
GENERATION_100K_MAX_S = 120.0

REFUS_SQLITE = (
    "Le banc de performance mesure le portail sur PostgreSQL : définissez DATABASE_URL, "
    "par exemple DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_ti "
    "(le banc travaille dans une base à part, « <nom>_banc », qu'il supprime et recrée)."
)


def _config_de(url: str) -> dict:
    import environ

    return environ.Env.db_url_config(url)


def _verifier_postgresql(url: str) -> dict:
    if not url:
        raise SystemExit(_refus("DATABASE_URL n'est pas défini. " + REFUS_SQLITE))
    config = _config_de(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(
            _refus(f"Base {config['ENGINE'].rsplit('.', 1)[-1]} refusée. " + REFUS_SQLITE)
        )
    return config


def _refus(message: str) -> int:
    print(f"Banc refusé : {message}", file=sys.stderr)
    return 2


def _url_du_banc(url: str, nom: str) -> str:
    morceaux = urlsplit(url)
    return morceaux._replace(path="/" + nom).geturl()


def _administrer(config: dict, *instructions: tuple[str, ...]) -> None:
    """Exécute des `DROP`/`CREATE DATABASE` par la base d'administration `postgres`.

    Chaque instruction est un gabarit suivi des noms de bases qu'il cite (identifiants).
    """
    import psycopg2
    from psycopg2 import sql

    connexion = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connexion.autocommit = True
    try:
        with connexion.cursor() as curseur:
            for gabarit, *noms in instructions:
                curseur.execute(sql.SQL(gabarit).format(*map(sql.Identifier, noms)))
    finally:
        connexion.close()


def _recreer_base(config: dict, nom: str) -> None:
    """Supprime puis recrée la base du banc."""
    _administrer(
        config, ("DROP DATABASE IF EXISTS {} WITH (FORCE)", nom), ("CREATE DATABASE {}", nom)
    )


def _copier_base(config: dict, nom: str, copie: str) -> None:
    """Une copie de la base du banc à une taille, pour en mesurer les pages plus tard."""
    from django.db import connection

    connection.close()  # une base ne se copie que sans connexion ouverte
    _administrer(
        config,
        ("DROP DATABASE IF EXISTS {} WITH (FORCE)", copie),
        ("CREATE DATABASE {} TEMPLATE {}", copie, nom),
    )


def _supprimer_bases(config: dict, noms: list[str]) -> None:
    _administrer(config, *(("DROP DATABASE IF EXISTS {} WITH (FORCE)", nom) for nom in noms))


def _preparer_environnement(url_banc: str) -> None:
    """Le processus du banc (et ses sous-processus) parlent à la base du banc seulement."""
    os.environ["DATABASE_URL"] = url_banc
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "banc-de-performance-non-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["CELERY_BROKER_URL"] = ""  # aucun recalcul programmé n'interfère
    os.environ["API_LIMITE_UTILISATEUR"] = "1000000/minute"  # 50 requêtes par mesure
    os.environ.setdefault("LOG_LEVEL", "ERROR")


def _django():
    import django

    django.setup()


def _journal(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- Machine ---------------------------------------------------------------------------


def _machine() -> dict:
    from django.db import connection

    with connection.cursor() as curseur:
        curseur.execute("SHOW server_version")
        version_pg = curseur.fetchone()[0]
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    except OSError:
        free = ""
    memoire = next((ligne.split()[1] for ligne in free.splitlines() if ligne.startswith("Mem")), "")
    return {
        "processeurs": os.cpu_count(),
        "memoire": memoire,
        "postgresql": version_pg,
        "python": platform.python_version(),
        "systeme": platform.platform(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "charge_debut": os.getloadavg(),
    }


# --- Une taille ----------------------------------------------------------------------


def _pages() -> list[tuple[str, str, str, str, str]]:
    """(clé, libellé, compte, adresse, famille) des pages mesurées à chaque taille."""
    from tests.bench import mesures

    pages = []
    if mesures.url_existe("/pilotage/"):
        pages.append(("pilotage", "/pilotage/", "ministere", "/pilotage/", "tableau"))
    else:
        pages.append(("admin", "/admin/ (à défaut de /pilotage/)", "admin", "/admin/", "tableau"))
    pages.append(
        (
            "projets",
            "/projets/ (région, statut, page 2)",
            "ministere",
            "/projets/?region=84&statut=en_instruction&page=2",
            "liste",
        )
    )
    pages.append(
        (
            "api_projets",
            "/api/v1/projets/ (région)",
            "ministere",
            "/api/v1/projets/?region=84",
            "liste",
        )
    )
    if mesures.url_existe("/api/v1/totaux/"):
        pages.append(
            (
                "api_totaux",
                "/api/v1/totaux/ (niveau région)",
                "ministere",
                "/api/v1/totaux/?niveau=region",
                "tableau",
            )
        )
    pages.append(("projets_tous", "/projets/ (sans filtre)", "ministere", "/projets/", "info"))
    return pages


def _servir_pages() -> None:
    """Sous-processus : un « serveur » des pages d'une taille, piloté ligne à ligne.

    Sur son entrée, `get <clé>` (une requête chronométrée) ou `requetes <clé>` (les requêtes
    SQL d'une page) ; il répond une ligne JSON. Un processus neuf, plutôt que celui qui
    vient d'écrire des centaines de milliers de lignes : son tas et son ramasse-miettes
    ne pèsent pas sur les latences.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = {}
    for compte in ("ministere", "admin"):
        clients[compte] = Client()
        clients[compte].force_login(get_user_model().objects.get(username=f"banc-{compte}"))
    pages = {cle: (clients[compte], url) for cle, _l, compte, url, _f in _pages()}
    print("pret", flush=True)
    for ligne in sys.stdin:
        commande, _espace, cle = ligne.strip().partition(" ")
        if commande == "fin":
            break
        client, url = pages[cle]
        if commande == "requetes":
            with CaptureQueriesContext(connection) as capture:
                reponse = client.get(url)
            sortie = {"sql": [q["sql"] for q in capture.captured_queries]}
        else:
            debut = time.perf_counter()
            reponse = client.get(url)
            sortie = {"ms": (time.perf_counter() - debut) * 1000}
        sortie["statut"] = reponse.status_code
        print(json.dumps(sortie), flush=True)


class _Serveur:
    """Le sous-processus `--servir-pages` d'une taille, sur la copie de sa base."""

    def __init__(self, url_base: str):
        self.processus = subprocess.Popen(  # noqa: S603 (notre propre module)
            [sys.executable, "-m", "tests.bench.banc", "--servir-pages"],
            # Le tableau de bord construit à chaque requête : c'est ce coût que le banc compare
            # d'une taille à l'autre (en service, son corps vient du cache entre deux recalculs ;
            # les pages sous charge le mesurent ainsi).
            env={**os.environ, "DATABASE_URL": url_base, "TABLEAU_DE_BORD_CACHE_S": "0"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.processus.stdout.readline().strip() != "pret":
            raise RuntimeError("le sous-processus de mesure des pages n'a pas démarré")

    def demander(self, commande: str, cle: str, url: str) -> dict:
        self.processus.stdin.write(f"{commande} {cle}\n")
        self.processus.stdin.flush()
        reponse = json.loads(self.processus.stdout.readline())
        if reponse["statut"] != 200:
            raise RuntimeError(f"{url} répond {reponse['statut']}")
        return reponse

    def arreter(self) -> None:
        self.processus.stdin.write("fin\n")
        self.processus.stdin.close()
        self.processus.wait(timeout=60)


def _mesurer_pages(tailles: list[int], urls_des_bases: dict[int, str]) -> dict[str, dict]:
    """Les pages de toutes les tailles, mesurées en alternance.

    Un serveur par taille, chacun sur la copie de la base à cette taille ; la i-ème
    requête de chaque page est envoyée à chaque taille tour à tour (l'ordre tourne) :
    une variation de la charge de la machine pèse sur toutes les tailles à la fois, et
    le rapport des latences entre tailles ne mesure que l'effet du nombre de projets.
    """
    from tests.bench import mesures

    serveurs = {taille: _Serveur(urls_des_bases[taille]) for taille in tailles}
    resultats: dict[str, dict] = {str(taille): {} for taille in tailles}
    try:
        for cle, libelle, _compte, url, famille in _pages():
            _journal(f"pages : {url}, {mesures.REQUETES} requêtes par taille, en alternance")
            for taille, serveur in serveurs.items():
                for _ in range(mesures.ECHAUFFEMENT):
                    serveur.demander("get", cle, url)
                sql = serveur.demander("requetes", cle, url)["sql"]
                resultats[str(taille)][cle] = {
                    "url": url,
                    "libelle": libelle,
                    "famille": famille,
                    "requetes_sql": len(sql),
                    "sql": sql,
                    "durees_ms": [],
                }
            for rang in range(mesures.REQUETES):
                decalage = rang % len(tailles)
                for taille in tailles[decalage:] + tailles[:decalage]:
                    duree = serveurs[taille].demander("get", cle, url)["ms"]
                    resultats[str(taille)][cle]["durees_ms"].append(duree)
            for taille in tailles:
                page = resultats[str(taille)][cle]
                page["p50_ms"] = mesures.centile(page["durees_ms"], 50)
                page["p95_ms"] = mesures.centile(page["durees_ms"], 95)
    finally:
        for serveur in serveurs.values():
            serveur.arreter()
    return resultats


def _mesurer_taille(taille: int, comptes) -> dict:
    from tests.bench import generation, mesures

    _journal(f"{taille} projets : génération")
    ecrit = generation.generer(taille, comptes)
    _journal(
        f"{taille} projets : {ecrit.projets} projets, {ecrit.avis} avis, "
        f"{ecrit.engagements} engagements, {ecrit.versements} versements "
        f"en {ecrit.duree:.1f} s ; recalcul complet"
    )
    resultat = {"generation": vars(ecrit), "charge": os.getloadavg()[0]}
    resultat["recalcul"] = mesures.mesurer_recalcul()
    _journal(f"{taille} projets : recalcul incrémental")
    resultat["incremental"] = mesures.mesurer_incremental()
    _journal(f"{taille} projets : mémoire du recalcul (sous-processus)")
    resultat["memoire"] = mesures.mesurer_memoire()
    return resultat


# --- Cibles et tableau ---------------------------------------------------------------


def _nombre(valeur, decimales: int = 0) -> str:
    if valeur is None:
        return "—"
    texte = f"{valeur:,.{decimales}f}".replace(",", "\u202f").replace(".", ",")
    return texte


def _evaluer(tailles: list[int], par_taille: dict) -> tuple[list[list[str]], list[dict]]:
    """Lignes du tableau et cibles (à la plus grande taille, rapports à la plus petite)."""
    petite, grande = str(min(tailles)), str(max(tailles))
    lignes, cibles = [], []

    def valeurs(extraire, decimales=0):
        return [_nombre(extraire(par_taille[str(t)]), decimales) for t in tailles]

    def ligne(libelle, extraire, decimales=0, cible="", ok=None, nom=None, valeur=None):
        resultat = "—" if ok is None else ("OK" if ok else "ÉCHEC")
        lignes.append([libelle, *valeurs(extraire, decimales), cible, resultat])
        if ok is not None:
            cibles.append({"cible": nom or libelle, "seuil": cible, "valeur": valeur, "ok": ok})

    ligne(
        "Génération des données (s)",
        lambda m: m["generation"]["duree"],
        1,
        *(_cible_generation(tailles, par_taille)),
    )
    ligne("Charge de la machine au début (1 min)", lambda m: m["charge"], 1)
    ligne("Recalcul complet, 1er passage (ms)", lambda m: m["recalcul"]["premier_ms"])
    ligne("Recalcul complet, médiane de 5 (ms)", lambda m: m["recalcul"]["recalcul_mediane_ms"])
    ligne("SQL nu de référence, médiane de 5 (ms)", lambda m: m["recalcul"]["sql_nu_mediane_ms"])
    ligne(
        "  pour mémoire : SQL nu partiel (ms)",
        lambda m: m["recalcul"]["sql_partiel_mediane_ms"],
    )
    # Le rapport n'a de sens qu'à grande taille : à 1 000 ou 10 000 projets, le coût fixe
    # du recalcul (référentiel, lecture et datation des ~2 000 lignes de totaux) domine.
    rapport = par_taille[grande]["recalcul"]["rapport"]
    mesurable = int(grande) >= TAILLE_DU_RAPPORT
    ligne(
        "Recalcul / SQL nu",
        lambda m: m["recalcul"]["rapport"],
        2,
        f"≤ {_nombre(RAPPORT_SQL_NU_MAX, 1)} à {_nombre(TAILLE_DU_RAPPORT)}"
        + ("" if mesurable else " (non mesuré)"),
        rapport <= RAPPORT_SQL_NU_MAX if mesurable else None,
        valeur=rapport,
    )
    ligne(
        "  pour mémoire : recalcul / SQL nu partiel",
        lambda m: m["recalcul"]["rapport_partiel"],
        2,
    )
    ecarts = {t: par_taille[str(t)]["recalcul"]["ecarts_sql_nu"] for t in tailles}
    ligne(
        "Lignes de totaux différentes du SQL nu",
        lambda m: len(m["recalcul"]["ecarts_sql_nu"]),
        0,
        "0 à chaque taille",
        not any(ecarts.values()),
        valeur={str(t): e[:5] for t, e in ecarts.items()},
    )
    incremental = par_taille[grande]["incremental"]["mediane_ms"]
    ligne(
        "Recalcul incrémental, médiane de 11 (ms)",
        lambda m: m["incremental"]["mediane_ms"],
        1,
        f"< {_nombre(INCREMENTAL_MAX_MS)} à {_nombre(int(grande))}",
        incremental < INCREMENTAL_MAX_MS,
        valeur=incremental,
    )
    ligne("Projets du territoire recalculé", lambda m: m["incremental"]["projets_du_territoire"])
    pic_petite = par_taille[petite]["memoire"]["pic_mo"]
    pic_grande = par_taille[grande]["memoire"]["pic_mo"]
    ligne(
        "Mémoire max du recalcul (Mo)",
        lambda m: m["memoire"]["pic_mo"],
        1,
        f"≤ {_nombre(MEMOIRE_RAPPORT_MAX, 1)} × {_nombre(int(petite))}",
        pic_grande <= MEMOIRE_RAPPORT_MAX * pic_petite,
        valeur=pic_grande / pic_petite,
    )
    ligne("  dont recalcul seul (Mo)", lambda m: m["memoire"]["accroissement_mo"], 1)

    for cle, page in par_taille[grande]["pages"].items():
        libelle, famille = page["libelle"], page["famille"]
        if not all(cle in par_taille[str(t)]["pages"] for t in tailles):
            continue
        comptes = {par_taille[str(t)]["pages"][cle]["requetes_sql"] for t in tailles}
        ok_requetes = None if famille == "info" else len(comptes) == 1
        ligne(
            f"{libelle} : requêtes SQL",
            lambda m, cle=cle: m["pages"][cle]["requetes_sql"],
            0,
            "" if famille == "info" else "identiques",
            ok_requetes,
            valeur=sorted(comptes),
        )
        p50_petite = par_taille[petite]["pages"][cle]["p50_ms"]
        p50_grande = page["p50_ms"]
        if famille == "tableau":
            ligne(
                f"{libelle} : p50 (ms)",
                lambda m, cle=cle: m["pages"][cle]["p50_ms"],
                1,
                f"≤ {_nombre(TABLEAU_DE_BORD_RAPPORT_MAX, 1)} × {_nombre(int(petite))}",
                p50_grande <= TABLEAU_DE_BORD_RAPPORT_MAX * p50_petite,
                valeur=p50_grande / p50_petite,
            )
        else:
            ligne(f"{libelle} : p50 (ms)", lambda m, cle=cle: m["pages"][cle]["p50_ms"], 1)
        if famille == "liste":
            ligne(
                f"{libelle} : p95 (ms)",
                lambda m, cle=cle: m["pages"][cle]["p95_ms"],
                1,
                f"< {_nombre(LISTE_P95_MAX_MS)} à {_nombre(int(grande))}",
                page["p95_ms"] < LISTE_P95_MAX_MS,
                valeur=page["p95_ms"],
            )
        else:
            ligne(f"{libelle} : p95 (ms)", lambda m, cle=cle: m["pages"][cle]["p95_ms"], 1)
    return lignes, cibles


def _cible_generation(tailles, par_taille) -> tuple:
    if 100_000 not in tailles:
        return ()
    duree = par_taille["100000"]["generation"]["duree"]
    return (
        f"< {_nombre(GENERATION_100K_MAX_S)} à 100 000",
        duree < GENERATION_100K_MAX_S,
        "Génération de 100 000 projets (s)",
        duree,
    )


def _tableau(tailles: list[int], lignes: list[list[str]]) -> str:
    entetes = ["Mesure", *(f"{_nombre(t)} projets" for t in tailles), "Cible", "Résultat"]
    largeurs = [max(len(ligne[i]) for ligne in [entetes, *lignes]) for i in range(len(entetes))]

    def rangee(cellules):
        return "| " + " | ".join(c.ljust(largeurs[i]) for i, c in enumerate(cellules)) + " |"

    separation = "| " + " | ".join("-" * n for n in largeurs) + " |"
    return "\n".join([rangee(entetes), separation, *(rangee(ligne) for ligne in lignes)])


# --- Points d'entrée -----------------------------------------------------------------


def _tailles(texte: str) -> list[int]:
    try:
        tailles = sorted({int(t.replace("_", "")) for t in texte.split(",") if t.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            "--tailles attend des entiers séparés par des virgules, ex. 1000,10000"
        ) from exc
    if not tailles or tailles[0] < 100:
        raise argparse.ArgumentTypeError("--tailles : au moins une taille, chacune d'au moins 100.")
    return tailles


def _sous_processus(mesure) -> int:
    """Un sous-processus de mesure (mémoire, pages) : la base doit être celle du banc."""
    config = _verifier_postgresql(os.environ.get("DATABASE_URL", ""))
    if SUFFIXE not in config["NAME"]:
        return _refus("les mesures en sous-processus ne s'exécutent que sur la base du banc.")
    _django()
    resultat = mesure()
    if resultat is not None:
        print(json.dumps(resultat, default=str))
    return 0


def _memoire_recalcul() -> dict:
    from tests.bench import mesures

    return mesures.memoire_dans_ce_processus()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.banc",
        description="Banc de performance du portail (PostgreSQL, base « <nom>_banc »).",
    )
    parser.add_argument(
        "--tailles",
        type=_tailles,
        default=list(TAILLES),
        help="nombres de projets, séparés par des virgules (défaut : 1000,10000,100000)",
    )
    parser.add_argument("--memoire-recalcul", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--servir-pages", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mesurer-export", choices=("csv", "xlsx"), help=argparse.SUPPRESS)
    parser.add_argument("--mesurer-import", metavar="CHEMIN", help=argparse.SUPPRESS)
    parser.add_argument("--sans-copy", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--sans-tableurs",
        action="store_true",
        help="sans les mesures des tableurs (import, exports) ni des pages sous charge",
    )
    arguments = parser.parse_args(argv)
    if arguments.memoire_recalcul:
        return _sous_processus(_memoire_recalcul)
    if arguments.mesurer_export:
        from tests.bench import tableurs

        return _sous_processus(lambda: tableurs.export_dans_ce_processus(arguments.mesurer_export))
    if arguments.mesurer_import:
        from tests.bench import tableurs

        return _sous_processus(
            lambda: tableurs.import_dans_ce_processus(
                arguments.mesurer_import, copy=not arguments.sans_copy
            )
        )
    if arguments.servir_pages:
        return _sous_processus(_servir_pages)

    import environ

    # Comme `config/settings.py` : un fichier `.env` complète l'environnement.
    environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
    url = os.environ.get("DATABASE_URL", "")
    try:
        config = _verifier_postgresql(url)
    except SystemExit as refus:
        return int(refus.code)
    nom_banc = config["NAME"] + SUFFIXE
    debut = time.perf_counter()
    _journal(f"base du banc : {nom_banc} (supprimée puis recréée)")
    _recreer_base(config, nom_banc)
    _preparer_environnement(_url_du_banc(url, nom_banc))
    _django()

    from django.core.management import call_command

    from tests.bench import generation, mesures

    call_command("migrate", verbosity=0)
    _journal("référentiel")
    call_command("importer_referentiel", sans_progression=True, verbosity=0)
    comptes = generation.preparer_comptes()
    mesures.creer_tables_brouillon()
    machine = _machine()

    par_taille, urls_des_bases = {}, {}
    copies = [f"{nom_banc}_{taille}" for taille in arguments.tailles]
    try:
        for taille, copie in zip(arguments.tailles, copies, strict=True):
            par_taille[str(taille)] = _mesurer_taille(taille, comptes)
            _copier_base(config, nom_banc, copie)
            urls_des_bases[taille] = _url_du_banc(url, copie)
        for taille, pages in _mesurer_pages(arguments.tailles, urls_des_bases).items():
            par_taille[taille]["pages"] = pages
    finally:
        _supprimer_bases(config, copies)
    # La base du banc garde les projets de la plus grande taille : tableurs et charge.
    tableurs_mesures = None
    if not arguments.sans_tableurs:
        from tests.bench import tableurs

        tableurs_mesures = tableurs.mesurer_tout(max(arguments.tailles), _journal)
    machine["charge_fin"] = os.getloadavg()
    lignes, cibles = _evaluer(arguments.tailles, par_taille)
    tableau = _tableau(arguments.tailles, lignes)
    if tableurs_mesures is not None:
        lignes_tableurs, cibles_tableurs = tableurs.evaluer(tableurs_mesures, _nombre)
        cibles += cibles_tableurs
        tableau += (
            f"\n\nTableurs et pages sous charge ({_nombre(max(arguments.tailles))} projets) :\n\n"
            + tableurs.tableau(lignes_tableurs)
        )
    reussi = all(c["ok"] for c in cibles)
    print(tableau)
    print(
        f"\nMachine : {machine['processeurs']} processeurs, {machine['memoire']} de mémoire, "
        f"PostgreSQL {machine['postgresql']}, charge {machine['charge_debut'][0]:.2f} → "
        f"{machine['charge_fin'][0]:.2f} ; durée totale {time.perf_counter() - debut:.0f} s."
    )
    echecs = [c["cible"] for c in cibles if not c["ok"]]
    print(
        "Toutes les cibles sont atteintes." if reussi else f"Cibles manquées : {', '.join(echecs)}."
    )
    RESULTATS.write_text(
        json.dumps(
            {
                "machine": machine,
                "base": nom_banc,
                "tailles": arguments.tailles,
                "tableau": tableau,
                "cibles": cibles,
                "reussi": reussi,
                "mesures": par_taille,
                "tableurs": tableurs_mesures,
            },
            ensure_ascii=False,
            indent=2,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"Résultats détaillés : {RESULTATS}")
    return 0 if reussi else 1


if __name__ == "__main__":
    sys.exit(main())
