"""La petite famille des erreurs métier, levées par les services de toutes les applications.

Un service refuse en levant l'une d'elles, avec un message en français pour l'agent ;
il n'a rien écrit (sa transaction est annulée). Elles sont traduites une seule fois,
au bord : par `socle.api.gestionnaire_erreurs` pour l'API (403, 409, 400, même forme
JSON partout) et par `socle.pages.erreurs_metier` pour les pages (erreurs du
formulaire ou message).

- `Refus` : l'agent n'a pas le droit (403) ;
- `Conflit` : l'état a changé ou ne permet pas la demande (409) ; un dépassement
  donne `demande` et `disponible` ;
- `Invalide` : une donnée ne respecte pas une règle (400), rattachée à un champ
  quand `champ` est donné, ou plusieurs champs à la fois (`erreurs`).
"""

from decimal import Decimal


class ErreurMetier(Exception):
    """Refus d'un service : `message` est montré tel quel à l'agent."""

    code = "refus"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Refus(ErreurMetier):
    """L'agent n'a pas le droit de faire cela (rôle, périmètre)."""

    code = "permission_refusee"


class Conflit(ErreurMetier):
    """La demande se heurte à l'état actuel : version périmée, crédits insuffisants…"""

    code = "conflit"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        demande: Decimal | None = None,
        disponible: Decimal | None = None,
    ):
        super().__init__(message, code=code)
        self.demande = demande
        self.disponible = disponible


class Invalide(ErreurMetier):
    """Des données qui ne respectent pas une règle du programme.

    `erreurs` : {champ: [messages]} ; le champ vide ("") porte ce qui ne se rattache à
    aucun champ. Avec un seul `message`, `champ` dit où le rattacher.
    """

    code = "invalide"

    def __init__(
        self,
        message: str = "",
        *,
        champ: str = "",
        erreurs: dict[str, list[str]] | None = None,
        code: str | None = None,
    ):
        if erreurs is None:
            erreurs = {champ: [message]}
        if not message:
            message = " ".join(m for messages in erreurs.values() for m in messages)
        super().__init__(message, code=code)
        self.erreurs = erreurs
