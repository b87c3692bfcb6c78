"""L'export assemblé de la liste des projets : colonnes choisies, crédits engagés et versés,
adresse du projet ; au-delà du seuil, un travail de fond dont le fichier se télécharge."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from comptes.models import Role
from portail import exports
from socle.models import EtatTravail, Travail
from socle.models import Evenement as SocleEvenement
from tests.comptes.factories import agent
from tests.fonds.factories import engager, fonds_2020, projet_preselectionne, verser

pytestmark = pytest.mark.django_db

M = Decimal("1000000")


@pytest.fixture
def prefecture_84(referentiel):
    return agent("prefecture-84-export")


@pytest.fixture
def prefecture_32(referentiel):
    return agent("prefecture-32-export", region="32")


@pytest.fixture
def region_84(referentiel):
    return agent("region-84-export", Role.REGION)


@pytest.fixture
def admin_national(referentiel):
    return agent("admin-national-export", Role.ADMIN_NATIONAL)


@pytest.fixture
def finance(prefecture_84, region_84, admin_national):
    enveloppe = fonds_2020(auteur=admin_national)[1]["84"]
    projet = projet_preselectionne(prefecture=prefecture_84, conseil=region_84)
    engagement = engager(projet, enveloppe, Decimal("300000.00"), auteur=prefecture_84)
    verser(engagement, Decimal("120000.50"), auteur=prefecture_84)
    autre = projet_preselectionne(prefecture=prefecture_84, conseil=region_84)
    return projet, autre


def _csv(reponse) -> list[list[str]]:
    texte = b"".join(reponse.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(texte[1:], newline=""), delimiter=";"))


def test_l_export_donne_les_credits_et_l_adresse_de_chaque_projet(client, prefecture_84, finance):
    projet, autre = finance
    client.force_login(prefecture_84)

    lignes = _csv(client.get("/projets/", {"format": "csv", "tri": "id"}))

    entete = lignes[0]
    for titre in ("Crédits engagés (€)", "Crédits versés (€)", "Investissement productif (€)"):
        assert titre in entete
    par_numero = {ligne[0]: dict(zip(entete, ligne, strict=True)) for ligne in lignes[1:]}
    finance_ = par_numero[str(projet.pk)]
    assert finance_["Crédits engagés (€)"] == "300000,00"
    assert finance_["Crédits versés (€)"] == "120000,50"
    assert finance_["Adresse du projet sur le portail"] == f"http://testserver/projets/{projet.pk}/"
    assert par_numero[str(autre.pk)]["Crédits engagés (€)"] == "0,00"


def test_les_colonnes_choisies_sont_gardees_pour_l_agent(client, prefecture_84, finance):
    client.force_login(prefecture_84)
    liste = client.get("/projets/", {"statut": "engage"}).content.decode()
    assert 'href="/projets/colonnes-export/?retour=/projets/%3Fstatut%3Dengage"' in liste
    page = client.get("/projets/colonnes-export/").content.decode()
    assert page.count('type="checkbox"') == len(exports.COLONNES)

    reponse = client.post(
        "/projets/colonnes-export/",
        {"colonnes": ["id", "intitule", "credits_verses"], "retour": "/projets/?statut=engage"},
    )
    assert reponse["Location"] == "/projets/?statut=engage"
    prefecture_84.profil.refresh_from_db()
    assert prefecture_84.profil.colonnes_export == {"projets": ["id", "intitule", "credits_verses"]}
    classeur = load_workbook(io.BytesIO(client.get("/projets/", {"format": "xlsx"}).content))
    assert [c.value for c in classeur.worksheets[0][1]] == ["N°", "Intitulé", "Crédits versés (€)"]

    refus = client.post("/projets/colonnes-export/", {"colonnes": []})
    assert "Choisissez au moins une colonne." in refus.content.decode()


def test_au_dela_du_seuil_l_export_est_un_travail_de_fond(
    client, prefecture_84, finance, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SEUIL_TRAVAIL_DE_FOND", 1)
    client.force_login(prefecture_84)

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get("/projets/", {"format": "csv"})

    travail = Travail.objects.get()
    assert reponse["Location"] == f"/travaux/{travail.pk}/"
    assert travail.etat == EtatTravail.TERMINE
    assert (travail.fait, travail.total) == (2, 2)
    page = client.get(reponse["Location"]).content.decode()
    assert "Export prêt : 2 projets." in page
    assert f'href="/travaux/{travail.pk}/fichier/"' in page
    fichier = client.get(f"/travaux/{travail.pk}/fichier/")
    texte = b"".join(fichier.streaming_content).decode("utf-8-sig")
    assert len(texte.splitlines()) == 3 and "Crédits engagés (€)" in texte
    fin = SocleEvenement.objects.get(genre="travail_termine")
    assert fin.acteur == prefecture_84 and fin.donnees["travail_id"] == travail.pk


def test_le_travail_d_export_relit_le_perimetre_de_son_auteur(
    client, prefecture_84, prefecture_32, finance, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SEUIL_TRAVAIL_DE_FOND", -1)
    client.force_login(prefecture_32)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.get("/projets/", {"format": "xlsx"})
    travail = Travail.objects.get()
    assert reponse["Location"] == f"/travaux/{travail.pk}/"
    feuille = load_workbook(travail.fichier.open("rb")).worksheets[0]
    assert feuille.max_row == 1  # l'en-tête seulement : aucun projet de la région 84
