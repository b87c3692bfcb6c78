"""Le stockage des documents sur un service compatible S3 : éprouvé contre un vrai serveur
S3 local (moto, lancé par le test), configuré par les mêmes variables qu'en production."""

import socket
import subprocess
import sys
import time

import boto3
import pytest
from django.test import override_settings

from config.settings import stockage_des_documents
from documents.models import Document
from tests.comptes.factories import client_api
from tests.documents.factories import pdf, projet_visible

pytestmark = pytest.mark.django_db

SEAU = "portail-documents"


def _port_libre() -> int:
    with socket.socket() as essai:
        essai.bind(("127.0.0.1", 0))
        return essai.getsockname()[1]


@pytest.fixture(scope="module")
def serveur_s3():
    port = _port_libre()
    processus = subprocess.Popen(  # noqa: S603 (commande fixe)
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert processus.poll() is None, "le serveur S3 local s'est arrêté"
                time.sleep(0.1)
        else:
            pytest.fail("le serveur S3 local n'a pas démarré")
        yield f"http://127.0.0.1:{port}"
    finally:
        processus.terminate()
        processus.wait(timeout=10)


@pytest.fixture
def s3(serveur_s3, monkeypatch):
    """Le stockage des documents sur le serveur local, tel que le lisent les réglages."""
    for nom, valeur in {
        "STOCKAGE_S3_BUCKET": SEAU,
        "STOCKAGE_S3_ENDPOINT": serveur_s3,
        "STOCKAGE_S3_CLE": "cle-de-test",
        "STOCKAGE_S3_SECRET": "secret-de-test",
        "STOCKAGE_S3_REGION": "eu-west-3",
    }.items():
        monkeypatch.setenv(nom, valeur)
    client = boto3.client(
        "s3",
        endpoint_url=serveur_s3,
        aws_access_key_id="cle-de-test",
        aws_secret_access_key="secret-de-test",  # noqa: S106
        region_name="eu-west-3",
    )
    client.create_bucket(Bucket=SEAU, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
    from django.conf import settings

    with override_settings(STORAGES={**settings.STORAGES, "documents": stockage_des_documents()}):
        yield client
    for objet in client.list_objects_v2(Bucket=SEAU).get("Contents", []):
        client.delete_object(Bucket=SEAU, Key=objet["Key"])
    client.delete_bucket(Bucket=SEAU)


def test_les_reglages_choisissent_s3_quand_un_seau_est_donne(monkeypatch):
    monkeypatch.delenv("STOCKAGE_S3_BUCKET", raising=False)
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert stockage_des_documents() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "seau-aws")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.example.invalid")
    configuration = stockage_des_documents()
    assert configuration["BACKEND"] == "storages.backends.s3.S3Storage"
    options = configuration["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == (
        "seau-aws",
        "https://s3.example.invalid",
    )
    assert (options["default_acl"], options["querystring_expire"]) == ("private", 60)


def test_un_document_va_dans_le_seau_et_revient_par_la_vue_qui_verifie_le_droit(s3, comptes):
    projet = projet_visible(comptes)
    api = client_api("prefecture-84")
    reponse = api.post(
        f"/api/v1/projets/{projet.pk}/documents/",
        {"type": "devis", "titre": "Devis", "fichier": _fichier("devis.pdf", pdf())},
        format="multipart",
    )
    assert reponse.status_code == 201, reponse.content
    document = Document.objects.get()

    objets = s3.list_objects_v2(Bucket=SEAU)["Contents"]
    assert [o["Key"] for o in objets] == [document.cle]
    assert document.cle.startswith(f"documents/projets/{projet.pk}/")
    assert s3.get_object(Bucket=SEAU, Key=document.cle)["Body"].read() == pdf()
    # Objet privé : seul le propriétaire du seau a un droit dessus.
    droits = s3.get_object_acl(Bucket=SEAU, Key=document.cle)["Grants"]
    assert [d["Permission"] for d in droits] == ["FULL_CONTROL"]
    assert all("URI" not in d["Grantee"] for d in droits)  # ni AllUsers ni AuthenticatedUsers

    telechargement = client_api("region-84").get(
        f"/api/v1/projets/{projet.pk}/documents/{document.pk}/fichier/"
    )
    assert telechargement.status_code == 200
    assert b"".join(telechargement.streaming_content) == pdf()
    assert (
        client_api("prefecture-32")
        .get(f"/api/v1/projets/{projet.pk}/documents/{document.pk}/fichier/")
        .status_code
        == 404
    )


def _fichier(nom, contenu):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")
