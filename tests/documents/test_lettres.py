"""La lettre de notification et le projet de convention d'un projet engagé, produits en PDF
et joints au projet ; la convention signée jointe en retour marque le projet signé."""

import html
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptes.models import Action, Trace
from documents.models import Document, EtatDocument, Signature
from socle.models import Evenement
from tests.documents.factories import pdf, projet_visible, un_projet_engage

pytestmark = pytest.mark.django_db


def _texte_du_pdf(contenu: bytes, tmp_path) -> str:
    chemin = tmp_path / "lettre.pdf"
    chemin.write_bytes(contenu)
    sortie = subprocess.run(  # noqa: S603
        ["pdftotext", str(chemin), "-"],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(sortie.stdout.split())


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def test_la_lettre_de_notification_reprend_les_donnees_du_programme(client, comptes, tmp_path):
    projet = un_projet_engage(comptes)
    client.force_login(comptes["prefecture-84"])
    assert "Produire la lettre de notification" in _texte(client.get(f"/projets/{projet.pk}/"))

    reponse = client.post(
        f"/projets/{projet.pk}/documents/lettres/", {"modele": "lettre_notification"}
    )
    assert reponse.status_code == 302
    lettre = Document.objects.get(type="lettre_notification")
    assert lettre.etat == EtatDocument.DISPONIBLE
    assert lettre.analyse == "Produit par le portail."
    assert lettre.nom_fichier.startswith(f"lettre-notification-projet-{projet.pk}-")
    assert "est produite et jointe au projet" in _texte(client.get(reponse["Location"]))

    client.force_login(comptes["region-84"])
    telechargement = client.get(f"/projets/{projet.pk}/documents/{lettre.pk}/")
    contenu = b"".join(telechargement.streaming_content)
    assert contenu.startswith(b"%PDF-")
    assert telechargement["Content-Type"] == "application/pdf"
    texte = _texte_du_pdf(contenu, tmp_path)
    projet.porteur.refresh_from_db()
    for attendu in [
        projet.porteur.raison_sociale,
        f"SIREN {projet.porteur.siren}",
        projet.intitule,
        "1 500 000,50 €",
        "un million cinq-cent-mille euros et cinquante centimes",
        "2020 – enveloppe régionale Auvergne-Rhône",  # (coupé en fin de ligne)
        "Fonds d'accélération des investissements industriels dans les territoires",
        "01/10/2020",  # date d'engagement
        "10 000 000,00 €",  # investissement
        "État (préfecture) Favorable",
        "Région (conseil régional) Favorable",
        "PRÉFECTURE DE LA RÉGION AUVERGNE-RHÔNE-ALPES",  # en-tête en capitales
    ]:
        assert attendu in texte, texte


def test_le_projet_de_convention_et_la_convention_signee(client, comptes, tmp_path):
    projet = un_projet_engage(comptes)
    client.force_login(comptes["prefecture-84"])
    client.post(f"/projets/{projet.pk}/documents/lettres/", {"modele": "projet_convention"})
    convention = Document.objects.get(type="projet_convention")
    texte = _texte_du_pdf(
        b"".join(client.get(f"/projets/{projet.pk}/documents/{convention.pk}/").streaming_content),
        tmp_path,
    )
    assert "Projet de convention d'aide" in texte
    assert "un million cinq-cent-mille euros et cinquante centimes" in texte

    reponse = client.post(
        f"/projets/{projet.pk}/documents/",
        {
            "type": "convention_signee",
            "titre": "Convention signée",
            "fichier": SimpleUploadedFile("convention-signee.pdf", pdf("Signee")),
        },
    )
    assert reponse.status_code == 302
    signee = Document.objects.get(type="convention_signee")
    signature = Signature.objects.get(projet=projet)
    assert (signature.document, signature.auteur) == (signee, comptes["prefecture-84"])
    fiche = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "Convention signée, jointe le" in fiche
    fait = Evenement.objects.get(genre="convention_signee")
    assert fait.donnees == {
        "document_id": signee.pk,
        "nom": "Convention signée",
        "type": "convention_signee",
    }
    assert Trace.objects.filter(
        modele="documents.Signature", action=Action.CREATION, objet_id=str(signature.pk)
    ).exists()
    # La convention signée ne se supprime pas : elle se remplace.
    refus = client.post(
        f"/projets/{projet.pk}/documents/{signee.pk}/supprimer/", {"confirmer": "oui"}
    )
    assert "ne se supprime pas" in _texte(client.get(refus["Location"]))
    assert Document.objects.filter(pk=signee.pk).exists()
    client.post(
        f"/projets/{projet.pk}/documents/{signee.pk}/remplacer/",
        {"titre": "", "fichier": SimpleUploadedFile("convention-v2.pdf", pdf("V2"))},
    )
    signature.refresh_from_db()
    assert signature.document.precedent == signee


def test_pas_de_lettre_ni_de_convention_signee_avant_l_engagement(client, comptes):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    assert "Produire la lettre" not in _texte(client.get(f"/projets/{projet.pk}/"))
    reponse = client.post(
        f"/projets/{projet.pk}/documents/lettres/", {"modele": "lettre_notification"}
    )
    assert "se produisent pour un projet engagé" in _texte(client.get(reponse["Location"]))
    reponse = client.post(
        f"/projets/{projet.pk}/documents/",
        {
            "type": "convention_signee",
            "titre": "",
            "fichier": SimpleUploadedFile("convention.pdf", pdf()),
        },
    )
    assert reponse.status_code == 200
    assert "Une convention signée se joint à un projet engagé" in _texte(reponse)
    assert not Document.objects.exists()
    assert not Signature.objects.exists()


def test_la_region_ne_produit_pas_les_lettres(client, comptes):
    projet = un_projet_engage(comptes)
    client.force_login(comptes["region-84"])
    assert "Produire la lettre" not in _texte(client.get(f"/projets/{projet.pk}/"))
    reponse = client.post(
        f"/projets/{projet.pk}/documents/lettres/", {"modele": "lettre_notification"}
    )
    assert reponse.status_code == 403
    assert not Document.objects.exists()
