"""Connexion des agents par ProConnect (OpenID Connect), facultative.

ProConnect authentifie l'agent ; le portail ne fait que reconnaître un compte qu'il connaît
déjà. L'adresse électronique transmise doit être celle d'un utilisateur actif qui a un profil
(rôle et région), ouvert par l'équipe nationale : aucun compte ni aucun droit n'est créé ici.

Réglages : le bloc « ProConnect » de `config/settings.py` (variables `PROCONNECT_*`), relus à
chaque requête. Sans identifiant client, tout est désactivé : pas de bouton, adresses en 404.

Les connexions et les refus sont écrits dans le journal applicatif `comptes.connexion` : le
journal d'audit (`Trace`) ne suit que les créations, modifications et suppressions d'objets.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ObjectDoesNotExist, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from comptes.depart import page_de_depart

logger = logging.getLogger("comptes.connexion")

MESSAGE_ECHEC = (
    "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre "
    "identifiant et votre mot de passe du portail."
)
MESSAGE_SANS_ADRESSE = (
    "ProConnect n'a pas transmis d'adresse électronique : le portail ne peut pas reconnaître "
    "votre compte. Connectez-vous avec votre identifiant et votre mot de passe du portail."
)
MESSAGE_INCONNU = (
    "Aucun compte du portail n'est associé à l'adresse {email} : demandez à l'équipe nationale "
    "du programme d'ouvrir votre compte avec cette adresse."
)
MESSAGE_PLUSIEURS = (
    "Plusieurs comptes du portail portent l'adresse {email} : demandez à l'équipe nationale du "
    "programme de n'en garder qu'un."
)
MESSAGE_DESACTIVE = (
    "Le compte du portail associé à l'adresse {email} est désactivé : contactez l'équipe "
    "nationale du programme."
)
MESSAGE_SANS_PROFIL = (
    "Le compte du portail associé à l'adresse {email} n'a pas encore de rôle ni de région : "
    "demandez à l'équipe nationale du programme de compléter son profil."
)

# Le motif d'un refus passe du backend à la vue de retour par la requête.
_ATTRIBUT_REFUS = "refus_proconnect"


def proconnect_actif() -> bool:
    """ProConnect est proposé si, et seulement si, un identifiant client est configuré."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class BackendProConnect(OIDCAuthenticationBackend):
    """Reconnaît un agent authentifié par ProConnect ; ne crée jamais de compte."""

    def authenticate(self, request, **kwargs):
        # Seule la vue de retour passe un nonce : une connexion par mot de passe n'entraîne
        # jamais d'appel au fournisseur.
        if not proconnect_actif() or "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """Signature (RS256, clés du fournisseur) et nonce, puis destinataire et expiration."""
        payload = super().verify_token(token, **kwargs)
        est_id_token = "nonce" in kwargs
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if (est_id_token or audience is not None) and self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("Jeton ProConnect destiné à un autre client.")
        if est_id_token and "exp" not in payload:
            raise SuspiciousOperation("id_token ProConnect sans date d'expiration.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """Les informations de l'agent (JWT signé chez ProConnect, ou JSON), du même `sub`."""
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("userinfo et id_token ProConnect de deux agents différents.")
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """Le compte actif, avec un profil, qui porte l'adresse transmise ; sinon un refus."""
        claims = self.get_userinfo(access_token, id_token, payload)
        email = (claims.get("email") or "").strip()
        if not email:
            return self._refuser(MESSAGE_SANS_ADRESSE, email="", raison="adresse absente")
        comptes = list(
            self.UserModel.objects.filter(email__iexact=email).select_related("profil")[:2]
        )
        if not comptes:
            return self._refuser(MESSAGE_INCONNU, email=email, raison="adresse inconnue")
        if len(comptes) > 1:
            return self._refuser(MESSAGE_PLUSIEURS, email=email, raison="adresse en double")
        user = comptes[0]
        if not user.is_active:
            return self._refuser(MESSAGE_DESACTIVE, email=email, raison="compte désactivé")
        try:
            user.profil  # noqa: B018 (le profil donne le rôle et la région)
        except ObjectDoesNotExist:
            return self._refuser(MESSAGE_SANS_PROFIL, email=email, raison="compte sans profil")
        return user

    def create_user(self, claims):
        """Jamais : les comptes et leurs droits sont ouverts par l'équipe nationale."""
        return None

    def _refuser(self, message: str, *, email: str, raison: str):
        setattr(self.request, _ATTRIBUT_REFUS, message.format(email=email))
        logger.warning("Connexion ProConnect refusée (%s) : %s", raison, email or "-")
        return None


class _SeulementSiActif:
    def dispatch(self, request, *args, **kwargs):
        if not proconnect_actif():
            raise Http404("La connexion ProConnect n'est pas configurée.")
        return super().dispatch(request, *args, **kwargs)


class ConnexionProConnect(_SeulementSiActif, OIDCAuthenticationRequestView):
    """Envoie l'agent s'identifier chez ProConnect ; state et nonce restent en session."""


class RetourProConnect(_SeulementSiActif, OIDCAuthenticationCallbackView):
    """Retour de ProConnect : vérifie state, jetons et compte, puis connecte ou explique."""

    @property
    def failure_url(self):
        return reverse("comptes:connexion")

    def get(self, request):
        try:
            return super().get(request)
        except (SuspiciousOperation, jwt.InvalidTokenError, requests.RequestException) as erreur:
            logger.warning("Connexion ProConnect en échec : %s", erreur)
            return self.login_failure()

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or page_de_depart(self.user)

    def login_success(self):
        logger.info("Connexion ProConnect : %s", self.user.get_username())
        return super().login_success()

    def login_failure(self):
        messages.error(self.request, getattr(self.request, _ATTRIBUT_REFUS, MESSAGE_ECHEC))
        return super().login_failure()


def url_deconnexion_fournisseur(request) -> str | None:
    """L'adresse de fin de session chez ProConnect, pour un agent connecté par ProConnect."""
    id_token = request.session.get("oidc_id_token")
    adresse = getattr(settings, "OIDC_OP_LOGOUT_ENDPOINT", "")
    if not (proconnect_actif() and adresse and id_token):
        return None
    retour = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    parametres = {
        "id_token_hint": id_token,
        "state": get_random_string(32),
        "post_logout_redirect_uri": retour,
    }
    return f"{adresse}?{urlencode(parametres)}"


class Deconnexion(auth_views.LogoutView):
    """Ferme la session du portail, puis celle de ProConnect si l'agent y est passé."""

    def post(self, request, *args, **kwargs):
        fournisseur = url_deconnexion_fournisseur(request)
        reponse = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(fournisseur) if fournisseur else reponse
