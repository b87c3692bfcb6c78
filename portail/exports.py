"""L'export de la liste des projets, assemblé : les colonnes des projets (`projets.exports`),
leurs crédits engagés et versés (`fonds.selectors.avec_credits`) et l'adresse de chaque
projet sur le portail.

L'agent choisit ses colonnes parmi toutes celles de la liste (`/projets/colonnes-export/`) ;
son choix est gardé avec son profil. Jusqu'à `SEUIL_TRAVAIL_DE_FOND` lignes, le fichier
part aussitôt : le CSV au fil des lignes, le XLSX en mode flux. Au-delà, l'export est un
travail de fond (`travaux.export_projets`) : le fichier est écrit sur le serveur, la page
du travail montre l'avancement puis le propose au téléchargement, et l'auteur est prévenu.
"""

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files import File
from django.db.models import QuerySet

from fonds.selectors import avec_credits
from projets import exports as projets_exports
from projets.models import Projet
from socle import exports, travaux
from socle.exports import Colonne, TypeColonne
from socle.format_fr import nombre

SEUIL_TRAVAIL_DE_FOND = 5000
GENRE_EXPORT = "export_projets"
LISTE = "projets"  # la clé du choix de colonnes dans le profil
TAILLE_LOT = 2000


@dataclass(frozen=True)
class ColonneExport:
    cle: str
    colonne: Colonne
    chemin: str  # lu par `values_list`
    conversion: object = None


COLONNES = [
    ColonneExport(chemin, colonne, chemin, conversion)
    for colonne, chemin, conversion in projets_exports.DEFINITION
] + [
    ColonneExport(
        "credits_engages",
        Colonne("Crédits engagés (€)", TypeColonne.MONTANT),
        "credits_engages",
    ),
    ColonneExport(
        "credits_verses", Colonne("Crédits versés (€)", TypeColonne.MONTANT), "credits_verses"
    ),
    ColonneExport("adresse", Colonne("Adresse du projet sur le portail", largeur=40), "id"),
]
PAR_CLE = {c.cle: c for c in COLONNES}
CHOIX = [(c.cle, c.colonne.titre) for c in COLONNES]


def colonnes_choisies(user) -> list[str]:
    """Les colonnes gardées dans le profil de l'agent (toutes, faute de choix)."""
    profil = getattr(user, "profil", None)
    gardees = (profil.colonnes_export if profil else {}).get(LISTE) or []
    return [cle for cle in gardees if cle in PAR_CLE] or [c.cle for c in COLONNES]


def garder_le_choix(user, cles: Iterable[str]) -> None:
    profil = user.profil
    profil.colonnes_export = {**profil.colonnes_export, LISTE: [c for c in cles if c in PAR_CLE]}
    profil.save(update_fields=["colonnes_export"])


def lignes(qs: QuerySet[Projet], cles: list[str], *, adresse: str) -> Iterator[list]:
    """Les lignes des colonnes `cles`, lues par lots (une requête, jamais tout en mémoire)."""
    choisies = [PAR_CLE[cle] for cle in cles]
    if {"credits_engages", "credits_verses"} & set(cles):
        qs = avec_credits(qs)
    chemins = list(dict.fromkeys(c.chemin for c in choisies))
    rangs = [chemins.index(c.chemin) for c in choisies]
    conversions = [
        (lambda pk: f"{adresse}/projets/{pk}/") if c.cle == "adresse" else c.conversion
        for c in choisies
    ]
    for valeurs in qs.values_list(*chemins).iterator(chunk_size=TAILLE_LOT):
        yield [
            conversion(valeurs[rang]) if conversion else valeurs[rang]
            for rang, conversion in zip(rangs, conversions, strict=True)
        ]


def reponse(qs: QuerySet[Projet], format: str, cles: list[str], *, adresse: str):
    return exports.reponse_export(
        format=format,
        titre=projets_exports.TITRE,
        colonnes=[PAR_CLE[cle].colonne for cle in cles],
        lignes=lignes(qs, cles, adresse=adresse),
        nom="projets",
    )


def ecrire(travail, qs: QuerySet[Projet]) -> None:
    """Écrit le fichier de l'export dans un fichier temporaire, puis le confie au travail."""
    parametres = travail.parametres
    format, cles = parametres["format"], parametres["colonnes"]
    total = qs.count()
    travaux.avancer(travail, 0, total, etape="Écriture du fichier")

    def suivies():
        for fait, ligne in enumerate(lignes(qs, cles, adresse=parametres["adresse"]), start=1):
            travaux.avancer(travail, fait)
            yield ligne

    colonnes = [PAR_CLE[cle].colonne for cle in cles]
    nom = exports.nom_de_fichier("projets", format)
    with tempfile.TemporaryFile() as destination:
        if format == "csv":
            exports.ecrire_csv(destination, colonnes=colonnes, lignes=suivies())
        else:
            exports.classeur_xlsx(
                titre=projets_exports.TITRE,
                colonnes=colonnes,
                lignes=suivies(),
                destination=destination,
            )
        destination.seek(0)
        travaux.terminer(
            travail,
            resultat={"nom_fichier": nom, "format": format, "lignes": total},
            message=f"Export prêt : {nombre(total)} projets.",
            fichier=File(destination),
            nom_fichier=nom,
        )
