"""La carte des régions et celle d'un territoire : vrais contours, dessinés par le serveur."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilotage import moteur
from territoires import contours
from territoires.models import Departement, Region, TerritoireIndustrie

pytestmark = pytest.mark.django_db


def test_lambert_93_place_paris_a_ses_coordonnees_officielles():
    # Notre-Dame de Paris (2,3522° E ; 48,8566° N) : X = 652 469 m, Y = 6 862 035 m.
    x, y = contours.lambert93(2.3522, 48.8566)
    assert abs(x - 652469) < 2 and abs(y - 6862035) < 2
    assert contours.lambert93(3, 46.5) == pytest.approx((700000, 6600000))


def test_un_trace_garde_son_emprise():
    trace = contours.chemin([[(10.2, 20), (30, 20), (30, 45.6), (10, 45)]])
    assert trace == "M10 20l20 0 0 26 -20 -1z"
    assert contours.emprise(trace) == (10, 20, 30, 46)


def test_le_referentiel_porte_les_contours(referentiel):
    assert Region.objects.exclude(contour="").count() == 18  # 13 + 5 d'outre-mer
    assert Departement.objects.exclude(contour="").count() == 101
    phase_2 = TerritoireIndustrie.objects.filter(phase="2023-2027")
    assert phase_2.exclude(contour="").count() == 183
    assert not TerritoireIndustrie.objects.filter(phase="2018-2022").exclude(contour="").exists()
    # La Corse est au sud-est de la métropole, La Réunion dans son encart, à gauche.
    corse = contours.emprise(Region.objects.get(code="94").contour)
    idf = contours.emprise(Region.objects.get(code="11").contour)
    assert corse[0] > idf[2] and corse[1] > idf[3]
    reunion = contours.emprise(Region.objects.get(code="04").contour)
    encart = contours.ENCART_PAR_REGION["04"]
    assert encart.x <= reunion[0] and reunion[2] <= encart.x + encart.largeur < 0


def test_la_carte_nationale_est_legere_et_de_cout_constant(client, referentiel, comptes, settings):
    settings.TABLEAU_DE_BORD_CACHE_S = 0  # la page construite à chaque fois
    client.force_login(comptes["ministere"])
    moteur.recalculer_tout()
    with CaptureQueriesContext(connection) as requetes:
        page = client.get("/pilotage/").content.decode()
    svg = re.search(r'<svg[^>]*id="graphique-carte-svg".*?</svg>', page, re.S).group(0)
    assert svg.count('class="portail-carte__region"') == 18
    assert 'class="portail-carte__territoires"' in svg
    assert 'class="portail-carte__encarts"' in svg
    # Les contours simplifiés : la carte entière pèse moins de 200 Kio.
    assert len(svg.encode()) < 200 * 1024
    avant = len(requetes)
    TerritoireIndustrie.objects.filter(code="ti-8422").update(nom="Vallée de l'Arve")
    with CaptureQueriesContext(connection) as requetes:
        client.get("/pilotage/")
    assert len(requetes) == avant


def test_la_page_d_un_territoire_de_la_phase_2_montre_sa_carte(client, referentiel):
    page = client.get("/territoires/ti-8422/").content.decode()
    assert 'id="graphique-territoire-svg"' in page
    assert "Carte du territoire Vallée de l&#x27;Arve" in page
    assert "Haute-Savoie" in page.split('id="graphique-territoire-svg"')[1]
    # La liste d'octobre 2020 n'a pas de contours : pas de carte.
    assert 'id="graphique-territoire-svg"' not in client.get("/territoires/8414/").content.decode()
