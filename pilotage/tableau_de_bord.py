"""Un tableau de bord, national ou régional : filtres, tableaux, graphiques.

Les deux pages montrent la même chose à deux échelles : les chiffres d'un périmètre
(la France, une région) et ceux de ses parties (les régions, les territoires que la
région pilote). `Echelle` dit ce qui change de l'une à l'autre ; `construire` ne lit
que des lignes de totaux, jamais les projets : le nombre de requêtes d'une page ne
dépend pas du nombre de projets. Chaque tableau sert à la fois à la page et à son
export (`socle.tableaux`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.urls import reverse

from fonds.models import Dispositif
from pilotage import graphiques
from pilotage.colonnes import (
    CARTE_PAR_DEFAUT,
    CARTES,
    COLONNES_ENJEUX,
    COLONNES_ENTONNOIR,
    COLONNES_FONDS,
    COLONNES_STATUTS,
    colonnes_engagements,
    colonnes_perimetres,
)
from pilotage.definitions import DEFINITIONS
from pilotage.forms import FiltreTableauForm
from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau, Totaux
from pilotage.moteur.lectures import phase_comptee
from pilotage.selectors import FONDS_ACCELERATION, TOUS, DonneesAu
from socle.format_fr import cle_alphabetique
from socle.pages import signaler_filtres_invalides
from socle.recalcul import demandes_en_attente
from socle.tableaux import Tableau, parametres_de_la_page, trier
from territoires import selectors as territoires_selectors
from territoires.models import phase_du_code

# Les définitions montrées au bas d'un tableau de bord, dans l'ordre de la page.
DEFINITIONS_DE_LA_PAGE = [
    "nb_projets",
    "investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "effet_levier",
    "montant_enveloppe",
    "montant_engage",
    "montant_verse",
    "montant_disponible",
    "nb_engagements",
    "statuts",
    "entonnoir",
    "mobilise",
    "part_mobilisee",
    "nb_territoires",
    "nb_intercommunalites",
]


@dataclass(frozen=True)
class Echelle:
    """Ce qui distingue le tableau de bord national de celui d'une région."""

    niveau: str  # celui des lignes du périmètre
    niveau_des_parties: str  # régions de la France, territoires d'une région
    cle: str  # la clé du tableau des parties (son ancre, son export)
    titre: str
    partie: str  # « région », « territoire » : titres des graphiques
    tri_par_defaut: str
    rang: bool  # une colonne « Rang » (le classement des territoires)
    cartogramme: bool


NATIONALE = Echelle(
    niveau=Niveau.NATIONAL,
    niveau_des_parties=Niveau.REGION,
    cle="regions",
    titre="Chiffres par région",
    partie="région",
    tri_par_defaut="nom",
    rang=False,
    cartogramme=True,
)
REGIONALE = Echelle(
    niveau=Niveau.REGION,
    niveau_des_parties=Niveau.TERRITOIRE,
    cle="territoires",
    titre="Territoires d'industrie de la région",
    partie="territoire",
    tri_par_defaut="-investissement",
    rang=True,
    cartogramme=False,
)


def construire(
    request, *, echelle: Echelle, lignes: list[Totaux], parties: QuerySet[Totaux], nom: str
) -> dict:
    """Le contexte de la page : filtres, chiffres clés, tableaux et graphiques.

    `lignes` : celles du périmètre, pour toutes les combinaisons (dispositif, année) ;
    `parties` : celles de ses parties, lues ici pour le seul dispositif choisi (une
    requête) ; `nom` : « France » ou le nom de la région, dans le titre des tableaux.

    La page s'ouvre sur le Fonds d'accélération. « Tous les dispositifs » ne montre que
    des projets et des emplois : des crédits d'instruments différents ne s'additionnent
    pas (`definitions.MONTANTS_D_UN_DISPOSITIF`).
    """
    instruments = list(Dispositif.objects.order_by("ordre", "nom"))
    finance = {d.code: d.finance_projets for d in instruments}
    form = _filtres(request, lignes, finance, avec_carte=echelle.cartogramme)
    dispositif, annee, carte = _choix(form, lignes)
    avec_montants = dispositif != TOUS_DISPOSITIFS
    if not avec_montants and CARTES[carte].montant:
        carte = CARTE_PAR_DEFAUT
    lues = list(
        parties.filter(dispositif__in={dispositif, TOUS_DISPOSITIFS}).order_by("libelle", "annee")
    )
    parties = [t for t in lues if t.dispositif == dispositif]
    ligne = next((t for t in lignes if (t.dispositif, t.annee) == (dispositif, annee)), None)
    parametres = parametres_de_la_page(request)
    choix = _libelle_choix(lignes, dispositif, annee)
    suffixe = f" – {nom} – {choix}"

    choisies = _toutes_les_parties(lues, dispositif, annee)
    if echelle.niveau_des_parties == Niveau.TERRITOIRE:
        choisies = _territoires_de_la_phase(choisies, annee)
    tableau = Tableau(
        echelle.cle,
        f"{echelle.titre}{suffixe}",
        colonnes_perimetres(echelle.niveau_des_parties, avec_montants=avec_montants),
        [],
        rang=echelle.rang,
    )
    tableau.objets, tableau.tri = trier(
        choisies, tableau.colonnes, parametres.get("tri", ""), echelle.tri_par_defaut
    )
    engagements = _engagements_par_annee(parties)
    contexte = {
        "niveau": echelle.niveau,
        "form": form,
        "dispositif": dispositif,
        "annee": annee,
        "choix": choix,
        "ligne": ligne,
        "avec_montants": avec_montants,
        "donnees_au": DonneesAu.de(next(iter(lignes), None)),
        "mise_a_jour_en_cours": demandes_en_attente(),
        "instruments": instruments,
        "definitions": [DEFINITIONS[cle] for cle in DEFINITIONS_DE_LA_PAGE],
        "tableaux": {
            echelle.cle: tableau,
            **_tableaux_communs(
                ligne=ligne,
                fonds=[t for t in lignes if t.dispositif == FONDS_ACCELERATION],
                engagements=engagements,
                partie=echelle.partie,
                suffixe=suffixe,
            ),
        },
        "graphiques": _graphiques(
            ligne=ligne, engagements=engagements, partie=echelle.partie, choix=choix
        ),
        "parametres": parametres.urlencode(),
    }
    if echelle.cartogramme:
        contexte["carte"] = carte
        contexte["carte_des_regions"] = _carte(carte, choisies, choix)
    return contexte


def _filtres(
    request, lignes: list[Totaux], instruments: dict[str, bool], *, avec_carte: bool
) -> FiltreTableauForm:
    """Le formulaire de filtres ; ses choix viennent des lignes de totaux déjà lues.

    Seuls les dispositifs qui financent des projets par le portail se choisissent : les
    autres instruments ont leur propre section (enveloppe et crédits mobilisés).
    """
    dispositifs = sorted(
        {
            (t.dispositif, t.dispositif_nom)
            for t in lignes
            if t.dispositif != TOUS_DISPOSITIFS and instruments.get(t.dispositif, False)
        },
        key=lambda couple: (couple[0] != FONDS_ACCELERATION, cle_alphabetique(couple[1])),
    )
    annees = sorted({t.annee for t in lignes if t.annee != TOUTES_ANNEES})
    cartes = [(cle, carte.libelle) for cle, carte in CARTES.items()] if avec_carte else None
    form = FiltreTableauForm(
        request.GET or None, dispositifs=dispositifs, annees=annees, cartes=cartes
    )
    if form.is_bound and not form.is_valid():
        signaler_filtres_invalides(request, form)
    return form


def _choix(form: FiltreTableauForm, lignes: list[Totaux]) -> tuple[str, int, str]:
    """(dispositif, année, carte) : le Fonds d'accélération par défaut, s'il a des chiffres."""
    donnees = form.cleaned_data if form.is_bound else {}
    carte = donnees.get("carte") or CARTE_PAR_DEFAUT
    dispositif = donnees.get("dispositif") or ""
    if dispositif == TOUS:
        dispositif = TOUS_DISPOSITIFS
    elif not dispositif:
        fonds = any(t.dispositif == FONDS_ACCELERATION for t in lignes)
        dispositif = FONDS_ACCELERATION if fonds else TOUS_DISPOSITIFS
    return dispositif, donnees.get("annee") or 0, carte


def _libelle_choix(lignes: list[Totaux], dispositif: str, annee: int) -> str:
    """« Fonds d'accélération…, 2020 » ou « tous les dispositifs, toutes les années »."""
    nom = next(
        (t.dispositif_nom for t in lignes if dispositif and t.dispositif == dispositif),
        "tous les dispositifs",
    )
    return f"{nom}, {annee}" if annee else f"{nom}, toutes les années"


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
    resultat.sort(key=lambda ligne: (-ligne[2], cle_alphabetique(ligne[0])))
    return annees, resultat


def _tableaux_communs(
    *,
    ligne: Totaux | None,
    fonds: list[Totaux],
    engagements: tuple[list[int], list[tuple]],
    partie: str,
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
            f"Projets par statut actuel{suffixe}",
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
            "entonnoir", f"Entonnoir des projets (cumulatif){suffixe}", COLONNES_ENTONNOIR, etapes
        ),
        "engagements": Tableau(
            "engagements",
            f"Montants engagés par année et par {partie}{suffixe}",
            colonnes_engagements(partie.capitalize(), annees),
            par_perimetre,
        ),
    }


def _graphiques(
    *, ligne: Totaux | None, engagements: tuple[list[int], list[tuple]], partie: str, choix: str
) -> dict:
    annees, par_perimetre = engagements
    return {
        "engagements": graphiques.barres(
            id="graphique-engagements",
            titre=f"Montants engagés par année et par {partie} ({choix})",
            description=(
                f"Barres horizontales empilées : pour chaque {partie}, le montant engagé "
                "chaque année, du plus grand total au plus petit. Les chiffres sont dans le "
                "tableau de données qui suit."
            ),
            categories=[nom for nom, _m, _t in par_perimetre],
            series=[
                (str(annee), [montants.get(annee, 0) for _n, montants, _t in par_perimetre])
                for annee in annees
            ],
            format_valeur=graphiques.euros_courts,
            titre_categories=partie.capitalize(),
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
            titre=f"Entonnoir des projets, cumulatif ({choix})",
            description=(
                "Entonnoir cumulatif : pour chaque étape, de « déposés » à « réalisés », le "
                "nombre de projets qui l'ont atteinte au moins (ceux qui y sont encore et ceux "
                "qui l'ont dépassée). Le tableau « statut actuel » compte chaque projet une "
                "seule fois, là où il est aujourd'hui."
            ),
            par_statut=(ligne.nb_projets_par_statut or {}) if ligne else {},
        ),
    }


def _carte(carte: str, regions: list[Totaux], choix: str) -> graphiques.Graphique:
    """La carte des régions (vrais contours), colorée selon le chiffre choisi ; les
    contours des territoires de la phase en cours en couche."""
    chiffre = CARTES[carte]
    traces = territoires_selectors.contours_de_la_carte()
    noms = {t.code: t.libelle for t in regions}
    return graphiques.carte_des_regions(
        id="graphique-carte",
        titre=f"Carte des régions : {chiffre.libelle.lower()} ({choix})",
        description=(
            "Carte des régions et des départements, vrais contours simplifiés (métropole en "
            "Lambert-93 ; les cinq régions d'outre-mer en encarts à gauche, chacune à sa propre "
            f"échelle). Plus la région est foncée, plus le chiffre « {chiffre.libelle} » est "
            "élevé ; les traits noirs sont les contours des Territoires d'industrie de la "
            "phase 2023-2027. Chaque région ouvre son tableau de bord. Les valeurs sont dans "
            "le tableau de données qui suit."
        ),
        regions=[graphiques.Trace(c, noms.get(c, nom), d) for c, nom, d in traces["regions"]],
        departements=[graphiques.Trace(*t) for t in traces["departements"]],
        territoires=[graphiques.Trace(*t) for t in traces["territoires"]],
        valeurs={t.code: chiffre.lire(t) for t in regions},
        lien_region=lambda code: reverse("pilotage:region", args=[code]),
        format_valeur=chiffre.format_long,
        format_court=chiffre.format_court,
        libelle_valeur=chiffre.libelle,
    )


def _territoires_de_la_phase(territoires: list[Totaux], annee: int) -> list[Totaux]:
    """Les territoires de la phase de l'année choisie (la première, toutes années
    confondues, comme `nb_territoires`) ; ceux de l'autre phase qui ont des projets restent."""
    phase = phase_comptee(annee)
    return [t for t in territoires if phase_du_code(t.code) == phase or t.nb_projets]


def _toutes_les_parties(lues: list[Totaux], dispositif: str, annee: int) -> list[Totaux]:
    """Une ligne par partie (région, territoire) pour le choix, même sans chiffre.

    Une partie sans ligne pour ce dispositif et cette année (aucun projet financé, aucune
    enveloppe) figure quand même, à zéro : le tableau liste toutes les régions, ou tous
    les territoires de la région, quel que soit le choix.
    """
    par_cle = {(t.code, t.dispositif, t.annee): t for t in lues}
    parties = []
    for t in lues:
        if (t.dispositif, t.annee) != (TOUS_DISPOSITIFS, TOUTES_ANNEES):
            continue
        ligne = par_cle.get((t.code, dispositif, annee))
        if ligne is None:
            ligne = Totaux(
                niveau=t.niveau,
                code=t.code,
                libelle=t.libelle,
                code_region=t.code_region,
                dispositif=dispositif,
                annee=annee,
                nb_territoires=t.nb_territoires,
                nb_intercommunalites=t.nb_intercommunalites,
            )
            ligne.calcule_le = t.calcule_le
        parties.append(ligne)
    return parties
