"""Les deux listes du programme : 148 territoires (2018-2022) et 183 (2023-2027)."""

import pytest
from django.core.management import CommandError

from territoires.models import Commune, Ept, Perimetre, Region, TerritoireIndustrie
from tests.territoires.test_import import (
    _importer,
    _remplacer_ligne,
    _vider_referentiel,
    copie_referentiel,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

LIENS = TerritoireIndustrie.communes.through


def test_import_des_deux_phases_donne_les_comptes_exacts(referentiel):
    _vider_referentiel()
    sortie = _importer()

    phase_1 = TerritoireIndustrie.objects.filter(phase="2018-2022")
    phase_2 = TerritoireIndustrie.objects.filter(phase="2023-2027")
    assert phase_1.count() == 148
    assert phase_2.count() == 183
    assert not phase_1.filter(code__startswith="ti-").exists()
    assert phase_2.exclude(code__startswith="ti-").count() == 0
    # 626 EPCI membres entiers ; les communes seules et les EPT rattachent en plus leur
    # EPCI en périmètre partiel (Métropole du Grand Paris ×3, Nevers, Creuse).
    assert Perimetre.objects.filter(territoire__in=phase_2).count() == 631
    assert Perimetre.objects.filter(territoire__in=phase_2, perimetre="partiel").count() == 5
    assert Perimetre.objects.filter(territoire__in=phase_1).count() == 547
    assert LIENS.objects.filter(territoireindustrie__in=phase_1).count() == 15660
    assert LIENS.objects.filter(territoireindustrie__in=phase_2).count() == 18639
    assert Ept.objects.count() == 11
    assert Ept.communes.through.objects.count() == 129
    assert TerritoireIndustrie.epts.through.objects.count() == 3
    assert "Territoires d'industrie : 331 créé(s)" in sortie
    assert "Établissements publics territoriaux : 11 créé(s)" in sortie


def test_chaque_liste_garde_son_identifiant_publie(referentiel):
    assert TerritoireIndustrie.objects.get(code="8414").nom == "Vallée de l'Arve"
    porte = TerritoireIndustrie.objects.get(code="ti-8414")
    assert porte.nom == "Porte de l'Isère"
    assert porte.phase == "2023-2027"
    arve_2 = TerritoireIndustrie.objects.get(code="ti-8422")
    assert arve_2.nom == "Vallée de l'Arve"
    assert arve_2.nb_communes == arve_2.communes.count() == 17


def test_membres_des_trois_sortes(referentiel):
    boucle = TerritoireIndustrie.objects.get(code="ti-1101")
    ept = boucle.epts.get()
    assert ept.nom == "Boucle Nord de Seine"
    assert set(boucle.communes.values_list("code_insee", flat=True)) == set(
        ept.communes.values_list("code_insee", flat=True)
    )
    assert boucle.perimetres.get().perimetre == "partiel"  # une part du Grand Paris
    creuse = TerritoireIndustrie.objects.get(code="ti-7506")
    assert creuse.communes.filter(code_insee="23019").exists()  # Beissat, commune seule
    assert creuse.perimetres.get(epci_id="200066744").perimetre == "partiel"


def test_second_import_ne_change_rien(referentiel):
    sortie = _importer()
    assert "Aucun changement : le référentiel est déjà à jour." in sortie


def test_membre_inconnu_rejette_tout_avec_fichier_ligne_et_raison(
    referentiel,
    copie_referentiel,  # noqa: F811
):
    # Ligne 2 : premier membre de Basse-Terre (CA du Nord Basse-Terre, 249710062).
    _remplacer_ligne(
        copie_referentiel / "territoires_industrie_2023.csv", ",249710062,", ",249710063,"
    )
    _remplacer_ligne(copie_referentiel / "regions.csv", "Guadeloupe", "Guadeloupe modifiée")
    with pytest.raises(CommandError) as erreur:
        _importer(copie_referentiel)
    message = str(erreur.value)
    assert "territoires_industrie_2023.csv, ligne 2" in message
    assert "aucun EPCI n'a le SIREN « 249710063 »" in message
    assert "rien n'a été modifié" in message
    assert Region.objects.get(code="01").nom == "Guadeloupe"


@pytest.mark.parametrize(
    ("ancien", "nouveau", "raison"),
    [
        (",commune,23019,", ",commune,23999,", "aucune commune n'a le code INSEE « 23999 »"),
        (
            ",ept,200057990,",
            ",ept,200057991,",
            "aucun établissement public territorial n'a le SIREN « 200057991 »",
        ),
        (",commune,23019,", ",syndicat,23019,", "« type_membre » inconnu : « syndicat »"),
    ],
)
def test_membre_commune_ou_ept_inconnu_est_rejete(
    referentiel,
    copie_referentiel,  # noqa: F811
    ancien,
    nouveau,
    raison,
):
    _vider_referentiel()
    _remplacer_ligne(copie_referentiel / "territoires_industrie_2023.csv", ancien, nouveau)
    with pytest.raises(CommandError, match=r"territoires_industrie_2023.csv, ligne \d+ : ") as e:
        _importer(copie_referentiel)
    assert raison in str(e.value)
    assert Commune.objects.count() == 0
    assert TerritoireIndustrie.objects.count() == 0
