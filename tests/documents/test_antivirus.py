"""L'antivirus : un vrai clamd (paquet Debian `clamav-daemon`), lancé par le test sur une base
de signatures écrite ici, qui reconnaît la chaîne de test EICAR (aucun téléchargement).
Un document n'est téléchargeable qu'après l'analyse ; infecté, il reste en quarantaine."""

import html
import shutil
import socket
import subprocess
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import antivirus
from documents.models import Document, EtatDocument
from socle.models import Evenement
from tests.documents.factories import EICAR, pdf, projet_visible

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    """clamd au premier plan, sur une socket Unix, avec une seule signature : EICAR."""
    executable = shutil.which("clamd") or "/usr/sbin/clamd"
    dossier = tmp_path_factory.mktemp("clamd")
    (dossier / "base").mkdir()
    (dossier / "base" / "eicar.ndb").write_text(f"Portail.Test.EICAR:0:*:{EICAR.hex()}\n")
    prise = dossier / "clamd.sock"
    configuration = dossier / "clamd.conf"
    configuration.write_text(
        "Foreground yes\n"
        f"DatabaseDirectory {dossier / 'base'}\n"
        f"LocalSocket {prise}\n"
        f"LogFile {dossier / 'clamd.log'}\n"
        "StreamMaxLength 25M\n"
    )
    processus = subprocess.Popen(  # noqa: S603 (commande fixe)
        [executable, "-c", str(configuration)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            if prise.exists():
                with socket.socket(socket.AF_UNIX) as essai:
                    try:
                        essai.connect(str(prise))
                        essai.sendall(b"zPING\0")
                        if essai.recv(16).startswith(b"PONG"):
                            break
                    except OSError:
                        pass
            assert processus.poll() is None, (dossier / "clamd.log").read_text()
            time.sleep(0.1)
        else:
            pytest.fail("clamd n'a pas démarré")
        yield f"unix://{prise}"
    finally:
        processus.terminate()
        processus.wait(timeout=10)


@pytest.fixture
def avec_clamd(settings, clamd):
    settings.CLAMD_URL = clamd
    return clamd


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def _joindre(client, projet, nom, contenu):
    return client.post(
        f"/projets/{projet.pk}/documents/",
        {"type": "autre", "titre": nom, "fichier": SimpleUploadedFile(nom, contenu)},
    )


def test_clamd_reconnait_eicar_et_laisse_passer_un_pdf(avec_clamd):
    assert antivirus.analyser(EICAR) == antivirus.Verdict(
        sain=False, signature="Portail.Test.EICAR.UNOFFICIAL"
    )
    assert antivirus.analyser(pdf()) == antivirus.Verdict(sain=True)


def test_eicar_est_mis_en_quarantaine_et_jamais_servi(
    client, comptes, avec_clamd, django_capture_on_commit_callbacks
):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    with django_capture_on_commit_callbacks(execute=False) as rappels:
        _joindre(client, projet, "releve.csv", EICAR)
    document = Document.objects.get()
    # Avant le verdict : « analyse en cours », pas de téléchargement.
    assert document.etat == EtatDocument.ANALYSE_EN_COURS
    fiche = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "Analyse en cours" in fiche
    assert "Aucun antivirus n'est configuré" not in fiche
    attente = client.get(f"/projets/{projet.pk}/documents/{document.pk}/")
    assert attente.status_code == 403
    assert "en cours d'analyse par l'antivirus" in _texte(attente)

    for rappel in rappels:
        rappel()

    document.refresh_from_db()
    assert document.etat == EtatDocument.QUARANTAINE
    assert document.analyse == "ClamAV : Portail.Test.EICAR.UNOFFICIAL"
    client.force_login(comptes["region-84"])
    fiche = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "En quarantaine" in fiche
    assert f'/documents/{document.pk}/"' not in fiche  # aucun lien de téléchargement
    refus = client.get(f"/projets/{projet.pk}/documents/{document.pk}/")
    assert refus.status_code == 403
    assert "il est en quarantaine et ne se télécharge pas" in _texte(refus)
    fait = Evenement.objects.get(genre="document_en_quarantaine")
    assert fait.donnees == {"document_id": document.pk, "nom": "releve.csv", "type": "autre"}
    assert fait.acteur is None


def test_un_fichier_sain_devient_disponible(
    client, comptes, avec_clamd, django_capture_on_commit_callbacks
):
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    with django_capture_on_commit_callbacks(execute=True):
        _joindre(client, projet, "devis.pdf", pdf())
    document = Document.objects.get()
    assert (document.etat, document.analyse) == (
        EtatDocument.DISPONIBLE,
        "ClamAV : aucun virus trouvé.",
    )
    reponse = client.get(f"/projets/{projet.pk}/documents/{document.pk}/")
    assert b"".join(reponse.streaming_content) == pdf()


def test_clamd_injoignable_laisse_le_document_en_attente(
    client, comptes, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CLAMD_URL = f"unix://{tmp_path / 'absent.sock'}"
    projet = projet_visible(comptes)
    client.force_login(comptes["prefecture-84"])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = _joindre(client, projet, "devis.pdf", pdf())
    assert reponse.status_code == 302
    assert Document.objects.get().etat == EtatDocument.ANALYSE_EN_COURS
