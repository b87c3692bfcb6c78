"""Frein aux essais de mots de passe : verrouillage après des échecs répétés.

Compté par identifiant et par adresse IP dans le cache (Redis en production, voir
`CACHE_URL`), pour que plusieurs processus partagent les compteurs.
"""

from django.conf import settings
from django.core.cache import cache


def _cles(identifiant: str, adresse_ip: str) -> list[str]:
    return [
        f"connexion:echecs:identifiant:{(identifiant or '').strip().lower()}",
        f"connexion:echecs:ip:{adresse_ip or 'inconnue'}",
    ]


def est_verrouille(identifiant: str, adresse_ip: str) -> bool:
    limite = settings.CONNEXION_ECHECS_MAX
    return any((cache.get(cle) or 0) >= limite for cle in _cles(identifiant, adresse_ip))


def noter_echec(identifiant: str, adresse_ip: str) -> None:
    duree = settings.CONNEXION_VERROU_MINUTES * 60
    for cle in _cles(identifiant, adresse_ip):
        cache.add(cle, 0, duree)
        try:
            cache.incr(cle)
        except ValueError:
            cache.set(cle, 1, duree)


def effacer_echecs(identifiant: str, adresse_ip: str) -> None:
    cache.delete_many(_cles(identifiant, adresse_ip))


def adresse_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
