"""Ce qui n'entre pas dans un dossier : exécutable renommé, fichier trop lourd, bombe de
décompression, nom piégé, projet invisible. Refusé avec un message en français, rien
d'enregistré (ni ligne, ni fichier, ni trace)."""

import os

import pytest

from comptes.models import Trace
from documents import services
from documents.models import Document
from socle.erreurs import Invalide, Refus
from tests.documents.factories import bombe_docx, executable, pdf, projet_32, projet_visible, xlsx

pytestmark = pytest.mark.django_db

MO = 1024 * 1024


def _deposer(comptes, projet, *, nom="devis.pdf", contenu=None, auteur="prefecture-84"):
    return services.deposer(
        projet_id=projet.pk,
        auteur=comptes[auteur],
        type="devis",
        titre="",
        nom=nom,
        contenu=pdf() if contenu is None else contenu,
    )


def _fichiers_ranges(settings) -> list[str]:
    racine = os.path.join(settings.MEDIA_ROOT, "documents")
    return [f for _d, _s, fichiers in os.walk(racine) for f in fichiers]


def _rien_d_enregistre(settings, avant: list[str]):
    assert not Document.objects.exists()
    assert not Trace.objects.filter(modele="documents.Document").exists()
    assert _fichiers_ranges(settings) == avant


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        (
            "devis.pdf",
            executable(),
            "ne correspond pas à son extension « .pdf » (format attendu : PDF)",
        ),
        ("devis.exe", executable(), "Les fichiers « .exe » ne sont pas acceptés."),
        (
            "devis.png",
            pdf(),
            "ne correspond pas à son extension « .png » (format attendu : image PNG)",
        ),
        ("plan.docx", bombe_docx(), "se décompresse en un volume anormal (20 Mo)"),
        ("../../etc/devis.pdf", pdf(), "ne doit pas contenir de chemin"),
        ("devis\x07\x1b.pdf", pdf(), "caractères de contrôle"),
        ("devis", pdf(), "doit finir par son extension"),
        ("vide.pdf", b"", "Ce fichier est vide."),
    ],
)
def test_un_fichier_refuse_n_enregistre_rien(comptes, settings, nom, contenu, message):
    projet = projet_visible(comptes)
    avant = _fichiers_ranges(settings)
    with pytest.raises(Invalide) as refus:
        _deposer(comptes, projet, nom=nom, contenu=contenu)
    assert message in refus.value.message
    assert refus.value.erreurs.keys() == {"fichier"}
    _rien_d_enregistre(settings, avant)


def test_un_fichier_de_30_mo_est_refuse_par_la_page(client, comptes, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    projet = projet_visible(comptes)
    avant = _fichiers_ranges(settings)
    client.force_login(comptes["prefecture-84"])
    lourd = pdf() + b"\0" * (30 * MO)
    reponse = client.post(
        f"/projets/{projet.pk}/documents/",
        {"type": "devis", "titre": "", "fichier": SimpleUploadedFile("gros.pdf", lourd)},
    )
    assert reponse.status_code == 200
    assert "Ce fichier pèse 30 Mo : la limite est de 20 Mo." in reponse.content.decode()
    _rien_d_enregistre(settings, avant)


def test_la_limite_de_taille_se_regle(comptes, settings):
    settings.DOCUMENTS_TAILLE_MAX = MO
    projet = projet_visible(comptes)
    with pytest.raises(Invalide, match="la limite est de 1 Mo"):
        _deposer(comptes, projet, contenu=pdf() + b"\0" * (2 * MO))


def test_un_projet_invisible_est_refuse(comptes, settings):
    projet = projet_32(comptes)
    avant = _fichiers_ranges(settings)
    with pytest.raises(Refus, match="n'est pas dans votre périmètre"):
        _deposer(comptes, projet)
    _rien_d_enregistre(settings, avant)


def test_les_formats_acceptes_sont_reconnus_a_leur_contenu(comptes):
    projet = projet_visible(comptes)
    classeur = _deposer(comptes, projet, nom="Plan de financement (v2).XLSX", contenu=xlsx())
    assert classeur.nom_fichier == "Plan de financement (v2).xlsx"
    assert classeur.type_mime == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    tableau = _deposer(
        comptes,
        projet,
        nom="lignes;budget.csv",
        contenu="Poste;Montant\r\nMachine;1 500\r\n".encode("cp1252"),
    )
    assert (tableau.nom_fichier, tableau.type_mime) == ("lignes_budget.csv", "text/csv")


def test_un_chemin_dans_le_nom_envoye_ne_sort_jamais_du_stockage(client, comptes, settings):
    """Par la page, Django ne garde que le dernier segment du nom envoyé (et retire les
    caractères de contrôle) ; le fichier est rangé sous une clé aléatoire."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    client.post(
        f"/projets/{projet.pk}/documents/",
        {
            "type": "devis",
            "titre": "",
            "fichier": SimpleUploadedFile("../../etc/devis\x07.pdf", pdf()),
        },
    )
    document = Document.objects.get()
    assert document.nom_fichier == "devis.pdf"
    assert document.cle.startswith(f"documents/projets/{projet.pk}/")
    assert ".." not in document.cle
