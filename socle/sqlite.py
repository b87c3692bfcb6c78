"""Ce que SQLite n'a pas et que PostgreSQL a : `TRANSLATE`, ajoutée à chaque connexion.

La forme de recherche des projets et des entreprises est une colonne générée
`TRANSLATE(LOWER(…), …)` (`territoires.validators.forme_de_recherche`) ; SQLite la calcule
avec cette fonction, déterministe, comme PostgreSQL avec la sienne.
"""


def traduire(texte, remplaces, remplacants):
    """`TRANSLATE` de PostgreSQL : chaque caractère de `remplaces` devient celui de même rang
    de `remplacants` (ceux qui n'en ont pas disparaissent)."""
    if texte is None or remplaces is None or remplacants is None:
        return None
    table = dict(zip(map(ord, remplaces), remplacants, strict=False))
    table.update({ord(c): None for c in remplaces[len(remplacants) :]})
    return str(texte).translate(table)


def ajouter_les_fonctions(sender, connection, **kwargs):
    """Récepteur de `connection_created` : les fonctions manquantes sur une connexion SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("TRANSLATE", 3, traduire, deterministic=True)
