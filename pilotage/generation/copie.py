"""Insérer des lignes par COPY (PostgreSQL) : la manière du banc, à 100 000 projets.

Même contrat que `ecriture.inserer_par_l_orm` : des valeurs par nom d'attribut, les
identifiants rendus dans l'ordre. Les identifiants suivent le plus grand de la table
(verrouillée le temps de la transaction) ; la séquence est recalée ensuite.
"""

import datetime
import io
import json

from django.core.management.color import no_style
from django.db import connection


def _chaine(valeur: str) -> str:
    if "\\" in valeur or "\t" in valeur or "\n" in valeur or "\r" in valeur:
        return (
            valeur.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return valeur


# Une valeur au format texte de COPY, selon son type (le plus souvent : `str`).
_FORMATS = {
    str: _chaine,
    type(None): lambda _valeur: r"\N",
    bool: lambda valeur: "t" if valeur else "f",
    datetime.datetime: lambda valeur: valeur.isoformat(sep=" "),
    dict: lambda valeur: _chaine(json.dumps(valeur)),
}


def _texte(valeur) -> str:
    return _FORMATS.get(type(valeur), str)(valeur)  # nombres, Decimal, dates, UUID : str


def inserer(modele, valeurs: list[dict]) -> list[int]:
    """COPY … FROM STDIN ; un champ absent des valeurs prend son défaut (comme l'ORM)."""
    if not valeurs:
        return []
    if connection.vendor != "postgresql":
        raise RuntimeError("L'écriture par COPY demande PostgreSQL.")
    q = connection.ops.quote_name
    table = q(modele._meta.db_table)
    # Une colonne générée (forme de recherche) est calculée par la base, jamais écrite.
    champs = [
        champ
        for champ in modele._meta.concrete_fields
        if not champ.primary_key and not champ.generated
    ]
    defauts = {c.attname: c.get_default() for c in champs if c.attname not in valeurs[0]}
    colonnes = ", ".join(q(c.column) for c in [modele._meta.pk, *champs])
    with connection.cursor() as curseur:
        curseur.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        curseur.execute(f"SELECT COALESCE(MAX({q(modele._meta.pk.column)}), 0) FROM {table}")  # noqa: S608
        premier = curseur.fetchone()[0] + 1
        identifiants = list(range(premier, premier + len(valeurs)))
        tampon = io.StringIO()
        noms = [champ.attname for champ in champs]
        for identifiant, ligne in zip(identifiants, valeurs, strict=True):
            ligne = {**defauts, **ligne} if defauts else ligne
            tampon.write(
                f"{identifiant}\t" + "\t".join([_texte(ligne[nom]) for nom in noms]) + "\n"
            )
        sql = f"COPY {table} ({colonnes}) FROM STDIN"
        brut = curseur.cursor
        if hasattr(brut, "copy_expert"):  # psycopg2
            tampon.seek(0)
            brut.copy_expert(sql, tampon)
        else:  # psycopg 3
            with brut.copy(sql) as copie:
                copie.write(tampon.getvalue())
        for instruction in connection.ops.sequence_reset_sql(no_style(), [modele]):
            curseur.execute(instruction)
    return identifiants
