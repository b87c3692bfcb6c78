"""Les jetons d'API : créés, reconnus, listés et révoqués ici seulement.

django-rest-knox garde aussi des empreintes et des dates d'expiration, mais ni nom ni date
de dernier usage, et il ne se révoque pas quand le mot de passe change ; il aurait fallu un
second modèle à côté du sien. Le modèle `Jeton` du portail porte tout cela.

Une clé : « ti_ » suivi de 43 caractères aléatoires (256 bits). En base, son empreinte
SHA-256 seulement (une clé aléatoire de cette longueur n'a pas besoin d'un hachage lent).
Un jeton est refusé s'il a expiré, si le compte est désactivé, ou si le mot de passe a
changé depuis sa création (`empreinte_compte`, l'empreinte de session de Django) : cela vaut
pour tous les chemins qui changent un mot de passe (page de l'agent, administration,
réinitialisation). `revoquer_tous` les efface aussi, pour qu'ils disparaissent de la liste.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions

from comptes.models import Jeton

PREFIXE_CLE = "ti_"
MOT_CLE = "Token"  # l'en-tête : « Authorization: Token <clé> »
MESSAGE_INVALIDE = (
    "Jeton invalide, expiré ou révoqué (un changement de mot de passe révoque les jetons) : "
    "demandez-en un nouveau."
)
# Le dernier usage est écrit au plus une fois par minute et par jeton.
PRECISION_DERNIER_USAGE = datetime.timedelta(minutes=1)


def empreinte(cle: str) -> str:
    return hashlib.sha256(cle.encode()).hexdigest()


def duree() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_JETON_DUREE_JOURS)


@transaction.atomic
def creer_jeton(*, user, nom: str = "") -> tuple[Jeton, str]:
    """Un nouveau jeton et sa clé, à montrer une seule fois. Les jetons expirés ou révoqués
    par un changement de mot de passe sont effacés au passage."""
    maintenant = timezone.now()
    Jeton.objects.filter(user=user, expire_le__lte=maintenant).delete()
    Jeton.objects.filter(user=user).exclude(empreinte_compte=user.get_session_auth_hash()).delete()
    cle = PREFIXE_CLE + secrets.token_urlsafe(32)
    jeton = Jeton.objects.create(
        user=user,
        nom=(nom or "").strip()[:100] or f"Jeton du {timezone.localtime(maintenant):%d/%m/%Y}",
        prefixe=cle[:8],
        empreinte=empreinte(cle),
        empreinte_compte=user.get_session_auth_hash(),
        expire_le=maintenant + duree(),
    )
    return jeton, cle


def jetons_de(user):
    """Les jetons valides d'un agent, pour sa page."""
    return Jeton.objects.filter(
        user=user, expire_le__gt=timezone.now(), empreinte_compte=user.get_session_auth_hash()
    )


def revoquer(*, user, jeton_id: int) -> bool:
    """Révoque un jeton de l'agent ; faux si ce n'est pas l'un des siens."""
    supprimes, _ = Jeton.objects.filter(user=user, pk=jeton_id).delete()
    return bool(supprimes)


def revoquer_tous(user) -> int:
    supprimes, _ = Jeton.objects.filter(user=user).delete()
    return supprimes


def reconnaitre(cle: str):
    """L'agent d'une clé valide, sinon `None`."""
    if not cle.startswith(PREFIXE_CLE):
        return None
    jeton = Jeton.objects.select_related("user").filter(empreinte=empreinte(cle)).first()
    maintenant = timezone.now()
    if jeton is None or jeton.expire_le <= maintenant:
        return None
    user = jeton.user
    if not user.is_active or not secrets.compare_digest(
        jeton.empreinte_compte, user.get_session_auth_hash()
    ):
        return None
    if jeton.dernier_usage is None or maintenant - jeton.dernier_usage > PRECISION_DERNIER_USAGE:
        Jeton.objects.filter(pk=jeton.pk).update(dernier_usage=maintenant)
    return user, jeton


class AuthentificationJeton(authentication.TokenAuthentication):
    """`Authorization: Token <clé>` : l'agent du jeton, ou 401. (La lecture de l'en-tête est
    celle de DRF ; sa documentation dans le schéma OpenAPI aussi.)"""

    keyword = MOT_CLE

    def authenticate_credentials(self, key):
        trouve = reconnaitre(key)
        if trouve is None:
            raise exceptions.AuthenticationFailed(MESSAGE_INVALIDE, code="jeton_invalide")
        return trouve
