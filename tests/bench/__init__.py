"""Banc de performance du portail (PostgreSQL) : `python -m tests.bench.banc`.

Aucun module de ce paquet ne s'appelle `test_*` : pytest ne les collecte pas.
Voir `tests/bench/banc.py` pour l'usage et les cibles mesurées.
"""
