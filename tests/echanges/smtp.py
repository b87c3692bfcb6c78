"""Un vrai serveur SMTP sur 127.0.0.1 (aiosmtpd), pour les tests d'envoi de courriels.

Le portail lui parle par `EMAIL_URL` (`smtp://127.0.0.1:<port>`), comme à un serveur de
production ; le test lit ensuite les messages que le serveur a reçus.
"""

import email
import socket
from email import policy

import environ
from aiosmtpd.controller import Controller


class Boite:
    """Ce que le serveur a reçu : un message `email.message.EmailMessage` par envoi."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (nom d'aiosmtpd)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Destinataires"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def pour(self, adresse: str) -> list:
        return [m for m in self.messages if adresse in m["X-Destinataires"]]


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reglages_smtp(port: int) -> dict:
    """Les réglages que `config/settings.py` tire de `EMAIL_URL`, pour ce port."""
    return environ.Env.email_url_config(f"smtp://127.0.0.1:{port}")


def texte(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def demarrer() -> tuple[Controller, Boite]:
    boite = Boite()
    controleur = Controller(boite, hostname="127.0.0.1", port=port_libre())
    controleur.start()
    return controleur, boite


def sujet(message) -> str:
    """Le sujet décodé, ses replis d'en-tête ramenés à de simples espaces."""
    return " ".join(str(message["Subject"]).split())
