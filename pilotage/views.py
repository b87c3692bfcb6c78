"""Tableaux de bord (national et régional) et indicateurs du programme.

Les pages ne lisent que les lignes de totaux précalculées (`selectors.totaux_visibles_par`)
et les indicateurs : leur nombre de requêtes ne dépend pas du nombre de projets.
Chaque tableau de la page est décrit une fois (`Tableau`) et sert à la fois à la page
et à son export (`?format=xlsx&table=regions`, mêmes filtres, par `socle.exports`).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone

from comptes.scoping import portee_de
from pilotage import graphiques, indicateurs, permissions, selectors
from pilotage.forms import FiltreTableauForm, ValeurIndicateurForm
from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Indicateur, Niveau, Totaux
from socle import exports
from socle.exports import TypeColonne
from socle.format_fr import format_euros
from socle.format_fr import nombre as format_nombre
from socle.pages import erreurs_metier

FONDS_ACCELERATION = "fonds-acceleration"
T = TypeColonne
FORMAT_LEVIER = "0.00"

# Chiffres que le cartogramme peut montrer : clé du paramètre `carte`, libellé, lecture, formats.
CARTES = {
    "investissement": (
        "Investissement productif",
        lambda t: t.investissement,
        graphiques.euros_longs,
        graphiques.euros_courts,
    ),
    "engage": (
        "Montant engagé",
        lambda t: t.montant_engage,
        graphiques.euros_longs,
        graphiques.euros_courts,
    ),
    "disponible": (
        "Crédits disponibles",
        lambda t: t.montant_disponible,
        graphiques.euros_longs,
        graphiques.euros_courts,
    ),
    "projets": ("Projets", lambda t: t.nb_projets, format_nombre, graphiques.nombre_court),
    "emplois": (
        "Emplois créés",
        lambda t: t.emplois_crees,
        format_nombre,
        graphiques.nombre_court,
    ),
    "levier": (
        "Effet de levier",
        lambda t: t.effet_levier,
        graphiques.levier_court,
        graphiques.levier_court,
    ),
}
CARTE_PAR_DEFAUT = "investissement"


# --- Tableaux : une description pour la page et pour l'export ---------------------------------


def _afficher(valeur, type: TypeColonne) -> str:
    if valeur is None or valeur == "":
        return "—"
    if type == T.MONTANT:
        return format_euros(valeur, centimes=False)
    if type == T.ENTIER:
        return format_nombre(valeur)
    if type == T.DATE_HEURE:
        return formats.date_format(timezone.localtime(valeur), "j F Y à H:i")
    if type == T.DATE:
        return formats.date_format(valeur, "j F Y")
    if type == T.POURCENTAGE:
        return f"{graphiques.nombre_decimal(Decimal(str(valeur)) * 100, 0)}\u00a0%"
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
    lien: Callable[[Any], str] | None = None
    triable: bool = True
    export_seulement: bool = False
    texte_de: Callable[[Any], str] | None = None  # le texte affiché, lu sur l'objet

    @property
    def numerique(self) -> bool:
        return self.type in (T.ENTIER, T.MONTANT, T.POURCENTAGE)

    def texte(self, objet) -> str:
        if self.texte_de is not None:
            return self.texte_de(objet)
        valeur = self.lire(objet)
        if self.afficher is not None:
            return "—" if valeur is None else self.afficher(valeur)
        return _afficher(valeur, self.type)

    def pour_export(self) -> exports.Colonne:
        return exports.Colonne(
            self.titre_export or self.titre, self.type, format_xlsx=self.format_xlsx
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
    """Un tableau de la page : ses colonnes et ses lignes (objets), dans l'ordre affiché."""

    cle: str
    titre: str
    colonnes: list[Colonne]
    objets: list
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


def _trier(objets: list, colonnes: list[Colonne], tri: str, defaut: str) -> tuple[list, str]:
    """Trie côté serveur selon `tri` (« investissement », « -investissement »), vides à la fin."""
    par_cle = {c.cle: c for c in colonnes if c.triable and not c.export_seulement}
    if tri.lstrip("-") not in par_cle:
        tri = defaut
    colonne = par_cle[tri.lstrip("-")]
    decroissant = tri.startswith("-")

    def cle(objet):
        valeur = colonne.lire(objet)
        return graphiques.cle_alphabetique(valeur) if isinstance(valeur, str) else valeur

    pleins = [o for o in objets if colonne.lire(o) is not None]
    vides = [o for o in objets if colonne.lire(o) is None]
    return sorted(pleins, key=cle, reverse=decroissant) + vides, tri


def _entetes(tableau: Tableau, parametres: QueryDict, ancre: str) -> list[dict]:
    """Les titres de colonnes, chacun avec le lien qui trie (ou inverse le tri) par lui."""
    entetes = []
    if tableau.rang:
        entetes.append(
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
        entetes.append(
            {
                "titre": colonne.titre,
                "numerique": colonne.numerique,
                "url": url,
                "aria_sort": aria_sort,
                "consigne": consigne,
            }
        )
    return entetes


# --- Colonnes des tableaux de bord ------------------------------------------------------------


def _colonnes_perimetres(niveau: str) -> list[Colonne]:
    """Une région ou un territoire par ligne (lignes de `Totaux`)."""
    region = niveau == Niveau.REGION
    if region:
        nom = Colonne(
            "nom",
            "Région",
            lambda t: t.libelle,
            lien=lambda t: reverse("pilotage:region", args=[t.code]),
        )
    else:
        nom = Colonne(
            "nom",
            "Territoire d'industrie",
            lambda t: t.libelle,
            lien=lambda t: reverse("territoires:detail", args=[t.code]),
        )
    colonnes = [
        nom,
        Colonne("code", "Code", lambda t: t.code, export_seulement=True),
    ]
    if region:
        colonnes.append(
            Colonne("territoires", "Territoires d'industrie", lambda t: t.nb_territoires, T.ENTIER)
        )
    colonnes += [
        Colonne("epci", "Intercommunalités", lambda t: t.nb_intercommunalites, T.ENTIER),
        Colonne("projets", "Projets", lambda t: t.nb_projets, T.ENTIER),
        Colonne(
            "engagements",
            "Engagements",
            lambda t: t.nb_engagements,
            T.ENTIER,
            export_seulement=True,
        ),
        Colonne(
            "investissement",
            "Investissement productif",
            lambda t: t.investissement,
            T.MONTANT,
            titre_export="Investissement productif (€)",
        ),
        Colonne("emplois_crees", "Emplois créés", lambda t: t.emplois_crees, T.ENTIER),
        Colonne("emplois_maintenus", "Emplois maintenus", lambda t: t.emplois_maintenus, T.ENTIER),
        Colonne(
            "aide",
            "Aide sollicitée",
            lambda t: t.aide_sollicitee,
            T.MONTANT,
            titre_export="Aide sollicitée (€)",
            export_seulement=True,
        ),
    ]
    if region:
        colonnes.append(
            Colonne(
                "enveloppe",
                "Enveloppe",
                lambda t: t.montant_enveloppe,
                T.MONTANT,
                titre_export="Enveloppe (€)",
            )
        )
    colonnes += [
        Colonne(
            "engage", "Engagé", lambda t: t.montant_engage, T.MONTANT, titre_export="Engagé (€)"
        ),
        Colonne("verse", "Versé", lambda t: t.montant_verse, T.MONTANT, titre_export="Versé (€)"),
    ]
    if region:
        colonnes.append(
            Colonne(
                "disponible",
                "Disponible",
                lambda t: t.montant_disponible,
                T.MONTANT,
                titre_export="Disponible (€)",
            )
        )
    colonnes += [
        Colonne(
            "levier",
            "Effet de levier",
            lambda t: t.effet_levier,
            T.MONTANT,
            afficher=graphiques.levier_court,
            format_xlsx=FORMAT_LEVIER,
        ),
        Colonne(
            "calcule_le", "Données au", lambda t: t.calcule_le, T.DATE_HEURE, export_seulement=True
        ),
    ]
    return colonnes


COLONNES_FONDS = [
    Colonne(
        "annee",
        "Année",
        lambda t: str(t.annee) if t.annee else "Toutes les années",
        triable=False,
    ),
    Colonne(
        "enveloppe",
        "Enveloppe",
        lambda t: t.montant_enveloppe,
        T.MONTANT,
        titre_export="Enveloppe (€)",
        triable=False,
    ),
    Colonne("engage", "Engagé", lambda t: t.montant_engage, T.MONTANT, titre_export="Engagé (€)"),
    Colonne("verse", "Versé", lambda t: t.montant_verse, T.MONTANT, titre_export="Versé (€)"),
    Colonne(
        "disponible",
        "Disponible",
        lambda t: t.montant_disponible,
        T.MONTANT,
        titre_export="Disponible (€)",
    ),
    Colonne("projets", "Projets", lambda t: t.nb_projets, T.ENTIER),
    Colonne("engagements", "Engagements", lambda t: t.nb_engagements, T.ENTIER),
    Colonne("calcule_le", "Données au", lambda t: t.calcule_le, T.DATE_HEURE),
]

COLONNES_STATUTS = [
    Colonne("statut", "Statut", lambda ligne: ligne[1], triable=False),
    Colonne("nombre", "Projets", lambda ligne: ligne[2], T.ENTIER, triable=False),
]
COLONNES_ENJEUX = [
    Colonne("enjeu", "Enjeu", lambda ligne: ligne[1], triable=False),
    Colonne("nombre", "Projets", lambda ligne: ligne[2], T.ENTIER, triable=False),
]
COLONNES_ENTONNOIR = [
    Colonne("etape", "Étape", lambda ligne: ligne[1], triable=False),
    Colonne(
        "atteint", "Projets ayant atteint l'étape", lambda ligne: ligne[2], T.ENTIER, triable=False
    ),
    Colonne(
        "actuel", "Dont à cette étape aujourd'hui", lambda ligne: ligne[3], T.ENTIER, triable=False
    ),
]


def _colonnes_engagements(titre: str, annees: list[int]) -> list[Colonne]:
    """Montant engagé par année : (nom, {année: montant}, total)."""
    colonnes = [Colonne("nom", titre, lambda ligne: ligne[0], triable=False)]
    for annee in annees:
        colonnes.append(
            Colonne(
                str(annee),
                f"Engagé en {annee}",
                lambda ligne, annee=annee: ligne[1].get(annee, Decimal(0)),
                T.MONTANT,
                titre_export=f"Engagé en {annee} (€)",
                triable=False,
            )
        )
    colonnes.append(
        Colonne(
            "total",
            "Total engagé",
            lambda ligne: ligne[2],
            T.MONTANT,
            titre_export="Total engagé (€)",
            triable=False,
        )
    )
    return colonnes


COLONNES_INDICATEURS = [
    Colonne("indicateur", "Indicateur", lambda a: a.indicateur.libelle, triable=False),
    Colonne(
        "valeur",
        "Valeur",
        lambda a: a.valeur,
        T.MONTANT,
        format_xlsx="#,##0.##",
        triable=False,
        texte_de=lambda a: a.valeur_affichee,
    ),
    Colonne("unite", "Unité", lambda a: a.indicateur.get_unite_display(), triable=False),
    Colonne(
        "cible",
        "Cible",
        lambda a: a.indicateur.cible,
        T.MONTANT,
        format_xlsx="#,##0.##",
        triable=False,
        texte_de=lambda a: a.cible_affichee,
    ),
    Colonne("echeance", "Échéance", lambda a: a.indicateur.date_cible, T.DATE, triable=False),
    Colonne("taux", "Taux d'atteinte", lambda a: a.taux, T.POURCENTAGE, triable=False),
    Colonne("date", "Données au", lambda a: a.date, T.DATE, triable=False),
    Colonne("source", "Source", lambda a: a.source, triable=False),
]


# --- Lecture des totaux et construction de la page --------------------------------------------


def _cle_ligne(t: Totaux) -> tuple[str, int]:
    return (t.dispositif, t.annee)


def _filtres(request, lignes: list[Totaux], *, avec_carte: bool) -> FiltreTableauForm:
    """Le formulaire de filtres ; ses choix viennent des lignes de totaux déjà lues."""
    dispositifs = sorted(
        {(t.dispositif, t.dispositif_nom) for t in lignes if t.dispositif != TOUS_DISPOSITIFS},
        key=lambda couple: graphiques.cle_alphabetique(couple[1]),
    )
    annees = sorted({t.annee for t in lignes if t.annee != TOUTES_ANNEES})
    cartes = [(cle, libelle) for cle, (libelle, *_reste) in CARTES.items()] if avec_carte else None
    form = FiltreTableauForm(
        request.GET or None, dispositifs=dispositifs, annees=annees, cartes=cartes
    )
    if form.is_bound and not form.is_valid():
        for nom, erreurs in form.errors.items():
            libelle = form.fields[nom].label if nom in form.fields else nom
            messages.warning(
                request, f"Filtre « {libelle} » ignoré : valeur invalide ({' '.join(erreurs)})"
            )
    return form


def _choix(form: FiltreTableauForm) -> tuple[str, int, str]:
    donnees = form.cleaned_data if form.is_bound else {}
    carte = donnees.get("carte") or CARTE_PAR_DEFAUT
    return donnees.get("dispositif") or "", donnees.get("annee") or 0, carte


def _parametres(request) -> QueryDict:
    """Les paramètres de la page, sans ceux de l'export."""
    parametres = request.GET.copy()
    for nom in ("format", "table"):
        parametres.pop(nom, None)
    return parametres


def _engagements_par_annee(lignes: list[Totaux]) -> tuple[list[int], list[tuple]]:
    """(années, [(nom, {année: engagé}, total)]) : une ligne par périmètre qui a engagé."""
    annees = sorted({t.annee for t in lignes if t.annee != TOUTES_ANNEES})
    par_perimetre: dict[str, dict[int, Decimal]] = {}
    noms: dict[str, str] = {}
    for t in lignes:
        if t.annee == TOUTES_ANNEES:
            continue
        noms[t.code] = t.libelle
        par_perimetre.setdefault(t.code, {})[t.annee] = t.montant_engage or Decimal(0)
    resultat = [
        (noms[code], montants, sum(montants.values(), Decimal(0)))
        for code, montants in par_perimetre.items()
    ]
    resultat = [ligne for ligne in resultat if ligne[2] > 0]
    resultat.sort(key=lambda ligne: (-ligne[2], graphiques.cle_alphabetique(ligne[0])))
    return annees, resultat


def _graphiques(
    *, ligne: Totaux | None, engagements: tuple[list[int], list[tuple]], perimetre: str, choix: str
) -> dict:
    annees, par_perimetre = engagements
    return {
        "engagements": graphiques.barres(
            id="graphique-engagements",
            titre=f"Montants engagés par année et par {perimetre} ({choix})",
            description=(
                f"Barres horizontales empilées : pour chaque {perimetre}, le montant engagé "
                "chaque année, du plus grand total au plus petit. Les chiffres sont dans le "
                "tableau de données qui suit."
            ),
            categories=[nom for nom, _m, _t in par_perimetre],
            series=[
                (str(annee), [montants.get(annee, 0) for _n, montants, _t in par_perimetre])
                for annee in annees
            ],
            format_valeur=graphiques.euros_courts,
            titre_categories=perimetre.capitalize(),
        ),
        "enjeux": graphiques.barres(
            id="graphique-enjeux",
            titre=f"Projets par enjeu ({choix})",
            description=(
                "Barres horizontales : le nombre de projets pour chacun des quatre enjeux du "
                "programme (recruter, innover, attirer, simplifier)."
            ),
            categories=[libelle for _e, libelle, _n in ligne.projets_par_enjeu()] if ligne else [],
            series=[("Projets", [n for _e, _l, n in ligne.projets_par_enjeu()] if ligne else [])],
            format_valeur=graphiques.nombre_court,
            titre_categories="Enjeu",
            largeur=520,
            marge_gauche=110,
        ),
        "entonnoir": graphiques.entonnoir(
            id="graphique-entonnoir",
            titre=f"Entonnoir des projets ({choix})",
            description=(
                "Entonnoir : pour chaque étape, de « déposés » à « réalisés », le nombre de "
                "projets qui l'ont atteinte, d'après leur statut actuel."
            ),
            par_statut=(ligne.nb_projets_par_statut or {}) if ligne else {},
        ),
    }


def _tableaux_communs(
    *,
    ligne: Totaux | None,
    fonds: list[Totaux],
    engagements: tuple[list[int], list[tuple]],
    perimetre_titre: str,
    suffixe: str,
) -> dict[str, Tableau]:
    annees, par_perimetre = engagements
    etapes = graphiques.etapes_atteintes((ligne.nb_projets_par_statut or {}) if ligne else {})
    return {
        "fonds": Tableau(
            "fonds",
            f"Fonds d'accélération par année{suffixe}",
            COLONNES_FONDS,
            sorted(fonds, key=lambda t: (t.annee == TOUTES_ANNEES, t.annee)),
        ),
        "statuts": Tableau(
            "statuts",
            f"Projets par statut{suffixe}",
            COLONNES_STATUTS,
            ligne.projets_par_statut() if ligne else [],
        ),
        "enjeux": Tableau(
            "enjeux",
            f"Projets par enjeu{suffixe}",
            COLONNES_ENJEUX,
            ligne.projets_par_enjeu() if ligne else [],
        ),
        "entonnoir": Tableau(
            "entonnoir", f"Entonnoir des projets{suffixe}", COLONNES_ENTONNOIR, etapes
        ),
        "engagements": Tableau(
            "engagements",
            f"Montants engagés par année et par {perimetre_titre}{suffixe}",
            _colonnes_engagements(perimetre_titre.capitalize(), annees),
            par_perimetre,
        ),
    }


def _libelle_choix(lignes: list[Totaux], dispositif: str, annee: int) -> str:
    """« Fonds d'accélération…, 2020 » ou « tous les dispositifs, toutes les années »."""
    nom = next(
        (t.dispositif_nom for t in lignes if dispositif and t.dispositif == dispositif),
        "tous les dispositifs",
    )
    return f"{nom}, {annee}" if annee else f"{nom}, toutes les années"


def _exporter_ou_rendre(request, gabarit: str, contexte: dict):
    """`?format=csv|xlsx&table=…` : le tableau demandé ; sinon la page."""
    format_export = request.GET.get("format", "")
    if format_export and format_export not in exports.FORMATS:
        messages.warning(
            request, f"Format d'export inconnu « {format_export} » : choisissez CSV ou XLSX."
        )
        format_export = ""
    if not format_export:
        parametres = _parametres(request)
        for tableau in contexte["tableaux"].values():
            tableau.entetes = tableau.entetes or _entetes(tableau, parametres, tableau.cle)
        return render(request, gabarit, contexte)
    tableau = contexte["tableaux"].get(request.GET.get("table", ""))
    if tableau is None:
        raise Http404("Ce tableau n'existe pas sur cette page.")
    return exports.reponse_export(
        format=format_export,
        titre=tableau.titre,
        colonnes=tableau.colonnes_export(),
        lignes=tableau.lignes_export(),
        nom=f"{contexte['nom_fichier']}-{tableau.cle}",
    )


def _refuser(decision) -> None:
    if not decision:
        raise PermissionDenied(decision.raison)


@login_required
def national(request):
    """Le tableau de bord national. Requêtes (hors session et utilisateur) : le profil,
    les lignes nationales, les lignes des régions du dispositif choisi, les indicateurs."""
    region = permissions.region_de_l_utilisateur(request.user)
    if region:
        url = reverse("pilotage:region", args=[region])
        parametres = _parametres(request)
        parametres.pop("carte", None)
        return redirect(f"{url}?{parametres.urlencode()}" if parametres else url)
    _refuser(permissions.peut_voir_tableau_national(request.user))

    visibles = selectors.totaux_visibles_par(request.user)
    nationales = list(visibles.filter(niveau=Niveau.NATIONAL).order_by("dispositif", "annee"))
    form = _filtres(request, nationales, avec_carte=True)
    dispositif, annee, carte = _choix(form)
    regions = list(
        visibles.filter(niveau=Niveau.REGION, dispositif=dispositif).order_by("libelle", "annee")
    )
    avancements = indicateurs.avancements(indicateurs.indicateurs_avec_derniere_valeur())

    ligne = next((t for t in nationales if _cle_ligne(t) == (dispositif, annee)), None)
    fonds = [t for t in nationales if t.dispositif == FONDS_ACCELERATION]
    regions_choisies = [t for t in regions if t.annee == annee]
    parametres = _parametres(request)
    choix = _libelle_choix(nationales, dispositif, annee)
    suffixe = f" – France – {choix}"

    tableau_regions = Tableau(
        "regions", f"Chiffres par région{suffixe}", _colonnes_perimetres(Niveau.REGION), []
    )
    tableau_regions.objets, tableau_regions.tri = _trier(
        regions_choisies, tableau_regions.colonnes, parametres.get("tri", ""), "nom"
    )
    engagements = _engagements_par_annee(regions)
    tableaux = {
        "regions": tableau_regions,
        **_tableaux_communs(
            ligne=ligne,
            fonds=fonds,
            engagements=engagements,
            perimetre_titre="région",
            suffixe=suffixe,
        ),
        "indicateurs": Tableau(
            "indicateurs", "Indicateurs du programme", COLONNES_INDICATEURS, avancements
        ),
    }
    libelle_carte, lire, format_long, format_court = CARTES[carte]
    cartogramme = graphiques.cartogramme(
        id="graphique-cartogramme",
        titre=f"Cartogramme des régions : {libelle_carte.lower()} ({choix})",
        description=(
            "Cartogramme, pas une carte : chaque région est une case de même taille, placée "
            "à peu près selon la géographie (métropole), les cinq régions d'outre-mer sur une "
            f"ligne à part. Plus la case est foncée, plus le chiffre « {libelle_carte} » est "
            "élevé. Les valeurs sont dans le tableau de données qui suit."
        ),
        valeurs={t.code: lire(t) for t in regions_choisies},
        noms={t.code: t.libelle for t in regions_choisies},
        format_valeur=format_long,
        format_court=format_court,
        libelle_valeur=libelle_carte,
    )
    contexte = {
        "niveau": Niveau.NATIONAL,
        "titre": "Tableau de bord national",
        "form": form,
        "dispositif": dispositif,
        "annee": annee,
        "choix": choix,
        "ligne": ligne,
        "donnees_au": selectors.DonneesAu.de(next(iter(nationales), None)),
        "tableaux": tableaux,
        "graphiques": _graphiques(
            ligne=ligne, engagements=engagements, perimetre="région", choix=choix
        ),
        "cartogramme": cartogramme,
        "carte": carte,
        "avancements": avancements,
        "peut_saisir": permissions.peut_saisir_indicateur(request.user).ok,
        "parametres": parametres.urlencode(),
        "nom_fichier": "pilotage-national",
    }
    return _exporter_ou_rendre(request, "pilotage/tableau_de_bord.html", contexte)


@login_required
def region(request, code: str):
    """Le tableau de bord d'une région. Requêtes (hors session et utilisateur) : le profil,
    les lignes de la région, les lignes de ses territoires pour le dispositif choisi."""
    if portee_de(request.user).aucune:
        raise PermissionDenied(permissions.SANS_PROFIL)
    # Un code de région est fait de chiffres : tout autre texte (y compris un caractère
    # nul, que PostgreSQL refuse dans une requête) est une région inconnue.
    if not (code.isascii() and code.isdigit()) or not permissions.peut_voir_region(
        request.user, code
    ):
        # La région d'un autre agent régional : comme une région inconnue, sans rien en dire.
        raise Http404("Cette région n'existe pas ou n'est pas dans votre périmètre.")
    visibles = selectors.totaux_visibles_par(request.user)
    lignes_region = list(
        visibles.filter(niveau=Niveau.REGION, code=code).order_by("dispositif", "annee")
    )
    if not lignes_region:
        raise Http404(
            f"Aucun tableau de bord pour la région « {code} » : code inconnu, ou totaux pas "
            "encore calculés."
        )
    form = _filtres(request, lignes_region, avec_carte=False)
    dispositif, annee, _carte = _choix(form)
    territoires = list(
        visibles.filter(niveau=Niveau.TERRITOIRE, code_region=code, dispositif=dispositif).order_by(
            "libelle", "annee"
        )
    )

    nom_region = lignes_region[0].libelle
    ligne = next((t for t in lignes_region if _cle_ligne(t) == (dispositif, annee)), None)
    fonds = [t for t in lignes_region if t.dispositif == FONDS_ACCELERATION]
    parametres = _parametres(request)
    choix = _libelle_choix(lignes_region, dispositif, annee)
    suffixe = f" – {nom_region} – {choix}"

    tableau_territoires = Tableau(
        "territoires",
        f"Territoires d'industrie de la région{suffixe}",
        _colonnes_perimetres(Niveau.TERRITOIRE),
        [],
        rang=True,
    )
    tableau_territoires.objets, tableau_territoires.tri = _trier(
        [t for t in territoires if t.annee == annee],
        tableau_territoires.colonnes,
        parametres.get("tri", ""),
        "-investissement",
    )
    engagements = _engagements_par_annee(territoires)
    contexte = {
        "niveau": Niveau.REGION,
        "titre": f"Tableau de bord – {nom_region}",
        "nom_region": nom_region,
        "code_region": code,
        "form": form,
        "dispositif": dispositif,
        "annee": annee,
        "choix": choix,
        "ligne": ligne,
        "donnees_au": selectors.DonneesAu.de(lignes_region[0]),
        "tableaux": {
            "territoires": tableau_territoires,
            **_tableaux_communs(
                ligne=ligne,
                fonds=fonds,
                engagements=engagements,
                perimetre_titre="territoire",
                suffixe=suffixe,
            ),
        },
        "graphiques": _graphiques(
            ligne=ligne, engagements=engagements, perimetre="territoire", choix=choix
        ),
        "parametres": parametres.urlencode(),
        "nom_fichier": f"pilotage-region-{code}",
        "est_national": permissions.peut_voir_tableau_national(request.user).ok,
    }
    return _exporter_ou_rendre(request, "pilotage/tableau_de_bord.html", contexte)


# --- Indicateurs -------------------------------------------------------------------------------


@login_required
def indicateurs_liste(request):
    """Les indicateurs, leur valeur la plus récente et l'historique de leurs valeurs."""
    _refuser(permissions.peut_voir_indicateurs(request.user))
    avancements = indicateurs.avancements(indicateurs.indicateurs_avec_derniere_valeur())
    historique: dict[int, list] = {}
    unites = {a.indicateur.pk: a.indicateur.unite for a in avancements}
    for valeur in indicateurs.historique_des_valeurs():
        valeur.affichee = indicateurs.formater(unites.get(valeur.indicateur_id), valeur.valeur)
        historique.setdefault(valeur.indicateur_id, []).append(valeur)
    tableau = Tableau("indicateurs", "Indicateurs du programme", COLONNES_INDICATEURS, avancements)
    contexte = {
        "avancements": [(a, historique.get(a.indicateur.pk, [])) for a in avancements],
        "peut_saisir": permissions.peut_saisir_indicateur(request.user).ok,
        "tableaux": {"indicateurs": tableau},
        "nom_fichier": "pilotage",
        "parametres": "",
    }
    return _exporter_ou_rendre(request, "pilotage/indicateurs.html", contexte)


@login_required
def saisir_valeur(request):
    """Une valeur datée et sourcée pour un indicateur : l'équipe nationale seulement (403)."""
    _refuser(permissions.peut_saisir_indicateur(request.user))
    initial = {}
    if (code := request.GET.get("indicateur")) and "\x00" not in code:
        initial["indicateur"] = (
            Indicateur.objects.filter(code=code).values_list("pk", flat=True).first()
        )
    form = ValeurIndicateurForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            valeur = indicateurs.enregistrer_valeur(
                indicateur_id=form.cleaned_data["indicateur"].pk,
                auteur=request.user,
                valeur=form.cleaned_data["valeur"],
                date=form.cleaned_data["date"],
                source=form.cleaned_data["source"],
            )
        if resultat.ok:
            messages.success(
                request,
                f"Valeur enregistrée pour « {valeur.indicateur.libelle} » : "
                f"{indicateurs.formater(valeur.indicateur.unite, valeur.valeur)} au "
                f"{valeur.date:%d/%m/%Y}.",
            )
            return redirect("pilotage:indicateurs")
    if request.method == "POST" and form.errors:
        messages.error(request, "La valeur n'a pas été enregistrée : corrigez les champs signalés.")
    return render(request, "pilotage/saisir_valeur.html", {"form": form})
