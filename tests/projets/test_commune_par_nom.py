"""La commune d'un projet se choisit par son nom, parmi celles du territoire choisi ; un code
INSEE reste accepté."""

import pytest

from projets.models import Projet, Statut
from tests.projets.factories import formulaire_projet, projet_des_comptes, saisie_projet
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84

pytestmark = pytest.mark.django_db


def _suggestions(client, territoire, texte):
    reponse = client.get("/projets/communes/", {"territoire": territoire, "q": texte})
    assert reponse.status_code == 200
    return [(c["nom"], c["code"]) for c in reponse.json()["communes"]]


def test_les_suggestions_ignorent_accents_et_casse_et_restent_dans_le_territoire(client, comptes):
    client.force_login(comptes["prefecture-84"])
    assert _suggestions(client, TERRITOIRE_84, "ARACHES") == [("Arâches-la-Frasse", "74014")]
    # Le nom qui commence par le texte d'abord, puis celui qui le contient.
    assert _suggestions(client, TERRITOIRE_84, "clu") == [
        ("Cluses", "74081"),
        ("Nancy-sur-Cluses", "74196"),
    ]
    assert _suggestions(client, TERRITOIRE_84, "74081") == [("Cluses", "74081")]
    # Brie est une commune des Hauts-de-France, pas de la vallée de l'Arve.
    assert _suggestions(client, TERRITOIRE_84, "brie") == []
    assert _suggestions(client, "", "clu") == []


def test_un_role_qui_ne_saisit_pas_n_a_pas_la_liste(client, comptes):
    client.force_login(comptes["region-84"])
    reponse = client.get("/projets/communes/", {"territoire": TERRITOIRE_84, "q": "clu"})
    assert reponse.status_code == 403


@pytest.mark.parametrize("ecrit", ["araches la frasse", "Arâches-la-Frasse (74014)", "74014"])
def test_la_commune_se_saisit_par_son_nom_ou_son_code(client, comptes, ecrit):
    client.force_login(comptes["prefecture-84"])
    donnees = formulaire_projet(intitule="Atelier de décolletage", commune=ecrit)
    reponse = client.post("/projets/nouveau/", {**donnees, "action": "deposer"})
    assert reponse.status_code == 302, reponse.content.decode()[:3000]
    assert Projet.objects.get(intitule="Atelier de décolletage").commune_id == "74014"


def test_un_nom_hors_du_territoire_est_refuse_a_cote_du_champ(client, comptes):
    client.force_login(comptes["prefecture-84"])
    donnees = formulaire_projet(commune="Lille")
    html = client.post("/projets/nouveau/", {**donnees, "action": "deposer"}).content.decode()
    assert "Aucune commune du territoire choisi ne s&#x27;appelle « Lille »" in html
    assert 'value="Lille"' in html
    assert not Projet.objects.exists()


def test_deux_communes_du_meme_nom_demandent_le_choix(client, comptes):
    client.force_login(comptes["prefecture-32"])
    # Le territoire 3211 (Hauts-de-France) compte deux communes nommées Brie.
    donnees = formulaire_projet(saisie_projet(TERRITOIRE_32), territoire="3211", commune="brie")
    html = client.post("/projets/nouveau/", {**donnees, "action": "deposer"}).content.decode()
    assert "Plusieurs communes du territoire s&#x27;appellent « brie »" in html
    assert not Projet.objects.exists()


def test_la_modification_montre_le_nom_de_la_commune(client, comptes):
    projet = projet_des_comptes(Statut.BROUILLON, comptes)
    client.force_login(comptes["prefecture-84"])
    html = client.get(f"/projets/{projet.pk}/modifier/").content.decode()
    assert f'value="{projet.commune.nom} ({projet.commune_id})"' in html
    assert 'data-communes="/projets/communes/"' in html
