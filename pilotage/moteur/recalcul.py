"""Les recalculs : complet, des périmètres touchés, des demandes en attente ; les étapes
d'un recalcul dans une seule transaction (voir `pilotage.moteur`)."""

import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.utils import timezone

from pilotage.models import TOUS_DISPOSITIFS, TOUTES_ANNEES, Niveau
from pilotage.moteur import ecriture, lectures, sommes
from pilotage.moteur.ecriture import Rapport
from pilotage.moteur.lignes import Cle, ClePartiel, Ligne, Portee
from socle.models import DemandeRecalcul

# Verrou consultatif PostgreSQL : deux recalculs ne se croisent pas (sinon un recalcul
# complet commencé avant un changement pourrait écrire après lui des chiffres périmés).
CLE_VERROU = 20_201_117

ETAPES = [
    "référentiel",
    "projets",
    "engagements",
    "territoires et régions",
    "enveloppes",
    "niveau national",
    "écriture",
]
NB_ETAPES = len(ETAPES)


def recalculer_tout(*, progression: Callable[[str], None] | None = None) -> Rapport:
    """Recalcule tous les périmètres ; idempotent (seul `calcule_le` change).

    Les demandes de recalcul déjà inscrites sont couvertes : elles sont effacées dans la
    même transaction.
    """
    with transaction.atomic():
        derniere = DemandeRecalcul.objects.order_by("-pk").values_list("pk", flat=True).first()
        rapport = _recalculer(Portee(), progression=progression)
        if derniere is not None:
            DemandeRecalcul.objects.filter(pk__lte=derniere).delete()
    return rapport


def recalculer_les_demandes() -> Rapport | None:
    """Recalcule les périmètres des demandes en attente (`socle.recalcul`), puis les efface.

    Tout se passe dans une transaction : un worker tué en chemin laisse les demandes en
    attente et les totaux précédents ; la tâche suivante les reprend. Deux workers ne
    traitent pas les mêmes demandes (verrou de ligne, lignes verrouillées sautées).
    """
    with transaction.atomic():
        demandes = list(DemandeRecalcul.objects.select_for_update(skip_locked=True).order_by("pk"))
        if not demandes:
            return None
        rapport = recalculer_perimetres(
            territoires={t for d in demandes for t in d.territoires},
            regions={r for d in demandes for r in d.regions},
        )
        DemandeRecalcul.objects.filter(pk__in=[d.pk for d in demandes]).delete()
    return rapport


def recalculer_perimetres(
    *, territoires: Iterable[str] = (), regions: Iterable[str] = ()
) -> Rapport:
    """Recalcule ces territoires, ces régions et le niveau national, et eux seuls."""
    portee = Portee(
        territoires=frozenset(t for t in territoires if t),
        regions=frozenset(r for r in regions if r),
    )
    return _recalculer(portee)


def _recalculer(portee: Portee, *, progression=None) -> Rapport:
    etape = progression or (lambda _libelle: None)
    debut = time.perf_counter()
    rapport = Rapport()
    with transaction.atomic():
        _preparer_la_transaction()
        calcule_le = timezone.now()
        ref = lectures.lire_referentiel()
        etape(ETAPES[0])

        partiels: defaultdict[ClePartiel, Ligne] = defaultdict(Ligne)
        tout = (TOUS_DISPOSITIFS, TOUTES_ANNEES)
        for territoire, region, statut, enjeu, *chiffres in lectures.projets_groupes(portee):
            partiels[(territoire, region, *tout)].ajouter_projets(statut, *chiffres, enjeu=enjeu)
        etape(ETAPES[1])
        sommes.ajouter_engagements(
            partiels, lectures.engagements_groupes(portee, ref.codes_dispositifs)
        )
        etape(ETAPES[2])

        # Les régions où les territoires touchés avaient ou ont des projets changent aussi.
        regions_avant = ecriture.ecrire_partiels(partiels, portee)
        portee = portee.avec_regions(regions_avant | {cle[1] for cle in partiels})
        lignes: defaultdict[Cle, Ligne] = defaultdict(Ligne)
        sommes.amorcer(lignes, ref, portee)
        for (territoire, region, dispositif, annee), partiel in partiels.items():
            lignes[(Niveau.TERRITOIRE, territoire, dispositif, annee)].ajouter(
                partiel, montants=True
            )
            if portee.touche_region(region):
                lignes[(Niveau.REGION, region, dispositif, annee)].ajouter(partiel, montants=False)
        if not portee.complete:
            for (_t, region, dispositif, annee), partiel in lectures.partiels_ecrits(portee):
                lignes[(Niveau.REGION, region, dispositif, annee)].ajouter(partiel, montants=False)
        etape(ETAPES[3])
        sommes.ajouter_enveloppes(lignes, portee)
        etape(ETAPES[4])
        sommes.ajouter_national(lignes, portee)
        etape(ETAPES[5])
        chiffres = {cle: sommes.chiffres(cle, ligne, ref) for cle, ligne in lignes.items()}
        rapport.ecrites, rapport.supprimees = ecriture.ecrire(chiffres, portee, calcule_le)
        rapport.lignes.update(niveau for niveau, _code, _dispositif, _annee in chiffres)
        rapport.calcule_le = calcule_le
        rapport.duree = time.perf_counter() - debut
        ecriture.inscrire(rapport, portee)
        etape(ETAPES[6])
    return rapport


def _preparer_la_transaction() -> None:
    """PostgreSQL : un recalcul à la fois ; regroupements et tris en mémoire.

    `work_mem` (4 Mo par défaut) ne vaut que pour cette transaction : les tris des
    engagements (fenêtres) et les regroupements restent en mémoire au lieu d'aller
    sur disque, ce qui divise leur durée par deux à 100 000 projets.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute("SELECT pg_advisory_xact_lock(%s)", [CLE_VERROU])
            curseur.execute("SET LOCAL work_mem = '64MB'")
