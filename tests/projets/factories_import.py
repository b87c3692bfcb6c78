"""Fabriques pour les tests d'export et d'import : projets, entreprises, fichiers de projets."""

import csv
import datetime
import io
from decimal import Decimal

import factory
from openpyxl import Workbook

from projets.importation import NOMS_COLONNES
from projets.models import Entreprise, Projet
from territoires.models import Commune, TerritoireIndustrie
from territoires.validators import cle_luhn_valide
from tests.factories import ProfilFactory, UserFactory

factory.Faker._DEFAULT_LOCALE = "fr_FR"

# Vallée de l'Arve (région 84, Haute-Savoie) et deux de ses communes.
TERRITOIRE = "8414"
CLUSES = "74081"
BONNEVILLE = "74042"
# L'Abergement-Clémenciat (Ain, région 84) : dans aucun Territoire d'industrie.
HORS_TERRITOIRE = "01001"
# Agglomération Creil Sud Oise (région 32) et une de ses communes.
TERRITOIRE_32 = "3201"
CAUFFRY = "60134"


def siren_valide(n: int) -> str:
    """SIREN respectant la clé de Luhn, commençant par 98 (absent du référentiel réel)."""
    base = f"98{n:06d}"
    return next(base + str(cle) for cle in range(10) if cle_luhn_valide(base + str(cle)))


def siren_invalide(n: int) -> str:
    """Le SIREN valide n, sa clé changée : la formule de Luhn le refuse."""
    siren = siren_valide(n)
    return siren[:-1] + str((int(siren[-1]) + 1) % 10)


def siret_valide(siren: str, nic: int = 1) -> str:
    base = f"{siren}{nic:04d}"
    return next(base + str(cle) for cle in range(10) if cle_luhn_valide(base + str(cle)))


def agent(username: str, role: str = "prefecture", region: str | None = "84"):
    """Un utilisateur et son profil (préfecture de la région 84 par défaut)."""
    return ProfilFactory(user=UserFactory(username=username), role=role, region_id=region).user


class EntrepriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entreprise
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: siren_valide(500_000 + n))
    raison_sociale = factory.Faker("company")
    taille = "PME"
    fictive = False


class ProjetFactory(factory.django.DjangoModelFactory):
    """Un projet écrit directement en base, situé dans une commune réelle du référentiel."""

    class Meta:
        model = Projet

    territoire = factory.LazyFunction(lambda: TerritoireIndustrie.objects.get(code=TERRITOIRE))
    commune = factory.LazyFunction(
        lambda: Commune.objects.select_related("departement").get(code_insee=CLUSES)
    )
    epci_id = factory.LazyAttribute(lambda o: o.commune.epci_id)
    departement_id = factory.LazyAttribute(lambda o: o.commune.departement_id)
    region_id = factory.LazyAttribute(lambda o: o.commune.departement.region_id)
    porteur = factory.SubFactory(EntrepriseFactory)
    intitule = factory.Sequence(lambda n: f"Modernisation de l'atelier n° {n}")
    description = factory.Faker("sentence", nb_words=12)
    siret = ""
    enjeu = "innover"
    filiere = "automobile"
    annee = 2021
    montant_investissement = Decimal("1234567.89")
    emplois_crees = 12
    emplois_maintenus = 80
    aide_sollicitee = Decimal("250000.01")
    date_debut = datetime.date(2021, 3, 1)
    date_fin = datetime.date(2022, 12, 31)
    statut = "depose"


def ligne_import(**surcharges) -> dict:
    """Une ligne valide, telle qu'un agent la saisit dans le tableur (des textes)."""
    ligne = {
        "intitule": "Nouvelle ligne de décolletage",
        "description": "Tours multibroches et formation de dix opérateurs.",
        "territoire": TERRITOIRE,
        "commune": CLUSES,
        "porteur_siren": siren_valide(1),
        "porteur_raison_sociale": "Décolletage du Giffre (test)",
        "porteur_taille": "PME",
        "siret": siret_valide(siren_valide(1)),
        "enjeu": "innover",
        "filiere": "automobile",
        "annee": "2021",
        "montant_investissement": "1 500 000,50",
        "emplois_crees": "12",
        "emplois_maintenus": "45",
        "aide_sollicitee": "300000.25",
        "date_debut": "01/03/2021",
        "date_fin": "2022-06-30",
        "deposer": "non",
    }
    ligne.update(surcharges)
    return ligne


def lignes_valides(nombre: int) -> list[dict]:
    """Des lignes valides et distinctes (un porteur par ligne)."""
    return [
        ligne_import(
            intitule=f"Projet importé n° {rang}",
            porteur_siren=siren_valide(100 + rang),
            porteur_raison_sociale=f"Entreprise {rang} (test)",
            siret="",
        )
        for rang in range(1, nombre + 1)
    ]


def fichier_csv(
    lignes: list[dict], *, colonnes=None, separateur=";", bom=True, encodage="utf-8"
) -> bytes:
    colonnes = colonnes or NOMS_COLONNES
    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator="\r\n")
    ecrivain.writerow(colonnes)
    for ligne in lignes:
        ecrivain.writerow([ligne.get(colonne, "") for colonne in colonnes])
    texte = tampon.getvalue()
    return ("\ufeff" if bom else "").encode(encodage) + texte.encode(encodage)


def fichier_xlsx(lignes: list[dict], *, colonnes=None) -> bytes:
    colonnes = colonnes or NOMS_COLONNES
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Projets"
    feuille.append(colonnes)
    for ligne in lignes:
        feuille.append([ligne.get(colonne) for colonne in colonnes])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
