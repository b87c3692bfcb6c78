"""L'API des documents d'un projet : envoi multipart, liste, téléchargement, remplacement,
suppression ; le périmètre du projet ; des requêtes en nombre constant."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptes.models import Action, Trace
from documents import services
from documents.models import Document
from tests.comptes.factories import client_api
from tests.documents.factories import executable, pdf, projet_visible

pytestmark = pytest.mark.django_db


def _url(projet, suite=""):
    return f"/api/v1/projets/{projet.pk}/documents/{suite}"


def _envoyer(api, projet, nom="devis.pdf", contenu=None, **champs):
    donnees = {"type": "devis", "titre": "Devis", **champs}
    donnees["fichier"] = SimpleUploadedFile(nom, pdf() if contenu is None else contenu)
    return api.post(_url(projet), donnees, format="multipart")


def test_envoyer_lister_telecharger(comptes):
    projet = projet_visible(comptes)
    reponse = _envoyer(client_api("prefecture-84"), projet)
    assert reponse.status_code == 201, reponse.content
    donnees = reponse.json()
    document = Document.objects.get()
    assert donnees["id"] == document.pk
    assert (donnees["type"], donnees["titre"], donnees["etat"]) == ("devis", "Devis", "disponible")
    assert donnees["auteur"] == "prefecture-84"
    assert donnees["fichier"].endswith(
        f"/api/v1/projets/{projet.pk}/documents/{document.pk}/fichier/"
    )

    region = client_api("region-84")
    liste = region.get(_url(projet)).json()
    assert [d["id"] for d in liste["results"]] == [document.pk]
    fichier = region.get(_url(projet, f"{document.pk}/fichier/"))
    assert b"".join(fichier.streaming_content) == pdf()
    assert fichier["Content-Disposition"] == 'attachment; filename="devis.pdf"'
    assert fichier["X-Content-Type-Options"] == "nosniff"
    assert (
        Trace.objects.filter(action=Action.CONSULTATION, auteur=comptes["region-84"]).count() == 1
    )

    autre = client_api("prefecture-32")
    assert autre.get(_url(projet)).status_code == 404
    assert autre.get(_url(projet, f"{document.pk}/")).status_code == 404
    assert autre.get(_url(projet, f"{document.pk}/fichier/")).status_code == 404
    assert _envoyer(autre, projet).status_code == 404


def test_un_fichier_refuse_repond_400_sur_son_champ(comptes):
    projet = projet_visible(comptes)
    reponse = _envoyer(client_api("prefecture-84"), projet, contenu=executable())
    assert reponse.status_code == 400
    assert "ne correspond pas à son extension « .pdf »" in str(reponse.json())
    assert "fichier" in str(reponse.json())
    assert not Document.objects.exists()


def test_le_ministere_ne_joint_pas(comptes):
    projet = projet_visible(comptes)
    reponse = _envoyer(client_api("ministere"), projet)
    assert reponse.status_code == 403
    assert not Document.objects.exists()


def test_remplacer_puis_supprimer(comptes):
    projet = projet_visible(comptes)
    api = client_api("prefecture-84")
    premier = _envoyer(api, projet).json()["id"]
    reponse = api.post(
        _url(projet, f"{premier}/remplacer/"),
        {"fichier": SimpleUploadedFile("devis-v2.pdf", pdf("v2"))},
        format="multipart",
    )
    assert reponse.status_code == 201
    second = reponse.json()
    assert (second["precedent"], second["titre"]) == (premier, "Devis")
    # Une version remplacée ne se remplace plus.
    assert (
        api.post(
            _url(projet, f"{premier}/remplacer/"),
            {"fichier": SimpleUploadedFile("devis-v3.pdf", pdf("v3"))},
            format="multipart",
        ).status_code
        == 409
    )
    assert client_api("region-84").delete(_url(projet, f"{second['id']}/")).status_code == 403
    assert api.delete(_url(projet, f"{second['id']}/")).status_code == 204
    assert not Document.objects.exists()
    assert Trace.objects.filter(modele="documents.Document", action=Action.SUPPRESSION).count() == 2


@pytest.mark.parametrize("nombre", [1, 8])
def test_la_liste_lit_un_nombre_constant_de_requetes(comptes, django_assert_num_queries, nombre):
    projet = projet_visible(comptes)
    for i in range(nombre):
        services.deposer(
            projet_id=projet.pk,
            auteur=comptes["prefecture-84"],
            type="devis",
            titre=f"Devis {i}",
            nom="devis.pdf",
            contenu=pdf(),
        )
    api = client_api("region-84")
    # Jeton et utilisateur ; profil (portée) ; projet visible ; compte ; page des documents
    # avec leurs auteurs.
    with django_assert_num_queries(5):
        reponse = api.get(_url(projet))
    assert reponse.json()["count"] == nombre
