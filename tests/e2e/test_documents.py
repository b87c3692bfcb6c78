"""Les documents d'un projet dans un vrai navigateur : la préfecture glisse un devis sur la
zone de dépôt de la fiche, le conseil régional le télécharge, une préfecture d'une autre
région reçoit 404 ; la fiche avec ses documents reste sans violation grave d'accessibilité."""

import re

import pytest

from documents.models import Document
from tests.documents.factories import pdf
from tests.e2e.conftest import capturer, connecter, expect, programme_en_cours
from tests.e2e.test_accessibilite import auditer

pytestmark = pytest.mark.django_db(transaction=True)

GLISSER = """([selecteur, octets]) => {
    const transfert = new DataTransfer();
    transfert.items.add(new File([new Uint8Array(octets)], "devis-machine.pdf",
                                 {type: "application/pdf"}));
    const zone = document.querySelector(selecteur);
    zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfert, bubbles: true}));
    zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfert, bubbles: true}));
}"""


def test_glisser_un_devis_puis_le_telecharger(nouvel_onglet, referentiel, source_axe):
    _comptes, projet = programme_en_cours()
    prefecture = nouvel_onglet()
    connecter(prefecture, "prefecture-84")
    prefecture.goto(f"/projets/{projet.pk}/")
    prefecture.get_by_label("Type de document").select_option("devis")
    prefecture.get_by_label("Titre").fill("Devis de la machine-outil")
    prefecture.evaluate(GLISSER, ["[data-zone-depot]", list(pdf("Devis"))])
    assert prefecture.evaluate("document.querySelector('#id_fichier').files[0].name") == (
        "devis-machine.pdf"
    )
    prefecture.get_by_role("button", name="Joindre le document").click()
    prefecture.wait_for_url(re.compile(rf"/projets/{projet.pk}/#documents$"))
    expect(
        prefecture.get_by_text("Le document « Devis de la machine-outil » est joint")
    ).to_be_visible()
    capturer(prefecture, "documents-01-devis-joint")
    document = Document.objects.get()

    conseil = nouvel_onglet()
    connecter(conseil, "region-84")
    conseil.goto(f"/projets/{projet.pk}/")
    documents = conseil.get_by_role("table", name="Documents joints au projet")
    with conseil.expect_download() as telechargement:
        documents.get_by_role("link", name=re.compile("Devis de la machine-outil")).click()
    assert telechargement.value.suggested_filename == "devis-machine.pdf"
    with open(telechargement.value.path(), "rb") as fichier:
        assert fichier.read() == pdf("Devis")
    violations = auditer(conseil, source_axe)["violations"]
    assert [v for v in violations if v["impact"] in ("critical", "serious")] == []

    autre = nouvel_onglet()
    connecter(autre, "prefecture-32")
    reponse = autre.goto(f"/projets/{projet.pk}/documents/{document.pk}/")
    assert reponse.status == 404
