"""Mesures des tableurs : l'import d'un fichier de projets et les gros exports.

- import de `LIGNES_IMPORT` lignes valides (vrai référentiel, auteur : l'équipe
  nationale) : le contrôle seul (`--verifier`, rien d'écrit), puis le contrôle et
  l'import, et son rapport à un `COPY` PostgreSQL des mêmes lignes de projets (écrites
  par l'import, relues puis réécrites telles quelles) ; les projets importés sont ensuite
  effacés. Avec 100 000 projets, un fichier de `LIGNES_IMPORT_MAX` lignes aussi. Chaque
  fichier est vérifié puis importé dans un processus neuf (`--mesurer-import`), qui donne
  la mémoire prise (pic `VmHWM` moins la mémoire d'avant) : elle ne doit pas croître avec
  le nombre de lignes ;
- export de tous les projets de la base, toutes colonnes, en CSV puis en XLSX, comme le
  travail de fond l'écrit (`portail.exports`) : durée et mémoire maximale du processus
  (`VmHWM`), dans un processus neuf (`--mesurer-export csv|xlsx`).

Le recalcul des totaux que l'import demande n'est pas chronométré : il part après la
validation, en tâche Celery (ici dans le processus, une fois la mesure prise).
"""

import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import time

from django.db import connection, transaction
from django.db.models import GeneratedField

LIGNES_IMPORT = 5000
LIGNES_IMPORT_MAX = 50_000
IMPORT_MAX_S = 10.0  # contrôle et import de 5 000 lignes
IMPORT_50K_MAX_S = 100.0
IMPORT_MEMOIRE_MAX_MO = 64.0  # mémoire prise par l'import, quel que soit le nombre de lignes
EXPORT_MEMOIRE_MAX_MO = 150.0  # accroissement pendant l'export, quel que soit le nombre de lignes


def fichier_d_import(nombre: int) -> bytes:
    """Un fichier CSV de `nombre` projets valides, tous distincts (un porteur par ligne)."""
    from tests.projets.factories import fichier_csv, ligne_import, siren_valide

    return fichier_csv(
        [
            ligne_import(
                intitule=f"Projet du banc n° {rang}",
                porteur_siren=siren_valide(900_000 + rang % 90_000),
                porteur_raison_sociale=f"Entreprise du banc {900_000 + rang % 90_000}",
                siret="",
            )
            for rang in range(nombre)
        ]
    )


def _chronometrer_import(auteur, chemin: str, *, verifier: bool):
    from projets.importation import importer_projets

    # La transaction extérieure : le recalcul demandé part à sa validation, hors mesure.
    with transaction.atomic(), open(chemin, "rb") as fichier:
        debut = time.perf_counter()
        rapport = importer_projets(
            auteur=auteur, fichier=fichier, nom_fichier="banc.csv", verifier=verifier
        )
        duree = time.perf_counter() - debut
    if not rapport.valide:
        raise RuntimeError(f"fichier du banc refusé : {rapport.erreurs[:3]}")
    return duree, rapport


def _copy_des_memes_lignes(ids: list[int]) -> float:
    """Les lignes de projets écrites par l'import, réécrites par COPY : la durée du COPY."""
    from projets.models import Projet

    table = connection.ops.quote_name(Projet._meta.db_table)
    # Les colonnes écrites (une colonne générée, la forme de recherche, est calculée par la base).
    colonnes = ", ".join(
        connection.ops.quote_name(champ.column)
        for champ in Projet._meta.concrete_fields
        if not isinstance(champ, GeneratedField)
    )
    tampon = io.StringIO()
    with connection.cursor() as curseur:
        brut = curseur.cursor
        liste = ",".join(map(str, ids))
        requete = f"COPY (SELECT {colonnes} FROM {table} WHERE id IN ({liste})) TO STDOUT"  # noqa: S608
        brut.copy_expert(requete, tampon)
        with transaction.atomic():
            curseur.execute(f"DELETE FROM projets_evenement WHERE projet_id IN ({liste})")  # noqa: S608
            curseur.execute(f"DELETE FROM {table} WHERE id IN ({liste})")  # noqa: S608
        tampon.seek(0)
        with transaction.atomic():
            debut = time.perf_counter()
            brut.copy_expert(f"COPY {table} ({colonnes}) FROM STDIN", tampon)
            duree = time.perf_counter() - debut
    return duree


def _effacer(ids: list[int], auteur) -> None:
    from comptes.models import Trace
    from projets.models import Entreprise, Projet

    sirens = list(Projet.objects.filter(pk__in=ids).values_list("porteur__siren", flat=True))
    Projet.objects.filter(pk__in=ids).delete()
    Entreprise.objects.filter(siren__in=sirens, projets__isnull=True).delete()
    Trace.objects.filter(auteur=auteur, modele="projets.Projet").delete()


def import_dans_ce_processus(chemin: str, *, copy: bool) -> dict:
    """Exécuté par le sous-processus : vérification puis import du fichier `chemin` (sur
    disque, comme celui d'un import lancé de la page), la mémoire prise par les deux
    (pic `VmHWM` moins la mémoire d'avant, dans un processus neuf), le COPY des mêmes
    lignes ; les projets importés sont ensuite effacés."""
    from django.contrib.auth import get_user_model

    auteur = get_user_model().objects.get(username="banc-admin")
    gc.collect()
    avant = _proc_ko("VmRSS")
    verification, _ = _chronometrer_import(auteur, chemin, verifier=True)
    importation, rapport = _chronometrer_import(auteur, chemin, verifier=False)
    mesure = {
        "lignes": rapport.nb_lignes,
        "verification_s": verification,
        "import_s": importation,
        "avant_ko": avant,
        "pic_ko": _proc_ko("VmHWM"),
    }
    if copy:
        mesure["copy_s"] = _copy_des_memes_lignes(rapport.projets)
        mesure["rapport_copy"] = importation / mesure["copy_s"]
    _effacer(rapport.projets, auteur)
    return mesure


def mesurer_import(nombre: int = LIGNES_IMPORT, *, copy: bool = True) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".csv") as fichier:
        fichier.write(fichier_d_import(nombre))
        fichier.flush()
        arguments = ["--mesurer-import", fichier.name] + ([] if copy else ["--sans-copy"])
        sortie = subprocess.run(  # noqa: S603 (notre propre module)
            [sys.executable, "-m", "tests.bench.banc", *arguments],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
    mesure = json.loads(sortie.stdout.strip().splitlines()[-1])
    mesure["memoire_mo"] = (mesure["pic_ko"] - mesure["avant_ko"]) / 1024
    return mesure


# --- Exports (sous-processus) ---------------------------------------------------------


def _proc_ko(cle: str) -> int:
    with open("/proc/self/status", encoding="ascii") as statut:
        for ligne in statut:
            if ligne.startswith(f"{cle}:"):
                return int(ligne.split()[1])
    raise RuntimeError(f"{cle} absent de /proc/self/status")


def export_dans_ce_processus(format: str) -> dict:
    """Exécuté par le sous-processus : tous les projets, toutes colonnes, dans un fichier."""
    from django.contrib.auth import get_user_model

    from portail import exports
    from projets.views import selection
    from socle.exports import classeur_xlsx, ecrire_csv

    auteur = get_user_model().objects.get(username="banc-admin")
    _filtre, qs = selection(auteur, None)
    cles = [c.cle for c in exports.COLONNES]
    colonnes = [exports.PAR_CLE[cle].colonne for cle in cles]
    compte = [0]

    def lignes():
        for ligne in exports.lignes(qs, cles, adresse="https://portail.example"):
            compte[0] += 1
            yield ligne

    avant = _proc_ko("VmRSS")
    debut = time.perf_counter()
    with tempfile.TemporaryFile() as destination:
        if format == "csv":
            ecrire_csv(destination, colonnes=colonnes, lignes=lignes())
        else:
            classeur_xlsx(
                titre="Projets", colonnes=colonnes, lignes=lignes(), destination=destination
            )
        taille = destination.tell()
    return {
        "format": format,
        "lignes": compte[0],
        "secondes": time.perf_counter() - debut,
        "avant_ko": avant,
        "pic_ko": _proc_ko("VmHWM"),
        "taille_octets": taille,
    }


def mesurer_export(format: str) -> dict:
    sortie = subprocess.run(  # noqa: S603 (notre propre module)
        [sys.executable, "-m", "tests.bench.banc", "--mesurer-export", format],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    mesure = json.loads(sortie.stdout.strip().splitlines()[-1])
    mesure["pic_mo"] = mesure["pic_ko"] / 1024
    mesure["accroissement_mo"] = (mesure["pic_ko"] - mesure["avant_ko"]) / 1024
    return mesure


# --- Tout, à la plus grande taille, et le tableau -------------------------------------


def mesurer_tout(taille: int, journal) -> dict:
    from tests.bench import charge

    mesure: dict = {"taille": taille}
    journal(f"import de {LIGNES_IMPORT} lignes : contrôle seul, import, COPY des mêmes lignes")
    mesure["import"] = mesurer_import()
    if taille >= 100_000:
        journal(f"import de {LIGNES_IMPORT_MAX} lignes")
        mesure["import_max"] = mesurer_import(LIGNES_IMPORT_MAX, copy=False)
    # Les projets importés puis effacés laissent des lignes mortes, qu'autovacuum nettoie en
    # service : sans lui (il peut être coupé sur la machine du banc), un comptage de la liste
    # ne lirait plus seulement l'index. Le banc fait ce qu'il ferait.
    journal("VACUUM ANALYZE après les imports")
    with connection.cursor() as curseur:
        curseur.execute("VACUUM ANALYZE")
    for format in ("csv", "xlsx"):
        journal(f"export de {taille} projets en {format.upper()} (sous-processus)")
        mesure[f"export_{format}"] = mesurer_export(format)
    journal(
        f"pages sous charge : gunicorn ({charge.PROCESSUS} processus), {charge.CADENCE} "
        f"requêtes/s pendant {charge.DUREE_S} s, puis saturation"
    )
    mesure["charge"] = charge.mesurer_charge()
    return mesure


def evaluer(mesure: dict, nombre) -> tuple[list[list[str]], list[dict]]:
    """Lignes (mesure, valeur, cible, résultat) et cibles."""
    from tests.bench import charge

    lignes, cibles = [], []

    def ligne(libelle, valeur, decimales=1, cible="", ok=None):
        resultat = "—" if ok is None else ("OK" if ok else "ÉCHEC")
        lignes.append([libelle, nombre(valeur, decimales), cible, resultat])
        if ok is not None:
            cibles.append({"cible": libelle, "seuil": cible, "valeur": valeur, "ok": ok})

    imp = mesure["import"]
    total = imp["verification_s"] + imp["import_s"]
    n = nombre(imp["lignes"])
    ligne(f"Import de {n} lignes : contrôle seul (s)", imp["verification_s"], 2)
    ligne(f"Import de {n} lignes : contrôle et import (s)", imp["import_s"], 2)
    ligne(
        f"Import de {n} lignes : vérification puis import (s)",
        total,
        2,
        f"< {nombre(IMPORT_MAX_S)}",
        total < IMPORT_MAX_S,
    )
    ligne(f"  COPY PostgreSQL des mêmes {n} projets (s)", imp["copy_s"], 3)
    ligne("  import / COPY", imp["rapport_copy"], 1)
    ligne(f"Import de {n} lignes : mémoire prise (Mo)", imp["memoire_mo"], 1)
    if "import_max" in mesure:
        grand = mesure["import_max"]
        duree = grand["verification_s"] + grand["import_s"]
        n = nombre(grand["lignes"])
        ligne(
            f"Import de {n} lignes : vérification puis import (s)",
            duree,
            1,
            f"< {nombre(IMPORT_50K_MAX_S)}",
            duree < IMPORT_50K_MAX_S,
        )
        ligne(
            f"Import de {n} lignes : mémoire prise (Mo)",
            grand["memoire_mo"],
            1,
            f"≤ {nombre(IMPORT_MEMOIRE_MAX_MO)}",
            grand["memoire_mo"] <= IMPORT_MEMOIRE_MAX_MO,
        )
    for format in ("csv", "xlsx"):
        export = mesure[f"export_{format}"]
        titre = f"Export de {nombre(export['lignes'])} projets en {format.upper()}"
        ligne(f"{titre} (s)", export["secondes"], 1)
        ligne(f"{titre} : mémoire max du processus (Mo)", export["pic_mo"], 1)
        ligne(
            f"{titre} : mémoire prise par l'export (Mo)",
            export["accroissement_mo"],
            1,
            f"≤ {nombre(EXPORT_MEMOIRE_MAX_MO)}",
            export["accroissement_mo"] <= EXPORT_MEMOIRE_MAX_MO,
        )
    sous_charge = mesure["charge"]
    for page, p in sous_charge["boucle_ouverte"].items():
        prefixe = f"{page} à {charge.CADENCE} req/s, {nombre(mesure['taille'])} projets"
        ligne(f"{prefixe} : p50 (ms)", p["p50_ms"], 1)
        ligne(
            f"{prefixe} : p95 (ms)",
            p["p95_ms"],
            1,
            f"< {nombre(charge.P95_MAX_MS)}",
            p["p95_ms"] < charge.P95_MAX_MS and p["erreurs"] == 0,
        )
        ligne(f"{prefixe} : p99 (ms)", p["p99_ms"], 1)
    saturation = sous_charge["saturation"]
    ligne(
        f"Débit de saturation, {charge.CLIENTS} clients (requêtes/s)",
        saturation["par_seconde"],
        1,
    )
    return lignes, cibles


def tableau(lignes: list[list[str]]) -> str:
    entetes = ["Mesure", "Valeur", "Cible", "Résultat"]
    largeurs = [max(len(ligne[i]) for ligne in [entetes, *lignes]) for i in range(4)]

    def rangee(cellules):
        return "| " + " | ".join(c.ljust(largeurs[i]) for i, c in enumerate(cellules)) + " |"

    separation = "| " + " | ".join("-" * n for n in largeurs) + " |"
    return "\n".join([rangee(entetes), separation, *(rangee(ligne) for ligne in lignes)])
