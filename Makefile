# Portail Territoires d'industrie — commandes de travail.
# `make run` et `make test` suffisent sur une machine neuve qui n'a que Python 3.11.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLE := $(VENV)/.installe

.DEFAULT_GOAL := help
.PHONY: help install run test test-e2e lint format migrations-check bench bench-quick

help: ## Affiche cette aide
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-18s %s\n", $$1, $$2}'

$(INSTALLE): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(INSTALLE)

install: $(INSTALLE) ## Crée l'environnement virtuel et installe les dépendances épinglées

run: export DEBUG ?= true
run: $(INSTALLE) ## Installe, migre, charge le référentiel et la démo, sert le portail sur http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py importer_referentiel
	$(PY) manage.py generer_demo --si-vide
	$(PY) manage.py recalculer_totaux
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(INSTALLE) ## Installe puis lance toute la suite de tests (PostgreSQL si DATABASE_URL est défini)
	@test -f node_modules/axe-core/axe.min.js || ! command -v npm >/dev/null || npm ci --no-audit --no-fund
	@# Les tests de bout en bout (Chromium) tournent à côté des autres, dans leur propre base de
	@# test (suffixe « _e2e ») : les deux processeurs travaillent. PYTEST_ARGS : des options,
	@# passées aux deux. Leur sortie suit celle des autres ; la suite échoue si l'une échoue.
	@journal=$$(mktemp); \
	SUFFIXE_BASE_DE_TEST=e2e $(VENV)/bin/pytest tests/e2e -rs $(PYTEST_ARGS) > $$journal 2>&1 & e2e=$$!; \
	$(VENV)/bin/pytest -rs --ignore=tests/e2e $(PYTEST_ARGS); autres=$$?; \
	wait $$e2e; bout_en_bout=$$?; \
	echo "== Tests de bout en bout (tests/e2e, Chromium)"; cat $$journal; rm -f $$journal; \
	test $$autres -eq 0 && test $$bout_en_bout -eq 0

test-e2e: $(INSTALLE) ## Tests de bout en bout dans Chromium : parcours des agents, accessibilité (axe-core)
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	$(VENV)/bin/pytest tests/e2e -rs $(PYTEST_ARGS)

lint: $(INSTALLE) ## Vérifie le style (ruff) et le contrat des couches (import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(INSTALLE) ## Reformate le code avec ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(INSTALLE) ## Vérifie que les migrations sont à jour
	SECRET_KEY=$${SECRET_KEY:-verification-migrations} $(PY) manage.py makemigrations --check --dry-run

bench: $(INSTALLE) ## Banc de performance sur PostgreSQL (DATABASE_URL) : 1 000, 10 000 et 100 000 projets
	$(PY) -m tests.bench.banc --tailles 1000,10000,100000

bench-quick: $(INSTALLE) ## Banc rapide : 1 000 et 10 000 projets (moins de 3 minutes)
	$(PY) -m tests.bench.banc --tailles 1000,10000
