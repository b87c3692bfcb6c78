"""Le périmètre des documents hors des pages : journal d'audit, fiche à requêtes constantes,
reprise des analyses en attente."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import services, tasks
from documents.models import Document, EtatDocument
from projets.models import Statut
from tests.documents.factories import pdf, projet_visible

pytestmark = pytest.mark.django_db


def _deposer(comptes, projet, n=1, auteur="prefecture-84"):
    for i in range(n):
        services.deposer(
            projet_id=projet.pk,
            auteur=comptes[auteur],
            type="autre",
            titre=f"Pièce {i}",
            nom="piece.pdf",
            contenu=pdf(),
        )


def test_le_journal_du_conseil_regional_tait_les_documents_des_brouillons(client, comptes):
    brouillon = projet_visible(comptes, Statut.BROUILLON)
    depose = projet_visible(comptes)
    _deposer(comptes, brouillon)
    _deposer(comptes, depose)
    visible = Document.objects.get(projet=depose)
    cache = Document.objects.get(projet=brouillon)

    client.force_login(comptes["region-84"])
    page = client.get("/comptes/journal/", {"modele": "documents.Document"}).content.decode()
    assert f"documents.Document n° {visible.pk}<" in page
    assert f"documents.Document n° {cache.pk}<" not in page
    client.force_login(comptes["prefecture-84"])
    page = client.get("/comptes/journal/", {"modele": "documents.Document"}).content.decode()
    assert f"documents.Document n° {cache.pk}<" in page


def _requetes_de_la_fiche(client, projet) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(f"/projets/{projet.pk}/").status_code == 200
    return len(requetes)


def test_la_fiche_lit_ses_documents_en_requetes_constantes(client, comptes):
    un, sept = projet_visible(comptes), projet_visible(comptes)
    _deposer(comptes, un, 1)
    _deposer(comptes, sept, 6, auteur="region-84")
    _deposer(comptes, sept, 1)
    document = Document.objects.filter(projet=sept).first()
    services.remplacer(
        document_id=document.pk,
        auteur=comptes["region-84"]
        if document.auteur.username == "region-84"
        else comptes["prefecture-84"],
        titre="",
        nom="v2.pdf",
        contenu=pdf("v2"),
    )
    client.force_login(comptes["prefecture-84"])
    _requetes_de_la_fiche(client, un)  # session, caches : une première lecture
    assert _requetes_de_la_fiche(client, sept) == _requetes_de_la_fiche(client, un)


def test_les_analyses_restees_en_attente_sont_reprises(comptes, settings, tmp_path, monkeypatch):
    settings.CLAMD_URL = f"unix://{tmp_path / 'absent.sock'}"
    projet = projet_visible(comptes)
    _deposer(comptes, projet, 2)
    ancien, recent = Document.objects.order_by("pk")
    Document.objects.filter(pk=ancien.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    envoyes = []
    monkeypatch.setattr(tasks.analyser, "delay", envoyes.append)
    assert tasks.reprendre_analyses() == 1
    assert envoyes == [ancien.pk]
    assert set(Document.objects.values_list("etat", flat=True)) == {EtatDocument.ANALYSE_EN_COURS}
