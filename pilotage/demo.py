"""Données de démonstration : le programme tel que le comité de pilotage l'a décrit.

Tout est fictif sauf le référentiel (territoires, EPCI, communes) : entreprises,
projets, montants et agents sont inventés, déterministes pour une graine donnée,
et marqués comme tels (`Entreprise.fictive`, bannière sur chaque page).

Les chiffres visés, ceux du communiqué du comité de pilotage national de
novembre 2020, et les règles de répartition sont décrits dans `docs/demo.md`.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from comptes.models import Profil, Role, Trace
from fonds import services as fonds
from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, TypeMouvement, Versement
from pilotage.context_processors import CLE_DEMO
from pilotage.indicateurs import charger_indicateurs_du_programme
from pilotage.models import ValeurIndicateur
from projets import services as services_projets
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
    TypeEvenement,
)
from territoires.models import Commune, TerritoireIndustrie
from territoires.validators import cle_luhn_valide

MILLION = Decimal("1000000")
NB_PROJETS = 1600
NB_PROJETS_FINANCES_2020 = 179
FONDS_2020_INITIAL = Decimal("150000000.00")
FONDS_2021_INITIAL = Decimal("250000000.00")
ANTICIPATION = Decimal("100000000.00")
EMPLOIS_VISES_2020 = 7042  # « la perspective de créer 7 000 emplois »
LEVIER_MINIMAL = Decimal("10")

# Répartition des 1 421 autres projets entre les statuts.
AUTRES_STATUTS = [
    (Statut.BROUILLON, 100),
    (Statut.DEPOSE, 200),
    (Statut.EN_INSTRUCTION, 350),
    (Statut.PRESELECTIONNE, 250),
    (Statut.NON_RETENU, 221),
    (Statut.ABANDONNE, 100),
    (Statut.ENGAGE, 200),  # engagés sur les enveloppes 2021
]

COMPTES_DEMO = {
    "prefecture-84": (Role.PREFECTURE, "84", "Préfecture de la région Auvergne-Rhône-Alpes"),
    "region-84": (Role.REGION, "84", "Région Auvergne-Rhône-Alpes"),
    "prefecture-32": (Role.PREFECTURE, "32", "Préfecture de la région Hauts-de-France"),
    "region-32": (Role.REGION, "32", "Région Hauts-de-France"),
    "prefecture-44": (Role.PREFECTURE, "44", "Préfecture de la région Grand Est"),
    "region-44": (Role.REGION, "44", "Région Grand Est"),
    "ministere": (Role.MINISTERE, None, "Ministère chargé de l'industrie"),
    "admin-national": (Role.ADMIN_NATIONAL, None, "Équipe nationale Territoires d'industrie"),
}

DISPOSITIFS = [
    # code, nom, montant annoncé, finance des projets, enveloppes nationales {année: montant}
    (
        "fonds-acceleration",
        "Fonds d'accélération des investissements industriels dans les territoires",
        Decimal("400000000"),
        True,
        {},
    ),
    (
        "transition-collective",
        "Transition collective (bassins d'emploi pilotes)",
        Decimal("500000000"),
        False,
        {2021: Decimal("500000000")},
    ),
    (
        "dsil",
        "Dotation de soutien à l'investissement local orientée Territoires d'industrie",
        Decimal("1000000000"),
        False,
        {2021: Decimal("1000000000")},
    ),
    (
        "banque-des-territoires",
        "Contribution de la Banque des Territoires",
        Decimal("1000000000"),
        False,
        {2020: Decimal("1000000000")},
    ),
    ("sites-cles-en-main", "Sites clés en main (appel à candidatures)", None, False, {}),
    ("fonds-friches", "Fonds friches", None, False, {}),
    ("industrie-du-futur", "Accompagnements et aides industrie du futur", None, False, {}),
    ("decarbonation", "Soutien à la décarbonation de l'industrie", None, False, {}),
]

ACTIVITES = {
    Filiere.AERONAUTIQUE: ["Aérostructures", "Usinage aéronautique", "Composites aéro"],
    Filiere.AGROALIMENTAIRE: ["Fromageries", "Conserveries", "Salaisons", "Biscuiteries"],
    Filiere.AUTOMOBILE: ["Équipements automobiles", "Emboutissage", "Décolletage"],
    Filiere.BOIS: ["Scieries", "Menuiseries industrielles", "Charpentes"],
    Filiere.CHIMIE: ["Chimie fine", "Plasturgie", "Élastomères", "Peintures"],
    Filiere.CONSTRUCTION: ["Préfabrication béton", "Tuileries", "Profilés"],
    Filiere.DECHETS: ["Recyclage des métaux", "Valorisation plastique"],
    Filiere.EAU: ["Traitement des eaux", "Pompes et vannes"],
    Filiere.ELECTRONIQUE: ["Cartes électroniques", "Capteurs", "Câblages"],
    Filiere.ENERGIE: ["Électrolyseurs", "Réseaux de chaleur", "Batteries"],
    Filiere.FERROVIAIRE: ["Matériel ferroviaire", "Bogies"],
    Filiere.INDUSTRIE_DU_FUTUR: ["Robotique", "Fabrication additive", "Automatismes"],
    Filiere.MER: ["Chantiers navals", "Équipements marins"],
    Filiere.METALLURGIE: ["Forges", "Fonderies", "Chaudronnerie", "Traitements de surface"],
    Filiere.MODE_LUXE: ["Maroquinerie", "Textiles techniques", "Tissages"],
    Filiere.NUCLEAIRE: ["Robinetterie nucléaire", "Mécanique de précision"],
    Filiere.SANTE: ["Laboratoires", "Dispositifs médicaux", "Biotechnologies"],
    Filiere.AUTRE: ["Emballages", "Papeteries", "Verreries"],
}
FORMES = ["SAS", "SA", "SARL", "SAS", "SAS"]
INTITULES = {
    Enjeu.INNOVER: [
        "Robotisation de la ligne de production",
        "Nouvelle unité de fabrication additive",
        "Numérisation de l'atelier et maintenance prédictive",
        "Industrialisation d'un nouveau procédé",
        "Ligne pilote de produits bas carbone",
    ],
    Enjeu.RECRUTER: [
        "Extension de l'atelier et recrutement d'opérateurs",
        "Création d'une école de production sur site",
        "Nouvelle équipe de production en 3×8",
    ],
    Enjeu.ATTIRER: [
        "Implantation d'une nouvelle usine",
        "Relocalisation d'une production",
        "Reprise et modernisation d'un site industriel",
    ],
    Enjeu.SIMPLIFIER: [
        "Modernisation du site et réduction des délais",
        "Regroupement de la production sur un site unique",
        "Mise aux normes et extension du bâtiment de production",
    ],
}


@dataclass
class RapportDemo:
    projets_par_statut: dict = field(default_factory=dict)
    engagements_2020: int = 0
    montant_engage_2020: Decimal = Decimal("0")
    investissement_2020: Decimal = Decimal("0")
    emplois_2020: int = 0
    comptes: list = field(default_factory=list)


class DemoExistante(Exception):
    pass


def donnees_demo_presentes() -> bool:
    return Entreprise.objects.filter(fictive=True).exists()


def _repartir_entier(total: int, poids: dict, minimum: int = 0) -> dict:
    """Répartition d'un entier au prorata des poids (plus forts restes), avec un plancher."""
    cles = sorted(poids)
    resultat = dict.fromkeys(cles, minimum)
    reste = total - minimum * len(cles)
    somme = sum(poids.values())
    parts = {c: reste * poids[c] / somme for c in cles}
    for c in cles:
        resultat[c] += int(parts[c])
    manque = total - sum(resultat.values())
    for c in sorted(cles, key=lambda c: (-(parts[c] - int(parts[c])), c))[:manque]:
        resultat[c] += 1
    return resultat


def _repartir_montant(total: Decimal, poids: dict, pas: Decimal = Decimal("1000")) -> dict:
    """Répartition d'un montant au prorata, arrondie au pas, le reliquat à la plus grosse part."""
    cles = sorted(poids)
    somme = sum(poids.values())
    resultat = {
        c: (total * Decimal(poids[c]) / Decimal(somme) / pas).quantize(Decimal(1), ROUND_DOWN) * pas
        for c in cles
    }
    plus_grosse = max(cles, key=lambda c: (resultat[c], c))
    resultat[plus_grosse] += total - sum(resultat.values())
    return resultat


def poids_des_regions() -> dict[str, int]:
    """Règle de répartition régionale : la population des Territoires d'industrie pilotés."""
    poids = defaultdict(int)
    for region, population in TerritoireIndustrie.objects.values_list("region_id", "population"):
        poids[region] += population
    return dict(poids)


def _siren_fictif(rng: random.Random, deja: set) -> str:
    while True:
        base = "999" + f"{rng.randrange(10**5):05d}"
        for cle in range(10):
            siren = base + str(cle)
            if cle_luhn_valide(siren) and siren not in deja:
                deja.add(siren)
                return siren


def _date(rng, debut: datetime.date, fin: datetime.date) -> datetime.date:
    return debut + datetime.timedelta(days=rng.randrange((fin - debut).days + 1))


def _instant(jour: datetime.date, heure: int) -> datetime.datetime:
    return datetime.datetime.combine(jour, datetime.time(heure % 24, 0), tzinfo=datetime.UTC)


def _creer_comptes(mot_de_passe: str) -> dict:
    User = get_user_model()
    comptes = {}
    for nom, (role, region, organisme) in COMPTES_DEMO.items():
        user = User.objects.create_user(
            username=nom,
            password=mot_de_passe,
            email=f"{nom}@demo.invalid",
            first_name="Agent",
            last_name=organisme,
            # L'équipe nationale administre tout le portail (référentiel, enveloppes, comptes).
            is_staff=role == Role.ADMIN_NATIONAL,
            is_superuser=role == Role.ADMIN_NATIONAL,
        )
        Profil.objects.create(user=user, role=role, region_id=region, organisme=organisme)
        comptes[nom] = user
    return comptes


def _creer_fonds(admin, regions_poids: dict) -> dict:
    """Le Fonds d'accélération : 150 M€ en 2020, 250 M€ en 2021, puis 100 M€ anticipés."""
    dispositifs = {}
    for ordre, (code, nom, annonce, finance, nationales) in enumerate(DISPOSITIFS):
        dispositif = Dispositif.objects.create(
            code=code, nom=nom, montant_annonce=annonce, finance_projets=finance, ordre=ordre
        )
        dispositifs[code] = dispositif
        for annee, montant in nationales.items():
            enveloppe = fonds.creer_enveloppe(dispositif=dispositif, annee=annee, auteur=admin)
            fonds.ajouter_mouvement(
                enveloppe_id=enveloppe.pk,
                type=TypeMouvement.DOTATION,
                montant=montant,
                date_effet=datetime.date(annee, 1, 1),
                motif="Montant annoncé au comité de pilotage national de novembre 2020.",
                auteur=admin,
            )
    fonds_acc = dispositifs["fonds-acceleration"]
    nationales = {}
    for annee, montant, jour in [
        (2020, FONDS_2020_INITIAL, datetime.date(2020, 9, 7)),
        (2021, FONDS_2021_INITIAL, datetime.date(2021, 1, 1)),
    ]:
        enveloppe = fonds.creer_enveloppe(dispositif=fonds_acc, annee=annee, auteur=admin)
        fonds.ajouter_mouvement(
            enveloppe_id=enveloppe.pk,
            type=TypeMouvement.DOTATION,
            montant=montant,
            date_effet=jour,
            motif=f"Dotation {annee} du Fonds d'accélération (France Relance).",
            auteur=admin,
        )
        nationales[annee] = enveloppe
    fonds.anticiper(
        dispositif=fonds_acc,
        annee_source=2021,
        annee_cible=2020,
        montant=ANTICIPATION,
        date_effet=datetime.date(2020, 11, 30),
        motif=(
            "Loi de finances rectificative pour 2020 : +100 M€ en 2020 par anticipation "
            "des crédits 2021."
        ),
        auteur=admin,
    )
    for annee, montant in [
        (2020, FONDS_2020_INITIAL + ANTICIPATION),
        (2021, FONDS_2021_INITIAL - ANTICIPATION),
    ]:
        fonds.repartir(
            enveloppe_nationale_id=nationales[annee].pk,
            montants_par_region=_repartir_montant(montant, regions_poids),
            date_effet=datetime.date(annee, 11, 30)
            if annee == 2020
            else datetime.date(2021, 1, 15),
            motif=(
                f"Répartition {annee} entre les régions au prorata de la population des "
                "Territoires d'industrie qu'elles pilotent."
            ),
            auteur=admin,
        )
    return dispositifs


@dataclass
class _Plan:
    territoire: TerritoireIndustrie
    commune_id: str
    statut: str
    annee: int
    engagement: Decimal = Decimal("0")
    emplois: int = 0


def _communes_par_territoire() -> dict[str, list]:
    """Communes de chaque territoire situées dans sa région de pilotage (à défaut, toutes)."""
    par_territoire = defaultdict(list)
    dans_la_region = defaultdict(list)
    lien = TerritoireIndustrie.communes.through
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
    return {code: dans_la_region.get(code) or communes for code, communes in par_territoire.items()}


def _planifier(rng: random.Random, regions_poids: dict) -> list[_Plan]:
    territoires = list(TerritoireIndustrie.objects.order_by("code"))
    communes = _communes_par_territoire()
    # Au moins un projet par territoire ; les autres au prorata de la population et des EPCI.
    poids = {t.code: t.population / 10_000 + 2 * t.nb_intercommunalites for t in territoires}
    nb_par_territoire = _repartir_entier(NB_PROJETS, poids, minimum=1)
    par_region = defaultdict(list)
    plans = []
    for territoire in territoires:
        for _ in range(nb_par_territoire[territoire.code]):
            plan = _Plan(
                territoire=territoire,
                commune_id=rng.choice(communes[territoire.code]),
                statut="",
                annee=2020,
            )
            plans.append(plan)
            par_region[territoire.region_id].append(plan)
    # Les 179 projets financés en 2020, répartis entre régions selon la même règle.
    finances = _repartir_entier(NB_PROJETS_FINANCES_2020, regions_poids, minimum=1)
    montants = _repartir_montant(FONDS_2020_INITIAL, regions_poids)
    for region, nombre in sorted(finances.items()):
        choisis = rng.sample(par_region[region], nombre)
        parts = [rng.uniform(0.4, 1.6) for _ in choisis]
        montant_parts = _repartir_montant(montants[region], dict(enumerate(parts)))
        for i, plan in enumerate(choisis):
            plan.statut = rng.choices(
                [Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE], weights=[66, 26, 8]
            )[0]
            plan.engagement = montant_parts[i]
    restants = [p for p in plans if not p.statut]
    rng.shuffle(restants)
    debut = 0
    for statut, nombre in AUTRES_STATUTS:
        for plan in restants[debut : debut + nombre]:
            plan.statut = statut
            plan.annee = 2021 if statut == Statut.ENGAGE else rng.choice([2020, 2021, 2021])
        debut += nombre
    if debut != len(restants):
        raise ValueError("La répartition des statuts doit couvrir tous les projets.")
    # Emplois des projets financés en 2020 : 7 042 au total, au prorata des engagements.
    finances_2020 = [p for p in plans if p.engagement]
    emplois = _repartir_entier(
        EMPLOIS_VISES_2020, {i: float(p.engagement) for i, p in enumerate(finances_2020)}
    )
    for i, plan in enumerate(finances_2020):
        plan.emplois = emplois[i]
    return plans


def _chiffres(rng, plan: _Plan) -> dict:
    if plan.engagement:
        aide = (plan.engagement * Decimal(str(round(rng.uniform(1.0, 1.25), 2)))).quantize(
            Decimal("1000")
        )
        aide = max(aide, plan.engagement)
        levier = Decimal(str(round(rng.uniform(10.5, 13.5), 2)))
        investissement = (plan.engagement * levier).quantize(Decimal("1000"))
        emplois = plan.emplois
    else:
        investissement = (
            Decimal(str(round(rng.lognormvariate(15.0, 0.9), -3)))
            .max(Decimal("150000"))
            .min(Decimal("60000000"))
        )
        aide = (investissement * Decimal(str(round(rng.uniform(0.05, 0.2), 3)))).quantize(
            Decimal("1000")
        )
        emplois = int(float(investissement) / rng.uniform(150_000, 600_000))
    return {
        "montant_investissement": investissement,
        "aide_sollicitee": aide,
        "emplois_crees": emplois,
        "emplois_maintenus": int(emplois * rng.uniform(1.5, 6)) + rng.randrange(5, 40),
    }


def _creer_projets(rng, plans: list[_Plan], comptes: dict) -> list[tuple[Projet, _Plan]]:
    """Projets, avis et historique, écrits en masse (les statuts sont ceux du plan)."""
    auteur_par_region = {
        region: comptes.get(f"prefecture-{region}", comptes["admin-national"])
        for region in {p.territoire.region_id for p in plans}
    }
    conseil_par_region = {
        region: comptes.get(f"region-{region}", comptes["admin-national"])
        for region in auteur_par_region
    }
    communes = Commune.objects.select_related("departement").in_bulk({p.commune_id for p in plans})
    siren_utilises: set = set()
    entreprises, projets_a_creer = [], []
    for plan in plans:
        filiere = rng.choice(list(ACTIVITES))
        commune = communes[plan.commune_id]
        taille = rng.choices([Taille.PME, Taille.ETI, Taille.GE], weights=[70, 22, 8])[0]
        entreprise = Entreprise(
            siren=_siren_fictif(rng, siren_utilises),
            raison_sociale=(
                f"{rng.choice(ACTIVITES[filiere])} de {commune.nom} {rng.choice(FORMES)}"
            ),
            taille=taille,
            fictive=True,
        )
        entreprises.append(entreprise)
        enjeu = rng.choice(list(INTITULES))
        debut = _date(rng, datetime.date(plan.annee, 1, 15), datetime.date(plan.annee, 12, 15))
        projets_a_creer.append(
            Projet(
                intitule=rng.choice(INTITULES[enjeu]),
                description=(
                    "Projet fictif des données de démonstration : entreprise, montants et "
                    "calendrier sont inventés."
                ),
                territoire=plan.territoire,
                commune=commune,
                epci_id=commune.epci_id,
                departement_id=commune.departement_id,
                region_id=commune.departement.region_id,
                enjeu=enjeu,
                filiere=filiere,
                annee=plan.annee,
                date_debut=debut,
                date_fin=debut + datetime.timedelta(days=rng.randrange(180, 1100)),
                statut=(
                    Statut.PRESELECTIONNE
                    if plan.engagement or plan.statut == Statut.ENGAGE
                    else plan.statut
                ),
                cree_par=auteur_par_region[plan.territoire.region_id],
                **_chiffres(rng, plan),
            )
        )
    Entreprise.objects.bulk_create(entreprises, batch_size=500)
    for projet, entreprise in zip(projets_a_creer, entreprises, strict=True):
        projet.porteur = entreprise
    Projet.objects.bulk_create(projets_a_creer, batch_size=500)

    avis, evenements = [], []
    for projet, plan in zip(projets_a_creer, plans, strict=True):
        prefecture = auteur_par_region[plan.territoire.region_id]
        conseil = conseil_par_region[plan.territoire.region_id]
        jour = projet.date_debut - datetime.timedelta(days=60)
        chemin = _chemin(projet.statut)
        evenements.append(
            Evenement(
                projet=projet,
                type=TypeEvenement.CREATION,
                auteur=prefecture,
                statut_apres=Statut.BROUILLON,
                commentaire="Projet créé (démonstration).",
                created_at=_instant(jour, 9),
            )
        )
        for i, (avant, apres) in enumerate(zip(chemin, chemin[1:], strict=False)):
            evenements.append(
                Evenement(
                    projet=projet,
                    type=TypeEvenement.TRANSITION,
                    auteur=prefecture,
                    statut_avant=avant,
                    statut_apres=apres,
                    commentaire=_commentaire(apres),
                    created_at=_instant(jour + datetime.timedelta(days=7 * (i + 1)), 10),
                )
            )
        sens_etat, sens_region, motif = _avis_du_statut(rng, projet.statut)
        jour_avis = jour + datetime.timedelta(days=7 * max(len(chemin) - 1, 1))
        for cote, sens, auteur in [
            (Cote.ETAT, sens_etat, prefecture),
            (Cote.REGION, sens_region, conseil),
        ]:
            if sens:
                avis.append(
                    Avis(
                        projet=projet,
                        cote=cote,
                        sens=sens,
                        commentaire=motif if sens == SensAvis.DEFAVORABLE else "",
                        auteur=auteur,
                    )
                )
                evenements.append(
                    Evenement(
                        projet=projet,
                        type=TypeEvenement.AVIS,
                        auteur=auteur,
                        commentaire=f"Avis {'de l’État' if cote == Cote.ETAT else 'de la Région'} "
                        f"{SensAvis(sens).label.lower()}"
                        + (f" : {motif}" if sens == SensAvis.DEFAVORABLE else "."),
                        created_at=_instant(jour_avis, 11 if cote == Cote.ETAT else 15),
                    )
                )
        projet.avis_etat, projet.avis_region = sens_etat, sens_region
        if projet.statut == Statut.NON_RETENU:
            projet.motif_non_retenu = motif
    # Les dates de l'historique sont celles du récit, pas celles de la génération :
    # `auto_now_add` les écrase à l'insertion, elles sont donc réécrites ensuite.
    dates = [e.created_at for e in evenements]
    Avis.objects.bulk_create(avis, batch_size=1000)
    Evenement.objects.bulk_create(evenements, batch_size=1000)
    for evenement, date in zip(evenements, dates, strict=True):
        evenement.created_at = date
    Evenement.objects.bulk_update(evenements, ["created_at"], batch_size=1000)
    Projet.objects.bulk_update(
        projets_a_creer, ["avis_etat", "avis_region", "motif_non_retenu"], batch_size=500
    )
    return list(zip(projets_a_creer, plans, strict=True))


CHEMIN = [Statut.BROUILLON, Statut.DEPOSE, Statut.EN_INSTRUCTION]


def _chemin(statut: str) -> list[str]:
    if statut in (Statut.BROUILLON, Statut.DEPOSE, Statut.EN_INSTRUCTION):
        return CHEMIN[: CHEMIN.index(statut) + 1]
    if statut == Statut.ABANDONNE:
        return [Statut.BROUILLON, Statut.DEPOSE, Statut.ABANDONNE]
    return [*CHEMIN, statut]


def _commentaire(statut: str) -> str:
    return {
        Statut.PRESELECTIONNE: "Avis favorables de l'État et de la Région.",
        Statut.ABANDONNE: "Le porteur a renoncé au projet.",
        Statut.NON_RETENU: "Avis défavorable.",
    }.get(statut, "")


MOTIFS = [
    "Projet déjà financé par un autre dispositif.",
    "Effet levier insuffisant au regard de l'aide sollicitée.",
    "Calendrier incompatible avec le fonds.",
    "Hors des priorités régionales de la filière.",
]


def _avis_du_statut(rng, statut: str) -> tuple[str, str, str]:
    """Avis en cours de chaque côté selon le statut (désaccords compris)."""
    motif = rng.choice(MOTIFS)
    favorable, defavorable = SensAvis.FAVORABLE, SensAvis.DEFAVORABLE
    if statut in (Statut.PRESELECTIONNE, Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE):
        return favorable, favorable, ""
    if statut == Statut.NON_RETENU:
        return rng.choice(
            [(favorable, defavorable), (defavorable, favorable), (defavorable, "")]
        ) + (motif,)
    if statut == Statut.EN_INSTRUCTION:
        return rng.choice([("", ""), (favorable, ""), ("", favorable), ("", "")]) + ("",)
    return "", "", ""


def _engager_et_verser(rng, projets: list, comptes: dict) -> None:
    """Engagements 2020 (150 M€ exactement) et 2021, versements, réalisations."""
    admin = comptes["admin-national"]
    enveloppes = {
        (e.annee, e.region_id): e
        for e in Enveloppe.objects.filter(
            dispositif__code="fonds-acceleration", region__isnull=False
        )
    }
    disponibles_2021 = {r: e.montant for (a, r), e in enveloppes.items() if a == 2021}
    for projet, plan in projets:
        if plan.engagement:
            montant, annee = plan.engagement, 2020
            jour = _date(rng, datetime.date(2020, 9, 21), datetime.date(2020, 11, 13))
        elif plan.statut == Statut.ENGAGE:
            plafond = disponibles_2021[projet.region_id] * Decimal("0.04")
            montant = min(projet.aide_sollicitee, plafond).quantize(Decimal("1000"))
            if montant <= 0:
                continue
            disponibles_2021[projet.region_id] -= montant
            annee = 2021
            jour = _date(rng, datetime.date(2021, 2, 1), datetime.date(2021, 6, 30))
        else:
            continue
        auteur = comptes.get(f"prefecture-{projet.region_id}", admin)
        engagement = fonds.engager(
            projet_id=projet.pk,
            enveloppe_id=enveloppes[(annee, projet.region_id)].pk,
            montant=montant,
            auteur=auteur,
            date_engagement=jour,
            commentaire="Engagement de démonstration.",
        )
        if plan.statut in (Statut.EN_COURS, Statut.REALISE):
            services_projets.changer_statut(
                projet_id=projet.pk, auteur=auteur, vers=Statut.EN_COURS
            )
            part = Decimal("1") if plan.statut == Statut.REALISE else Decimal("0.5")
            fonds.verser(
                engagement_id=engagement.pk,
                montant=(montant * part).quantize(Decimal("0.01")),
                date_versement=jour + datetime.timedelta(days=120),
                reference=f"DEMO-{engagement.pk:05d}",
                auteur=auteur,
            )
        if plan.statut == Statut.REALISE:
            services_projets.changer_statut(projet_id=projet.pk, auteur=auteur, vers=Statut.REALISE)


def supprimer_demo() -> None:
    """Retire toutes les données de démonstration (le référentiel reste)."""
    Versement.objects.all().delete()
    Engagement.objects.all().delete()
    Mouvement.objects.all().delete()
    Enveloppe.objects.all().delete()
    Dispositif.objects.all().delete()
    ValeurIndicateur.objects.filter(source__startswith="Données de démonstration").delete()
    Evenement.objects.filter(projet__porteur__fictive=True).delete()
    Avis.objects.filter(projet__porteur__fictive=True).delete()
    Projet.objects.filter(porteur__fictive=True).delete()
    Entreprise.objects.filter(fictive=True).delete()
    demo = get_user_model().objects.filter(username__in=list(COMPTES_DEMO))
    # Le journal protège ses auteurs ; ses lignes de démonstration partent avec eux.
    Trace.objects.filter(auteur__in=demo).delete()
    Profil.objects.filter(user__in=demo).delete()
    demo.delete()


def generer_demo(
    *, graine: int = 2020, mot_de_passe: str, reinitialiser: bool = False, progression=None
) -> RapportDemo:
    """Charge les données de démonstration ; refuse si elles existent (sauf réinitialisation)."""
    etape = progression or (lambda _libelle: None)
    rng = random.Random(graine)  # noqa: S311 (données fictives, pas de la cryptographie)
    with transaction.atomic():
        if donnees_demo_presentes() or Dispositif.objects.exists():
            if not reinitialiser:
                raise DemoExistante(
                    "Des données de démonstration existent déjà. Relancez avec --reinitialiser "
                    "pour les remplacer."
                )
            supprimer_demo()
        etape("données précédentes retirées")
        comptes = _creer_comptes(mot_de_passe)
        etape("comptes créés")
        regions_poids = poids_des_regions()
        _creer_fonds(comptes["admin-national"], regions_poids)
        etape("fonds et enveloppes créés")
        plans = _planifier(rng, regions_poids)
        projets_crees = _creer_projets(rng, plans, comptes)
        etape("projets créés")
        _engager_et_verser(rng, projets_crees, comptes)
        charger_indicateurs_du_programme(auteur=comptes["admin-national"], avec_valeurs_demo=True)
        etape("engagements, versements et indicateurs enregistrés")
    cache.delete(CLE_DEMO)
    rapport = RapportDemo(comptes=list(COMPTES_DEMO))
    for statut in Statut.values:
        rapport.projets_par_statut[statut] = Projet.objects.filter(statut=statut).count()
    engagements_2020 = Engagement.objects.filter(
        enveloppe__annee=2020, enveloppe__dispositif__code="fonds-acceleration"
    )
    rapport.engagements_2020 = engagements_2020.count()
    rapport.montant_engage_2020 = sum((e.montant for e in engagements_2020), Decimal("0"))
    return rapport
