"""Une définition par chiffre, la même partout ; l'entonnoir et les statuts se rejoignent."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pilotage import moteur, selectors
from pilotage.definitions import DEFINITIONS
from pilotage.graphiques import ETAPES_ENTONNOIR
from projets.models import Statut
from tests.pilotage.conftest import FA

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("document", ["README.md", "docs/glossaire.md"])
def test_chaque_definition_est_ecrite_dans_la_documentation(document):
    texte = (RACINE / document).read_text()
    absentes = [d.cle for d in DEFINITIONS.values() if d.texte not in texte]
    assert absentes == []


def test_le_schema_de_l_api_donne_la_definition_de_chaque_chiffre(client, comptes):
    client.force_login(comptes["ministere"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    champs = schema["components"]["schemas"]["Totaux"]["properties"]
    for champ, propriete in champs.items():
        if champ in DEFINITIONS:
            assert DEFINITIONS[champ].texte in propriete.get("description", ""), champ
    assert "investissement des projets" in champs["effet_levier"]["description"]


def test_l_export_xlsx_porte_une_feuille_des_definitions(client, jeu, comptes):
    moteur.recalculer_tout()
    client.force_login(comptes["ministere"])

    reponse = client.get("/pilotage/", {"format": "xlsx", "table": "regions"})

    classeur = load_workbook(io.BytesIO(reponse.content))
    assert classeur.sheetnames[-1] == "Définitions"
    definitions = {
        ligne[0]: ligne[1]
        for ligne in classeur["Définitions"].iter_rows(min_row=2, values_only=True)
    }
    assert definitions["Effet de levier (×)"] == DEFINITIONS["effet_levier"].texte
    assert definitions["Disponible (€)"] == DEFINITIONS["montant_disponible"].texte
    entete = next(classeur.worksheets[0].iter_rows(values_only=True))
    assert "Effet de levier (×)" in entete and "Disponible (€)" in entete


@pytest.mark.parametrize(("dispositif", "code_region"), [("", ""), (FA, ""), ("", "84")])
def test_l_entonnoir_et_les_statuts_se_rejoignent(client, jeu, comptes, dispositif, code_region):
    """Les deux tableaux viennent de la même ligne de totaux : la colonne « à cette étape
    aujourd'hui » de l'entonnoir est le tableau des statuts actuels, et chaque étape
    cumule les statuts qui l'ont atteinte (un non retenu a été déposé et instruit)."""
    moteur.recalculer_tout()
    client.force_login(comptes["ministere"])
    url = f"/pilotage/regions/{code_region}/" if code_region else "/pilotage/"

    tableaux = client.get(url, {"dispositif": dispositif or "tous"}).context["tableaux"]

    statuts = {statut: nombre for statut, _libelle, nombre in tableaux["statuts"].objets}
    ligne = (
        selectors.totaux("region", code_region, dispositif)
        if code_region
        else selectors.totaux_nationaux(dispositif)
    )
    assert sum(statuts.values()) == ligne.nb_projets
    ordre = [statut for statut, _libelle in ETAPES_ENTONNOIR]
    par_statut = ligne.nb_projets_par_statut
    for statut, _libelle, atteint, actuel in tableaux["entonnoir"].objets:
        assert actuel == statuts[statut] == par_statut.get(statut, 0)
        suivants = ordre[ordre.index(statut) :]
        attendu = sum(par_statut.get(s, 0) for s in suivants)
        if statut in (Statut.DEPOSE, Statut.EN_INSTRUCTION):
            attendu += par_statut.get(Statut.NON_RETENU, 0)
        assert atteint == attendu, statut
    assert tableaux["entonnoir"].colonnes_export()[1].titre.startswith("Ont atteint au moins")
