"""La garde de l'authentification : un seul frein aux essais de mots de passe.

Toutes les entrées par mot de passe (connexion du portail, que propose aussi ProConnect
quand il échoue ; connexion de l'administration ; jeton de l'API) passent par
`django.contrib.auth.authenticate`, donc par `BackendMotDePasse` : c'est lui qui refuse
un compte verrouillé et compte les échecs. Les formulaires et l'API ne font que dire
pourquoi (`est_verrouille`).

Deux compteurs, dans le cache partagé (`CACHE_URL`, Redis en production : voir
`verifier_cache_partage`) :

- par compte : après `CONNEXION_ECHECS_MAX` échecs, ce compte est verrouillé pendant
  `CONNEXION_VERROU_MINUTES` (ou jusqu'à ce que l'équipe nationale le déverrouille) ; les
  autres comptes se connectent toujours, même depuis la même adresse ;
- par adresse du client : un seuil bien plus haut (`CONNEXION_ECHECS_MAX_ADRESSE`), contre
  une machine qui essaie des mots de passe sur beaucoup de comptes.

L'adresse du client est lue dans `X-Forwarded-For` seulement à travers le nombre de proxys
de confiance configuré (`PROXIES_DE_CONFIANCE`) : sinon, derrière un proxy, tous les agents
auraient son adresse, et un client pourrait écrire l'en-tête à sa guise.
"""

import ipaddress
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.checks import Error, Tags, register

logger = logging.getLogger("comptes.connexion")

MESSAGE_VERROU = (
    "Trop de tentatives de connexion échouées : réessayez dans {minutes} minutes, "
    "ou contactez l'équipe nationale du programme."
)


def _cle_compte(identifiant: str) -> str:
    return f"connexion:echecs:compte:{(identifiant or '').strip().lower()}"


def _cle_adresse(adresse: str) -> str:
    return f"connexion:echecs:adresse:{adresse or 'inconnue'}"


def _compter(cle: str, duree: int) -> int:
    cache.add(cle, 0, duree)
    try:
        return cache.incr(cle)
    except ValueError:  # expirée entre les deux appels
        cache.set(cle, 1, duree)
        return 1


def compte_verrouille(identifiant: str) -> bool:
    return (cache.get(_cle_compte(identifiant)) or 0) >= settings.CONNEXION_ECHECS_MAX


def adresse_verrouillee(adresse: str) -> bool:
    return (cache.get(_cle_adresse(adresse)) or 0) >= settings.CONNEXION_ECHECS_MAX_ADRESSE


def est_verrouille(identifiant: str, adresse: str) -> bool:
    return compte_verrouille(identifiant) or adresse_verrouillee(adresse)


def message_verrou() -> str:
    return MESSAGE_VERROU.format(minutes=settings.CONNEXION_VERROU_MINUTES)


def noter_echec(identifiant: str, adresse: str) -> None:
    duree = settings.CONNEXION_VERROU_MINUTES * 60
    if _compter(_cle_compte(identifiant), duree) == settings.CONNEXION_ECHECS_MAX:
        logger.warning("Compte verrouillé après des échecs répétés : %s", identifiant)
    if _compter(_cle_adresse(adresse), duree) == settings.CONNEXION_ECHECS_MAX_ADRESSE:
        logger.warning("Adresse verrouillée après des échecs répétés : %s", adresse)


def effacer_echecs(identifiant: str) -> None:
    """Après un succès : le compteur du compte repart de zéro. Celui de l'adresse reste (un
    compte valide ne doit pas effacer les essais faits sur les autres)."""
    cache.delete(_cle_compte(identifiant))


def deverrouiller(identifiant: str) -> None:
    """Lève le verrou d'un compte (action de l'équipe nationale dans l'administration)."""
    cache.delete(_cle_compte(identifiant))
    logger.info("Compte déverrouillé : %s", identifiant)


def adresse_client(request) -> str:
    """L'adresse du client : `REMOTE_ADDR`, ou, derrière `PROXIES_DE_CONFIANCE` proxys, l'adresse
    que le plus éloigné d'entre eux a reçue (la N-ième en partant de la fin de
    `X-Forwarded-For` : chaque proxy ajoute à la fin l'adresse qui l'a appelé ; ce qui
    précède a pu être écrit par le client)."""
    if request is None:
        return ""
    distante = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXIES_DE_CONFIANCE
    if proxies <= 0:
        return distante
    chaine = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chaine = [a for a in chaine if a]
    if not chaine:
        return distante
    candidate = chaine[-min(proxies, len(chaine))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return distante


class BackendMotDePasse(ModelBackend):
    """Identifiant et mot de passe, derrière la garde : un compte ou une adresse verrouillés
    sont refusés sans examiner le mot de passe ; chaque échec est compté."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        adresse = adresse_client(request)
        if est_verrouille(username, adresse):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            noter_echec(username, adresse)
        else:
            effacer_echecs(username)
        return user


# Caches dont les compteurs ne sont vus que d'un processus (ou sans incrément atomique).
CACHES_NON_PARTAGES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register(Tags.security, deploy=True)
def verifier_cache_partage(app_configs, **kwargs):
    """En production, les compteurs de la garde doivent être partagés par tous les
    processus : avec un cache par processus, 4 workers gunicorn laissent passer 4 fois plus
    d'essais, et un compte verrouillé dans l'un se connecte dans les autres."""
    if settings.DEBUG:
        return []
    if settings.CACHES["default"]["BACKEND"] in CACHES_NON_PARTAGES:
        return [
            Error(
                "Le cache n'est pas partagé entre les processus : les compteurs d'échecs de "
                "connexion et les limites de débit de l'API ne protègent pas le portail.",
                hint="Définir CACHE_URL (Redis, ex. redis://127.0.0.1:6379/1) quand DEBUG "
                "est désactivé ; voir docs/exploitation.md.",
                id="comptes.E001",
            )
        ]
    return []
