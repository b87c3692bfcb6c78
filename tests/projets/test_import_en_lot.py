"""L'import écrit par lots : requêtes en nombre fixe, journal d'audit et historique complets,
entreprises existantes reprises, tout ou rien jusqu'à la dernière écriture."""

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from comptes.models import Action, Trace
from projets import lots
from projets.importation import importer_projets
from projets.models import Entreprise, Evenement, Projet, Statut, TypeEvenement
from socle.models import DemandeRecalcul
from tests.comptes.factories import agent
from tests.projets.factories import fichier_csv, fichier_xlsx, lignes_valides

pytestmark = pytest.mark.django_db


@pytest.fixture
def prefecture(referentiel):
    return agent("prefecture-84")


def _requetes_de_l_import(auteur, nombre: int) -> int:
    fichier = fichier_csv(lignes_valides(nombre))
    with CaptureQueriesContext(connection) as requetes:
        rapport = importer_projets(auteur=auteur, fichier=fichier)
    assert rapport.valide, rapport.erreurs
    assert len(rapport.projets) == nombre
    Projet.objects.all().delete()
    Entreprise.objects.all().delete()
    return len(requetes)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_lignes(prefecture, monkeypatch):
    monkeypatch.setattr(lots, "TAILLE_LOT", 100)
    # 25 lignes au plus : sous SQLite, une insertion de plus de 999 paramètres (28 projets)
    # serait coupée en plusieurs requêtes.
    assert _requetes_de_l_import(prefecture, 5) == _requetes_de_l_import(prefecture, 25)


def test_journal_historique_et_recalcul_de_chaque_projet_importe(prefecture):
    lignes = lignes_valides(3)
    lignes[1]["deposer"] = "oui"
    DemandeRecalcul.objects.all().delete()

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes))

    assert rapport.valide and rapport.nb_deposes == 1
    brouillon, depose, _ = Projet.objects.order_by("id")
    assert (brouillon.statut, depose.statut) == (Statut.BROUILLON, Statut.DEPOSE)
    assert depose.version == brouillon.version + 1
    creation = Trace.objects.get(objet_id=str(brouillon.pk), action=Action.CREATION)
    assert creation.auteur == prefecture
    assert creation.modele == "projets.Projet" and creation.region == "84"
    assert creation.changements["montant_investissement"] == [None, "1500000.50"]
    assert creation.changements["porteur"] == [None, str(brouillon.porteur_id)]
    assert creation.changements["region"] == [None, "84"]
    assert creation.changements["statut"] == [None, Statut.BROUILLON]
    assert creation.changements["date_debut"] == [None, "2021-03-01"]
    depot = Trace.objects.get(objet_id=str(depose.pk), action=Action.MODIFICATION)
    assert depot.changements == {"statut": [Statut.BROUILLON, Statut.DEPOSE]}
    assert Trace.objects.filter(modele="projets.Projet").count() == 4
    assert list(
        Evenement.objects.filter(projet=depose).order_by("id").values_list("type", "statut_apres")
    ) == [(TypeEvenement.IMPORT, Statut.BROUILLON), (TypeEvenement.TRANSITION, Statut.DEPOSE)]
    assert Evenement.objects.count() == 4
    # Une seule demande de recalcul pour tout le fichier (traitée après la transaction).
    demande = DemandeRecalcul.objects.get()
    assert (demande.territoires, demande.regions) == ([brouillon.territoire_id], ["84"])


def test_une_entreprise_connue_est_reprise_et_mise_a_jour(prefecture):
    lignes = lignes_valides(2)
    connue = Entreprise.objects.create(
        siren=lignes[0]["porteur_siren"], raison_sociale="Ancien nom", taille="GE"
    )

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes))

    assert rapport.valide
    connue.refresh_from_db()
    assert (connue.raison_sociale, connue.taille) == ("Entreprise 1 (test)", "PME")
    assert Projet.objects.filter(porteur=connue).count() == 1
    assert Entreprise.objects.count() == 2


def test_un_refus_a_l_ecriture_n_ecrit_rien(prefecture, monkeypatch):
    """Une base qui refuse le dernier lot : aucun projet, aucune trace, aucune entreprise."""
    monkeypatch.setattr(lots, "TAILLE_LOT", 2)
    ecrire = lots._ecrire_lot
    appels = []

    def ecrire_puis_refuser(auteur, lot, source):
        appels.append(len(lot))
        if len(appels) == 3:
            # Ce que lève la base pour une valeur trop longue pour sa colonne (SQLite, elle,
            # ne la refuserait pas) : les deux premiers lots sont déjà écrits.
            raise DataError("value too long for type character varying(200)")
        ecrire(auteur, lot, source)

    monkeypatch.setattr(lots, "_ecrire_lot", ecrire_puis_refuser)

    rapport = importer_projets(auteur=prefecture, fichier=fichier_csv(lignes_valides(5)))

    assert not rapport.valide and rapport.projets == []
    assert "refusé par la base" in rapport.erreurs[0].message
    assert appels == [2, 2, 1]
    assert not Projet.objects.exists()
    assert not Entreprise.objects.exists()
    assert not Trace.objects.filter(modele="projets.Projet").exists()


def test_un_fichier_de_50_001_lignes_est_refuse_sans_rien_ecrire(prefecture):
    ligne = "Projet;8414\r\n"
    contenu = ("intitule;territoire\r\n" + ligne * 50_001).encode()
    rapport = importer_projets(auteur=prefecture, fichier=contenu, nom_fichier="gros.csv")
    assert [str(e) for e in rapport.erreurs] == [
        "Fichier : Le fichier compte plus de 50\u202f000 lignes de projets : "
        "découpez-le en plusieurs fichiers."
    ]
    assert not Projet.objects.exists()


def test_un_classeur_aux_cellules_fusionnees_est_refuse(prefecture):
    from io import BytesIO

    from openpyxl import load_workbook

    classeur = load_workbook(BytesIO(fichier_xlsx(lignes_valides(3))))
    classeur["Projets"].merge_cells("F3:G3")
    tampon = BytesIO()
    classeur.save(tampon)

    rapport = importer_projets(auteur=prefecture, fichier=tampon.getvalue(), nom_fichier="p.xlsx")

    [erreur] = rapport.erreurs
    assert erreur.ligne is None
    assert erreur.message.startswith(
        "Le classeur contient des cellules fusionnées (par exemple F3:G3)"
    )
    assert not Projet.objects.exists()
