"""Mise à jour en masse des engagements, versements et statuts : tout ou rien, jamais au-delà
de l'enveloppe ni du reste à verser, vérification à blanc."""

import datetime
from decimal import Decimal

import pytest

from comptes.models import Trace
from fonds.mise_a_jour import mettre_a_jour, modele_xlsx
from fonds.models import Engagement, Enveloppe, Versement
from projets.models import Projet, Statut
from tests.fonds.factories import engager, fonds_2020, projet_preselectionne
from tests.projets.factories import fichier_csv, fichier_xlsx

pytestmark = pytest.mark.django_db

M = Decimal("1000000")
COLONNES = [
    "projet",
    "engager",
    "date_engagement",
    "verser",
    "date_versement",
    "reference",
    "statut",
    "commentaire",
]


@pytest.fixture
def fonds(admin_national):
    """L'enveloppe 2020 de la région 84 : 10 M€."""
    return fonds_2020(auteur=admin_national)[1]["84"]


@pytest.fixture
def projets(prefecture_84, region_84, fonds):
    return [
        projet_preselectionne(
            prefecture=prefecture_84,
            conseil=region_84,
            aide_sollicitee=4 * M,
            montant_investissement=20 * M,
        )
        for _ in range(3)
    ]


def _csv(*lignes) -> bytes:
    return fichier_csv(list(lignes), colonnes=COLONNES)


def _etat(enveloppe):
    """Ce qu'une mise à jour écrirait."""
    enveloppe.refresh_from_db()
    return (
        enveloppe.montant_engage,
        enveloppe.montant_verse,
        Engagement.objects.count(),
        Versement.objects.count(),
        Trace.objects.count(),
        tuple(Projet.objects.order_by("pk").values_list("statut", "version")),
    )


def test_engagements_versements_et_statuts_appliques(prefecture_84, projets, fonds):
    a, b, c = projets
    deja = engager(c, fonds, M, auteur=prefecture_84)
    contenu = _csv(
        {"projet": a.pk, "engager": "3 000 000,00", "commentaire": "Comité du 12 mars"},
        {"projet": b.pk, "engager": "2000000", "date_engagement": "01/03/2021",
         "verser": "500 000", "date_versement": "15/03/2021", "reference": "Mandat 42"},
        {"projet": c.pk, "verser": "250000,50", "date_versement": "2021-04-01"},
    )  # fmt: skip

    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv")

    assert rapport.valide, rapport.erreurs
    assert (rapport.nb_engagements, rapport.nb_versements) == (2, 2)
    fonds.refresh_from_db()
    assert fonds.montant_engage == 6 * M
    assert fonds.montant_verse == Decimal("750000.50")
    assert Engagement.objects.get(projet=a).montant == 3 * M
    assert Projet.objects.get(pk=a.pk).statut == Statut.ENGAGE
    versement = Versement.objects.get(engagement__projet=b)
    assert (versement.montant, versement.reference) == (Decimal("500000"), "Mandat 42")
    assert versement.date_versement == datetime.date(2021, 3, 15)
    assert Versement.objects.get(engagement=deja).montant == Decimal("250000.50")
    assert Trace.objects.filter(modele="fonds.Engagement", objet_id=str(
        Engagement.objects.get(projet=a).pk)).exists()  # fmt: skip


def test_un_engagement_au_dela_de_l_enveloppe_n_ecrit_rien(prefecture_84, projets, fonds):
    """Chaque ligne tient seule dans l'enveloppe (10 M€), pas leur somme (12 M€) : la
    troisième est refusée, avec les montants, et les deux premières ne sont pas écrites."""
    avant = _etat(fonds)
    contenu = _csv(*({"projet": p.pk, "engager": "4000000"} for p in projets))

    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv")

    assert not rapport.valide
    [erreur] = rapport.erreurs
    assert (erreur.ligne, erreur.colonne, erreur.valeur) == (4, "engager", "4000000")
    assert erreur.message.startswith("Crédits insuffisants sur l'enveloppe de la région")
    assert "disponible : 2 000 000,00" in erreur.message.replace("\u202f", " ").replace("\xa0", " ")
    assert rapport.nb_engagements == 0
    assert _etat(fonds) == avant


def test_un_versement_au_dela_du_reste_a_payer_n_ecrit_rien(prefecture_84, projets, fonds):
    a, b, _ = projets
    engager(a, fonds, M, auteur=prefecture_84)
    avant = _etat(fonds)
    contenu = _csv(
        {"projet": b.pk, "engager": "1000000"},
        {"projet": a.pk, "verser": "1 000 000,01", "date_versement": "01/03/2021"},
    )

    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv")

    [erreur] = rapport.erreurs
    assert (erreur.ligne, erreur.colonne) == (3, "verser")
    assert erreur.message.startswith("Le versement dépasse le reste à verser")
    assert _etat(fonds) == avant


def test_la_verification_applique_a_blanc(prefecture_84, projets, fonds):
    avant = _etat(fonds)
    contenu = _csv({"projet": projets[0].pk, "engager": "1000000", "statut": ""})

    rapport = mettre_a_jour(
        auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv", verifier=True
    )

    assert rapport.valide and rapport.nb_engagements == 1
    assert _etat(fonds) == avant


def test_toutes_les_erreurs_sont_rapportees(prefecture_84, projets, fonds, prefecture_32):
    a, b, c = projets
    contenu = _csv(
        {"projet": a.pk, "engager": "beaucoup"},
        {"projet": b.pk, "verser": "100"},
        {"projet": c.pk, "statut": "realise"},
        {"projet": 999999, "engager": "10"},
        {"projet": a.pk},
        {"projet": b.pk, "statut": "inconnu"},
    )

    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv")

    par_ligne = {(e.ligne, e.colonne): e.message for e in rapport.erreurs}
    assert set(par_ligne) == {
        (2, "engager"),
        (3, "date_versement"),
        (5, "projet"),
        (6, ""),
        (7, "statut"),
    }
    assert par_ligne[(5, "projet")] == "Aucun projet n° 999999 dans votre périmètre."
    assert "Rien à mettre à jour" in par_ligne[(6, "")]
    assert not Engagement.objects.exists()


def test_un_changement_de_statut_hors_du_cycle_de_vie_est_refuse(prefecture_84, projets, fonds):
    a, b, _ = projets
    contenu = _csv(
        {"projet": a.pk, "engager": "1000000"},
        {"projet": b.pk, "statut": "realise"},
    )
    avant = _etat(fonds)

    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv")

    [erreur] = rapport.erreurs
    assert (erreur.ligne, erreur.colonne, erreur.valeur) == (3, "statut", "realise")
    assert _etat(fonds) == avant


def test_abandon_en_masse_rend_les_credits(prefecture_84, projets, fonds):
    a, _, _ = projets
    engager(a, fonds, M, auteur=prefecture_84)
    contenu = _csv({"projet": a.pk, "statut": "Abandonné", "commentaire": "Le porteur renonce."})

    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.csv")

    assert rapport.valide, rapport.erreurs
    assert rapport.nb_statuts == 1
    fonds.refresh_from_db()
    assert fonds.montant_engage == 0
    assert Projet.objects.get(pk=a.pk).statut == Statut.ABANDONNE


def test_hors_perimetre_et_role_sans_droit(prefecture_32, region_84, projets, fonds):
    contenu = _csv({"projet": projets[0].pk, "engager": "1000"})
    rapport = mettre_a_jour(auteur=prefecture_32, fichier=contenu, nom_fichier="suivi.csv")
    assert [(e.ligne, e.colonne) for e in rapport.erreurs] == [(2, "projet")]
    rapport = mettre_a_jour(auteur=region_84, fichier=contenu, nom_fichier="suivi.csv")
    assert rapport.erreurs[0].ligne is None
    assert "préfecture" in rapport.erreurs[0].message
    assert not Engagement.objects.exists()


def test_le_modele_se_remplit_et_se_relit(prefecture_84, projets, fonds):
    from openpyxl import load_workbook

    classeur = load_workbook(__import__("io").BytesIO(modele_xlsx()))
    entete = [c.value for c in classeur["Projets"][1]]
    assert entete[:3] == ["projet", "engager", "enveloppe"]
    contenu = fichier_xlsx(
        [{"projet": projets[0].pk, "engager": 1500000.5, "enveloppe": fonds.pk}], colonnes=entete
    )
    rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier="suivi.xlsx")
    assert rapport.valide, rapport.erreurs
    assert Enveloppe.objects.get(pk=fonds.pk).montant_engage == Decimal("1500000.50")


def test_par_la_page_verifier_puis_appliquer_sans_renvoyer(
    client, prefecture_84, projets, fonds, django_capture_on_commit_callbacks
):
    import io

    from socle.models import EtatTravail, Travail

    client.force_login(prefecture_84)
    assert "Mettre à jour en masse" in client.get("/fonds/").content.decode()
    fichier = io.BytesIO(_csv({"projet": projets[0].pk, "engager": "1 000 000"}))
    fichier.name = "suivi.csv"
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/fonds/mise-a-jour/", {"action": "verifier", "fichier": fichier})
    verification = Travail.objects.get()
    assert reponse["Location"] == f"/travaux/{verification.pk}/"
    page = client.get(reponse["Location"]).content.decode()
    assert "Fichier valide : 1 engagement à enregistrer." in page
    assert f'action="/fonds/mise-a-jour/{verification.pk}/appliquer/"' in page
    assert not Engagement.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(f"/fonds/mise-a-jour/{verification.pk}/appliquer/")
    application = Travail.objects.exclude(pk=verification.pk).get()
    assert application.etat == EtatTravail.TERMINE
    assert "Enregistré : 1 engagement." in client.get(reponse["Location"]).content.decode()
    fonds.refresh_from_db()
    assert fonds.montant_engage == M


def test_par_la_page_un_refus_est_rapporte_ligne_par_ligne(
    client, prefecture_84, projets, fonds, django_capture_on_commit_callbacks
):
    import io

    client.force_login(prefecture_84)
    fichier = io.BytesIO(_csv({"projet": projets[0].pk, "engager": "20 000 000"}))
    fichier.name = "suivi.csv"
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post("/fonds/mise-a-jour/", {"action": "appliquer", "fichier": fichier})
    page = client.get(reponse["Location"]).content.decode()
    assert "1 erreur : rien n&#x27;a été enregistré." in page
    assert "<td>engager</td>" in page and "<td>20 000 000</td>" in page
    assert not Engagement.objects.exists()


def test_un_csv_en_latin_1_ou_un_classeur_fusionne_n_ecrit_rien(prefecture_84, projets, fonds):
    """La mise à jour lit ses fichiers comme l'import : mêmes refus, rien d'écrit."""
    from io import BytesIO

    from openpyxl import load_workbook

    avant = _etat(fonds)
    lignes = [
        {"projet": projet.pk, "engager": "1000000", "commentaire": "Comité d'été"}
        for projet in projets
    ]
    latin_1 = _csv(*lignes).decode("utf-8-sig").encode("latin-1")
    classeur = load_workbook(BytesIO(fichier_xlsx(lignes, colonnes=COLONNES)))
    classeur.active.merge_cells("B2:B3")
    fusionne = BytesIO()
    classeur.save(fusionne)

    for contenu, nom, debut in (
        (latin_1, "suivi.csv", "Le fichier CSV n'est pas écrit en UTF-8"),
        (fusionne.getvalue(), "suivi.xlsx", "Le classeur contient des cellules fusionnées"),
    ):
        rapport = mettre_a_jour(auteur=prefecture_84, fichier=contenu, nom_fichier=nom)

        [erreur] = rapport.erreurs
        assert erreur.ligne is None and erreur.message.startswith(debut)
        assert _etat(fonds) == avant
