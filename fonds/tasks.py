"""Travaux de fond du fonds : la mise à jour en masse lancée de sa page."""

from fonds import mise_a_jour
from socle import travaux
from socle.format_fr import nombre

GENRE_MISE_A_JOUR = "mise_a_jour_fonds"


def lancer_mise_a_jour(*, auteur, fichier=None, nom_fichier="", verifier: bool, depuis=None):
    """Inscrit la vérification ou l'application d'un fichier (`travaux.lancer_sur_fichier`)."""
    quoi = "Vérification" if verifier else "Mise à jour"
    return travaux.lancer_sur_fichier(
        GENRE_MISE_A_JOUR,
        auteur=auteur,
        libelle=lambda nom: f"{quoi} des engagements, versements et statuts de « {nom} »",
        verifier=verifier,
        fichier=fichier,
        nom_fichier=nom_fichier,
        depuis=depuis,
    )


def _bilan(rapport) -> str:
    parties = [
        f"{nombre(n)} {quoi}{'s' if n > 1 else ''}"
        for n, quoi in (
            (rapport.nb_engagements, "engagement"),
            (rapport.nb_versements, "versement"),
            (rapport.nb_statuts, "changement de statut"),
        )
        if n
    ]
    return ", ".join(parties) or "aucun changement"


@travaux.tache(GENRE_MISE_A_JOUR)
def mettre_a_jour(travail) -> None:
    verifier = travail.parametres.get("verifier", True)
    with travail.entree.open("rb") as flux:
        rapport = mise_a_jour.mettre_a_jour(
            auteur=travail.auteur,
            fichier=flux,
            nom_fichier=travail.parametres.get("nom_fichier", ""),
            verifier=verifier,
            progression=lambda faites, total, etape: travaux.avancer(
                travail, faites, total, etape=etape
            ),
        )
    resultat = rapport.vers_json()
    if not rapport.valide:
        n = rapport.nb_erreurs
        message = f"{nombre(n)} erreur{'s' if n > 1 else ''} : rien n'a été enregistré."
        travaux.echouer(travail, message, resultat=resultat)
    elif verifier:
        message = f"Fichier valide : {_bilan(rapport)} à enregistrer. Rien n'est encore écrit."
        travaux.terminer(travail, resultat=resultat, message=message)
    else:
        travaux.terminer(travail, resultat=resultat, message=f"Enregistré : {_bilan(rapport)}.")
