"""Tableaux de page : une description pour la page et pour son export.

Un `Tableau` (ses colonnes et ses objets) s'affiche dans la page, trié côté serveur
(`trier`, des titres de colonne qui trient : `entetes`), et se télécharge en CSV ou
XLSX avec les mêmes colonnes et les mêmes lignes, dans le même ordre (`socle.exports`).
Une page qui montre plusieurs tableaux les exporte un par un
(`?format=xlsx&table=<clé>`, par `exporter_ou_rendre`) ; une page d'un seul tableau
l'exporte par `exporter`.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.utils import formats, timezone

from socle import exports
from socle.exports import TypeColonne
from socle.format_fr import cle_alphabetique, format_euros, nombre_decimal
from socle.format_fr import nombre as format_nombre

T = TypeColonne
VIDE = "—"


def afficher(valeur, type: TypeColonne) -> str:
    """Le texte d'une cellule de la page, selon le type de sa colonne."""
    if valeur is None or valeur == "":
        return VIDE
    if type == T.MONTANT:
        return format_euros(valeur, centimes=False)
    if type == T.ENTIER:
        return format_nombre(valeur)
    if type == T.DATE_HEURE:
        return formats.date_format(timezone.localtime(valeur), "j F Y à H:i")
    if type == T.DATE:
        return formats.date_format(valeur, "j F Y")
    if type == T.POURCENTAGE:
        return f"{nombre_decimal(Decimal(str(valeur)) * 100, 0)}\u00a0%"
    return str(valeur)


@dataclass(frozen=True)
class Colonne:
    """Une colonne : clé de tri, titre, lecture de la valeur, type (pour le format)."""

    cle: str
    titre: str
    lire: Callable[[Any], Any]
    type: TypeColonne = T.TEXTE
    afficher: Callable[[Any], str] | None = None
    titre_export: str | None = None
    format_xlsx: str | None = None
    largeur: int | None = None  # largeur XLSX en caractères (sinon, selon titre et type)
    lien: Callable[[Any], str] | None = None
    triable: bool = True
    export_seulement: bool = False
    texte_de: Callable[[Any], str] | None = None  # le texte affiché, lu sur l'objet
    definition: str = ""  # ce que compte la colonne (feuille « Définitions » de l'export)

    @property
    def numerique(self) -> bool:
        return self.type in (T.ENTIER, T.MONTANT, T.POURCENTAGE)

    def texte(self, objet) -> str:
        if self.texte_de is not None:
            return self.texte_de(objet)
        valeur = self.lire(objet)
        if self.afficher is not None:
            return VIDE if valeur is None else self.afficher(valeur)
        return afficher(valeur, self.type)

    def pour_export(self) -> exports.Colonne:
        return exports.Colonne(
            self.titre_export or self.titre,
            self.type,
            largeur=self.largeur,
            format_xlsx=self.format_xlsx,
            definition=self.definition,
        )


@dataclass
class Cellule:
    texte: str
    numerique: bool = False
    lien: str = ""
    entete: bool = False
    sans_coupure: bool = False  # une date : sur une seule ligne


@dataclass
class Tableau:
    """Un tableau : ses colonnes et ses objets, dans l'ordre affiché.

    `objets` peut être un itérateur (un export lu par morceaux) : il n'est alors parcouru
    qu'une fois, par `lignes_export`.
    """

    cle: str
    titre: str
    colonnes: list[Colonne]
    objets: Iterable
    tri: str = ""
    rang: bool = False
    entetes: list[dict] = field(default_factory=list)

    @property
    def visibles(self) -> list[Colonne]:
        return [c for c in self.colonnes if not c.export_seulement]

    def lignes(self) -> list[list[Cellule]]:
        lignes = []
        for position, objet in enumerate(self.objets, start=1):
            cellules = [Cellule(format_nombre(position), numerique=True)] if self.rang else []
            for rang, colonne in enumerate(self.visibles):
                cellules.append(
                    Cellule(
                        colonne.texte(objet),
                        numerique=colonne.numerique,
                        lien=colonne.lien(objet) if colonne.lien else "",
                        entete=rang == 0,
                        sans_coupure=colonne.type in (T.DATE, T.DATE_HEURE),
                    )
                )
            lignes.append(cellules)
        return lignes

    def colonnes_export(self) -> list[exports.Colonne]:
        colonnes = [colonne.pour_export() for colonne in self.colonnes]
        if self.rang:
            colonnes.insert(0, exports.Colonne("Rang", T.ENTIER, format_xlsx="0"))
        return colonnes

    def lignes_export(self) -> Iterator[list]:
        for position, objet in enumerate(self.objets, start=1):
            valeurs = [colonne.lire(objet) for colonne in self.colonnes]
            yield [position, *valeurs] if self.rang else valeurs


def trier(objets: list, colonnes: list[Colonne], tri: str, defaut: str) -> tuple[list, str]:
    """Trie côté serveur selon `tri` (« investissement », « -investissement »), vides à la fin.

    Rend les objets triés et le tri appliqué (`defaut` si `tri` ne nomme pas une colonne
    triable).
    """
    par_cle = {c.cle: c for c in colonnes if c.triable and not c.export_seulement}
    if tri.lstrip("-") not in par_cle:
        tri = defaut
    colonne = par_cle[tri.lstrip("-")]
    decroissant = tri.startswith("-")

    def cle(objet):
        valeur = colonne.lire(objet)
        return cle_alphabetique(valeur) if isinstance(valeur, str) else valeur

    pleins = [o for o in objets if colonne.lire(o) is not None]
    vides = [o for o in objets if colonne.lire(o) is None]
    return sorted(pleins, key=cle, reverse=decroissant) + vides, tri


def entetes(tableau: Tableau, parametres: QueryDict, ancre: str) -> list[dict]:
    """Les titres de colonnes, chacun avec le lien qui trie (ou inverse le tri) par lui."""
    resultat = []
    if tableau.rang:
        resultat.append(
            {"titre": "Rang", "numerique": True, "url": "", "aria_sort": "", "consigne": ""}
        )
    actif, decroissant = tableau.tri.lstrip("-"), tableau.tri.startswith("-")
    for colonne in tableau.visibles:
        url = aria_sort = consigne = ""
        if colonne.triable and tableau.tri:
            if colonne.cle == actif:
                suivant = colonne.cle if decroissant else f"-{colonne.cle}"
                aria_sort = "descending" if decroissant else "ascending"
            else:
                suivant = f"-{colonne.cle}" if colonne.numerique else colonne.cle
            copie = parametres.copy()
            copie["tri"] = suivant
            url = f"?{copie.urlencode()}#{ancre}"
            ordre = "décroissant" if suivant.startswith("-") else "croissant"
            consigne = f"trier par ordre {ordre}"
        resultat.append(
            {
                "titre": colonne.titre,
                "numerique": colonne.numerique,
                "url": url,
                "aria_sort": aria_sort,
                "consigne": consigne,
            }
        )
    return resultat


def parametres_de_la_page(request) -> QueryDict:
    """Les paramètres de la page (filtres, tri), sans ceux de l'export."""
    parametres = request.GET.copy()
    for nom in ("format", "table"):
        parametres.pop(nom, None)
    return parametres


def exporter(tableau: Tableau, *, format: str, nom: str):
    """Le fichier CSV ou XLSX d'un tableau : mêmes colonnes et mêmes lignes que la page."""
    return exports.reponse_export(
        format=format,
        titre=tableau.titre,
        colonnes=tableau.colonnes_export(),
        lignes=tableau.lignes_export(),
        nom=nom,
    )


def exporter_ou_rendre(request, gabarit: str, contexte: dict):
    """`?format=csv|xlsx&table=…` : le tableau demandé ; sinon la page.

    `contexte["tableaux"]` : les tableaux de la page par clé ; `contexte["nom_fichier"]` :
    le début du nom des fichiers (suivi de la clé du tableau). Un format inconnu est
    signalé et la page s'affiche ; un tableau inconnu donne 404.
    """
    format_export = request.GET.get("format", "")
    if format_export and format_export not in exports.FORMATS:
        messages.warning(
            request, f"Format d'export inconnu « {format_export} » : choisissez CSV ou XLSX."
        )
        format_export = ""
    if not format_export:
        parametres = parametres_de_la_page(request)
        for tableau in contexte["tableaux"].values():
            tableau.entetes = tableau.entetes or entetes(tableau, parametres, tableau.cle)
        return render(request, gabarit, contexte)
    tableau = contexte["tableaux"].get(request.GET.get("table", ""))
    if tableau is None:
        raise Http404("Ce tableau n'existe pas sur cette page.")
    return exporter(tableau, format=format_export, nom=f"{contexte['nom_fichier']}-{tableau.cle}")
