"""Travaux de fond assemblés par le portail : le gros export de la liste des projets."""

from django.http import QueryDict

from portail import exports
from projets.views import selection
from socle import travaux
from socle.format_fr import nombre


def lancer_export(*, auteur, requete: str, format: str, cles, adresse: str, nombre_lignes: int):
    """Inscrit l'export : la sélection (adresse de la liste), le format et les colonnes."""
    return travaux.lancer(
        exports.GENRE_EXPORT,
        auteur=auteur,
        libelle=f"Export de {nombre(nombre_lignes)} projets ({format.upper()})",
        parametres={"requete": requete, "format": format, "colonnes": cles, "adresse": adresse},
    )


@travaux.tache(exports.GENRE_EXPORT)
def exporter_projets(travail) -> None:
    """La sélection est relue au moment du travail, avec le périmètre de son auteur."""
    _filtre, qs = selection(travail.auteur, QueryDict(travail.parametres["requete"]))
    exports.ecrire(travail, qs)
