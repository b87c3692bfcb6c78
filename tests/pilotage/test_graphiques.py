"""Graphiques SVG écrits en Python, et les projets par enjeu qu'ils lisent dans les totaux."""

import re
from decimal import Decimal

import pytest

from pilotage import graphiques, moteur, selectors
from pilotage.models import Niveau, Totaux
from projets.models import Enjeu
from tests.pilotage.conftest import M, chiffres
from tests.projets.factories import creer_projet


def _ids_references(svg: str) -> list[str]:
    return re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()


def test_un_graphique_en_barres_est_une_image_titree_et_decrite():
    graphique = graphiques.barres(
        id="essai",
        titre="Projets par enjeu",
        description="Quatre barres.",
        categories=["Recruter", "Innover"],
        series=[("Projets", [3, 5])],
        format_valeur=graphiques.nombre_court,
    )

    svg = graphique.svg
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert _ids_references(svg) == ["essai-titre", "essai-desc"]
    assert '<title id="essai-titre">Projets par enjeu</title>' in svg
    assert '<desc id="essai-desc">Quatre barres.</desc>' in svg
    assert svg.count("<rect") == 2  # une barre par catégorie
    assert "#000091" in svg  # bleu France
    assert "#e1000f" not in svg  # le rouge est réservé aux alertes
    assert graphique.colonnes == ["Catégorie", "Projets"]
    assert graphique.lignes == [["Recruter", "3"], ["Innover", "5"]]
    assert not graphique.vide


def test_les_barres_empilees_ont_une_legende_et_un_total():
    graphique = graphiques.barres(
        id="engagements",
        titre="Engagé",
        description="…",
        categories=["Auvergne-Rhône-Alpes", "Corse"],
        series=[("2020", [1_600_000, 0]), ("2021", [200_000, 50_000])],
        format_valeur=graphiques.euros_courts,
        titre_categories="Région",
    )

    assert graphique.colonnes == ["Région", "2020", "2021", "Total"]
    assert graphique.lignes[0] == [
        "Auvergne-Rhône-Alpes",
        "1,6\u00a0M€",
        "200\u00a0k€",
        "1,8\u00a0M€",
    ]
    assert ">2020</text>" in graphique.svg and ">2021</text>" in graphique.svg
    # Trois segments non nuls, plus les deux carrés de la légende.
    assert graphique.svg.count("<rect") == 5


def test_les_libelles_sont_echappes():
    graphique = graphiques.barres(
        id="x",
        titre="<script>alert(1)</script>",
        description='"guillemets" & <balises>',
        categories=["<img src=x onerror=alert(1)>"],
        series=[("S", [1])],
        format_valeur=str,
    )

    assert "<script>" not in graphique.svg
    assert "<img" not in graphique.svg
    assert "&lt;script&gt;" in graphique.svg
    assert "&amp; &lt;balises&gt;" in graphique.svg


def test_un_graphique_sans_donnee_est_signale_vide():
    graphique = graphiques.barres(
        id="vide",
        titre="Rien",
        description="Rien.",
        categories=[],
        series=[],
        format_valeur=str,
    )
    assert graphique.vide
    assert 'role="img"' in graphique.svg


def test_l_entonnoir_compte_les_projets_qui_ont_atteint_chaque_etape():
    par_statut = {
        "brouillon": 4,
        "depose": 10,
        "en_instruction": 5,
        "non_retenu": 3,
        "preselectionne": 2,
        "engage": 4,
        "en_cours": 2,
        "realise": 1,
        "abandonne": 6,
    }

    etapes = graphiques.etapes_atteintes(par_statut)

    assert [(libelle, atteint, actuel) for _s, libelle, atteint, actuel in etapes] == [
        ("Déposés", 27, 10),
        ("En instruction", 17, 5),  # 5 + 3 non retenus + 9 au-delà
        ("Présélectionnés", 9, 2),
        ("Engagés", 7, 4),
        ("En cours", 3, 2),
        ("Réalisés", 1, 1),
    ]
    graphique = graphiques.entonnoir(
        id="entonnoir", titre="Entonnoir", description="…", par_statut=par_statut
    )
    assert graphique.lignes[0] == ["Déposés", "27", "10"]
    assert "Abandonnés (hors entonnoir) : 6" in graphique.notes
    assert graphique.svg.count("<rect") == 6
    assert "27 (100 %)" in graphique.svg


def test_le_cartogramme_a_une_case_par_region_metropole_et_outre_mer():
    valeurs = {"84": Decimal(100), "32": Decimal(50), "11": Decimal(0), "04": None}

    graphique = graphiques.cartogramme(
        id="carte",
        titre="Investissement",
        description="Cartogramme.",
        valeurs=valeurs,
        format_valeur=graphiques.euros_longs,
        format_court=graphiques.euros_courts,
        libelle_valeur="Investissement productif",
    )

    svg = graphique.svg
    assert svg.count('class="case-region"') == 18
    assert "Outre-mer" in svg
    for code in ["01", "02", "03", "04", "06", "94"]:
        assert f'data-region="{code}"' in svg

    # La valeur la plus forte a la classe la plus foncée, une région sans chiffre est grise.
    def case(code):
        debut = svg.index(f'data-region="{code}"')
        return svg[debut : svg.index("</g>", debut)]

    assert 'fill="#000091"' in case("84")
    assert 'fill="#ececfe"' in case("11")  # zéro : la classe la plus claire
    assert 'fill="#f6f6f6"' in case("04") and 'stroke-dasharray="4 3"' in case("04")
    assert "Cartogramme : cases de même taille," in svg
    lignes = dict(graphique.lignes)
    assert lignes["La Réunion"] == "pas de donnée"
    assert lignes["Auvergne-Rhône-Alpes"] == "100\u00a0€"
    assert len(lignes) == 18
    # L'ordre alphabétique français : Île-de-France parmi les I, pas après Z.
    noms = [nom for nom, _ in graphique.lignes]
    assert noms.index("Hauts-de-France") < noms.index("Île-de-France") < noms.index("La Réunion")


def test_les_classes_du_cartogramme():
    bornes = graphiques.classes([Decimal(0), Decimal(50), Decimal(100), None])
    assert bornes == [20, 40, 60, 80, 100]
    assert graphiques.classe_de(Decimal(0), bornes) == 0
    assert graphiques.classe_de(Decimal(41), bornes) == 2
    assert graphiques.classe_de(Decimal(100), bornes) == 4
    assert graphiques.classe_de(None, bornes) is None


def test_les_formats_courts_et_les_graduations():
    assert graphiques.euros_courts(Decimal("1500000000")) == "1,5\u00a0Md€"
    assert graphiques.euros_courts(150_000_000) == "150\u00a0M€"
    assert graphiques.euros_courts(12_345) == "12,3\u00a0k€"
    assert graphiques.euros_courts(0) == "0\u00a0€"
    assert graphiques.levier_court(Decimal("7.41")) == "×\u00a07,4"
    assert graphiques.nombre_court(1600) == "1\u202f600"
    assert graphiques.graduations(Decimal(37_000_000)) == [
        0,
        10**7,
        2 * 10**7,
        3 * 10**7,
        4 * 10**7,
    ]
    assert graphiques.graduations(Decimal(0)) == [0, 1]


# --- Projets par enjeu : un agrégat du recalcul, lu par le graphique ---


@pytest.mark.django_db
def test_les_totaux_comptent_les_projets_par_enjeu(jeu):
    moteur.recalculer_tout()

    # Recruter : p1, p4 ; attirer : p7 ; innover : les cinq autres (conftest.py).
    france = selectors.totaux_nationaux()
    assert france.nb_projets_par_enjeu == {"attirer": 1, "innover": 5, "recruter": 2}
    assert sum(france.nb_projets_par_enjeu.values()) == france.nb_projets
    assert france.projets_par_enjeu() == [
        ("recruter", "Recruter", 2),
        ("innover", "Innover", 5),
        ("attirer", "Attirer", 1),
        ("simplifier", "Simplifier", 0),
    ]
    # Fonds d'accélération 2020 : les projets engagés p1 (recruter) et p7 (attirer).
    fa2020 = selectors.totaux_nationaux("fonds-acceleration", 2020)
    assert fa2020.nb_projets_par_enjeu == {"attirer": 1, "recruter": 1}
    # Territoire 3201 : p6 (innover, abandonné : compté) et p7 (attirer).
    assert selectors.totaux(Niveau.TERRITOIRE, "3201").nb_projets_par_enjeu == {
        "attirer": 1,
        "innover": 1,
    }
    for ligne in Totaux.objects.all():
        assert sum(ligne.nb_projets_par_enjeu.values()) == ligne.nb_projets, ligne


@pytest.mark.django_db
def test_le_recalcul_incremental_garde_les_enjeux_des_autres_territoires(jeu):
    moteur.recalculer_tout()
    creer_projet(
        jeu.comptes["prefecture-32"],
        deposer=True,
        territoire="3201",
        enjeu=Enjeu.SIMPLIFIER,
        **chiffres(M, 0, 0, 0),
    )

    moteur.recalculer_perimetres(territoires=["3201"], regions=["32"])

    france = selectors.totaux_nationaux()
    assert france.nb_projets_par_enjeu["simplifier"] == 1
    assert france.nb_projets_par_enjeu["innover"] == 5  # ceux du jeu, relus ou repris
    assert france.nb_projets_par_enjeu["recruter"] == 2  # p1, p4 : régions non recalculées
    incremental = {
        (t.niveau, t.code, t.dispositif, t.annee): t.nb_projets_par_enjeu
        for t in Totaux.objects.all()
    }
    moteur.recalculer_tout()
    assert incremental == {
        (t.niveau, t.code, t.dispositif, t.annee): t.nb_projets_par_enjeu
        for t in Totaux.objects.all()
    }
