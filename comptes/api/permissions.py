"""La seule permission de l'API : un compte doté d'un profil, puis la règle de l'application.

Chaque vue de l'API déclare, pour ses actions, la question à poser au `permissions.py`
de son application :

- `regles = {"create": permissions.peut_creer, ...}` : une règle sur l'utilisateur seul
  (son rôle), posée avant de lire la saisie : un rôle qui n'a jamais ce droit reçoit 403,
  sans que ses données soient examinées ;
- `regles_objet = {"retrieve": ..., ...}` (facultatif) : une règle sur l'objet demandé.

Les règles qui dépendent des données (le périmètre d'un projet à créer, le disponible
d'une enveloppe) sont posées une fois, par le service ; son refus (`socle.erreurs.Refus`)
devient un 403 par le gestionnaire d'erreurs. Aucune vue ne vérifie un droit elle-même.
"""

from rest_framework import permissions

from comptes.scoping import SANS_PROFIL, portee_de


class AccesPortail(permissions.BasePermission):
    message = SANS_PROFIL

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if portee_de(request.user).aucune:
            self.message = SANS_PROFIL
            return False
        return self._decider(getattr(view, "regles", {}).get(_action(view)), request.user)

    def has_object_permission(self, request, view, obj):
        regle = getattr(view, "regles_objet", {}).get(_action(view))
        return self._decider(regle and (lambda user: regle(user, obj)), request.user)

    def _decider(self, regle, user) -> bool:
        if regle is None:
            return True
        decision = regle(user)
        if not decision:
            self.message = decision.raison
        return bool(decision)


def _action(view) -> str | None:
    """L'action d'un `ViewSet` ; une vue simple (racine de l'API, jeton) n'en a pas."""
    return getattr(view, "action", None)
