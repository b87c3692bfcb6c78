"""Données du banc : N projets fictifs sur le référentiel réel, écrits par COPY.

Pour une taille donnée, les tables des projets, des avis, des crédits et des totaux
sont vidées puis remplies de nouveau (graine fixe : mêmes données à chaque passage).
La répartition vise un programme en régime de croisière sur cinq années :

- les projets sont répartis entre les 148 Territoires d'industrie au prorata de leur
  population et de leurs EPCI, sur une commune du territoire située dans sa région
  de pilotage (comme `pilotage.demo`) ;
- tous les statuts du cycle de vie sont présents (voir `STATUTS`), avec les avis
  État / Région qui les expliquent (lignes `Avis` et copies `avis_etat`/`avis_region`) ;
- les projets engagés, en cours ou réalisés (et une partie des abandonnés) ont un
  engagement sur l'enveloppe régionale du Fonds d'accélération de leur année,
  quelques-uns un second l'année suivante ; les projets en cours ont un versement
  partiel, les réalisés sont soldés, les abandonnés ont rendu la part non versée ;
- chaque enveloppe régionale est la somme de ses mouvements (une répartition), son
  montant engagé et versé la somme de ses engagements et versements ; l'enveloppe
  nationale de chaque année est la somme des régionales.

L'historique des projets (`Evenement`) n'est pas généré : aucune page mesurée ne le lit.
"""

import datetime
import io
import math
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction

from comptes.models import Profil, Role
from fonds.models import (
    Dispositif,
    Engagement,
    Enveloppe,
    Mouvement,
    StatutEngagement,
    TypeMouvement,
    Versement,
)
from pilotage.models import Calcul, Totaux, TotauxPartiels
from projets.models import (
    Avis,
    Cote,
    Enjeu,
    Entreprise,
    Evenement,
    Filiere,
    Projet,
    SensAvis,
    Statut,
    Taille,
)
from territoires.models import Commune, TerritoireIndustrie
from territoires.validators import cle_luhn_valide

GRAINE = 2020
ANNEES = [(2020, 15), (2021, 25), (2022, 25), (2023, 20), (2024, 15)]
ANNEE_MAX = max(annee for annee, _ in ANNEES)
FONDS = "fonds-acceleration"

# Un programme en régime de croisière : tous les stades, un tiers des projets financés.
STATUTS = [
    (Statut.BROUILLON, 5),
    (Statut.DEPOSE, 10),
    (Statut.EN_INSTRUCTION, 20),
    (Statut.PRESELECTIONNE, 10),
    (Statut.NON_RETENU, 15),
    (Statut.ENGAGE, 15),
    (Statut.EN_COURS, 12),
    (Statut.REALISE, 8),
    (Statut.ABANDONNE, 5),
]
STATUTS_FINANCES = {Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE}
PART_ABANDONNES_ENGAGES = 0.3
PART_SECOND_ENGAGEMENT = 0.08
PROJETS_PAR_ENTREPRISE = 1.4

DISPOSITIFS = [
    # code, nom, finance des projets, enveloppes nationales hors Fonds {année: montant}
    (FONDS, "Fonds d'accélération des investissements industriels dans les territoires", True, {}),
    ("transition-collective", "Transition collective", False, {2021: 500_000_000}),
    ("dsil", "DSIL orientée Territoires d'industrie", False, {2021: 1_000_000_000}),
    ("banque-des-territoires", "Banque des Territoires", False, {2020: 1_000_000_000}),
]

INTITULES = {
    Enjeu.INNOVER: ["Robotisation de la ligne", "Unité de fabrication additive", "Atelier 4.0"],
    Enjeu.RECRUTER: ["Extension de l'atelier", "École de production sur site", "Équipe en 3×8"],
    Enjeu.ATTIRER: ["Implantation d'une usine", "Relocalisation d'une production"],
    Enjeu.SIMPLIFIER: ["Modernisation du site", "Regroupement de la production"],
}
ACTIVITES = ["Forges", "Fonderies", "Plasturgie", "Scieries", "Conserveries", "Capteurs"]
MOTIFS = [
    "Effet levier insuffisant au regard de l'aide sollicitée.",
    "Projet déjà financé par un autre dispositif.",
    "Calendrier incompatible avec le fonds.",
]
DESCRIPTION = "Projet fictif du banc de performance."
INSTANT_MAX = datetime.datetime(2025, 6, 30, 18, tzinfo=datetime.UTC)


@dataclass
class Comptes:
    admin: object
    ministere: object
    prefectures: dict  # code région -> utilisateur
    conseils: dict  # code région -> utilisateur


@dataclass
class Generation:
    """Ce qui a été écrit pour une taille, et en combien de temps."""

    projets: int = 0
    entreprises: int = 0
    avis: int = 0
    engagements: int = 0
    versements: int = 0
    enveloppes: int = 0
    mouvements: int = 0
    duree: float = 0.0
    par_statut: dict = field(default_factory=dict)


def preparer_comptes_et_dispositifs() -> Comptes:
    """Les agents du banc (sans mot de passe : le banc se connecte par `force_login`)."""
    User = get_user_model()

    def agent(nom, role, region=None, **attributs):
        user = User(username=nom, email=f"{nom}@banc.invalid", **attributs)
        user.set_unusable_password()
        user.save()
        Profil.objects.create(user=user, role=role, region_id=region, organisme="Banc")
        return user

    regions = sorted(set(TerritoireIndustrie.objects.values_list("region_id", flat=True)))
    comptes = Comptes(
        admin=agent("banc-admin", Role.ADMIN_NATIONAL, is_staff=True, is_superuser=True),
        ministere=agent("banc-ministere", Role.MINISTERE),
        prefectures={r: agent(f"banc-prefecture-{r}", Role.PREFECTURE, r) for r in regions},
        conseils={r: agent(f"banc-region-{r}", Role.REGION, r) for r in regions},
    )
    for ordre, (code, nom, finance, _nationales) in enumerate(DISPOSITIFS):
        Dispositif.objects.create(code=code, nom=nom, finance_projets=finance, ordre=ordre)
    return comptes


# --- COPY ---------------------------------------------------------------------------


def _texte(valeur) -> str:
    """Une valeur au format texte de COPY (échappements seulement quand il le faut)."""
    if valeur is None:
        return r"\N"
    if valeur is True:
        return "t"
    if valeur is False:
        return "f"
    if isinstance(valeur, str):
        if "\\" in valeur or "\t" in valeur or "\n" in valeur or "\r" in valeur:
            return (
                valeur.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return valeur
    return str(valeur)


def _copier(curseur, modele, champs: list[str], lignes) -> int:
    """COPY … FROM STDIN des lignes (tuples dans l'ordre de `champs`) ; rend leur nombre."""
    q = connection.ops.quote_name
    colonnes = ", ".join(q(modele._meta.get_field(nom).column) for nom in champs)
    tampon = io.StringIO()
    nombre = 0
    for ligne in lignes:
        tampon.write("\t".join(_texte(v) for v in ligne))
        tampon.write("\n")
        nombre += 1
    tampon.seek(0)
    sql = f"COPY {q(modele._meta.db_table)} ({colonnes}) FROM STDIN"
    brut = curseur.cursor
    if hasattr(brut, "copy_expert"):  # psycopg2
        brut.copy_expert(sql, tampon)
    else:  # psycopg 3
        with brut.copy(sql) as copie:
            copie.write(tampon.getvalue())
    return nombre


# --- Tirages ------------------------------------------------------------------------


def _siren(numero: int) -> str:
    """Un SIREN fictif valide (clé de Luhn calculée), unique pour chaque numéro."""
    base = f"8{numero:07d}"
    total = 0
    for rang, chiffre in enumerate(reversed(base)):
        valeur = int(chiffre) * (2 if rang % 2 == 0 else 1)
        total += valeur - 9 if valeur > 9 else valeur
    siren = base + str((10 - total % 10) % 10)
    assert cle_luhn_valide(siren)  # noqa: S101 (données du banc)
    return siren


def _instant(jour: datetime.date, rng: random.Random) -> datetime.datetime:
    moment = datetime.datetime.combine(
        jour, datetime.time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=datetime.UTC
    )
    return min(moment, INSTANT_MAX)


def _horodatage(moment: datetime.datetime) -> str:
    return moment.isoformat(sep=" ")


def _euros(montant: int) -> str:
    return f"{montant}.00"


def _communes_par_territoire() -> tuple[dict, dict]:
    """Communes (avec EPCI) de chaque territoire situées dans sa région de pilotage."""
    lien = TerritoireIndustrie.communes.through
    par_territoire, dans_la_region = defaultdict(list), defaultdict(list)
    for code, commune, region_commune, region_territoire in (
        lien.objects.filter(commune__epci__isnull=False)
        .values_list(
            "territoireindustrie_id",
            "commune_id",
            "commune__departement__region_id",
            "territoireindustrie__region_id",
        )
        .order_by("territoireindustrie_id", "commune_id")
    ):
        par_territoire[code].append(commune)
        if region_commune == region_territoire:
            dans_la_region[code].append(commune)
    choix = {code: dans_la_region.get(code) or liste for code, liste in par_territoire.items()}
    details = {
        code: (epci, departement, region)
        for code, epci, departement, region in Commune.objects.filter(
            code_insee__in={c for liste in choix.values() for c in liste}
        ).values_list("code_insee", "epci_id", "departement_id", "departement__region_id")
    }
    return choix, details


def _avis(rng: random.Random, statut: str, engage: bool) -> tuple[str, str, str]:
    """Avis en cours (État, Région) et motif, cohérents avec le statut."""
    favorable, defavorable = SensAvis.FAVORABLE, SensAvis.DEFAVORABLE
    if statut in (Statut.PRESELECTIONNE, *STATUTS_FINANCES) or engage:
        return favorable, favorable, ""
    if statut == Statut.NON_RETENU:
        motif = rng.choice(MOTIFS)
        paire = rng.choice([(favorable, defavorable), (defavorable, favorable), (defavorable, "")])
        return (*paire, motif)
    if statut == Statut.EN_INSTRUCTION:
        return (*rng.choice([("", ""), (favorable, ""), ("", favorable), ("", "")]), "")
    return "", "", ""


# --- Génération ---------------------------------------------------------------------


def vider() -> None:
    """Vide les tables que le banc remplit (projets, crédits, totaux), compteurs remis à 1."""
    modeles = [
        Versement,
        Engagement,
        Mouvement,
        Enveloppe,
        Avis,
        Evenement,
        Projet,
        Entreprise,
        Totaux,
        TotauxPartiels,
        Calcul,
    ]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in modeles)
    with connection.cursor() as curseur:
        curseur.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def generer(taille: int, comptes: Comptes, *, graine: int = GRAINE) -> Generation:
    """Vide puis écrit `taille` projets, leurs avis, engagements, versements et enveloppes."""
    debut = time.perf_counter()
    rng = random.Random(graine)  # noqa: S311 (données fictives)
    vider()
    communes, details = _communes_par_territoire()
    territoires = list(
        TerritoireIndustrie.objects.order_by("code").values_list(
            "code", "population", "nb_intercommunalites"
        )
    )
    territoires = [t for t in territoires if communes.get(t[0])]
    codes = [code for code, _p, _n in territoires]
    poids = [population / 10_000 + 2 * nb_epci + 1 for _c, population, nb_epci in territoires]
    statuts = [s for s, _p in STATUTS]
    poids_statuts = [p for _s, p in STATUTS]
    annees = [a for a, _p in ANNEES]
    poids_annees = [p for _a, p in ANNEES]
    enjeux = list(INTITULES)
    filieres = list(Filiere.values)

    nb_entreprises = max(1, math.ceil(taille / PROJETS_PAR_ENTREPRISE))
    entreprises = [
        (
            i,
            _siren(i),
            f"{ACTIVITES[i % len(ACTIVITES)]} du banc n° {i} SAS",
            rng.choices([Taille.PME, Taille.ETI, Taille.GE], weights=[70, 22, 8])[0],
            True,
        )
        for i in range(1, nb_entreprises + 1)
    ]

    projets, avis, engagements, versements = [], [], [], []
    # (région, année) -> [montant net engagé, montant versé]
    par_enveloppe: defaultdict = defaultdict(lambda: [0, 0])
    par_statut: defaultdict = defaultdict(int)
    tirages = zip(
        rng.choices(codes, weights=poids, k=taille),
        rng.choices(statuts, weights=poids_statuts, k=taille),
        rng.choices(annees, weights=poids_annees, k=taille),
        strict=True,
    )
    for pk, (territoire, statut, annee) in enumerate(tirages, start=1):
        commune = rng.choice(communes[territoire])
        epci, departement, region = details[commune]
        enjeu = rng.choice(enjeux)
        investissement = int(min(max(rng.lognormvariate(15.0, 0.9), 150_000), 60_000_000))
        investissement -= investissement % 1000
        aide = max(1000, int(round(investissement * rng.uniform(0.05, 0.2), -3)))
        crees = int(investissement / rng.uniform(150_000, 600_000))
        maintenus = int(crees * rng.uniform(1.5, 6)) + rng.randrange(5, 40)
        date_debut = datetime.date(annee, 1, 15) + datetime.timedelta(days=rng.randrange(330))
        date_fin = date_debut + datetime.timedelta(days=rng.randrange(180, 1100))
        cree_le = _instant(date_debut - datetime.timedelta(days=rng.randrange(30, 120)), rng)
        modifie_le = min(cree_le + datetime.timedelta(days=rng.randrange(400)), INSTANT_MAX)
        prefecture = comptes.prefectures.get(region, comptes.admin)
        conseil = comptes.conseils.get(region, comptes.admin)

        finance = statut in STATUTS_FINANCES or (
            statut == Statut.ABANDONNE and rng.random() < PART_ABANDONNES_ENGAGES
        )
        sens_etat, sens_region, motif = _avis(rng, statut, finance)
        for cote, sens, auteur in (
            (Cote.ETAT, sens_etat, prefecture),
            (Cote.REGION, sens_region, conseil),
        ):
            if sens:
                commentaire = motif if sens == SensAvis.DEFAVORABLE else ""
                avis.append((pk, cote, sens, commentaire, auteur.pk, _horodatage(modifie_le), True))
        par_statut[statut] += 1
        projets.append(
            (
                pk,
                f"{rng.choice(INTITULES[enjeu])} n° {pk}",
                DESCRIPTION,
                territoire,
                commune,
                epci,
                departement,
                region,
                rng.randrange(1, nb_entreprises + 1),
                "",
                enjeu,
                rng.choice(filieres),
                annee,
                _euros(investissement),
                crees,
                maintenus,
                _euros(aide),
                date_debut,
                date_fin,
                statut,
                sens_etat,
                sens_region,
                motif if statut == Statut.NON_RETENU else "",
                1,
                prefecture.pk,
                _horodatage(cree_le),
                _horodatage(modifie_le),
            )
        )
        if not finance:
            continue
        # Un ou deux engagements (le second sur l'année suivante), jamais plus que l'aide.
        montant = max(1000, min(aide, int(round(aide * rng.uniform(0.5, 1.0), -3))))
        tranches = [(annee, montant)]
        if annee < ANNEE_MAX and montant >= 2000 and rng.random() < PART_SECOND_ENGAGEMENT:
            premier = int(round(montant * 0.6, -3))
            tranches = [(annee, premier), (annee + 1, montant - premier)]
        for annee_env, montant_eng in tranches:
            jour = min(
                date_debut + datetime.timedelta(days=rng.randrange(20, 90)),
                datetime.date(annee_env, 12, 20),
            )
            jour = max(jour, datetime.date(annee_env, 1, 10))
            verse, libere, statut_eng = 0, 0, StatutEngagement.ENGAGE
            paiements = []
            if statut == Statut.EN_COURS:
                paiements = [round(montant_eng * rng.uniform(0.3, 0.7))]
            elif statut == Statut.REALISE:
                moitie = montant_eng // 2
                paiements = [moitie, montant_eng - moitie] if rng.random() < 0.5 else [montant_eng]
                statut_eng = StatutEngagement.SOLDE
            elif statut == Statut.ABANDONNE:
                if rng.random() < 0.5:
                    paiements = [round(montant_eng * rng.uniform(0.2, 0.5))]
                    statut_eng = StatutEngagement.SOLDE
                else:
                    statut_eng = StatutEngagement.ANNULE
            paiements = [p for p in paiements if p > 0]
            verse = sum(paiements)
            if statut == Statut.ABANDONNE:
                libere = montant_eng - verse
            id_eng = len(engagements) + 1
            engagements.append(
                (
                    id_eng,
                    pk,
                    (region, annee_env),  # remplacé par l'id de l'enveloppe plus bas
                    _euros(montant_eng),
                    _euros(verse),
                    _euros(libere),
                    statut_eng,
                    jour,
                    "",
                    prefecture.pk,
                    _horodatage(_instant(jour, rng)),
                    _horodatage(_instant(jour, rng)),
                )
            )
            cumul = par_enveloppe[(region, annee_env)]
            cumul[0] += montant_eng - libere
            cumul[1] += verse
            for rang, paiement in enumerate(paiements, start=1):
                le = jour + datetime.timedelta(days=90 * rang)
                versements.append(
                    (
                        len(versements) + 1,
                        id_eng,
                        _euros(paiement),
                        le,
                        f"BANC-{id_eng:07d}-{rang}",
                        prefecture.pk,
                        _horodatage(_instant(le, rng)),
                    )
                )

    enveloppes, mouvements, id_enveloppe = _enveloppes(par_enveloppe, comptes)
    engagements = [(*e[:2], id_enveloppe[e[2]], *e[3:]) for e in engagements]

    with transaction.atomic(), connection.cursor() as curseur:
        # Base du banc : inutile d'attendre l'écriture du journal sur disque à la validation.
        curseur.execute("SET LOCAL synchronous_commit = off")
        resultat = Generation(
            entreprises=_copier(
                curseur,
                Entreprise,
                ["id", "siren", "raison_sociale", "taille", "fictive"],
                entreprises,
            ),
            projets=_copier(
                curseur,
                Projet,
                [
                    "id",
                    "intitule",
                    "description",
                    "territoire",
                    "commune",
                    "epci",
                    "departement",
                    "region",
                    "porteur",
                    "siret",
                    "enjeu",
                    "filiere",
                    "annee",
                    "montant_investissement",
                    "emplois_crees",
                    "emplois_maintenus",
                    "aide_sollicitee",
                    "date_debut",
                    "date_fin",
                    "statut",
                    "avis_etat",
                    "avis_region",
                    "motif_non_retenu",
                    "version",
                    "cree_par",
                    "created_at",
                    "updated_at",
                ],
                projets,
            ),
            avis=_copier(
                curseur,
                Avis,
                ["projet", "cote", "sens", "commentaire", "auteur", "created_at", "en_cours"],
                avis,
            ),
            enveloppes=_copier(
                curseur,
                Enveloppe,
                [
                    "id",
                    "dispositif",
                    "annee",
                    "region",
                    "montant",
                    "montant_engage",
                    "montant_verse",
                    "created_at",
                    "updated_at",
                ],
                enveloppes,
            ),
            mouvements=_copier(
                curseur,
                Mouvement,
                [
                    "enveloppe",
                    "type",
                    "montant",
                    "date_effet",
                    "motif",
                    "operation",
                    "auteur",
                    "created_at",
                ],
                mouvements,
            ),
            engagements=_copier(
                curseur,
                Engagement,
                [
                    "id",
                    "projet",
                    "enveloppe",
                    "montant",
                    "montant_verse",
                    "montant_libere",
                    "statut",
                    "date_engagement",
                    "commentaire",
                    "auteur",
                    "created_at",
                    "updated_at",
                ],
                engagements,
            ),
            versements=_copier(
                curseur,
                Versement,
                [
                    "id",
                    "engagement",
                    "montant",
                    "date_versement",
                    "reference",
                    "auteur",
                    "created_at",
                ],
                versements,
            ),
        )
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Entreprise, Projet, Avis, Enveloppe, Mouvement, Engagement, Versement]
        ):
            curseur.execute(sql)
    with connection.cursor() as curseur:
        curseur.execute("VACUUM ANALYZE")
    resultat.par_statut = dict(par_statut)
    resultat.duree = time.perf_counter() - debut
    return resultat


def _enveloppes(par_enveloppe: dict, comptes: Comptes) -> tuple[list, list, dict]:
    """Enveloppes régionales du Fonds (chacune la somme de sa répartition), nationales, autres.

    Une enveloppe régionale vaut ce qui y est engagé plus un quart et un million
    (arrondi au millier) : jamais sur-engagée, jamais vide.
    """
    fonds = dict(Dispositif.objects.values_list("code", "id"))
    maintenant = _horodatage(datetime.datetime(2025, 6, 30, 12, tzinfo=datetime.UTC))
    enveloppes, mouvements, id_enveloppe = [], [], {}
    regions = sorted(
        set(TerritoireIndustrie.objects.values_list("region_id", flat=True))
        | {region for region, _annee in par_enveloppe}
    )

    def enveloppe(dispositif, annee, region, montant, engage=0, verse=0, *, type_, motif, op):
        pk = len(enveloppes) + 1
        enveloppes.append(
            (
                pk,
                dispositif,
                annee,
                region,
                _euros(montant),
                _euros(engage),
                _euros(verse),
                maintenant,
                maintenant,
            )
        )
        mouvements.append(
            (
                pk,
                type_,
                _euros(montant),
                datetime.date(annee, 1, 15),
                motif,
                op,
                comptes.admin.pk,
                maintenant,
            )
        )
        return pk

    for annee, _poids in ANNEES:
        operation = uuid.UUID(int=annee)
        total = 0
        for region in regions:
            engage, verse = par_enveloppe.get((region, annee), (0, 0))
            montant = math.ceil((engage * 1.25 + 1_000_000) / 1000) * 1000
            total += montant
            id_enveloppe[(region, annee)] = enveloppe(
                fonds[FONDS],
                annee,
                region,
                montant,
                engage,
                verse,
                type_=TypeMouvement.REPARTITION,
                motif=f"Répartition {annee} du Fonds d'accélération (banc).",
                op=operation,
            )
        # Le total national de l'année ; ses crédits sont répartis, il n'engage rien lui-même.
        enveloppe(
            fonds[FONDS],
            annee,
            None,
            total,
            type_=TypeMouvement.DOTATION,
            motif=f"Dotation {annee} (banc).",
            op=None,
        )
    for code, _nom, _finance, nationales in DISPOSITIFS:
        for annee, montant in nationales.items():
            enveloppe(
                fonds[code],
                annee,
                None,
                montant,
                type_=TypeMouvement.DOTATION,
                motif="Montant annoncé (banc).",
                op=None,
            )
    return enveloppes, mouvements, id_enveloppe
