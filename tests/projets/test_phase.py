"""Le territoire d'un projet est de la phase de son année de programmation (formulaire,
API, import) ; les totaux par territoire valent pour les deux phases."""

import pytest
from django.utils.html import escape
from rest_framework.test import APIClient

from pilotage import moteur, selectors
from pilotage.models import Niveau
from projets.importation import importer_projets
from projets.models import Projet
from tests.comptes.factories import agent
from tests.projets.factories import (
    CLUSES,
    creer_projet,
    fichier_csv,
    formulaire_projet,
    ligne_import,
    saisie_projet,
)

pytestmark = pytest.mark.django_db

ARVE_1, ARVE_2 = "8414", "ti-8422"  # la Vallée de l'Arve dans chaque phase (mêmes communes)
MESSAGE_2024 = (
    "Le territoire « Vallée de l'Arve » (8414) est de la phase 1 (2018-2022) ; un projet "
    "programmé en 2024 relève de la phase 2 (2023-2027) : choisissez un territoire de cette "
    "phase."
)


def test_formulaire_refuse_un_territoire_de_l_autre_phase_et_garde_la_saisie(client, comptes):
    client.force_login(comptes["prefecture-84"])
    formulaire = client.get("/projets/nouveau/").content.decode()
    assert '<optgroup label="Phase 2 (2023-2027) : pour un projet programmé de 2023 à 2027">' in (
        formulaire
    )
    assert '<optgroup label="Phase 1 (2018-2022) : pour un projet programmé de 2018 à 2022">' in (
        formulaire
    )
    saisie = saisie_projet(ARVE_1, annee=2024)
    reponse = client.post("/projets/nouveau/", formulaire_projet(saisie))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert escape(MESSAGE_2024) in page
    assert escape(saisie.intitule) in page
    assert not Projet.objects.filter(intitule=saisie.intitule).exists()

    bonne = saisie_projet(ARVE_2, annee=2024)
    assert client.post("/projets/nouveau/", formulaire_projet(bonne)).status_code == 302
    assert Projet.objects.get(intitule=bonne.intitule).territoire_id == ARVE_2


def test_api_refuse_un_projet_de_2020_dans_un_territoire_de_la_phase_2(comptes):
    api = APIClient()
    api.force_authenticate(comptes["prefecture-84"])
    corps = {
        "intitule": "Robotisation (phase 2)",
        "description": "Créé par l'API.",
        "territoire": ARVE_2,
        "commune": CLUSES,
        "porteur": {"raison_sociale": "Décolletage API (test)", "siren": "732829320"},
        "enjeu": "innover",
        "filiere": "metallurgie",
        "annee": 2020,
        "montant_investissement": "3000000.00",
        "emplois_crees": 12,
        "emplois_maintenus": 80,
        "aide_sollicitee": "500000.00",
        "date_debut": "2020-12-01",
        "date_fin": "2022-12-31",
    }
    corps["porteur"]["taille"] = "PME"
    reponse = api.post("/api/v1/projets/", corps, format="json")
    assert reponse.status_code == 400
    message = str(reponse.json()["erreurs"]["territoire"])
    assert "(ti-8422) est de la phase 2 (2023-2027)" in message
    assert "programmé en 2020 relève de la phase 1 (2018-2022)" in message
    assert not Projet.objects.exists()

    corps.update(annee=2025, date_debut="2025-01-15", date_fin="2026-12-31")
    assert api.post("/api/v1/projets/", corps, format="json").status_code == 201


def test_import_refuse_la_ligne_du_mauvais_territoire(referentiel):
    prefecture = agent("prefecture-84")
    lignes = [
        ligne_import(),  # 2021, Vallée de l'Arve de 2020 : valable
        ligne_import(
            intitule="Ligne de 2024",
            annee="2024",
            date_debut="01/03/2024",
            date_fin="30/06/2025",
        ),
    ]
    rapport = importer_projets(
        auteur=prefecture, fichier=fichier_csv(lignes), nom_fichier="projets.csv", verifier=False
    )
    assert not rapport.valide
    erreurs = {(e.ligne, e.colonne): e.message for e in rapport.erreurs}
    assert erreurs == {(3, "territoire"): MESSAGE_2024}
    assert not Projet.objects.exists()  # tout ou rien


def test_les_totaux_d_un_territoire_de_la_phase_2(client, referentiel, comptes):
    prefecture = comptes["prefecture-84"]
    creer_projet(prefecture, deposer=True, territoire=ARVE_2, annee=2024)
    creer_projet(prefecture, deposer=True, territoire=ARVE_2, annee=2025)
    creer_projet(prefecture, deposer=True, territoire=ARVE_1, annee=2020)
    moteur.recalculer_tout()

    assert selectors.totaux(Niveau.TERRITOIRE, ARVE_2).nb_projets == 2
    assert selectors.totaux(Niveau.TERRITOIRE, ARVE_1).nb_projets == 1
    ara = selectors.totaux(Niveau.REGION, "84")
    assert ara.nb_projets == 3
    # Les territoires comptés sont ceux d'une phase : la première, toutes années confondues.
    assert ara.nb_territoires == 17
    api = APIClient()
    api.force_authenticate(comptes["ministere"])
    lignes = api.get("/api/v1/totaux/", {"niveau": "territoire", "code": ARVE_2}).json()
    assert [ligne["nb_projets"] for ligne in lignes["results"] if not ligne["annee"]] == [2]

    # Le tableau de bord de la région : ses 17 territoires de 2018-2022, plus celui de
    # 2023-2027 qui a des projets.
    client.force_login(comptes["region-84"])
    tableau = client.get("/pilotage/regions/84/").context["tableaux"]["territoires"]
    codes = {t.code for t in tableau.objets}
    assert len(codes) == 18 and ARVE_2 in codes and "ti-8414" not in codes
