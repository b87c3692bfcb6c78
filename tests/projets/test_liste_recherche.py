"""La liste des projets : des filtres limités à ce que l'agent voit, une recherche qui ignore
les accents et la casse (intitulé, porteur, SIREN, commune), comme celle des territoires."""

import re

import pytest
from django.db import connection

from comptes.models import Role
from projets.models import Entreprise, Projet, Statut
from territoires.validators import normaliser
from tests.comptes.factories import agent
from tests.projets.factories import projet_des_comptes
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db


def _options(html: str, nom: str) -> list[str]:
    debut = html.find(f'<select name="{nom}"')
    if debut < 0:
        return []
    liste = html[debut : html.index("</select>", debut)]
    return re.findall(r'<option value="([^"]*)"', liste)


def _intitules(client, **parametres) -> set[str]:
    html = client.get("/projets/", parametres).content.decode()
    return set(re.findall(r'<a href="/projets/\d+/">([^<]+)</a>', html))


def test_un_agent_regional_ne_choisit_que_dans_sa_region(client, comptes):
    client.force_login(comptes["prefecture-84"])
    html = client.get("/projets/").content.decode()
    assert _options(html, "region") == []  # sa région est la seule : pas de liste
    departements = _options(html, "departement")[1:]
    assert departements == ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]
    territoires = _options(html, "territoire")[1:]
    assert "8414" in territoires and TERRITOIRE_32 not in territoires


def test_une_prefecture_de_departement_ne_choisit_que_son_departement(client, referentiel):
    client.force_login(agent("prefecture-74", Role.PREFECTURE, "84", departement="74"))
    html = client.get("/projets/").content.decode()
    assert _options(html, "departement")[1:] == ["74"]
    assert "8414" in _options(html, "territoire")


def test_le_national_choisit_parmi_toutes_les_regions(client, comptes):
    client.force_login(comptes["ministere"])
    html = client.get("/projets/").content.decode()
    regions = _options(html, "region")[1:]
    assert {"84", "32"} <= set(regions)
    assert TERRITOIRE_32 in _options(html, "territoire")


@pytest.mark.parametrize(
    "cherche",
    ["decolletage", "DÉCOLLETAGE", "Décolletage", "atelier d usinage", "Atelier d'usinage"],
)
def test_la_recherche_ignore_accents_et_casse(client, comptes, cherche):
    projet_des_comptes(
        Statut.DEPOSE,
        comptes,
        intitule="Atelier d’usinage de précision",
        porteur_raison_sociale="Décolletage Savoyard (test)",
    )
    projet_des_comptes(Statut.DEPOSE, comptes, intitule="Fonderie", porteur_raison_sociale="Alu")
    client.force_login(comptes["prefecture-84"])
    assert _intitules(client, q=cherche) == {"Atelier d’usinage de précision"}


def test_la_recherche_trouve_par_siren_et_par_commune(client, comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes, intitule="Presse hydraulique")
    projet_des_comptes(Statut.DEPOSE, comptes, intitule="Autre", commune="74164")  # Marignier
    client.force_login(comptes["prefecture-84"])
    assert _intitules(client, q=projet.porteur.siren) == {"Presse hydraulique"}
    commune = projet.commune.nom
    assert _intitules(client, q=normaliser(commune).upper()) == {"Presse hydraulique"}
    assert _intitules(client, q="marignier") == {"Autre"}


@pytest.mark.parametrize(
    "nom",
    ["Éléphant & Cie", "ÇA-VA L’ÉTÉ", "Œuvre d'Île-de-France", "Brûlé_Naïf  Señor", "ÀÂÄÔÖÛÜŸ"],
)
def test_la_forme_tenue_par_la_base_est_celle_de_la_recherche(comptes, nom):
    """La colonne `recherche`, calculée par la base (PostgreSQL ou SQLite), donne la même
    forme que `normaliser`, qui prépare le texte cherché (aux espaces répétés près)."""
    projet = projet_des_comptes(Statut.DEPOSE, comptes, intitule=nom, porteur_raison_sociale=nom)
    attendu = normaliser(nom)
    assert " ".join(Projet.objects.get(pk=projet.pk).recherche.split()) == attendu
    entreprise = Entreprise.objects.get(pk=projet.porteur_id)
    assert " ".join(entreprise.recherche.split()) == attendu


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index de trigrammes : PostgreSQL")
def test_la_recherche_a_ses_index_de_trigrammes():
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname IN "
            "('projet_recherche_trgm_idx', 'entreprise_recherche_trgm_idx')"
        )
        assert sorted(r[0] for r in curseur.fetchall()) == [
            "entreprise_recherche_trgm_idx",
            "projet_recherche_trgm_idx",
        ]
