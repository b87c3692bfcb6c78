"""L'analyse d'un fichier par l'antivirus ClamAV (démon `clamd`, commande INSTREAM).

`CLAMD_URL` dit où joindre clamd : `tcp://hôte:port` ou `unix:///chemin/clamd.sock`.
Sans elle, aucun antivirus n'est configuré : les documents sont disponibles sans analyse,
et la page le dit.
"""

import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings

MORCEAU = 64 * 1024


class AntivirusInjoignable(Exception):
    """clamd n'a pas répondu (arrêté, adresse fausse, délai dépassé)."""


@dataclass(frozen=True)
class Verdict:
    sain: bool
    signature: str = ""


def configure() -> bool:
    return bool(settings.CLAMD_URL)


def _connexion() -> socket.socket:
    adresse = urlparse(settings.CLAMD_URL)
    delai = settings.CLAMD_DELAI_SECONDES
    try:
        if adresse.scheme == "unix":
            connexion = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connexion.settimeout(delai)
            connexion.connect(adresse.path)
        elif adresse.scheme == "tcp":
            connexion = socket.create_connection(
                (adresse.hostname, adresse.port or 3310), timeout=delai
            )
        else:
            raise AntivirusInjoignable(f"CLAMD_URL inconnue : {settings.CLAMD_URL!r}")
    except OSError as exc:
        raise AntivirusInjoignable(f"clamd injoignable à {settings.CLAMD_URL} : {exc}") from exc
    return connexion


def analyser(contenu: bytes) -> Verdict:
    """Envoie le contenu à clamd (INSTREAM) et lit son verdict."""
    try:
        with _connexion() as connexion:
            connexion.sendall(b"zINSTREAM\0")
            for debut in range(0, len(contenu), MORCEAU):
                morceau = contenu[debut : debut + MORCEAU]
                connexion.sendall(struct.pack("!L", len(morceau)) + morceau)
            connexion.sendall(struct.pack("!L", 0))
            reponse = b""
            while not reponse.endswith(b"\0"):
                recu = connexion.recv(4096)
                if not recu:
                    break
                reponse += recu
    except OSError as exc:
        raise AntivirusInjoignable(f"clamd n'a pas répondu : {exc}") from exc
    texte = reponse.rstrip(b"\0").decode("utf-8", "replace").strip()
    # « stream: OK », « stream: Eicar-Signature FOUND », « INSTREAM size limit exceeded. ERROR »
    if texte.endswith("OK"):
        return Verdict(sain=True)
    if texte.endswith("FOUND"):
        signature = texte.removeprefix("stream:").removesuffix("FOUND").strip()
        return Verdict(sain=False, signature=signature)
    raise AntivirusInjoignable(f"Réponse de clamd incomprise : {texte!r}")
