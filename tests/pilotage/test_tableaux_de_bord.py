"""Tableaux de bord national et régional, leurs exports et les chiffres d'un territoire.

Le jeu de `conftest.py` (huit projets, six enveloppes) est recalculé ; les pages doivent
montrer exactement les lignes de totaux, et leurs exports les mêmes nombres.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone
from django.utils.html import escape
from openpyxl import load_workbook

from pilotage import moteur, selectors
from pilotage.definitions import DEFINITIONS
from pilotage.models import Niveau, Totaux
from projets.models import Projet
from socle.format_fr import format_euros
from socle.format_fr import nombre as format_nombre
from territoires.models import TerritoireIndustrie
from tests.comptes.factories import UserFactory
from tests.pilotage.conftest import TC, M, chiffres
from tests.projets.factories import creer_projet

pytestmark = pytest.mark.django_db

FA = "fonds-acceleration"


@pytest.fixture
def calcule(jeu):
    moteur.recalculer_tout()
    return jeu


def _page(client, user, url, **params):
    client.force_login(user)
    reponse = client.get(url, params)
    assert reponse.status_code == 200, reponse.status_code
    return reponse, reponse.content.decode()


def _bloc(page: str, id_html: str) -> str:
    """Le morceau de page d'un élément identifié (jusqu'à la fin de sa carte)."""
    debut = page.index(f'id="{id_html}"')
    return page[debut : page.index("</div>", debut)]


def _euros(montant) -> str:
    return format_euros(montant, centimes=False)


# --- Accès ---


def test_un_visiteur_anonyme_est_renvoye_vers_la_connexion(client, calcule):
    for url in ["/pilotage/", "/pilotage/regions/84/", "/pilotage/indicateurs/"]:
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse.url.startswith("/comptes/connexion/?next=")


def test_une_prefecture_est_renvoyee_vers_sa_region(client, calcule, comptes):
    client.force_login(comptes["prefecture-32"])

    reponse = client.get("/pilotage/", {"dispositif": FA, "annee": "2020", "carte": "projets"})

    assert reponse.status_code == 302
    assert reponse.url == f"/pilotage/regions/32/?dispositif={FA}&annee=2020"
    client.force_login(comptes["region-84"])
    assert client.get("/pilotage/").url == "/pilotage/regions/84/"


def test_un_agent_regional_ne_voit_pas_une_autre_region(client, calcule, comptes):
    client.force_login(comptes["prefecture-32"])
    assert client.get("/pilotage/regions/84/").status_code == 404
    assert (
        client.get("/pilotage/regions/84/", {"format": "xlsx", "table": "territoires"}).status_code
        == 404
    )
    assert client.get("/pilotage/regions/32/").status_code == 200
    client.force_login(comptes["region-84"])
    assert client.get("/pilotage/regions/32/").status_code == 404
    assert client.get("/pilotage/regions/84/").status_code == 200


def test_une_region_inconnue_donne_404(client, calcule, comptes):
    client.force_login(comptes["ministere"])
    for code in ["99", "989", "abc"]:
        assert client.get(f"/pilotage/regions/{code}/").status_code == 404


def test_un_compte_sans_profil_est_refuse(client, calcule):
    client.force_login(UserFactory(username="sans-profil"))
    assert client.get("/pilotage/").status_code == 403
    assert client.get("/pilotage/regions/84/").status_code == 403


def test_l_entree_pilotage_du_menu_est_reservee_aux_agents_connectes(client, calcule, comptes):
    assert 'href="/pilotage/"' not in client.get("/").content.decode()
    _reponse, page = _page(client, comptes["region-32"], "/")
    assert 'href="/pilotage/"' in page


# --- Tableau de bord national : les chiffres des lignes de totaux ---


def test_les_chiffres_cles_nationaux_sont_ceux_des_totaux(client, calcule, comptes):
    """La page s'ouvre sur le Fonds d'accélération : ses chiffres, chacun daté et défini."""
    reponse, page = _page(client, comptes["ministere"], "/pilotage/")

    fonds = selectors.totaux_nationaux(FA)
    assert reponse.context["ligne"] == fonds
    date = "Données au " + formats.date_format(timezone.localtime(fonds.calcule_le), "j F Y à H:i")
    cartes = {
        "chiffre-territoires": format_nombre(fonds.nb_territoires),
        "chiffre-epci": format_nombre(fonds.nb_intercommunalites),
        "chiffre-projets": format_nombre(fonds.nb_projets),
        "chiffre-investissement": _euros(fonds.investissement),
        "chiffre-emplois-crees": format_nombre(fonds.emplois_crees),
        "chiffre-emplois-maintenus": format_nombre(fonds.emplois_maintenus),
        "chiffre-levier": "×\u00a08,1",  # 17 M€ de projets financés / 2,1 M€ engagés
        "chiffre-enveloppe": _euros(fonds.montant_enveloppe),
        "chiffre-engage": _euros(fonds.montant_engage),
        "chiffre-verse": _euros(fonds.montant_verse),
        "chiffre-disponible": _euros(fonds.montant_disponible),
    }
    for id_html, texte in cartes.items():
        bloc = _bloc(page, id_html)
        assert texte in bloc, (id_html, texte)
        assert date in bloc, id_html
    # Les chiffres du jeu, calculés à la main (voir test_recalcul.py) : le fonds seul.
    assert _euros(400 * M) in _bloc(page, "chiffre-enveloppe")
    assert _euros(397_900_000) in _bloc(page, "chiffre-disponible")
    # Chaque chiffre clé porte sa définition (bulle d'aide), écrite aussi au bas de la page.
    assert escape(DEFINITIONS["effet_levier"].texte) in _bloc(page, "chiffre-levier")
    assert 'id="definitions"' in page
    for definition in DEFINITIONS.values():
        assert escape(definition.texte) in page, definition.cle


def test_tous_les_dispositifs_ne_montrent_que_des_projets(client, calcule, comptes):
    """L'argent d'instruments différents ne s'additionne pas : ni enveloppe, ni engagé, ni
    disponible, ni effet de levier pour « tous les dispositifs »."""
    reponse, page = _page(client, comptes["ministere"], "/pilotage/", dispositif="tous")

    france = selectors.totaux_nationaux()
    assert reponse.context["ligne"] == france
    assert _euros(20 * M) in _bloc(page, "chiffre-investissement")
    for id_html in ["chiffre-enveloppe", "chiffre-engage", "chiffre-disponible", "chiffre-levier"]:
        assert f'id="{id_html}"' not in page
    # 900 M€ (fonds + transition collective) n'apparaît nulle part.
    assert _euros(900 * M) not in page and "900\u00a0M€" not in page
    entetes = [c.titre for c in reponse.context["tableaux"]["regions"].visibles]
    assert "Disponible" not in entetes and "Engagé" not in entetes
    assert "Projets" in entetes


def test_les_autres_instruments_ont_leurs_propres_chiffres(client, calcule, comptes):
    reponse, page = _page(client, comptes["ministere"], "/pilotage/")

    autres = {i.code: i for i in reponse.context["autres_instruments"]}
    assert list(autres) == [TC]
    assert autres[TC].enveloppe == 500 * M
    bloc = page[page.index('id="autres-instruments"') : page.index('id="indicateurs-du-programme"')]
    assert "500\u00a0M€" in bloc
    # Le filtre ne propose que les dispositifs qui financent des projets, et « tous ».
    form = reponse.context["form"]
    assert [c for c, _ in form.fields["dispositif"].choices] == [FA, "tous"]


def test_le_fonds_d_acceleration_par_annee(client, calcule, comptes):
    reponse, page = _page(client, comptes["ministere"], "/pilotage/")

    fonds = reponse.context["tableaux"]["fonds"]
    assert [t.annee for t in fonds.objets] == [2020, 2021, 0]
    fa2020 = selectors.totaux_nationaux(FA, 2020)
    assert fonds.objets[0] == fa2020
    debut = page.index('id="fonds"')
    tableau = page[debut : page.index("</table>", debut)]
    # 2020 : enveloppe, engagé, disponible ; 2021 : de même ; toutes années : de même.
    for montant in [150 * M, 1_300_000, 148_700_000, 250 * M, 800_000, 249_200_000]:
        assert _euros(montant) in tableau, montant
    for montant in [400 * M, 2_100_000, 397_900_000]:
        assert _euros(montant) in tableau, montant


def test_filtrer_par_dispositif_et_annee(client, calcule, comptes):
    reponse, page = _page(
        client, comptes["ministere"], "/pilotage/", dispositif=FA, annee="2020", carte="engage"
    )

    assert reponse.context["ligne"] == selectors.totaux_nationaux(FA, 2020)
    regions = reponse.context["tableaux"]["regions"].objets
    # Toutes les régions, celles sans chiffre du fonds en 2020 à zéro ; Auvergne-Rhône-Alpes
    # et les Hauts-de-France ont engagé.
    assert all((t.dispositif, t.annee) == (FA, 2020) for t in regions)
    engagees = [t.code for t in regions if t.nb_engagements]
    assert engagees == ["84", "32"]
    assert _euros(14_700_000) in page  # disponible des Hauts-de-France
    # Les années viennent des lignes de totaux.
    form = reponse.context["form"]
    assert [c for c, _ in form.fields["annee"].choices] == ["", 2020, 2021]


def test_un_filtre_invalide_est_ignore_avec_un_message(client, calcule, comptes):
    reponse, page = _page(client, comptes["ministere"], "/pilotage/", annee="1999", carte="x")

    assert reponse.context["ligne"] == selectors.totaux_nationaux(FA)
    assert reponse.context["carte"] == "investissement"
    assert "Filtre « Année » ignoré" in page


def test_le_tableau_des_regions_se_trie_cote_serveur(client, calcule, comptes):
    reponse, page = _page(client, comptes["ministere"], "/pilotage/", tri="-investissement")

    tableau = reponse.context["tableaux"]["regions"]
    investissements = [t.investissement for t in tableau.objets]
    assert investissements == sorted(investissements, reverse=True)
    assert [t.code for t in tableau.objets][:2] == ["84", "32"]
    assert 'aria-sort="descending"' in page
    # Le lien du titre inverse le tri ; les autres colonnes gardent les filtres.
    assert "tri=investissement#regions" in page

    reponse = client.get("/pilotage/", {"tri": "nom"})
    noms = [t.libelle for t in reponse.context["tableaux"]["regions"].objets]
    # L'ordre alphabétique français : « Île-de-France » parmi les I, pas après « Provence ».
    assert noms.index("Hauts-de-France") < noms.index("Île-de-France") < noms.index("Normandie")
    assert noms[0] == "Auvergne-Rhône-Alpes"
    # Une clé inconnue : l'ordre par défaut (nom).
    assert (
        client.get("/pilotage/", {"tri": "mot-de-passe"}).context["tableaux"]["regions"].tri
        == "nom"
    )


def test_la_carte_colore_les_regions_selon_le_chiffre_choisi(client, calcule, comptes):
    reponse, page = _page(client, comptes["ministere"], "/pilotage/", carte="projets")

    carte = reponse.context["carte_des_regions"]
    svg = carte.svg
    assert 'aria-labelledby="graphique-carte-titre graphique-carte-desc"' in svg
    # 13 régions de métropole et 5 d'outre-mer, chacune un lien vers son tableau de bord.
    assert svg.count('class="portail-carte__region"') == 18
    assert '<a href="/pilotage/regions/04/" aria-label="La Réunion : ' in svg
    ara = selectors.totaux(Niveau.REGION, "84", FA)  # le fonds, choisi par défaut
    assert f'aria-label="Auvergne-Rhône-Alpes : {format_nombre(ara.nb_projets)}"' in svg
    assert ["Auvergne-Rhône-Alpes", format_nombre(ara.nb_projets)] in carte.lignes
    assert "Carte des régions" in page and 'id="graphique-carte-cle"' in page


def test_les_graphiques_ont_une_alternative_textuelle(client, calcule, comptes):
    reponse, page = _page(client, comptes["ministere"], "/pilotage/")

    for graphique in reponse.context["graphiques"].values():
        assert f'aria-labelledby="{graphique.id}-titre {graphique.id}-desc"' in graphique.svg
        assert f'aria-controls="{graphique.id_donnees}"' in page
    engagements = reponse.context["graphiques"]["engagements"]
    assert engagements.colonnes == ["Région", "2020", "2021", "Total"]
    assert engagements.lignes[0][0] == "Auvergne-Rhône-Alpes"  # 1 + 0,8 M€
    assert "<script" not in page.split("</main>")[0].split('<main id="contenu"')[1]


# --- Tableau de bord régional ---


def test_le_tableau_de_bord_d_une_region(client, calcule, comptes):
    reponse, page = _page(client, comptes["region-84"], "/pilotage/regions/84/")

    ara = selectors.totaux(Niveau.REGION, "84", FA)
    assert reponse.context["ligne"] == ara
    assert _euros(ara.investissement) in _bloc(page, "chiffre-investissement")
    assert _euros(48_200_000) in _bloc(page, "chiffre-disponible")
    # Territoires classés par investissement : la Vallée de l'Arve (8414) en tête ; tous les
    # territoires de la région sont listés, ceux sans projet financé à zéro.
    territoires = reponse.context["tableaux"]["territoires"]
    assert territoires.objets[0].code == "8414"
    assert (
        len(territoires.objets)
        == TerritoireIndustrie.objects.filter(region="84", phase="2018-2022").count()
    )
    assert territoires.objets[0] == selectors.totaux(Niveau.TERRITOIRE, "8414", FA)
    assert "/territoires/8414/" in page
    # Pas de lien vers le tableau national pour un agent régional.
    assert 'href="/pilotage/"' in page  # l'entrée du menu
    assert "Tableau de bord national</a>" not in page


def test_trier_les_territoires_d_une_region(client, calcule, comptes):
    reponse, _page_html = _page(
        client, comptes["ministere"], "/pilotage/regions/84/", tri="projets"
    )

    nombres = [t.nb_projets for t in reponse.context["tableaux"]["territoires"].objets]
    assert nombres == sorted(nombres)


# --- Exports ---


def _classeur(reponse):
    assert reponse["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    feuille = load_workbook(io.BytesIO(reponse.content)).active
    return [list(ligne) for ligne in feuille.iter_rows(values_only=True)]


def _csv(reponse):
    texte = b"".join(reponse.streaming_content).decode("utf-8")
    assert texte.startswith("\ufeff")
    return list(csv.reader(io.StringIO(texte[1:]), delimiter=";"))


def test_l_export_des_regions_a_les_nombres_de_la_page(client, calcule, comptes):
    client.force_login(comptes["ministere"])
    page = client.get("/pilotage/", {"dispositif": FA, "annee": "2020"})
    regions = page.context["tableaux"]["regions"].objets

    xlsx = _classeur(
        client.get(
            "/pilotage/", {"dispositif": FA, "annee": "2020", "format": "xlsx", "table": "regions"}
        )
    )
    entete = xlsx[0]
    assert entete[:3] == ["Région", "Code", "Territoires d'industrie"]
    assert "Investissement productif (€)" in entete and "Disponible (€)" in entete
    lignes = {ligne[1]: dict(zip(entete, ligne, strict=True)) for ligne in xlsx[1:]}
    assert list(lignes) == [t.code for t in regions]
    for t in regions:
        ligne = lignes[t.code]
        assert ligne["Région"] == t.libelle
        assert ligne["Projets"] == t.nb_projets
        assert Decimal(str(ligne["Investissement productif (€)"])) == t.investissement
        assert Decimal(str(ligne["Engagé (€)"])) == t.montant_engage
        if t.montant_disponible is not None:
            assert Decimal(str(ligne["Disponible (€)"])) == t.montant_disponible
            assert _euros(t.montant_disponible) in page.content.decode()
        if t.effet_levier is not None:
            assert Decimal(str(ligne["Effet de levier (×)"])) == t.effet_levier

    lignes_csv = _csv(
        client.get(
            "/pilotage/", {"dispositif": FA, "annee": "2020", "format": "csv", "table": "regions"}
        )
    )
    assert lignes_csv[0] == entete
    (hdf,) = [dict(zip(entete, ligne, strict=True)) for ligne in lignes_csv if ligne[1] == "32"]
    assert (hdf["Région"], hdf["Disponible (€)"], hdf["Projets"]) == (
        "Hauts-de-France",
        "14700000,00",
        "1",
    )


def test_l_export_suit_le_tri_de_la_page(client, calcule, comptes):
    client.force_login(comptes["ministere"])
    xlsx = _classeur(
        client.get("/pilotage/", {"tri": "-projets", "format": "xlsx", "table": "regions"})
    )
    projets = [ligne[xlsx[0].index("Projets")] for ligne in xlsx[1:]]
    assert projets == sorted(projets, reverse=True)


@pytest.mark.parametrize(
    "table", ["fonds", "statuts", "enjeux", "entonnoir", "engagements", "indicateurs"]
)
def test_chaque_tableau_national_se_telecharge(client, calcule, comptes, table):
    client.force_login(comptes["ministere"])
    xlsx = _classeur(client.get("/pilotage/", {"format": "xlsx", "table": table}))
    csv_ = _csv(client.get("/pilotage/", {"format": "csv", "table": table}))
    assert xlsx[0] == csv_[0]
    assert len(xlsx) == len(csv_)


def test_l_export_des_statuts_et_des_engagements(client, calcule, comptes):
    client.force_login(comptes["ministere"])
    statuts = _classeur(
        client.get("/pilotage/", {"dispositif": "tous", "format": "xlsx", "table": "statuts"})
    )
    assert statuts[0] == ["Statut actuel", "Projets"]
    assert ["Engagé", 2] in statuts and ["Brouillon", 1] in statuts

    engagements = _classeur(client.get("/pilotage/", {"format": "xlsx", "table": "engagements"}))
    assert engagements[0] == [
        "Région",
        "Engagé en 2020 (€)",
        "Engagé en 2021 (€)",
        "Total engagé (€)",
    ]
    ara = next(ligne for ligne in engagements if ligne[0] == "Auvergne-Rhône-Alpes")
    assert [Decimal(str(v)) for v in ara[1:]] == [1_000_000, 800_000, 1_800_000]  # p1, p2


def test_l_export_des_territoires_d_une_region(client, calcule, comptes):
    client.force_login(comptes["prefecture-84"])
    xlsx = _classeur(
        client.get("/pilotage/regions/84/", {"format": "xlsx", "table": "territoires"})
    )

    assert xlsx[0][:3] == ["Rang", "Territoire d'industrie", "Code"]
    arve = xlsx[1]
    assert arve[:3] == [1, "Vallée de l'Arve", "8414"]
    ligne = selectors.totaux(Niveau.TERRITOIRE, "8414")
    assert Decimal(str(arve[xlsx[0].index("Investissement productif (€)")])) == ligne.investissement
    assert (
        len(xlsx) == 1 + TerritoireIndustrie.objects.filter(region="84", phase="2018-2022").count()
    )


@pytest.mark.parametrize("format", ["xlsx", "csv"])
def test_une_selection_vide_donne_un_fichier_avec_l_en_tete(client, jeu, comptes, format):
    """Aucun total calculé : le fichier n'a que sa ligne d'en-tête."""
    assert not Totaux.objects.exists()
    client.force_login(comptes["ministere"])

    reponse = client.get("/pilotage/", {"format": format, "table": "regions"})

    lignes = _classeur(reponse) if format == "xlsx" else _csv(reponse)
    assert len(lignes) == 1
    assert lignes[0][0] == "Région"


def test_un_tableau_inconnu_donne_404_et_un_format_inconnu_la_page(client, calcule, comptes):
    client.force_login(comptes["ministere"])
    assert client.get("/pilotage/", {"format": "xlsx", "table": "projets"}).status_code == 404
    reponse = client.get("/pilotage/", {"format": "ods", "table": "regions"})
    assert reponse.status_code == 200
    assert "Format d&#x27;export inconnu" in reponse.content.decode()


# --- Nombre de requêtes : le même à 1 000 et à 100 000 projets ---


def _dupliquer_projets_jusqu_a(total: int) -> None:
    """Recopie en SQL les projets existants (INSERT … SELECT) jusqu'à `total` projets :
    chaque passe double au plus leur nombre, sans passer par Python.

    Le volume de 100 000 projets ne se crée pas par les services en un temps de test :
    les copies des projets du jeu (tous statuts, quatre territoires, trois régions de
    site) ne servent qu'à compter les requêtes des pages."""
    meta = Projet._meta
    q = connection.ops.quote_name
    colonnes = ", ".join(
        q(champ.column)
        for champ in meta.concrete_fields
        if not champ.primary_key and not champ.generated  # colonne calculée par la base
    )
    with connection.cursor() as curseur:
        while (manque := total - Projet.objects.count()) > 0:
            curseur.execute(
                f"INSERT INTO {q(meta.db_table)} ({colonnes}) "  # noqa: S608 (noms du modèle)
                f"SELECT {colonnes} FROM {q(meta.db_table)} ORDER BY {q(meta.pk.column)} LIMIT %s",
                [manque],
            )


def _requetes(client, url):
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url).status_code == 200
    return len(requetes)


def test_les_tableaux_de_bord_font_autant_de_requetes_a_1000_et_100000_projets(
    client, calcule, comptes, django_assert_num_queries, settings
):
    # Le corps de chaque page est construit à chaque requête (rien n'est gardé en cache).
    settings.TABLEAU_DE_BORD_CACHE_S = 0
    client.force_login(comptes["ministere"])
    _dupliquer_projets_jusqu_a(1_000)
    moteur.recalculer_tout()
    assert Projet.objects.count() == 1_000
    national = _requetes(client, "/pilotage/?dispositif=fonds-acceleration&annee=2020")
    region = _requetes(client, "/pilotage/regions/84/")
    export = _requetes(client, "/pilotage/?format=xlsx&table=regions")

    _dupliquer_projets_jusqu_a(100_000)
    moteur.recalculer_tout()
    assert Projet.objects.count() == 100_000
    assert selectors.totaux_nationaux().nb_projets == 100_000

    # 1 session, 2 utilisateur, 3 profil (portée), 4 version des chiffres (clé du cache),
    # 5 lignes nationales (toutes combinaisons), 6 dispositifs (ceux qui financent des
    # projets), 7 lignes des régions du dispositif choisi et de tous les dispositifs (toutes
    # années), 8 demandes de recalcul en attente (« mise à jour en cours »), 9 indicateurs,
    # leur dernière valeur et l'enveloppe de leur instrument (sous-requêtes), 10 contours de
    # la carte (régions, départements, territoires).
    with django_assert_num_queries(10):
        client.get("/pilotage/?dispositif=fonds-acceleration&annee=2020")
    # 1 session, 2 utilisateur, 3 profil, 4 lignes de la région, 5 version des chiffres,
    # 6 dispositifs, 7 lignes de ses territoires, 8 demandes de recalcul en attente.
    with django_assert_num_queries(8):
        client.get("/pilotage/regions/84/")
    assert _requetes(client, "/pilotage/?dispositif=fonds-acceleration&annee=2020") == national
    assert _requetes(client, "/pilotage/regions/84/") == region
    # L'export ne lit pas la version des chiffres : il ne passe pas par le cache.
    assert _requetes(client, "/pilotage/?format=xlsx&table=regions") == export == national - 1


def _corps(page: bytes) -> str:
    """Le contenu principal de la page (sans l'en-tête, propre à chaque requête)."""
    texte = page.decode()
    return texte[texte.index("<main") : texte.index("</main>")]


def test_le_corps_de_la_page_vient_du_cache_tant_que_les_chiffres_ne_changent_pas(
    client, calcule, comptes, django_assert_num_queries
):
    client.force_login(comptes["ministere"])
    url = "/pilotage/?dispositif=tous"
    premiere = client.get(url).content
    # 1 session, 2 utilisateur, 3 profil, 4 version des chiffres : le reste vient du cache.
    with django_assert_num_queries(4):
        seconde = client.get(url).content
    assert _corps(seconde) == _corps(premiere)

    # Un nouveau projet déposé et recalculé : la page montre aussitôt les nouveaux chiffres.
    avant = selectors.totaux_nationaux().investissement
    creer_projet(
        comptes["prefecture-84"], deposer=True, territoire="8414", **chiffres(7 * M, 0, 0, 0)
    )
    moteur.recalculer_tout()
    apres = selectors.totaux_nationaux().investissement
    assert apres == avant + 7 * M
    corps = _corps(client.get(url).content)
    assert _euros(apres) in corps
    assert _euros(avant) not in corps


def test_le_cache_d_une_page_ne_sert_qu_a_sa_portee(client, calcule, comptes):
    """L'équipe nationale peut saisir les indicateurs, le ministère non : chacun sa page."""
    client.force_login(comptes["ministere"])
    assert "Historique des valeurs et saisie" not in _corps(client.get("/pilotage/").content)
    client.force_login(comptes["admin-national"])
    assert "Historique des valeurs et saisie" in _corps(client.get("/pilotage/").content)
    client.force_login(comptes["ministere"])
    assert "Historique des valeurs et saisie" not in _corps(client.get("/pilotage/").content)


# --- Les chiffres et les projets sur la page d'un territoire ---


def test_la_page_d_un_territoire_montre_ses_chiffres_et_ses_projets(client, calcule, comptes):
    prefecture = comptes["prefecture-84"]
    recents = [
        creer_projet(prefecture, deposer=True, territoire="8414", **chiffres(M, 0, 0, 0))
        for _ in range(12)
    ]
    moteur.recalculer_tout()

    reponse, page = _page(client, comptes["prefecture-84"], "/territoires/8414/")

    arve = selectors.totaux(Niveau.TERRITOIRE, "8414")
    assert "Chiffres et projets du territoire" in page
    assert _euros(arve.investissement) in _bloc(page, "chiffre-investissement")
    assert format_nombre(arve.nb_projets) in _bloc(page, "chiffre-projets")
    assert "Données au" in _bloc(page, "chiffre-projets")
    # Les dix derniers projets visibles, les plus récents d'abord, et le lien vers tous.
    affiches = [int(morceau.split('"')[0]) for morceau in page.split('data-projet="')[1:]]
    assert affiches == [p.pk for p in reversed(recents)][:10]
    assert 'href="/projets/?territoire=8414"' in page
    assert page.index("Chiffres et projets du territoire") < page.index(
        "Intercommunalités du territoire"
    )


def test_un_visiteur_anonyme_ne_voit_ni_chiffres_ni_projets(client, calcule):
    reponse = client.get("/territoires/8414/")

    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Chiffres et projets du territoire" not in page
    assert "data-projet=" not in page
    assert "chiffre-investissement" not in page


def test_un_agent_d_une_autre_region_ne_voit_pas_les_chiffres_du_territoire(
    client, calcule, comptes
):
    _reponse, page = _page(client, comptes["prefecture-32"], "/territoires/8414/")

    assert "Chiffres et projets du territoire" in page
    assert "chiffre-investissement" not in page  # la ligne du territoire est hors de sa portée
    assert "Aucun projet de ce territoire dans votre périmètre." in page


def test_la_page_d_un_territoire_fait_autant_de_requetes_quel_que_soit_le_nombre_de_projets(
    client, calcule, comptes
):
    client.force_login(comptes["ministere"])
    petit = _requetes(client, "/territoires/8414/")
    for _ in range(30):
        creer_projet(comptes["prefecture-84"], deposer=True, territoire="8414")
    moteur.recalculer_tout()
    assert _requetes(client, "/territoires/8414/") == petit
