"""Écritures des échanges propres à chaque agent : lire ses notifications, choisir comment
les recevoir, enregistrer ses vues de la liste des projets."""

from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptes.models import Profil
from echanges.genres import GENRES
from echanges.models import Mode, Notification, Preference, VueEnregistree
from socle.erreurs import Invalide, Refus

# Les paramètres de `/projets/` qui ne sont pas des filtres : jamais enregistrés.
PARAMETRES_IGNORES = {"page", "format", "csrfmiddlewaretoken", "vue"}
NOM_MAX = 100


def recompter(user_ids) -> None:
    """Le nombre de la cloche (`Profil.notifications_non_lues`) recompté, en une requête."""
    non_lues = (
        Notification.objects.filter(destinataire=OuterRef("user_id"), lue_le__isnull=True)
        .values("destinataire")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Profil.objects.filter(user_id__in=list(user_ids)).update(
        notifications_non_lues=Coalesce(Subquery(non_lues), 0)
    )


@transaction.atomic
def marquer_lue(*, user, notification_id: int) -> Notification:
    try:
        notification = Notification.objects.get(pk=notification_id, destinataire=user)
    except Notification.DoesNotExist as exc:
        raise Invalide("Notification introuvable.", champ="notification") from exc
    if notification.lue_le is None:
        notification.lue_le = timezone.now()
        notification.save(update_fields=["lue_le"])
        recompter([user.pk])
    return notification


@transaction.atomic
def tout_marquer_lu(*, user) -> int:
    nombre = Notification.objects.filter(destinataire=user, lue_le__isnull=True).update(
        lue_le=timezone.now()
    )
    recompter([user.pk])
    return nombre


def modes_de(user) -> dict[str, str]:
    """Le mode choisi pour chaque genre (tout de suite, par défaut)."""
    choisis = dict(Preference.objects.filter(user=user).values_list("genre", "mode"))
    return {genre: choisis.get(genre, Mode.IMMEDIAT) for genre in GENRES}


@transaction.atomic
def enregistrer_preferences(*, user, modes: dict[str, str]) -> None:
    """Tous les genres d'un coup : un genre inconnu ou un mode inconnu, rien n'est écrit."""
    erreurs = [genre for genre in modes if genre not in GENRES]
    erreurs += [genre for genre, mode in modes.items() if mode not in Mode.values]
    if erreurs:
        raise Invalide("Choix de notification inconnu : " + ", ".join(sorted(set(erreurs))))
    for genre, mode in modes.items():
        Preference.objects.update_or_create(user=user, genre=genre, defaults={"mode": mode})


# --- Vues enregistrées ------------------------------------------------------------------


def filtres_a_garder(querystring: str) -> str:
    """Les filtres d'une adresse de `/projets/`, sans la page ni le format d'export."""
    return urlencode(
        [(k, v) for k, v in parse_qsl(querystring) if k not in PARAMETRES_IGNORES and v]
    )


def _nom_valide(nom: str) -> str:
    nom = (nom or "").strip()
    if not nom:
        raise Invalide("Donnez un nom à cette vue.", champ="nom")
    if len(nom) > NOM_MAX:
        raise Invalide(f"Un nom de vue tient en {NOM_MAX} caractères.", champ="nom")
    return nom


def _vue_de(user, vue_id: int) -> VueEnregistree:
    try:
        return VueEnregistree.objects.get(pk=vue_id)
    except VueEnregistree.DoesNotExist as exc:
        raise Invalide("Vue introuvable.", champ="vue") from exc


def _a_soi(user, vue: VueEnregistree) -> None:
    if vue.user_id != user.pk:
        raise Refus("Cette vue appartient à un autre agent.")


def _ecrire(vue: VueEnregistree, **champs) -> VueEnregistree:
    for champ, valeur in champs.items():
        setattr(vue, champ, valeur)
    try:
        with transaction.atomic():
            vue.save()
    except IntegrityError as exc:
        raise Invalide("Vous avez déjà une vue de ce nom.", champ="nom") from exc
    return vue


def enregistrer_vue(*, user, nom: str, parametres: str) -> VueEnregistree:
    return _ecrire(
        VueEnregistree(user=user), nom=_nom_valide(nom), parametres=filtres_a_garder(parametres)
    )


def renommer_vue(*, user, vue_id: int, nom: str) -> VueEnregistree:
    vue = _vue_de(user, vue_id)
    _a_soi(user, vue)
    return _ecrire(vue, nom=_nom_valide(nom))


def supprimer_vue(*, user, vue_id: int) -> None:
    vue = _vue_de(user, vue_id)
    _a_soi(user, vue)
    vue.delete()
