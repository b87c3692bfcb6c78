"""Les tirages fictifs : entreprises, intitulés, montants, avis.

Tout ce qui sort d'ici est inventé : un SIREN fictif commence par 999 (il respecte la
clé de Luhn sans correspondre à une entreprise connue) ; les montants suivent des lois
plausibles pour des projets industriels (investissement log-normal, de 150 k€ à 60 M€).
"""

import datetime
import random
from decimal import Decimal
from typing import NamedTuple

from pilotage.generation.repartition import au_millier
from projets.models import Enjeu, Filiere, SensAvis, Statut, Taille

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
FILIERES = list(ACTIVITES)
FORMES = ["SAS", "SA", "SARL", "SAS", "SAS"]
TAILLES = [Taille.PME, Taille.ETI, Taille.GE]
POIDS_DES_TAILLES = [70, 22, 8]
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
ENJEUX = list(INTITULES)
MOTIFS = [
    "Projet déjà financé par un autre dispositif.",
    "Effet levier insuffisant au regard de l'aide sollicitée.",
    "Calendrier incompatible avec le fonds.",
    "Hors des priorités régionales de la filière.",
]
STATUTS_FAVORABLES = (Statut.PRESELECTIONNE, Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE)
PREFIXE_SIREN = "999"
NB_SIREN_FICTIFS = 100_000  # « 999 » + 5 chiffres + la clé


class AvisEnCours(NamedTuple):
    etat: str
    region: str
    motif: str


class Chiffres(NamedTuple):
    montant_investissement: Decimal
    aide_sollicitee: Decimal
    emplois_crees: int
    emplois_maintenus: int


def sirens_fictifs(rng: random.Random, nombre: int) -> list[str]:
    """`nombre` SIREN distincts, tous « 999… » avec leur clé de Luhn."""
    if nombre > NB_SIREN_FICTIFS:
        raise ValueError(f"Au plus {NB_SIREN_FICTIFS} entreprises fictives ({nombre} demandées).")
    numeros = rng.sample(range(NB_SIREN_FICTIFS), nombre)
    return [_avec_cle(f"{PREFIXE_SIREN}{numero:05d}") for numero in numeros]


def _avec_cle(base: str) -> str:
    """La base suivie du chiffre qui rend la clé de Luhn valide (doublés : un chiffre sur
    deux depuis la droite, en partant de l'avant-dernier, ici le dernier de la base)."""
    total = 0
    for rang, chiffre in enumerate(reversed(base)):
        valeur = int(chiffre) * (2 if rang % 2 == 0 else 1)
        total += valeur - 9 if valeur > 9 else valeur
    return base + str(-total % 10)


def raison_sociale(rng: random.Random, filiere: str, commune: str) -> str:
    return f"{rng.choice(ACTIVITES[filiere])} de {commune} {rng.choice(FORMES)}"


def taille(rng: random.Random) -> str:
    return rng.choices(TAILLES, weights=POIDS_DES_TAILLES)[0]


def _maintenus(rng: random.Random, crees: int) -> int:
    return int(crees * rng.uniform(1.5, 6)) + rng.randrange(5, 40)


def chiffres_libres(rng: random.Random) -> Chiffres:
    """Un projet quelconque : l'aide sollicitée vaut 5 à 20 % de l'investissement."""
    investissement = Decimal(int(min(max(round(rng.lognormvariate(15.0, 0.9), -3), 150e3), 60e6)))
    aide = max(Decimal(1000), au_millier(investissement * _decimal(rng.uniform(0.05, 0.2), 3)))
    crees = _crees(rng, investissement)
    return Chiffres(investissement, aide, crees, _maintenus(rng, crees))


def _crees(rng: random.Random, investissement: Decimal) -> int:
    return int(float(investissement) / rng.uniform(150_000, 600_000))


def chiffres_finances(
    rng: random.Random, engagement: Decimal, emplois: int | None = None
) -> Chiffres:
    """Un projet dont l'engagement est fixé d'avance : l'aide sollicitée en vaut 1 à 1,25 fois,
    l'investissement 10,5 à 13,5 fois (l'effet de levier du communiqué)."""
    aide = max(engagement, au_millier(engagement * _decimal(rng.uniform(1.0, 1.25), 2)))
    investissement = au_millier(engagement * _decimal(rng.uniform(10.5, 13.5), 2))
    if emplois is None:
        emplois = _crees(rng, investissement)
    return Chiffres(investissement, aide, emplois, _maintenus(rng, emplois))


def _decimal(tirage: float, decimales: int) -> Decimal:
    return Decimal(str(round(tirage, decimales)))


def avis_du_statut(rng: random.Random, statut: str, *, finance: bool) -> AvisEnCours:
    """Avis en cours de chaque côté (État, Région) et motif, qui expliquent le statut.

    Présélectionné et au-delà (ou financé puis abandonné) : deux avis favorables ;
    non retenu : au moins un avis défavorable, parfois un désaccord ; en instruction :
    parfois un seul avis, favorable.
    """
    favorable, defavorable = SensAvis.FAVORABLE, SensAvis.DEFAVORABLE
    if finance or statut in STATUTS_FAVORABLES:
        return AvisEnCours(favorable, favorable, "")
    if statut == Statut.NON_RETENU:
        paire = rng.choice([(favorable, defavorable), (defavorable, favorable), (defavorable, "")])
        return AvisEnCours(*paire, rng.choice(MOTIFS))
    if statut == Statut.EN_INSTRUCTION:
        return AvisEnCours(*rng.choice([("", ""), (favorable, ""), ("", favorable), ("", "")]), "")
    return AvisEnCours("", "", "")


def jour_entre(rng: random.Random, debut: datetime.date, fin: datetime.date) -> datetime.date:
    return debut + datetime.timedelta(days=rng.randrange((fin - debut).days + 1))


def instant(jour: datetime.date, heure: int, fin: datetime.datetime) -> datetime.datetime:
    """Un moment du récit (UTC), jamais après sa fin."""
    return min(datetime.datetime.combine(jour, datetime.time(heure), tzinfo=datetime.UTC), fin)
