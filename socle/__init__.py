"""Le socle : ce que toutes les applications partagent sans rien connaître d'elles.

Formats français, exports et tableaux, rendu des formulaires, décisions et erreurs
métier, socle de l'API et des pages, demandes de recalcul des totaux. Le socle
n'importe aucune application du portail (contrat `import-linter` de `pyproject.toml`).
"""
