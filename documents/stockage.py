"""Où vivent les fichiers des documents : le stockage « documents » de `STORAGES`.

Un dossier local par défaut (`MEDIA_ROOT/documents/`, ce que fait `make run`) ; un stockage
compatible S3 quand `STOCKAGE_S3_*` (ou `AWS_*`) est configuré (`config/settings.py`).
Chaque fichier est rangé sous une clé aléatoire : aucune adresse publique ni devinable ;
on ne le lit que par `ouvrir`, appelé après la vérification du droit.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import storages

NOM_STOCKAGE = "documents"


def stockage():
    return storages[NOM_STOCKAGE]


def nouvelle_cle(projet_id: int, extension: str) -> str:
    return f"documents/projets/{projet_id}/{uuid.uuid4().hex}.{extension}"


def enregistrer(cle: str, contenu: bytes) -> str:
    return stockage().save(cle, ContentFile(contenu))


def ouvrir(cle: str):
    return stockage().open(cle, "rb")


def lire(cle: str) -> bytes:
    with ouvrir(cle) as flux:
        return flux.read()


def effacer(cle: str) -> None:
    stockage().delete(cle)
