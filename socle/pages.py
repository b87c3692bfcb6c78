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
from django.http import QueryDict

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


# Un petit formulaire posé sur une autre page (l'avis sur la fiche d'un projet) renvoie à
# cette page après une erreur : la saisie et ses erreurs passent par la session, pour que
# l'agent retrouve tout ce qu'il avait saisi, chaque message sous son champ.
CLE_SAISIE = "saisie-gardee:{}"


def garder_saisie(request, cle: str, form) -> None:
    """Garde la saisie d'un formulaire en erreur et ses erreurs, pour la page suivante."""
    donnees = {nom: form.data.getlist(nom) for nom in form.data if nom != "csrfmiddlewaretoken"}
    erreurs = {nom: list(liste) for nom, liste in form.errors.items()}
    request.session[CLE_SAISIE.format(cle)] = {"donnees": donnees, "erreurs": erreurs}


def reprendre_saisie(request, cle: str, classe, **kwargs):
    """Le formulaire gardé par `garder_saisie`, rempli et avec ses erreurs ; `None` sinon.

    La saisie n'est rendue qu'une fois : recharger la page montre un formulaire vierge.
    """
    gardee = request.session.pop(CLE_SAISIE.format(cle), None)
    if not gardee:
        return None
    donnees = QueryDict(mutable=True)
    for nom, valeurs in gardee["donnees"].items():
        donnees.setlist(nom, valeurs)
    form = classe(donnees, **kwargs)
    form.is_valid()
    for nom, liste in gardee["erreurs"].items():
        champ = None if nom == "__all__" or nom not in form.fields else nom
        for message in liste:
            if message not in form.errors.get(nom or "__all__", []):
                form.add_error(champ, message)
    return form
