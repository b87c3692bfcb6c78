"""La restauration décrite dans docs/exploitation.md, exécutée pour de vrai (PostgreSQL)."""

import os
import shutil
import subprocess

import pytest
from django.db import connection

from projets.models import Avis, Projet, Statut
from tests.comptes.factories import creer_comptes
from tests.processus import manage
from tests.projets.factories import projet_au_statut

pytestmark = pytest.mark.django_db(transaction=True)

TABLES = ["projets_projet", "projets_avis", "projets_evenement", "territoires_perimetre"]


def _url(base):
    reglages = connection.settings_dict
    hote = reglages["HOST"] or "127.0.0.1"
    port = reglages["PORT"] or "5432"
    return f"postgres://{reglages['USER'] or 'postgres'}@{hote}:{port}/{base}"


def _lignes(url, table):
    resultat = subprocess.run(
        [
            "psql",
            url,
            "-tAc",
            f"SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return resultat.stdout.strip()


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"),
    reason="restauration testée sur PostgreSQL avec pg_dump et pg_restore",
)
def test_sauvegarde_puis_restauration_dans_une_base_neuve(referentiel, tmp_path):
    comptes = creer_comptes()
    agents = {"prefecture": comptes["prefecture-84"], "conseil": comptes["region-84"]}
    projet_au_statut(Statut.PRESELECTIONNE, **agents)
    projet_au_statut(Statut.NON_RETENU, **agents)
    source = _url(connection.settings_dict["NAME"])
    cible_nom = f"{connection.settings_dict['NAME']}_restauree"
    cible = _url(cible_nom)
    dump = tmp_path / "portail.dump"

    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], check=True
    )
    subprocess.run(
        ["dropdb", "--if-exists", "--force", cible_nom, "-h", "127.0.0.1", "-U", "postgres"],
        check=True,
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", cible_nom], check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={cible}", str(dump)],
            check=True,
        )
        env = {**os.environ, "DATABASE_URL": cible}
        migrations = manage("migrate", "--check", env=env)
        assert migrations.returncode == 0, migrations.stdout + migrations.stderr
        recalcul = manage("recalculer_totaux", "--sans-progression", env=env)
        assert recalcul.returncode == 0, recalcul.stdout + recalcul.stderr
        for table in TABLES:
            assert _lignes(cible, table) == _lignes(source, table), table
        assert Projet.objects.count() == 2 and Avis.objects.count() >= 2
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", "--force", cible_nom, "-h", "127.0.0.1", "-U", "postgres"],
            check=False,
        )
