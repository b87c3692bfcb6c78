"""Fabriques des tests du fonds : dispositifs, agents, projets présélectionnés, enveloppes dotées.

Les projets et les enveloppes passent par les services (création, dépôt,
instruction, deux avis favorables ; création, dotation, répartition) : les
tests partent d'états que l'application sait produire.
"""

import datetime
import itertools
from decimal import Decimal

import factory

from comptes.models import Role
from fonds import services
from fonds.models import Dispositif, Enveloppe, TypeMouvement
from projets import services as projets_services
from projets.models import Projet, SensAvis, Statut
from territoires.models import Commune, TerritoireIndustrie
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    ProfilFactory,
    RegionFactory,
    TerritoireFactory,
    UserFactory,
    siren_fictif,
)

factory.Faker._DEFAULT_LOCALE = "fr_FR"

# Vallée de l'Arve (région 84) et Agglomération Creil Sud Oise (région 32).
TERRITOIRE_84 = "8414"
TERRITOIRE_32 = "3201"
DATE = datetime.date(2020, 9, 15)
_numeros = itertools.count(700_000)


class DispositifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispositif
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dispositif-{n}")
    nom = factory.LazyAttribute(lambda o: f"Dispositif {o.code}")
    finance_projets = True
    ordre = factory.Sequence(lambda n: n)


def agent(username: str, role: str = Role.PREFECTURE, region: str | None = "84"):
    """Un utilisateur et son profil ; `region=None` pour un rôle national."""
    if role in (Role.MINISTERE, Role.ADMIN_NATIONAL):
        region = None
    return ProfilFactory(user=UserFactory(username=username), role=role, region_id=region).user


def admin_national():
    return agent("admin-national-fonds", Role.ADMIN_NATIONAL)


def territoire_reel(code: str = TERRITOIRE_84) -> tuple[TerritoireIndustrie, Commune]:
    territoire = TerritoireIndustrie.objects.get(code=code)
    return territoire, territoire.communes.filter(epci__isnull=False).order_by("pk").first()


def territoire_factice(region_code: str) -> tuple[TerritoireIndustrie, Commune]:
    """Une région, un département, un EPCI, une commune et un territoire inventés."""
    region = RegionFactory(code=region_code, nom=f"Région {region_code}")
    departement = DepartementFactory(code=f"Y{region_code[-2:]}", region=region)
    commune = CommuneFactory(departement=departement)
    territoire = TerritoireFactory(region=region, code=f"95{region_code[-2:]}")
    territoire.communes.add(commune)
    return territoire, commune


def donnees_projet(territoire, commune, *, annee: int = 2020, **autres) -> dict:
    numero = next(_numeros)
    donnees = {
        "intitule": f"Ligne de production n° {numero}",
        "description": "Modernisation d'une ligne de décolletage.",
        "territoire": territoire,
        "commune": commune,
        "siret": "",
        "enjeu": "innover",
        "filiere": "metallurgie",
        "annee": annee,
        "montant_investissement": Decimal("50000000"),
        "emplois_crees": 20,
        "emplois_maintenus": 80,
        "aide_sollicitee": Decimal("20000000"),
        "date_debut": datetime.date(annee, 9, 1),
        "date_fin": datetime.date(annee + 2, 6, 30),
        "porteur_siren": siren_fictif(numero),
        "porteur_raison_sociale": f"Décolletage {numero}",
        "porteur_taille": "PME",
    }
    donnees.update(autres)
    return donnees


def projet_preselectionne(*, prefecture, conseil_regional, territoire, commune, **donnees):
    """Un projet créé, déposé, instruit puis présélectionné par deux avis favorables."""
    projet = projets_services.creer_projet(
        auteur=prefecture,
        donnees=donnees_projet(territoire, commune, **donnees),
        deposer=True,
    )
    projets_services.changer_statut(
        projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_INSTRUCTION
    )
    projets_services.donner_avis(projet_id=projet.pk, auteur=prefecture, sens=SensAvis.FAVORABLE)
    projets_services.donner_avis(
        projet_id=projet.pk, auteur=conseil_regional, sens=SensAvis.FAVORABLE
    )
    projet = Projet.objects.get(pk=projet.pk)
    assert projet.statut == Statut.PRESELECTIONNE
    return projet


def enveloppe_nationale(*, auteur, dispositif, annee: int, montant: Decimal) -> Enveloppe:
    enveloppe = services.creer_enveloppe(dispositif=dispositif, annee=annee, auteur=auteur)
    if montant:
        services.ajouter_mouvement(
            enveloppe_id=enveloppe.pk,
            type=TypeMouvement.DOTATION,
            montant=montant,
            date_effet=datetime.date(annee, 1, 1),
            motif=f"Loi de finances initiale {annee}",
            auteur=auteur,
        )
    enveloppe.refresh_from_db()
    return enveloppe


def fonds_reparti(
    *, auteur, dispositif, annee: int, national: Decimal, regions: dict[str, Decimal]
) -> tuple[Enveloppe, dict[str, Enveloppe]]:
    """Une enveloppe nationale dotée puis répartie : (nationale, {code région: régionale})."""
    nationale = enveloppe_nationale(
        auteur=auteur, dispositif=dispositif, annee=annee, montant=national
    )
    if regions:
        services.repartir(
            enveloppe_nationale_id=nationale.pk,
            montants_par_region=regions,
            date_effet=datetime.date(annee, 2, 1),
            motif="Répartition entre les régions",
            auteur=auteur,
        )
    regionales = {
        e.region_id: e
        for e in Enveloppe.objects.filter(dispositif=dispositif, annee=annee, region__isnull=False)
    }
    return nationale, regionales
