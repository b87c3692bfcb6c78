"""Socle des pages : refus, erreurs métier et filtres traduits une seule fois, au bord.

Une vue appelle un service dans `erreurs_metier(request, form)` : une erreur métier
(`socle.erreurs`) ou de validation de Django devient une erreur du formulaire
(rattachée à son champ quand il existe) ou, sans formulaire, un message ; la vue
n'attrape rien elle-même.

    with erreurs_metier(request, form) as resultat:
        projet = services.creer_projet(...)
    if resultat.ok:
        return redirect(...)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from socle.erreurs import ErreurMetier, Invalide


def refuser_si(decision) -> None:
    """Une `Decision` négative devient une page 403 qui en donne la raison."""
    if not decision:
        raise PermissionDenied(decision.raison)


@dataclass
class Resultat:
    ok: bool = True


def _par_champ(exc: Exception) -> dict[str, list[str]]:
    if isinstance(exc, Invalide):
        return exc.erreurs
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return exc.message_dict
        return {"": exc.messages}
    return {"": [exc.message]}


def _vers_formulaire(form, erreurs: dict[str, list[str]], champs: dict[str, str]) -> None:
    for champ, liste in erreurs.items():
        cible = champs.get(champ, champ)
        for message in liste:
            form.add_error(cible if cible in form.fields else None, message)


@contextmanager
def erreurs_metier(
    request, form=None, *, prefixe: str = "", champs: dict[str, str] | None = None
) -> Iterator[Resultat]:
    """Traduit l'erreur d'un service pour la page ; `resultat.ok` dit s'il a réussi.

    Avec un formulaire, chaque message va à son champ (`champs` renomme un champ du
    service en champ du formulaire) ou en tête du formulaire ; sans formulaire, il
    devient un message d'erreur, précédé de `prefixe`.
    """
    resultat = Resultat()
    try:
        yield resultat
    except (ErreurMetier, ValidationError) as exc:
        resultat.ok = False
        erreurs = _par_champ(exc)
        if form is not None:
            _vers_formulaire(form, erreurs, champs or {})
        else:
            for liste in erreurs.values():
                for message in liste:
                    messages.error(request, f"{prefixe}{message}")


def signaler_erreurs_du_formulaire(request, form, prefixe: str) -> None:
    """Les erreurs d'un petit formulaire sans page propre (bouton d'action), en messages."""
    for erreurs in form.errors.values():
        for erreur in erreurs:
            messages.error(request, f"{prefixe}{erreur}")


def signaler_filtres_invalides(request, filtre) -> None:
    """Listes filtrées : un filtre invalide est ignoré et signalé, jamais une erreur."""
    form = getattr(filtre, "form", filtre)
    for nom, erreurs in form.errors.items():
        libelle = form.fields[nom].label if nom in form.fields else nom
        messages.warning(
            request, f"Filtre « {libelle} » ignoré : valeur invalide ({' '.join(erreurs)})"
        )
