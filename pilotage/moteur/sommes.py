"""Les sommes du moteur : engagements dans leurs quatre combinaisons, enveloppes, niveau
national, et les champs écrits de chaque ligne."""

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau
from pilotage.moteur import lectures
from pilotage.moteur.lectures import Referentiel
from pilotage.moteur.lignes import (
    CENTIME,
    ZERO,
    Cle,
    ClePartiel,
    Ligne,
    Portee,
    combinaisons,
    sans_zeros,
)

LIBELLE_NATIONAL = "France"
LIBELLE_TOUS_DISPOSITIFS = "Tous les dispositifs"


def ajouter_engagements(partiels: defaultdict[ClePartiel, Ligne], groupes) -> None:
    """Les engagements dans les quatre combinaisons de chaque couple (territoire, région).

    Un groupe d'engagements (voir `lectures.engagements_groupes`) compte d'abord dans sa seule
    combinaison (dispositif, année) : montants engagés et versés, nombre
    d'engagements s'ils ne sont pas annulés, chiffres des projets s'il porte leur
    premier engagement non annulé de ce dispositif cette année-là. Les trois autres
    combinaisons en sont ensuite les sommes, sur les années (dispositif, toutes
    années), sur les dispositifs (tous dispositifs, année) ou sur les deux (où seuls
    les engagements comptent : les projets eux-mêmes remplissent cette ligne).

    Un projet engagé sur deux années d'un même dispositif, ou sur deux dispositifs la
    même année, compterait deux fois dans la somme : ses groupes qui ne sont pas
    premiers à ce niveau sont retirés après coup (ils sont rares). Un groupe premier
    du dispositif ou de l'année l'est toujours de sa combinaison (dispositif, année) :
    la somme corrigée compte chaque projet une fois.
    """
    a_retirer: list[tuple[ClePartiel, str, str, tuple]] = []
    for groupe in groupes:
        territoire, region, statut, enjeu, dispositif, annee, annule, *drapeaux, reste = groupe
        premier, premier_dispositif, premier_annee = drapeaux
        nombre, engage, verse, projets = reste
        partiel = partiels[(territoire, region, dispositif, annee)]
        partiel.montant_engage += engage
        partiel.montant_verse += verse
        if annule:
            continue
        partiel.nb_engagements += nombre
        if premier:
            partiel.ajouter_projets(statut, *projets, enjeu=enjeu)
            if not premier_dispositif:
                a_retirer.append(
                    ((territoire, region, dispositif, TOUTES_ANNEES), statut, enjeu, projets)
                )
            if not premier_annee:
                a_retirer.append(
                    ((territoire, region, TOUS_DISPOSITIFS, annee), statut, enjeu, projets)
                )
    combinaisons = [
        (cle, partiel)
        for cle, partiel in partiels.items()
        if cle[2] != TOUS_DISPOSITIFS and cle[3] != TOUTES_ANNEES
    ]
    for (territoire, region, dispositif, annee), partiel in combinaisons:
        partiels[(territoire, region, dispositif, TOUTES_ANNEES)].ajouter(partiel, montants=True)
        partiels[(territoire, region, TOUS_DISPOSITIFS, annee)].ajouter(partiel, montants=True)
        partiels[(territoire, region, TOUS_DISPOSITIFS, TOUTES_ANNEES)].ajouter_engagements(partiel)
    for cle, statut, enjeu, projets in a_retirer:
        partiels[cle].retirer_projets(statut, *projets, enjeu=enjeu)


def amorcer(lignes: defaultdict[Cle, Ligne], ref: Referentiel, portee: Portee) -> None:
    """Tous dispositifs et toutes années, chaque périmètre du référentiel a sa ligne."""
    tout = (TOUS_DISPOSITIFS, TOUTES_ANNEES)
    lignes.setdefault((Niveau.NATIONAL, "", *tout), Ligne())
    for code in ref.territoires:
        if portee.touche_territoire(code):
            lignes.setdefault((Niveau.TERRITOIRE, code, *tout), Ligne())
    for code in ref.territoires_par_region:
        if portee.touche_region(code):
            lignes.setdefault((Niveau.REGION, code, *tout), Ligne())


def ajouter_enveloppes(lignes: defaultdict[Cle, Ligne], portee: Portee) -> None:
    """Montants des enveloppes régionales (régions touchées) et nationales.

    Le montant national d'un dispositif pour une année est celui de son enveloppe
    nationale (les enveloppes régionales en sont la répartition) ; à défaut
    d'enveloppe nationale, la somme des enveloppes régionales. Les montants engagés
    et versés sont ceux des enveloppes régionales, où se font les engagements.
    """
    nationales: dict[tuple[str, int], Decimal] = {}
    regionales: Counter = Counter()
    engages: Counter = Counter()
    verses: Counter = Counter()
    for region, dispositif, annee, montant, engage, verse in lectures.enveloppes():
        engages[(dispositif, annee)] += engage
        verses[(dispositif, annee)] += verse
        if region is None:
            nationales[(dispositif, annee)] = nationales.get((dispositif, annee), ZERO) + montant
            continue
        regionales[(dispositif, annee)] += montant
        if not portee.touche_region(region):
            continue
        for combinaison in combinaisons(dispositif, annee):
            ligne = lignes[(Niveau.REGION, region, *combinaison)]
            ligne.montant_enveloppe = (ligne.montant_enveloppe or ZERO) + montant
            ligne.montant_engage += engage
            ligne.montant_verse += verse
    for couple in set(nationales) | set(regionales):
        montant = nationales.get(couple, regionales[couple])
        for combinaison in combinaisons(*couple):
            ligne = lignes[(Niveau.NATIONAL, "", *combinaison)]
            ligne.montant_enveloppe = (ligne.montant_enveloppe or ZERO) + montant
            ligne.montant_engage += engages[couple]
            ligne.montant_verse += verses[couple]


def ajouter_national(lignes: defaultdict[Cle, Ligne], portee: Portee) -> None:
    """Projets et engagements nationaux = somme des lignes des régions.

    Chaque projet est dans une seule région : la somme des régions compte chaque
    projet une fois. Les régions non touchées sont relues dans la table des totaux
    (une ligne par région, dispositif et année), jamais dans les projets. Les
    montants engagés et versés nationaux viennent des enveloppes.
    """
    regions = [(cle, ligne) for cle, ligne in lignes.items() if cle[0] == Niveau.REGION]
    if not portee.complete:
        regions.extend(lectures.lignes_regions_ecrites(exclure=portee.regions or frozenset()))
    for (_niveau, _code, dispositif, annee), ligne in regions:
        lignes[(Niveau.NATIONAL, "", dispositif, annee)].ajouter(ligne, montants=False)


def chiffres(cle: Cle, ligne: Ligne, ref: Referentiel) -> dict:
    """Les champs écrits d'une ligne (sauf ses dates), dans l'ordre de `CHAMPS_COMPARES`."""
    niveau, code, dispositif, annee = cle
    if niveau in (Niveau.NATIONAL, Niveau.REGION):
        code_region = "" if niveau == Niveau.NATIONAL else code
        libelle = LIBELLE_NATIONAL if niveau == Niveau.NATIONAL else ref.regions.get(code, code)
        compte = (lectures.phase_comptee(annee), code_region)
        nb_territoires = ref.territoires_par_phase.get(compte, 0)
        nb_epci = ref.epci_par_phase.get(compte, 0)
    else:
        libelle, code_region = ref.territoires.get(code, (code, ""))
        nb_territoires, nb_epci = 1, ref.epci_par_territoire.get(code, 0)
    if niveau == Niveau.TERRITOIRE:
        enveloppe = disponible = None
    else:
        enveloppe = ligne.montant_enveloppe or ZERO
        disponible = enveloppe - ligne.montant_engage
    # L'effet de levier : l'investissement des projets financés par un dispositif pour un
    # euro engagé sur ce dispositif. Jamais sur « tous les dispositifs » : ce serait
    # additionner des crédits d'instruments différents.
    effet_levier = None
    if dispositif and ligne.montant_engage > 0:
        effet_levier = (ligne.investissement / ligne.montant_engage).quantize(
            CENTIME, rounding=ROUND_HALF_UP
        )
    par_statut = sans_zeros(ligne.par_statut)
    return dict(
        libelle=libelle,
        dispositif_nom=ref.dispositifs.get(dispositif, dispositif) or LIBELLE_TOUS_DISPOSITIFS,
        code_region=code_region,
        nb_territoires=nb_territoires,
        nb_intercommunalites=nb_epci,
        nb_projets=sum(par_statut.values()),
        nb_projets_par_statut=par_statut,
        nb_projets_par_enjeu=sans_zeros(ligne.par_enjeu),
        nb_engagements=ligne.nb_engagements,
        investissement=ligne.investissement,
        emplois_crees=ligne.emplois_crees,
        emplois_maintenus=ligne.emplois_maintenus,
        aide_sollicitee=ligne.aide_sollicitee,
        montant_enveloppe=enveloppe,
        montant_engage=ligne.montant_engage,
        montant_verse=ligne.montant_verse,
        montant_disponible=disponible,
        effet_levier=effet_levier,
    )
