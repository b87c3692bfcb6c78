"""Export d'une liste de projets (CSV ou XLSX), en une seule requête SQL.

La vue passe la sélection déjà restreinte au périmètre de l'utilisateur
(`selectors.projets_visibles_par`) et filtrée ; ce module ne fait que la mettre
en colonnes.
"""

from django.db.models import QuerySet
from django.http import HttpResponse

from projets.models import Enjeu, Filiere, Projet, SensAvis, Statut, Taille
from socle.exports import Colonne, TypeColonne, reponse_export

TITRE = "Projets"
TAILLE_LOT = 2000  # lignes lues à la fois (curseur côté serveur sous PostgreSQL)

T = TypeColonne

# (colonne, chemin lu par values_list, conversion éventuelle de la valeur)
_LIBELLES_STATUT = dict(Statut.choices)
_LIBELLES_TAILLE = dict(Taille.choices)
_LIBELLES_ENJEU = dict(Enjeu.choices)
_LIBELLES_FILIERE = dict(Filiere.choices)
_LIBELLES_AVIS = dict(SensAvis.choices)


def _libelle(libelles):
    return lambda valeur: libelles.get(valeur, valeur or "")


def _oui_non(valeur):
    return "Oui" if valeur else "Non"


DEFINITION = [
    (Colonne("N°", T.ENTIER, largeur=8, format_xlsx="0"), "id", None),
    (Colonne("Intitulé", largeur=45), "intitule", None),
    (Colonne("Statut", largeur=16), "statut", _libelle(_LIBELLES_STATUT)),
    (Colonne("Région", largeur=24), "region__nom", None),
    (Colonne("Code département", largeur=12), "departement_id", None),
    (Colonne("Département", largeur=20), "departement__nom", None),
    (Colonne("Code territoire", largeur=10), "territoire_id", None),
    (Colonne("Territoire d'industrie", largeur=35), "territoire__nom", None),
    (Colonne("SIREN EPCI", largeur=12), "epci_id", None),
    (Colonne("EPCI", largeur=35), "epci__nom", None),
    (Colonne("Code INSEE commune", largeur=10), "commune_id", None),
    (Colonne("Commune", largeur=25), "commune__nom", None),
    (Colonne("Porteur", largeur=35), "porteur__raison_sociale", None),
    (Colonne("SIREN porteur", largeur=12), "porteur__siren", None),
    (Colonne("Taille", largeur=16), "porteur__taille", _libelle(_LIBELLES_TAILLE)),
    (Colonne("Données fictives", largeur=10), "porteur__fictive", _oui_non),
    (Colonne("SIRET", largeur=16), "siret", None),
    (Colonne("Enjeu", largeur=12), "enjeu", _libelle(_LIBELLES_ENJEU)),
    (Colonne("Filière", largeur=30), "filiere", _libelle(_LIBELLES_FILIERE)),
    (Colonne("Année", T.ENTIER, largeur=8, format_xlsx="0"), "annee", None),
    (Colonne("Investissement productif (€)", T.MONTANT), "montant_investissement", None),
    (Colonne("Emplois créés", T.ENTIER), "emplois_crees", None),
    (Colonne("Emplois maintenus", T.ENTIER), "emplois_maintenus", None),
    (Colonne("Aide sollicitée (€)", T.MONTANT), "aide_sollicitee", None),
    (Colonne("Avis de l'État", largeur=12), "avis_etat", _libelle(_LIBELLES_AVIS)),
    (Colonne("Avis de la Région", largeur=12), "avis_region", _libelle(_LIBELLES_AVIS)),
    (Colonne("Début des travaux", T.DATE), "date_debut", None),
    (Colonne("Fin prévue", T.DATE), "date_fin", None),
    (Colonne("Dernière modification", T.DATE_HEURE), "updated_at", None),
]

COLONNES = [colonne for colonne, _, _ in DEFINITION]
CHEMINS = [chemin for _, chemin, _ in DEFINITION]


def lignes_projets(qs: QuerySet[Projet]):
    """Les lignes de l'export, lues par lots : une requête (jointures), jamais tout en mémoire."""
    conversions = [(rang, conversion) for rang, (_, _, conversion) in enumerate(DEFINITION)]
    conversions = [(rang, conversion) for rang, conversion in conversions if conversion]
    for valeurs in qs.values_list(*CHEMINS).iterator(chunk_size=TAILLE_LOT):
        ligne = list(valeurs)
        for rang, conversion in conversions:
            ligne[rang] = conversion(ligne[rang])
        yield ligne


def exporter_projets(qs: QuerySet[Projet], format: str) -> HttpResponse:
    """Le fichier des projets de `qs` (déjà restreinte au périmètre de l'utilisateur).

    `format` vaut « csv » ou « xlsx » ; tout autre format lève `socle.exports.FormatInconnu`.
    """
    return reponse_export(
        format=format, titre=TITRE, colonnes=COLONNES, lignes=lignes_projets(qs), nom="projets"
    )
