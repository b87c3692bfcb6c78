"""Joindre, lire, télécharger, remplacer et supprimer les documents d'un projet, depuis sa
fiche : ce que voit chaque agent, ce que garde la base et le journal d'audit."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptes.models import Action, Trace
from documents import stockage
from documents.models import Document, EtatDocument
from socle.models import Evenement
from tests.documents.factories import pdf, projet_32, projet_visible, xlsx

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def _joindre(client, projet, contenu=None, nom="devis-machine.pdf", **champs):
    donnees = {"type": "devis", "titre": "Devis de la machine", **champs}
    donnees["fichier"] = SimpleUploadedFile(nom, pdf() if contenu is None else contenu)
    return client.post(f"/projets/{projet.pk}/documents/", donnees)


def test_la_prefecture_joint_un_devis_que_la_region_ouvre_et_que_l_autre_region_ne_voit_pas(
    client, comptes
):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    fiche = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "Joindre un document" in fiche
    assert "Aucun antivirus n'est configuré sur ce portail" in fiche

    reponse = _joindre(client, projet)
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/projets/{projet.pk}/#documents"
    document = Document.objects.get()
    assert (document.type, document.titre, document.nom_fichier) == (
        "devis",
        "Devis de la machine",
        "devis-machine.pdf",
    )
    assert document.etat == EtatDocument.DISPONIBLE
    assert document.auteur == comptes["prefecture-84"]
    assert stockage.lire(document.cle) == pdf()
    assert "Le document « Devis de la machine » est joint au projet." in _texte(
        client.get(reponse["Location"])
    )

    client.force_login(comptes["region-84"])
    fiche = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "Devis de la machine" in fiche
    assert "devis-machine.pdf" in fiche
    telechargement = client.get(f"/projets/{projet.pk}/documents/{document.pk}/")
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content) == pdf()
    assert telechargement["Content-Disposition"] == 'attachment; filename="devis-machine.pdf"'
    assert telechargement["Content-Type"] == "application/pdf"
    assert telechargement["X-Content-Type-Options"] == "nosniff"

    client.force_login(comptes["prefecture-32"])
    assert client.get(f"/projets/{projet.pk}/documents/{document.pk}/").status_code == 404
    assert client.get(f"/projets/{projet.pk}/").status_code == 404

    traces = Trace.objects.filter(modele="documents.Document", objet_id=str(document.pk))
    assert sorted(traces.values_list("action", "auteur__username")) == [
        (Action.CONSULTATION, "region-84"),
        (Action.CREATION, "prefecture-84"),
    ]
    creation = traces.get(action=Action.CREATION)
    assert creation.changements["nom_fichier"] == [None, "devis-machine.pdf"]
    assert creation.region == "84"
    fait = Evenement.objects.get(genre="document_ajoute")
    assert (fait.projet_id, fait.region, fait.acteur) == (projet.pk, "84", comptes["prefecture-84"])
    assert fait.donnees == {
        "document_id": document.pk,
        "nom": "Devis de la machine",
        "type": "devis",
    }


def test_un_depot_refuse_garde_la_saisie_et_n_enregistre_rien(client, comptes):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    reponse = _joindre(client, projet, contenu=b"MZ\x90\x00" + b"\0" * 300, titre="Mon devis")
    assert reponse.status_code == 200
    page = _texte(reponse)
    assert "Le document n'a pas été joint" in page
    assert "ne correspond pas à son extension « .pdf » (format attendu : PDF)" in page
    assert 'value="Mon devis"' in page
    assert '<option value="devis" selected>' in page
    assert not Document.objects.exists()
    assert not Trace.objects.filter(modele="documents.Document").exists()


def test_le_ministere_lit_mais_ne_joint_pas(client, comptes):
    projet = projet_visible(comptes)
    client.force_login(comptes["ministere"])
    assert "Joindre un document" not in _texte(client.get(f"/projets/{projet.pk}/"))
    reponse = _joindre(client, projet)
    assert reponse.status_code == 403
    assert "Seuls la préfecture, le conseil régional et l'équipe nationale" in _texte(reponse)
    assert not Document.objects.exists()


def test_un_depot_sur_un_projet_invisible_est_introuvable(client, comptes):
    projet = projet_32(comptes)
    client.force_login(comptes["prefecture-84"])
    assert _joindre(client, projet).status_code == 404
    assert not Document.objects.exists()


def test_remplacer_garde_la_version_precedente_listee(client, comptes):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    _joindre(client, projet)
    premier = Document.objects.get()
    reponse = client.post(
        f"/projets/{projet.pk}/documents/{premier.pk}/remplacer/",
        {"titre": "", "fichier": SimpleUploadedFile("devis-v2.pdf", pdf("Devis v2"))},
    )
    assert reponse.status_code == 302
    second = Document.objects.exclude(pk=premier.pk).get()
    assert second.precedent == premier
    assert second.titre == "Devis de la machine"
    fiche = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "1 version précédente" in fiche
    assert "devis-v2.pdf" in fiche and "devis-machine.pdf" in fiche
    # La version précédente se télécharge encore.
    ancienne = client.get(f"/projets/{projet.pk}/documents/{premier.pk}/")
    assert b"".join(ancienne.streaming_content) == pdf()


def test_seuls_l_auteur_et_l_equipe_nationale_suppriment(
    client, comptes, django_capture_on_commit_callbacks
):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    _joindre(client, projet, contenu=xlsx(), nom="plan-de-financement.xlsx", type="autre")
    document = Document.objects.get()
    cle = document.cle

    client.force_login(comptes["region-84"])
    assert "Supprimer" not in _texte(client.get(f"/projets/{projet.pk}/"))
    reponse = client.post(f"/projets/{projet.pk}/documents/{document.pk}/supprimer/")
    assert reponse.status_code == 403
    assert Document.objects.exists()

    client.force_login(comptes["admin-national"])
    confirmation = _texte(client.get(f"/projets/{projet.pk}/documents/{document.pk}/supprimer/"))
    assert "Supprimer « Devis de la machine » ?" in confirmation
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            f"/projets/{projet.pk}/documents/{document.pk}/supprimer/", {"confirmer": "oui"}
        )
    assert reponse.status_code == 302
    assert not Document.objects.exists()
    assert not stockage.stockage().exists(cle)
    trace = Trace.objects.get(modele="documents.Document", action=Action.SUPPRESSION)
    assert trace.auteur == comptes["admin-national"]
    assert trace.changements["nom_fichier"] == ["plan-de-financement.xlsx", None]
    assert Evenement.objects.filter(genre="document_supprime", projet_id=projet.pk).exists()
    assert "Aucun document joint à ce projet." in _texte(client.get(f"/projets/{projet.pk}/"))
