"""`make run` lisible dans un journal : pas d'avertissement W040 de SQLite, et des barres de
progression écrites en lignes simples quand la sortie n'est pas un terminal."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from socle.progression import ProgressionEnLignes, barre_de_progression

RACINE = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_recalculer_totaux_hors_terminal_ecrit_des_lignes(referentiel):
    erreurs = io.StringIO()
    call_command("recalculer_totaux", stdout=io.StringIO(), stderr=erreurs)
    texte = erreurs.getvalue()
    assert "\r" not in texte and "\x1b" not in texte
    lignes = texte.splitlines()
    assert lignes[0].startswith("Totaux : 1/")
    etapes = lignes[-1].split(" : ")[1].split(" ")[0]
    fait, total = etapes.split("/")
    assert fait == total


def test_un_long_travail_ecrit_une_ligne_par_dixieme():
    sortie = io.StringIO()
    barre = barre_de_progression(
        total=1000, desc="Import", unit="ligne", file=sortie, disable=False
    )
    assert isinstance(barre, ProgressionEnLignes)
    for _ in range(1000):
        barre.update(1)
    barre.close()
    lignes = sortie.getvalue().splitlines()
    assert len(lignes) == 11  # 0 %, puis chaque dixième jusqu'à 100 %
    assert lignes[-1] == "Import : 1000/1000 ligne"


def test_dans_un_terminal_la_barre_reste_celle_de_tqdm():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    barre = barre_de_progression(
        total=3, desc="Totaux", unit="étape", file=Terminal(), disable=False
    )
    assert not isinstance(barre, ProgressionEnLignes)
    barre.close()


def test_la_verification_sur_sqlite_ne_signale_pas_w040(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'verif.sqlite3'}",
        "DEBUG": "true",
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=RACINE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert "W040" not in resultat.stdout + resultat.stderr
    assert "no issues" in resultat.stdout
