"""Les tests qui sortent du processus de test ou de sa connexion unique : une commande de
`manage.py` dans un processus neuf, des agents qui écrivent en même temps."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# Chaque fil d'exécution a sa propre connexion et sa propre transaction : seul PostgreSQL a
# des verrous de ligne.
CONNEXIONS_CONCURRENTES = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Verrous de ligne et connexions concurrentes : PostgreSQL seulement "
        "(SQLite verrouille la base entière).",
    ),
]


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """La commande dans un processus neuf, réglages lus dans `env` (sortie et erreurs
    gardées, code de retour laissé au test)."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
