"""Comptes et projets de test, créés par les services comme le ferait un agent."""

import datetime
from decimal import Decimal

from comptes.models import Role
from projets import services
from projets.models import Statut
from territoires.models import TerritoireIndustrie
from tests.factories import ProfilFactory, UserFactory

COMPTES = {
    "prefecture-84": (Role.PREFECTURE, "84"),
    "region-84": (Role.REGION, "84"),
    "prefecture-32": (Role.PREFECTURE, "32"),
    "region-32": (Role.REGION, "32"),
    "ministere": (Role.MINISTERE, None),
    "admin-national": (Role.ADMIN_NATIONAL, None),
}


def creer_comptes() -> dict:
    comptes = {}
    for nom, (role, region) in COMPTES.items():
        user = UserFactory(username=nom)
        ProfilFactory(user=user, role=role, region_id=region)
        comptes[nom] = user
    return comptes


def donnees_projet(code_territoire="8414", **surcharges) -> dict:
    territoire = TerritoireIndustrie.objects.get(code=code_territoire)
    donnees = {
        "intitule": "Nouvelle ligne d'usinage de précision",
        "description": "Projet de test.",
        "territoire": territoire,
        "commune": territoire.communes.order_by("code_insee").first(),
        "porteur_siren": "732829320",
        "porteur_raison_sociale": "Décolletage de l'Arve (test)",
        "porteur_taille": "PME",
        "siret": "",
        "enjeu": "innover",
        "filiere": "metallurgie",
        "annee": 2020,
        "montant_investissement": Decimal("2500000.00"),
        "emplois_crees": 25,
        "emplois_maintenus": 110,
        "aide_sollicitee": Decimal("400000.00"),
        "date_debut": datetime.date(2020, 11, 1),
        "date_fin": datetime.date(2022, 6, 30),
    }
    donnees.update(surcharges)
    return donnees


# Chemin d'un projet jusqu'à chaque statut, depuis le brouillon.
def projet_au_statut(statut: str, comptes: dict, code_territoire="8414", **surcharges):
    region = "84" if code_territoire.startswith("84") else code_territoire[:2]
    prefecture = comptes[f"prefecture-{region}"]
    conseil = comptes[f"region-{region}"]
    projet = services.creer_projet(
        auteur=prefecture, donnees=donnees_projet(code_territoire, **surcharges)
    )
    if statut == Statut.BROUILLON:
        return projet
    if statut == Statut.ABANDONNE:
        services.changer_statut(
            projet_id=projet.pk, auteur=prefecture, vers=Statut.ABANDONNE, commentaire="Test."
        )
        return _rafraichir(projet)
    services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.DEPOSE)
    if statut == Statut.DEPOSE:
        return _rafraichir(projet)
    services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_INSTRUCTION)
    if statut == Statut.EN_INSTRUCTION:
        return _rafraichir(projet)
    if statut == Statut.NON_RETENU:
        services.donner_avis(
            projet_id=projet.pk, auteur=conseil, sens="defavorable", commentaire="Hors priorités."
        )
        return _rafraichir(projet)
    services.donner_avis(projet_id=projet.pk, auteur=prefecture, sens="favorable")
    services.donner_avis(projet_id=projet.pk, auteur=conseil, sens="favorable")
    if statut == Statut.PRESELECTIONNE:
        return _rafraichir(projet)
    services.changer_statut(
        projet_id=projet.pk, auteur=prefecture, vers=Statut.ENGAGE, systeme=True
    )
    if statut == Statut.ENGAGE:
        return _rafraichir(projet)
    services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_COURS)
    if statut == Statut.EN_COURS:
        return _rafraichir(projet)
    services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.REALISE)
    return _rafraichir(projet)


def _rafraichir(projet):
    projet.refresh_from_db()
    return projet
