"""Limites de l'API propres au portail : débit des écritures, taille et profondeur du JSON.

Module à part : les réglages de DRF le nomment, il ne doit donc pas importer les vues de DRF.
"""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.throttling import UserRateThrottle


class LimiteEcritures(UserRateThrottle):
    """Les écritures d'un agent (ou d'une adresse, sans compte) : une limite à part, plus
    basse que celle des lectures (`API_LIMITE_ECRITURES`)."""

    scope = "ecriture"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)


# Corps JSON : au-delà, un refus clair (400) plutôt qu'un travail inutile ou une erreur 500
# (un JSON imbriqué sur 1 000 niveaux épuise la pile de Python).
JSON_TAILLE_MAX = 1024 * 1024  # 1 Mo : le plus gros corps de l'API (un projet) fait ~12 Ko
JSON_PROFONDEUR_MAX = 20


def profondeur_json(contenu: bytes) -> int:
    """La profondeur d'imbrication (tableaux et objets) d'un texte JSON, sans le décoder."""
    profondeur = maximum = 0
    dans_chaine = echappe = False
    for octet in contenu:
        if dans_chaine:
            if echappe:
                echappe = False
            elif octet == 0x5C:  # \
                echappe = True
            elif octet == 0x22:  # "
                dans_chaine = False
        elif octet == 0x22:
            dans_chaine = True
        elif octet in (0x5B, 0x7B):  # [ {
            profondeur += 1
            maximum = max(maximum, profondeur)
        elif octet in (0x5D, 0x7D):  # ] }
            profondeur -= 1
    return maximum


class ParseurJSON(JSONParser):
    """Le JSON de DRF, borné en taille et en profondeur, avec des refus en français."""

    def parse(self, stream, media_type=None, parser_context=None):
        contenu = stream.read(JSON_TAILLE_MAX + 1)
        if len(contenu) > JSON_TAILLE_MAX:
            raise ParseError(
                f"Corps de la requête trop volumineux : au plus {JSON_TAILLE_MAX // 1024} Ko "
                "de JSON."
            )
        if profondeur_json(contenu) > JSON_PROFONDEUR_MAX:
            raise ParseError(
                f"JSON trop imbriqué : au plus {JSON_PROFONDEUR_MAX} niveaux de tableaux et "
                "d'objets."
            )
        encodage = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            return json.loads(contenu.decode(encodage), parse_constant=_constante_refusee)
        except (ValueError, RecursionError) as erreur:
            raise ParseError(f"Corps JSON illisible : {erreur}") from erreur


def _constante_refusee(nom: str):
    raise ValueError(f"« {nom} » n'est pas un nombre JSON valide")
