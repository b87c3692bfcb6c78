import shutil

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from territoires.models import (
    Commune,
    Departement,
    Ept,
    Intercommunalite,
    Perimetre,
    Region,
    TerritoireIndustrie,
)

pytestmark = pytest.mark.django_db


def _importer(dossier=None, **options):
    options.setdefault("sans_progression", True)
    if dossier is not None:
        options["dossier"] = dossier
    from io import StringIO

    sortie = StringIO()
    call_command("importer_referentiel", stdout=sortie, **options)
    return sortie.getvalue()


def _vider_referentiel():
    Perimetre.objects.all().delete()
    TerritoireIndustrie.objects.all().delete()
    Ept.objects.all().delete()
    Commune.objects.all().delete()
    Intercommunalite.objects.all().delete()
    Departement.objects.all().delete()
    Region.objects.all().delete()


@pytest.fixture
def copie_referentiel(tmp_path):
    dossier = tmp_path / "referentiel"
    shutil.copytree(settings.REFERENTIEL_DIR, dossier)
    return dossier


def _remplacer_ligne(chemin, ancien, nouveau):
    texte = chemin.read_text(encoding="utf-8")
    assert ancien in texte
    chemin.write_text(texte.replace(ancien, nouveau, 1), encoding="utf-8")


def test_import_des_fichiers_reels_donne_les_comptes_exacts(referentiel):
    _vider_referentiel()
    sortie = _importer()

    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Intercommunalite.objects.count() == 1255
    assert Commune.objects.count() == 34969
    phase_1 = TerritoireIndustrie.objects.filter(phase="2018-2022")
    assert phase_1.count() == 148
    assert Perimetre.objects.filter(territoire__in=phase_1).count() == 547
    assert Perimetre.objects.filter(territoire__in=phase_1, perimetre="partiel").count() == 28
    assert "Territoires d'industrie : 331 créé(s)" in sortie
    assert "Communes : 34969 créé(s)" in sortie


def test_chiffres_d_un_territoire_reel(referentiel):
    arve = TerritoireIndustrie.objects.get(code="8414")
    assert arve.nom == "Vallée de l'Arve"
    assert arve.region_id == "84"
    assert arve.nb_intercommunalites == 2
    assert arve.intercommunalites.count() == 2
    assert arve.nb_communes == arve.communes.count() > 0
    assert arve.population == sum(c.population or 0 for c in arve.communes.all())


def test_second_import_ne_change_rien_et_le_dit(referentiel):
    avant = list(Perimetre.objects.values_list("pk", "valide_du", "valide_au"))
    sortie = _importer()
    assert "Aucun changement : le référentiel est déjà à jour." in sortie
    assert list(Perimetre.objects.values_list("pk", "valide_du", "valide_au")) == avant


def test_siren_invalide_rejette_tout_et_nomme_fichier_et_ligne(referentiel, copie_referentiel):
    # Ligne 2 de epci.csv : 200000172 (CC Faucigny - Glières) ; on casse sa clé de Luhn
    # et on renomme une région, qui ne doit pas être écrite non plus.
    _remplacer_ligne(copie_referentiel / "epci.csv", "200000172,", "200000173,")
    _remplacer_ligne(copie_referentiel / "regions.csv", "Guadeloupe", "Guadeloupe modifiée")

    with pytest.raises(CommandError) as erreur:
        _importer(copie_referentiel)

    message = str(erreur.value)
    assert "epci.csv, ligne 2" in message
    assert "200000173" in message and "Luhn" in message
    assert "rien n'a été modifié" in message
    assert Region.objects.get(code="01").nom == "Guadeloupe"


def test_code_de_territoire_en_double_est_rejete(referentiel, copie_referentiel):
    chemin = copie_referentiel / "territoires_industrie_liste.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    chemin.write_text("\n".join([*lignes, lignes[1]]) + "\n", encoding="utf-8")

    with pytest.raises(
        CommandError, match=r"territoires_industrie_liste.csv, ligne 150 .*en double"
    ):
        _importer(copie_referentiel)


def test_colonne_manquante_est_rejetee(referentiel, copie_referentiel):
    _remplacer_ligne(copie_referentiel / "communes.csv", "code_insee,", "code,")

    with pytest.raises(
        CommandError, match=r"communes.csv, ligne 1 : colonne\(s\) manquante\(s\) : code_insee"
    ):
        _importer(copie_referentiel)


def test_erreur_en_fin_de_chaine_n_ecrit_rien(referentiel, copie_referentiel):
    """Un défaut dans le dernier fichier lu annule aussi les fichiers précédents."""
    _vider_referentiel()
    chemin = copie_referentiel / "territoires_industrie_communes.csv"
    with chemin.open("a", encoding="utf-8") as flux:
        flux.write("99999,Commune inconnue,8414,99999\n")

    with pytest.raises(CommandError, match="commune inconnue « 99999 »"):
        _importer(copie_referentiel)
    assert Region.objects.count() == 0
    assert Commune.objects.count() == 0


def test_changement_de_perimetre_garde_l_historique(referentiel, copie_referentiel):
    import datetime

    chemin = copie_referentiel / "territoires_industrie.csv"
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    arve = [ligne for ligne in lignes if ligne.startswith("8414,")]
    assert len(arve) == 2
    retiree = arve[0]
    chemin.write_text("\n".join(ligne for ligne in lignes if ligne != retiree) + "\n", "utf-8")
    siren = retiree.split(",")[3]

    sortie = _importer(copie_referentiel, date_effet=datetime.date(2026, 1, 1))

    assert "Adhésions d'EPCI : 0 créé(s), 0 modifié(s), 1 retiré(s)" in sortie
    close = Perimetre.objects.get(territoire_id="8414", epci_id=siren)
    assert close.valide_au == datetime.date(2025, 12, 31)
    en_vigueur = Perimetre.objects.en_vigueur(le=datetime.date(2026, 6, 1))
    assert en_vigueur.filter(territoire_id="8414").count() == 1
    assert (
        Perimetre.objects.en_vigueur(le=datetime.date(2025, 6, 1))
        .filter(territoire_id="8414")
        .count()
        == 2
    )
