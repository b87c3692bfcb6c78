import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from projets.importation import (
    NOMS_COLONNES,
    SIREN_EXEMPLE,
    SIRET_EXEMPLE,
    ValeurInvalide,
    conversion,
    importer_projets,
    lecture,
    modele_xlsx,
)
from projets.models import Entreprise, Evenement, Projet, Statut, TypeEvenement
from socle.models import EtatTravail, Travail
from socle.models import Evenement as SocleEvenement
from territoires.validators import cle_luhn_valide
from tests.comptes.factories import agent
from tests.projets.factories import (
    BONNEVILLE,
    CAUFFRY,
    HORS_TERRITOIRE,
    fichier_csv,
    fichier_xlsx,
    ligne_import,
    lignes_valides,
    siren_invalide,
    siren_valide,
)
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefecture(referentiel):
    return agent("prefecture-84")


def _erreurs(rapport):
    """{(ligne, colonne): message}."""
    return {(e.ligne, e.colonne): e.message for e in rapport.erreurs}


def _rien_n_est_ecrit():
    assert Projet.objects.count() == 0
    assert Entreprise.objects.count() == 0
    assert Evenement.objects.count() == 0


# --- Vérification : toutes les erreurs, en français, rien d'écrit ------------------------------


def test_verification_signale_chaque_ligne_en_erreur(prefecture):
    lignes = lignes_valides(8)
    lignes[1]["porteur_siren"] = siren_invalide(7)  # ligne 3
    lignes[2]["territoire"] = "9999"  # ligne 4
    lignes[3]["commune"] = HORS_TERRITOIRE  # ligne 5
    lignes[4].update(montant_investissement="100 000", aide_sollicitee="150 000,00")  # ligne 6
    lignes[5].update(date_debut="01/06/2022", date_fin="31/12/2021")  # ligne 7
    lignes[6].update(enjeu="produire", filiere="spatial", annee="", emplois_crees="-3")  # ligne 8
    lignes[7]["commune"] = "74300"  # ligne 9 : le code postal de Cluses

    rapport = importer_projets(
        auteur=prefecture, fichier=fichier_csv(lignes), nom_fichier="projets.csv", verifier=True
    )

    erreurs = _erreurs(rapport)
    assert rapport.verification and not rapport.valide
    assert rapport.nb_lignes == 8
    assert rapport.nb_lignes_valides == 1
    assert [ligne for ligne, _, _ in rapport.erreurs_par_ligne()] == [3, 4, 5, 6, 7, 8, 9]
    assert "clé de contrôle de Luhn incorrecte" in erreurs[(3, "porteur_siren")]
    assert "Territoire d'industrie inconnu : code « 9999 »" in erreurs[(4, "territoire")]
    assert erreurs[(5, "commune")] == (
        "La commune L'Abergement-Clémenciat (01001) n'appartient pas au territoire "
        "« Vallée de l'Arve » (8414)."
    )
    assert erreurs[(6, "aide_sollicitee")] == (
        "L'aide sollicitée (150\u202f000,00\u00a0€) dépasse l'investissement productif "
        "(100\u202f000,00\u00a0€)."
    )
    assert erreurs[(7, "date_fin")] == (
        "La fin prévue (31/12/2021) précède le début des travaux (01/06/2022)."
    )
    assert erreurs[(8, "enjeu")].startswith("Enjeu inconnu « produire » : valeurs acceptées")
    assert "recruter, innover, attirer, simplifier" in erreurs[(8, "enjeu")]
    assert erreurs[(8, "filiere")].startswith("Filière inconnue « spatial »")
    assert erreurs[(8, "annee")] == "Valeur obligatoire manquante (année de programmation)."
    assert erreurs[(8, "emplois_crees")] == "Le nombre d'emplois ne peut pas être négatif."
    assert erreurs[(9, "commune")] == (
        "Aucune commune n'a le code INSEE « 74300 » (le code INSEE n'est pas le code postal)."
    )
    assert rapport.intitules[3] == "Projet importé n° 2"
    assert str(rapport.erreurs[0]).startswith("Ligne 3, colonne « porteur_siren » : ")
    _rien_n_est_ecrit()


def test_une_cellule_illisible_est_dite_une_fois(prefecture):
    """Le message de lecture, sans « valeur manquante » ni règle sur la valeur absente."""
    lignes = lignes_valides(1)
    lignes[0].update(montant_investissement="abc", date_fin="31/02/2022", deposer="peut-être")

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), verifier=True)

    assert [str(e) for e in rapport.erreurs] == [
        "Ligne 2, colonne « montant_investissement » : « abc » n'est pas un montant en euros "
        "(exemples : « 1 500 000,50 » ou « 1500000.50 »).",
        "Ligne 2, colonne « date_fin » : « 31/02/2022 » n'est pas une date au format "
        "JJ/MM/AAAA ou AAAA-MM-JJ.",
        "Ligne 2, colonne « deposer » : « peut-être » : indiquez « oui » ou « non ».",
    ]


def test_les_regles_de_la_saisie_valent_aussi_pres_d_une_cellule_illisible(prefecture):
    lignes = lignes_valides(1)
    lignes[0].update(emplois_crees="douze", siret="12345678901234", intitule="")

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), verifier=True)

    assert _erreurs(rapport) == {
        (2, "intitule"): "Valeur obligatoire manquante (intitulé du projet).",
        (2, "siret"): "Le SIRET « 12345678901234 » n'est pas valide (clé de contrôle de Luhn "
        "incorrecte).",
        (2, "emplois_crees"): "« douze » n'est pas un nombre entier.",
    }


def test_la_verification_lit_la_base_en_quatre_requetes(prefecture, django_assert_num_queries):
    """Le référentiel est lu une fois pour tout le fichier : le nombre de requêtes ne
    dépend pas du nombre de lignes."""
    for nombre in (5, 50):
        fichier = fichier_csv(lignes_valides(nombre))
        # 1. territoires ; 2. communes (et départements) ; 3. communes des territoires ;
        # 4. projets existants des mêmes porteurs et territoires.
        with django_assert_num_queries(4):
            rapport = importer_projets(auteur=prefecture, fichier=fichier, verifier=True)
        assert rapport.valide and rapport.nb_lignes == nombre


def test_verification_d_un_bon_fichier_n_ecrit_rien(prefecture):
    rapport = importer_projets(
        auteur=prefecture, fichier=fichier_csv(lignes_valides(3)), verifier=True
    )
    assert rapport.valide
    assert rapport.nb_lignes == rapport.nb_lignes_valides == 3
    assert rapport.projets == []
    _rien_n_est_ecrit()


def test_colonnes_absentes_ou_inconnues(prefecture):
    colonnes = [c for c in NOMS_COLONNES if c not in ("porteur_siren", "aide_sollicitee")]
    rapport = importer_projets(
        auteur=prefecture,
        fichier=fichier_csv(lignes_valides(2), colonnes=[*colonnes, "remarques"]),
        verifier=True,
    )
    erreurs = _erreurs(rapport)
    assert erreurs[(1, "porteur_siren")] == (
        "Colonne obligatoire absente : « porteur_siren » (siren de l'entreprise porteuse)."
    )
    assert (1, "aide_sollicitee") in erreurs
    assert erreurs[(1, "remarques")].startswith("Colonne inconnue « remarques »")
    assert rapport.nb_lignes == 0
    _rien_n_est_ecrit()


def test_en_tetes_en_clair_acceptes(prefecture):
    """« Intitulé », « Porteur SIREN », « Année » : accents, majuscules et espaces tolérés."""
    en_clair = {nom: nom.replace("_", " ").title() for nom in NOMS_COLONNES}
    en_clair.update(intitule="Intitulé", annee="Année", filiere="Filière")
    lignes = [{en_clair[c]: v for c, v in ligne.items()} for ligne in lignes_valides(1)]
    fichier = fichier_csv(lignes, colonnes=list(en_clair.values()))
    rapport = importer_projets(auteur=prefecture, fichier=fichier, verifier=True)
    assert rapport.valide, rapport.erreurs


# --- Import réel : tout ou rien --------------------------------------------------------------


def test_import_reel_tout_ou_rien(prefecture):
    lignes = lignes_valides(4)
    lignes[3]["porteur_siren"] = siren_invalide(4)

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), verifier=False)

    assert not rapport.valide
    assert not rapport.verification
    assert list(_erreurs(rapport)) == [(5, "porteur_siren")]
    assert rapport.projets == []
    _rien_n_est_ecrit()


def test_import_reel_cree_les_projets_avec_un_evenement_import(prefecture):
    lignes = lignes_valides(3)
    lignes[0].update(deposer="oui", commune=BONNEVILLE, description="")
    # Cellules typées d'un vrai classeur : nombres, dates, codes numériques.
    lignes[1].update(
        territoire=8414,
        commune=74081,
        montant_investissement=2500000.5,
        aide_sollicitee=400000,
        emplois_crees=25,
        annee=2020,
    )

    rapport = importer_projets(
        auteur=prefecture, fichier=fichier_xlsx(lignes), nom_fichier="projets.xlsx"
    )

    assert rapport.valide, rapport.erreurs
    assert len(rapport.projets) == 3
    assert rapport.nb_deposes == 1
    projets = list(Projet.objects.order_by("id"))
    assert [p.pk for p in projets] == rapport.projets
    depose, type_excel, brouillon = projets
    assert depose.statut == Statut.DEPOSE
    assert brouillon.statut == Statut.BROUILLON
    assert depose.commune_id == BONNEVILLE
    assert (depose.region_id, depose.departement_id, depose.epci_id) == ("84", "74", "200000172")
    assert depose.montant_investissement == Decimal("1500000.50")
    assert depose.aide_sollicitee == Decimal("300000.25")
    assert depose.date_debut.isoformat() == "2021-03-01"
    assert depose.date_fin.isoformat() == "2022-06-30"
    assert depose.cree_par == prefecture
    assert type_excel.montant_investissement == Decimal("2500000.50")
    assert type_excel.aide_sollicitee == Decimal("400000.00")
    assert (type_excel.annee, type_excel.emplois_crees) == (2020, 25)
    assert type_excel.porteur.raison_sociale == "Entreprise 2 (test)"
    for projet in projets:
        evenement = projet.evenements.get(type=TypeEvenement.IMPORT)
        assert evenement.auteur == prefecture
        assert evenement.commentaire == "Projet importé."
    assert depose.evenements.filter(type=TypeEvenement.TRANSITION, statut_apres="depose").exists()


def test_reimporter_le_meme_fichier_est_refuse(prefecture):
    fichier = fichier_csv(lignes_valides(2))
    assert importer_projets(auteur=prefecture, fichier=fichier).valide
    rapport = importer_projets(auteur=prefecture, fichier=fichier, verifier=True)
    assert not rapport.valide
    assert "Ce projet existe déjà" in _erreurs(rapport)[(2, "intitule")]
    assert Projet.objects.count() == 2


def test_doublon_et_porteur_incoherent_dans_le_fichier(prefecture):
    lignes = lignes_valides(1) * 2 + [
        ligne_import(
            intitule="Autre projet",
            porteur_siren=lignes_valides(1)[0]["porteur_siren"],
            porteur_raison_sociale="Autre nom",
            siret="",
        )
    ]
    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), verifier=True)
    erreurs = _erreurs(rapport)
    assert erreurs[(3, "intitule")].startswith("Même projet que ligne 2")
    assert "figure ligne 2 avec une autre raison sociale" in erreurs[(4, "porteur_raison_sociale")]


# --- Périmètre ------------------------------------------------------------------------------


def test_prefecture_d_une_autre_region_refusee(referentiel):
    prefecture_32 = agent("prefecture-32", region="32")
    lignes = [
        ligne_import(intitule="En région 84"),
        ligne_import(
            intitule="En région 32", territoire=TERRITOIRE_32, commune=CAUFFRY, porteur_siren=""
        ),
    ]
    lignes[1]["porteur_siren"] = lignes[0]["porteur_siren"]

    rapport = importer_projets(auteur=prefecture_32, fichier=fichier_csv(lignes))

    erreurs = _erreurs(rapport)
    assert list(erreurs) == [(2, "commune")]
    assert erreurs[(2, "commune")].startswith(
        "Vous ne pouvez saisir un projet que dans votre région."
    )
    assert "Auvergne-Rhône-Alpes" in erreurs[(2, "commune")]
    _rien_n_est_ecrit()


@pytest.mark.parametrize("role", ["ministere", "region"])
def test_seules_prefectures_et_equipe_nationale_importent(referentiel, role):
    user = agent(f"import-{role}", role=role, region="84" if role == "region" else None)
    rapport = importer_projets(auteur=user, fichier=fichier_csv(lignes_valides(1)))
    assert [str(e) for e in rapport.erreurs] == [
        "Fichier : Seules les préfectures et l'équipe nationale saisissent des projets."
    ]
    _rien_n_est_ecrit()


def test_equipe_nationale_importe_partout(referentiel):
    admin = agent("admin-import", role="admin_national", region=None)
    lignes = [
        ligne_import(),
        ligne_import(
            intitule="En région 32",
            territoire=TERRITOIRE_32,
            commune=CAUFFRY,
            porteur_siren=lignes_valides(1)[0]["porteur_siren"],
            siret="",
        ),
    ]
    rapport = importer_projets(auteur=admin, fichier=fichier_csv(lignes))
    assert rapport.valide, rapport.erreurs
    assert set(Projet.objects.values_list("region_id", flat=True)) == {"84", "32"}


# --- Lecture des fichiers et des valeurs -----------------------------------------------------


@pytest.mark.parametrize(
    ("separateur", "bom"), [(";", True), (";", False), (",", False), ("\t", True)]
)
def test_csv_separateur_detecte(prefecture, separateur, bom):
    lignes = lignes_valides(2)
    lignes[1].update(montant_investissement="1500000.50", porteur_raison_sociale="Forges d'Évian")
    fichier = fichier_csv(lignes, separateur=separateur, bom=bom)
    rapport = importer_projets(auteur=prefecture, fichier=fichier)
    assert rapport.valide, rapport.erreurs
    assert Entreprise.objects.filter(raison_sociale="Forges d'Évian").exists()
    assert set(Projet.objects.values_list("montant_investissement", flat=True)) == {
        Decimal("1500000.50")
    }


@pytest.mark.parametrize("encodage", ["cp1252", "latin-1"])
def test_un_csv_en_latin_1_est_refuse_sans_rien_ecrire(prefecture, encodage):
    """Le « CSV (séparateur : point-virgule) » d'Excel sous Windows : ses lettres accentuées
    seraient mal lues, et l'agent ne le verrait qu'une fois les projets écrits."""
    lignes = lignes_valides(3000)
    fichier = fichier_csv(lignes, bom=False).decode("utf-8").encode(encodage)

    rapport = importer_projets(auteur=prefecture, fichier=fichier, nom_fichier="suivi.csv")

    assert len(rapport.erreurs) == 1
    erreur = rapport.erreurs[0]
    assert erreur.ligne is None
    # Les lignes valides ont toutes des accents (« importé ») : dès la ligne 2, sous l'en-tête.
    assert "n'est pas écrit en UTF-8 (vers la ligne 2)" in erreur.message
    assert "CSV UTF-8 (délimité par des virgules)" in erreur.message
    assert "Rien n'a été enregistré." in erreur.message
    assert not Projet.objects.exists()
    assert not Entreprise.objects.exists()


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [
        ("1 500 000,50", "1500000.50"),
        ("1500000.50", "1500000.50"),
        ("1\u202f500\u202f000,50 €", "1500000.50"),
        ("1.500.000,50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("12,5", "12.50"),
        (1500000.5, "1500000.50"),
        (300000, "300000.00"),
    ],
)
def test_montants_acceptes(ecrit, attendu):
    assert conversion.montant(ecrit) == Decimal(attendu)


@pytest.mark.parametrize(
    ("ecrit", "message"),
    [
        ("abc", "« abc » n'est pas un montant en euros"),
        ("12,345,6", "n'est pas un montant en euros"),
        ("1.500", "« 1.500 » est ambigu"),
        ("12,500", "« 12,500 » est ambigu"),
        (float("inf"), "n'est pas un montant en euros"),
        (float("nan"), "n'est pas un montant en euros"),
        (True, "n'est pas un montant en euros"),
    ],
)
def test_montants_illisibles(ecrit, message):
    with pytest.raises(ValeurInvalide, match=message):
        conversion.montant(ecrit)


@pytest.mark.parametrize(
    ("ecrit", "message"),
    [
        ("-10", "Le montant ne peut pas être négatif."),
        ("1500000,555", "Un montant a au plus deux décimales (centimes)."),
        ("0,001", "Un montant a au plus deux décimales (centimes)."),
        (
            "20000000000",
            "Montant invraisemblable (20\u202f000\u202f000\u202f000,00\u00a0€) : il dépasse "
            "10 milliards d'euros. Vérifiez les unités (le montant s'écrit en euros, pas en "
            "centimes).",
        ),
    ],
)
def test_montants_refuses_par_les_regles_de_la_saisie(prefecture, ecrit, message):
    lignes = lignes_valides(1)
    lignes[0]["montant_investissement"] = ecrit

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), verifier=True)

    assert _erreurs(rapport) == {(2, "montant_investissement"): message}


def test_fichier_trop_gros(prefecture, monkeypatch):
    monkeypatch.setattr(lecture, "TAILLE_MAX", 1024)
    lignes = lignes_valides(20)
    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes))
    assert len(rapport.erreurs) == 1
    assert rapport.erreurs[0].ligne is None
    assert rapport.erreurs[0].message.startswith("Le fichier dépasse la taille maximale")
    _rien_n_est_ecrit()


def test_trop_de_lignes(prefecture, monkeypatch):
    monkeypatch.setattr(lecture, "LIGNES_MAX", 3)
    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes_valides(4)))
    assert [str(e) for e in rapport.erreurs] == [
        "Fichier : Le fichier compte plus de 3 lignes de projets : "
        "découpez-le en plusieurs fichiers."
    ]
    _rien_n_est_ecrit()


@pytest.mark.parametrize(
    ("contenu", "nom", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"PK\x03\x04pas un classeur", "faux.xlsx", "Le classeur n'a pas pu être lu"),
        (b"\xd0\xcf\x11\xe0ancien", "ancien.xls", "Format « .xls » non pris en charge"),
        (b"intitule;territoire\n", "entete.csv", "Colonne obligatoire absente"),
        (fichier_csv([]), "sans-lignes.csv", "aucune ligne de projet"),
    ],
)
def test_fichiers_illisibles(prefecture, contenu, nom, message):
    rapport = importer_projets(auteur=prefecture, fichier=contenu, nom_fichier=nom)
    assert not rapport.valide
    assert message in rapport.erreurs[0].message


# --- Modèle de fichier -------------------------------------------------------------------------


def test_modele_documente_et_se_reimporte(prefecture):
    contenu = modele_xlsx()

    classeur = load_workbook(io.BytesIO(contenu))
    assert classeur.sheetnames == ["Projets", "Mode d'emploi"]
    projets = classeur["Projets"]
    assert [c.value for c in projets[1]] == NOMS_COLONNES
    assert projets.max_row == 2
    exemple = dict(zip(NOMS_COLONNES, [c.value for c in projets[2]], strict=True))
    assert exemple["territoire"] == "8414"
    assert "(exemple)" in exemple["intitule"]
    assert "(exemple)" in exemple["porteur_raison_sociale"]
    assert exemple["porteur_siren"] == SIREN_EXEMPLE
    assert cle_luhn_valide(SIREN_EXEMPLE) and cle_luhn_valide(SIRET_EXEMPLE)
    assert SIRET_EXEMPLE.startswith(SIREN_EXEMPLE)
    mode_d_emploi = classeur["Mode d'emploi"]
    documentees = {ligne[0] for ligne in mode_d_emploi.iter_rows(values_only=True)}
    assert set(NOMS_COLONNES) <= documentees
    textes = " ".join(
        str(v) for ligne in mode_d_emploi.iter_rows(values_only=True) for v in ligne if v
    )
    assert "recruter (Recruter) ; innover (Innover)" in textes
    assert "industrie_du_futur (Solutions industrie du futur)" in textes

    rapport = importer_projets(
        auteur=prefecture, fichier=contenu, nom_fichier="modele.xlsx", verifier=True
    )
    assert rapport.valide, rapport.erreurs
    assert rapport.nb_lignes == 1


# --- Commande ---------------------------------------------------------------------------------


def _fichier(tmp_path, lignes, nom="projets.csv"):
    chemin = tmp_path / nom
    chemin.write_bytes(fichier_xlsx(lignes) if nom.endswith(".xlsx") else fichier_csv(lignes))
    return chemin


def test_commande_en_erreur_sort_en_echec_avec_les_numeros_de_ligne(prefecture, tmp_path):
    lignes = lignes_valides(3)
    lignes[0]["porteur_siren"] = siren_invalide(1)
    lignes[2]["territoire"] = "0000"
    sortie, erreurs = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="aucun projet n'a été importé") as exc:
        call_command(
            "importer_projets",
            str(_fichier(tmp_path, lignes)),
            utilisateur="prefecture-84",
            sans_progression=True,
            stdout=sortie,
            stderr=erreurs,
        )

    assert exc.value.returncode != 0
    texte = erreurs.getvalue()
    assert re.search(r"^Ligne 2, colonne « porteur_siren » : Le SIREN", texte, re.M)
    assert re.search(
        r"^Ligne 4, colonne « territoire » : Territoire d'industrie inconnu", texte, re.M
    )
    assert "2 erreurs sur 2 lignes" in str(exc.value)
    _rien_n_est_ecrit()


def test_commande_importe_et_resume(prefecture, tmp_path):
    lignes = lignes_valides(3)
    lignes[2]["deposer"] = "oui"
    chemin = _fichier(tmp_path, lignes, "projets.xlsx")
    sortie = io.StringIO()

    call_command(
        "importer_projets",
        str(chemin),
        "--verifier",
        utilisateur="prefecture-84",
        verbosity=0,
        stdout=sortie,
    )
    assert "3 projets prêts à être importés" in sortie.getvalue()
    assert Projet.objects.count() == 0

    call_command(
        "importer_projets", str(chemin), utilisateur="prefecture-84", verbosity=0, stdout=sortie
    )
    assert "3 projets importés par prefecture-84, dont 1 déposé." in sortie.getvalue()
    assert Projet.objects.filter(evenements__type=TypeEvenement.IMPORT).count() == 3


@pytest.mark.parametrize(
    ("utilisateur", "message"),
    [("inconnu", "Utilisateur « inconnu » introuvable."), ("region-84", "ne peut pas importer")],
)
def test_commande_refuse_un_auteur_sans_droit(referentiel, tmp_path, utilisateur, message):
    agent("region-84", role="region")
    with pytest.raises(CommandError, match=message):
        call_command(
            "importer_projets",
            str(_fichier(tmp_path, lignes_valides(1))),
            utilisateur=utilisateur,
            verbosity=0,
        )
    _rien_n_est_ecrit()


# --- Pages -------------------------------------------------------------------------------------


def _televerser(nom, contenu):
    fichier = io.BytesIO(contenu)
    fichier.name = nom
    return fichier


def test_page_d_import_pour_une_prefecture(client, prefecture):
    client.force_login(prefecture)
    reponse = client.get("/projets/importer/")
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "fr-upload-group" in page
    assert 'value="verifier"' in page and "Vérifier le fichier" in page
    assert 'value="importer"' in page
    assert 'href="/projets/importer/modele.xlsx"' in page
    assert 'href="/projets/"' in page  # fil d'Ariane


def _envoyer(client, capture, action, nom, contenu):
    """Envoie le fichier ; le travail de fond s'exécute à la validation (sans courtier, dans
    le processus). Rend la page du travail, où la page d'import renvoie."""
    with capture(execute=True):
        reponse = client.post(
            "/projets/importer/", {"action": action, "fichier": _televerser(nom, contenu)}
        )
    assert reponse.status_code == 302
    assert re.fullmatch(r"/travaux/\d+/", reponse["Location"])
    return client.get(reponse["Location"])


def test_page_verification_affiche_les_erreurs(
    client, prefecture, django_capture_on_commit_callbacks
):
    lignes = lignes_valides(3)
    lignes[1]["commune"] = HORS_TERRITOIRE
    lignes[2]["annee"] = "2045"
    client.force_login(prefecture)

    reponse = _envoyer(
        client, django_capture_on_commit_callbacks, "verifier", "projets.csv", fichier_csv(lignes)
    )

    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert "2 erreurs : aucun projet n&#x27;a été enregistré." in page
    assert "fr-table" in page
    assert "n&#x27;appartient pas au territoire" in page
    assert re.search(r'<th scope="row"[^>]*>3</th>', page)
    assert "Projet importé n° 2" in page
    # Ligne, colonne, valeur, raison.
    assert re.search(
        r"<th[^>]*>4</th>\s*<td>Projet importé n° 3</td>\s*<td>annee</td>\s*<td>2045</td>\s*"
        r"<td>L&#x27;année doit être comprise entre 2018 et 2030.</td>",
        page,
    )
    assert "Importer ce fichier" not in page
    assert Projet.objects.count() == 0


def test_verifier_puis_importer_sans_renvoyer_le_fichier(
    client, prefecture, django_capture_on_commit_callbacks
):
    client.force_login(prefecture)
    contenu = fichier_xlsx(lignes_valides(2))
    page = _envoyer(client, django_capture_on_commit_callbacks, "verifier", "p.xlsx", contenu)

    verification = Travail.objects.get()
    texte = page.content.decode()
    assert "Fichier valide : 2 projets prêts à être importés." in texte
    assert f'action="/projets/importer/{verification.pk}/importer/"' in texte
    assert Projet.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(f"/projets/importer/{verification.pk}/importer/")
    import_ = Travail.objects.exclude(pk=verification.pk).get()
    assert reponse["Location"] == f"/travaux/{import_.pk}/"
    assert import_.entree.name == verification.entree.name  # le même fichier, gardé
    assert import_.etat == EtatTravail.TERMINE
    page = client.get(reponse["Location"]).content.decode()
    assert "2 projets importés, dont 0 déposé." in page
    assert 'href="/projets/"' in page
    assert Projet.objects.filter(cree_par=prefecture).count() == 2
    fin = SocleEvenement.objects.filter(genre="travail_termine").latest("pk")
    assert fin.acteur == prefecture and fin.donnees["travail_id"] == import_.pk


def test_un_fichier_verifie_ne_s_importe_que_par_son_auteur(
    client, prefecture, django_capture_on_commit_callbacks
):
    client.force_login(prefecture)
    _envoyer(
        client,
        django_capture_on_commit_callbacks,
        "verifier",
        "p.csv",
        fichier_csv(lignes_valides(1)),
    )
    verification = Travail.objects.get()
    autre = agent("prefecture-84-bis")
    client.force_login(autre)
    assert client.post(f"/projets/importer/{verification.pk}/importer/").status_code == 404
    assert Travail.objects.count() == 1


def test_page_import_reel(client, prefecture, django_capture_on_commit_callbacks):
    client.force_login(prefecture)
    reponse = _envoyer(
        client,
        django_capture_on_commit_callbacks,
        "importer",
        "p.csv",
        fichier_csv(lignes_valides(2)),
    )
    page = reponse.content.decode()
    assert "2 projets importés, dont 0 déposé." in page
    assert "Import des projets de « p.csv »" in page
    assert Projet.objects.filter(cree_par=prefecture).count() == 2


def test_page_import_reel_refuse_ne_cree_rien(
    client, prefecture, django_capture_on_commit_callbacks
):
    lignes = lignes_valides(2)
    lignes[1]["date_fin"] = "01/01/2020"
    client.force_login(prefecture)
    reponse = _envoyer(
        client, django_capture_on_commit_callbacks, "importer", "p.csv", fichier_csv(lignes)
    )
    page = reponse.content.decode()
    assert "1 erreur : aucun projet n&#x27;a été enregistré." in page
    assert "précède le début des travaux" in page
    _rien_n_est_ecrit()


def test_page_sans_fichier(client, prefecture):
    client.force_login(prefecture)
    reponse = client.post("/projets/importer/", {"action": "verifier"})
    assert "Choisissez le fichier à importer." in reponse.content.decode()
    assert "fr-upload-group--error" in reponse.content.decode()


def test_ministere_refuse(client, referentiel):
    ministere = agent("ministere", role="ministere", region=None)
    client.force_login(ministere)
    assert client.get("/projets/importer/").status_code == 403
    reponse = client.post(
        "/projets/importer/",
        {"action": "importer", "fichier": _televerser("p.csv", fichier_csv(lignes_valides(1)))},
    )
    assert reponse.status_code == 403
    assert "Seules les préfectures et l&#x27;équipe nationale" in reponse.content.decode()
    _rien_n_est_ecrit()


def test_anonyme_renvoye_a_la_connexion(client, referentiel):
    reponse = client.get("/projets/importer/")
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/comptes/")


def test_telecharger_le_modele_puis_le_reimporter(
    client, prefecture, django_capture_on_commit_callbacks
):
    client.force_login(prefecture)
    reponse = client.get("/projets/importer/modele.xlsx")
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in reponse["Content-Disposition"]

    verification = _envoyer(
        client, django_capture_on_commit_callbacks, "verifier", "modele.xlsx", reponse.content
    )
    assert "1 projet prêt à être importé" in verification.content.decode()


def test_classeur_demesure_une_fois_decompresse(prefecture, monkeypatch):
    monkeypatch.setattr(lecture, "TAILLE_DECOMPRESSEE_MAX", 1000)
    rapport = importer_projets(
        auteur=prefecture, fichier=fichier_xlsx(lignes_valides(1)), nom_fichier="p.xlsx"
    )
    assert [e.message for e in rapport.erreurs] == [
        "Le classeur est trop volumineux une fois décompressé : découpez-le en plusieurs fichiers."
    ]


# --- Fichiers hostiles trouvés par tests/test_fuzz_formulaires.py ------------------------------


def _classeur_falsifie(remplacements: dict[str, str]) -> bytes:
    """Un classeur dont des valeurs numériques de la feuille sont réécrites dans l'archive."""
    import zipfile

    ligne = ligne_import(emplois_crees=424242)
    entree, sortie = zipfile.ZipFile(io.BytesIO(fichier_xlsx([ligne]))), io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        for membre in entree.infolist():
            donnees = entree.read(membre.filename)
            if membre.filename.startswith("xl/worksheets/"):
                texte = donnees.decode()
                for avant, apres in remplacements.items():
                    texte = texte.replace(f"<v>{avant}</v>", f"<v>{apres}</v>")
                donnees = texte.encode()
            archive.writestr(membre, donnees)
    return sortie.getvalue()


@pytest.mark.parametrize(
    ("valeur", "message"),
    [
        ("NaN", "Le classeur n'a pas pu être lu"),  # openpyxl : int("NaN") -> ValueError
        ("1E999", "n'est pas un nombre entier"),  # float infini
        ("-1E999", "n'est pas un nombre entier"),
    ],
)
def test_classeur_aux_nombres_falsifies(prefecture, valeur, message):
    rapport = importer_projets(
        auteur=prefecture, fichier=_classeur_falsifie({"424242": valeur}), nom_fichier="p.xlsx"
    )
    assert message in " ".join(e.message for e in rapport.erreurs)
    _rien_n_est_ecrit()


def test_classeur_a_la_feuille_mal_formee(prefecture):
    """Le XML de la feuille n'est lu qu'au parcours des lignes : une ParseError, pas un 500."""
    rapport = importer_projets(
        auteur=prefecture, fichier=_classeur_falsifie({"424242": "<"}), nom_fichier="p.xlsx"
    )
    assert rapport.erreurs[0].message.startswith("Le classeur n'a pas pu être lu")
    _rien_n_est_ecrit()


@pytest.mark.parametrize("valeur", [1e300, 10**40, "9" * 40])
def test_montants_demesures_refuses(prefecture, valeur):
    lignes = lignes_valides(1)
    lignes[0]["aide_sollicitee"] = valeur
    rapport = importer_projets(auteur=prefecture, fichier=fichier_xlsx(lignes), verifier=True)
    assert [(e.colonne, e.message[:24]) for e in rapport.erreurs] == [
        ("aide_sollicitee", "Montant invraisemblable ")
    ]


def test_cellule_demesuree_d_un_csv(prefecture):
    lignes = lignes_valides(2)
    lignes[1]["description"] = "x" * 140_000
    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), nom_fichier="p.csv")
    assert [e.message for e in rapport.erreurs] == [
        "Le fichier CSV est mal formé vers la ligne 3 : une cellule dépasse 131\u202f072 "
        "caractères, ou un guillemet n'y est pas refermé."
    ]


def test_caractere_nul_dans_une_cellule(prefecture):
    """PostgreSQL refuse le caractère nul dans un texte : la ligne est signalée, pas écrite."""
    lignes = lignes_valides(2)
    lignes[0]["intitule"] = "Projet\x00caché"
    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes), nom_fichier="p.csv")
    assert [str(e) for e in rapport.erreurs] == [
        "Ligne 2, colonne « intitule » : La cellule contient un caractère nul (invisible) : "
        "ressaisissez-la."
    ]
    _rien_n_est_ecrit()


def test_la_ligne_du_premier_caractere_hors_utf_8_est_donnee(prefecture):
    """Le décodage se fait par blocs : la ligne dite est bien celle du premier accent."""
    lignes = [
        ligne_import(
            intitule=f"Projet n {rang}",
            description="Tours",
            porteur_siren=siren_valide(10 + rang),
            porteur_raison_sociale=f"Entreprise {rang}",
            siret="",
        )
        for rang in range(3000)
    ]
    lignes[2500]["porteur_raison_sociale"] = "Forges d'Évian"
    texte = fichier_csv(lignes, bom=False).decode("utf-8")
    assert texte.index("É") > 8192  # au-delà du premier bloc lu
    rapport = importer_projets(auteur=prefecture, fichier=texte.encode("latin-1"))

    [erreur] = rapport.erreurs
    assert "(vers la ligne 2\u202f502)" in erreur.message
    assert not Projet.objects.exists()
