"""Travaux de fond des projets : l'import d'un tableur lancé de la page d'import."""

from pathlib import PurePath

from projets import importation
from socle import travaux
from socle.format_fr import nombre

GENRE_IMPORT = "import_projets"


def lancer_import(*, auteur, fichier=None, nom_fichier: str = "", verifier: bool, depuis=None):
    """Inscrit la vérification ou l'import d'un fichier (`travaux.lancer_sur_fichier`)."""
    quoi = "Vérification" if verifier else "Import"
    return travaux.lancer_sur_fichier(
        GENRE_IMPORT,
        auteur=auteur,
        libelle=lambda nom: f"{quoi} des projets de « {nom} »",
        verifier=verifier,
        fichier=fichier,
        nom_fichier=nom_fichier,
        depuis=depuis,
    )


@travaux.tache(GENRE_IMPORT)
def importer(travail) -> dict | None:
    verifier = travail.parametres.get("verifier", True)
    nom = travail.parametres.get("nom_fichier") or PurePath(travail.entree.name).name
    with travail.entree.open("rb") as flux:
        rapport = importation.importer_projets(
            auteur=travail.auteur,
            fichier=flux,
            nom_fichier=nom,
            verifier=verifier,
            progression=lambda faites, total, etape: travaux.avancer(
                travail, faites, total, etape=etape
            ),
        )
    resultat = rapport.vers_json()
    if not rapport.valide:
        travaux.echouer(
            travail,
            f"{nombre(rapport.nb_erreurs)} erreur{'s' if rapport.nb_erreurs > 1 else ''} : "
            "aucun projet n'a été enregistré.",
            resultat=resultat,
        )
        return None
    nb = rapport.nb_lignes
    s = "s" if nb > 1 else ""
    if verifier:
        message = f"Fichier valide : {nombre(nb)} projet{s} prêt{s} à être importé{s}."
    else:
        message = f"{nombre(nb)} projet{s} importé{s}, dont {nombre(rapport.nb_deposes)} déposé" + (
            "s." if rapport.nb_deposes > 1 else "."
        )
    travaux.terminer(travail, resultat=resultat, message=message)
    return None
