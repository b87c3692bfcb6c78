import re

import pytest
from django.urls import reverse

from territoires.models import Perimetre
from tests.territoires.factories import PerimetreFactory, RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


def _compte_affiche(reponse):
    texte = reponse.content.decode()
    trouve = re.search(r"<strong>([\d\s\u202f\xa0]+) territoires?</strong>", texte)
    assert trouve, "le nombre de résultats n'est pas affiché"
    return int(re.sub(r"\D", "", trouve.group(1)))


def _codes_affiches(reponse):
    return re.findall(r'href="/territoires/((?:ti-)?\d{4})/"', reponse.content.decode())


PHASE_1 = {"phase": "2018-2022"}


def test_liste_non_filtree_affiche_la_phase_en_cours_puis_la_premiere(client, referentiel):
    reponse = client.get("/territoires/")
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "<strong>183 territoires</strong>" in texte
    codes = _codes_affiches(reponse)
    assert len(codes) == 25 and all(code.startswith("ti-") for code in codes)
    assert 'href="?phase=2018-2022">Phase 1 (2018-2022) : 148 territoires</a>' in texte
    premiere = client.get("/territoires/", PHASE_1)
    assert "<strong>148 territoires</strong>" in premiere.content.decode()
    assert not any(code.startswith("ti-") for code in _codes_affiches(premiere))


@pytest.mark.parametrize(
    ("parametres", "attendu"),
    [
        ({"region": "84"}, 17),
        ({"region": "52"}, 15),
        ({"region": "02"}, 2),
    ],
)
def test_filtre_par_region(client, referentiel, parametres, attendu):
    assert _compte_affiche(client.get("/territoires/", {**parametres, **PHASE_1})) == attendu


def test_filtre_par_departement_et_type_epci(client, referentiel):
    # Haute-Savoie (74) : Vallée de l'Arve (8414) et le Genevois (8404) entre autres.
    reponse = client.get("/territoires/", {"departement": "74", **PHASE_1})
    codes = set(_codes_affiches(reponse))
    assert "8414" in codes
    metropoles = client.get("/territoires/", {"type_epci": "METRO", **PHASE_1})
    attendus = set(
        Perimetre.objects.en_vigueur()
        .filter(epci__type="METRO", territoire__phase="2018-2022")
        .values_list("territoire_id", flat=True)
    )
    assert _compte_affiche(metropoles) == len(attendus) > 0
    assert set(_codes_affiches(metropoles)) <= attendus


@pytest.mark.parametrize(
    "recherche",
    ["vallee de l'arve", "Vallée de l’Arve", "8414", "200033116", "Cluses", "74081"],
)
def test_recherche_par_nom_code_siren_ou_commune(client, referentiel, recherche):
    reponse = client.get("/territoires/", {"q": recherche, **PHASE_1})
    assert "8414" in _codes_affiches(reponse)


@pytest.mark.parametrize("recherche", ["ti-8414", "8414", "porte de l'isere"])
def test_recherche_dans_la_phase_en_cours(client, referentiel, recherche):
    reponse = client.get("/territoires/", {"q": recherche})
    assert _codes_affiches(reponse) == ["ti-8414"]


def test_tri_par_population_decroissante(client, referentiel):
    from territoires.models import TerritoireIndustrie

    reponse = client.get("/territoires/", {"tri": "-population", **PHASE_1})
    plus_peuple = TerritoireIndustrie.objects.filter(**PHASE_1).order_by("-population").first()
    assert _codes_affiches(reponse)[0] == plus_peuple.code


def test_filtres_invalides_ignores_avec_message(client, referentiel):
    reponse = client.get(
        "/territoires/",
        {"region": "zz", "departement": "<script>", "type_epci": "X", "page": "abc"},
    )
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Filtre « Région » ignoré" in texte
    assert "Filtre « Type d&#x27;EPCI » ignoré" in texte
    assert "<script>" not in texte.split("<main")[1]
    assert _compte_affiche(reponse) == 183


def test_detail_vallee_de_l_arve_liste_ses_deux_epci(client, referentiel):
    reponse = client.get("/territoires/8414/")
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "<h1>Vallée de l&#x27;Arve</h1>" in texte
    assert "Auvergne-Rhône-Alpes" in texte
    epci = re.findall(r'href="/intercommunalites/(\d{9})/"', texte)
    assert len(epci) == 2
    assert "200033116" in epci  # CC Cluses-Arve et Montagnes


def test_detail_affiche_perimetre_partiel(client, referentiel):
    # Carros (9303) : une seule commune de la Métropole Nice Côte d'Azur.
    texte = client.get("/territoires/9303/").content.decode()
    assert "Métropole Nice Côte d&#x27;Azur" in texte
    assert "partiel" in texte


def test_page_intercommunalite(client, referentiel):
    reponse = client.get("/intercommunalites/200033116/")
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "Vallée de l&#x27;Arve" in texte
    assert "(8414) – Phase 1 (2018-2022)" in texte and "(ti-8422) – Phase 2 (2023-2027)" in texte
    assert "Cluses" in texte


@pytest.mark.parametrize("url", ["/territoires/0000/", "/intercommunalites/123456789/"])
def test_code_inconnu_donne_une_404_en_francais(client, referentiel, url):
    reponse = client.get(url)
    assert reponse.status_code == 404
    texte = reponse.content.decode()
    assert "Page introuvable" in texte
    assert 'class="fr-header"' in texte


def test_accueil_presente_le_portail(client, referentiel):
    texte = client.get("/").content.decode()
    assert "Territoires d&#x27;industrie" in texte
    assert "183" in texte
    assert 'lang="fr"' in texte
    assert "fr-skiplinks" in texte and "fr-footer" in texte


@pytest.mark.parametrize("supplementaires", [0, 120])
def test_nombre_de_requetes_de_la_liste_constant(
    client, referentiel, django_assert_num_queries, supplementaires
):
    region = RegionFactory(code="X01")
    for _ in range(supplementaires):
        PerimetreFactory(territoire=TerritoireFactory(region=region))
    # 1. validation du filtre région (la région demandée existe-t-elle ?)
    # 2. nombre de résultats (pagination)
    # 3. la page de territoires, avec leur région (select_related)
    # 4. nombre de territoires de chaque phase
    # 5. options du filtre « Région »
    # 6. options du filtre « Département »
    with django_assert_num_queries(6):
        reponse = client.get("/territoires/", {"region": "84", "tri": "-population", **PHASE_1})
    assert _compte_affiche(reponse) == 17
    with django_assert_num_queries(5):
        reponse = client.get("/territoires/", {"page": "2", **PHASE_1})
    assert _compte_affiche(reponse) == 148 + supplementaires


def test_healthz_repond_200(client):
    reponse = client.get("/healthz")
    assert reponse.status_code == 200
    assert reponse.json() == {"statut": "ok", "base_de_donnees": "ok"}


def test_healthz_repond_503_si_la_base_ne_repond_pas(client, monkeypatch):
    from django.db import DatabaseError, connection

    def curseur_en_panne(*args, **kwargs):
        raise DatabaseError("connexion refusée")

    monkeypatch.setattr(connection, "cursor", curseur_en_panne)
    reponse = client.get("/healthz")
    assert reponse.status_code == 503
    assert reponse.json()["statut"] == "erreur"


def test_liens_de_navigation(client, referentiel):
    texte = client.get(reverse("territoires:liste")).content.decode()
    assert 'aria-current="page">Territoires d\'industrie</a>' in texte


def test_la_page_d_un_territoire_dit_sa_phase_et_renvoie_a_l_autre(client, referentiel):
    arve_2 = client.get("/territoires/ti-8422/").content.decode()
    assert "<h1>Vallée de l&#x27;Arve</h1>" in arve_2
    assert "Phase 2 (2023-2027)" in arve_2
    assert '<a href="/territoires/8414/">Vallée de l&#x27;Arve (8414)</a>' in arve_2
    assert "17 communes en commun" in arve_2
    arve_1 = client.get("/territoires/8414/").content.decode()
    assert "Phase 1 (2018-2022)" in arve_1
    assert '<a href="/territoires/ti-8422/">' in arve_1
    porte = client.get("/territoires/ti-8414/").content.decode()
    assert "<h1>Porte de l&#x27;Isère</h1>" in porte
