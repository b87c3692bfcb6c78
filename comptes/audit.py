"""Écrire et lire le journal d'audit (`Trace`), avec l'identifiant de la requête.

Les services appellent `tracer(...)` pour chaque création, modification ou
suppression d'un objet suivi ; le middleware `IdentifiantDeRequete` fournit
l'identifiant de la requête et l'adresse IP.
"""

import contextvars
import datetime
import itertools
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from comptes import securite
from comptes.models import Role, Trace
from comptes.scoping import portee_de

_requete = contextvars.ContextVar("requete_courante", default=("", None))
_FORMAT_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class IdentifiantDeRequete:
    """Donne à chaque requête un identifiant (repris de X-Request-ID s'il est sûr)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        entrant = request.headers.get("X-Request-ID", "")
        identifiant = entrant if _FORMAT_ID.match(entrant) else uuid.uuid4().hex
        jeton = _requete.set((identifiant, securite.adresse_client(request) or None))
        try:
            reponse = self.get_response(request)
        finally:
            _requete.reset(jeton)
        reponse["X-Request-ID"] = identifiant
        return reponse


def _json(valeur):
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, datetime.date | datetime.datetime):
        return valeur.isoformat()
    if hasattr(valeur, "pk"):
        return str(valeur.pk)
    return valeur


def instantane(objet, champs) -> dict:
    """Valeurs des champs d'un objet, prêtes à comparer et à écrire en JSON."""
    return {champ: _json(getattr(objet, champ)) for champ in champs}


def differences(avant: dict, apres: dict) -> dict:
    return {
        champ: [avant.get(champ), valeur]
        for champ, valeur in apres.items()
        if avant.get(champ) != valeur
    }


def tracer(*, objet, action: str, auteur, changements: dict | None = None, region: str = ""):
    """Ajoute une ligne au journal pour `objet` (dans la transaction en cours)."""
    identifiant, ip = _requete.get()
    return Trace.objects.create(
        auteur=auteur if getattr(auteur, "pk", None) else None,
        action=action,
        modele=f"{objet._meta.app_label}.{objet.__class__.__name__}",
        objet_id=str(objet.pk),
        libelle=str(objet)[:250],
        changements={k: [_json(a), _json(b)] for k, (a, b) in (changements or {}).items()},
        region=region or "",
        requete=identifiant,
        adresse_ip=ip,
    )


def tracer_en_lot(
    entrees: Iterable[tuple[object, dict, str]], *, action: str, auteur, taille_lot: int = 2000
) -> int:
    """Une ligne de journal par `(objet, changements, region)`, écrites par lots (un import
    de tableur, une mise à jour en masse) : mêmes lignes que `tracer`, une requête par lot."""
    identifiant, ip = _requete.get()
    auteur_id = auteur.pk if getattr(auteur, "pk", None) else None
    traces = (
        Trace(
            auteur_id=auteur_id,
            action=action,
            modele=f"{objet._meta.app_label}.{objet.__class__.__name__}",
            objet_id=str(objet.pk),
            libelle=str(objet)[:250],
            changements={k: [_json(a), _json(b)] for k, (a, b) in (changements or {}).items()},
            region=region or "",
            requete=identifiant,
            adresse_ip=ip,
        )
        for objet, changements, region in entrees
    )
    ecrites = 0
    while lot := list(itertools.islice(traces, taille_lot)):
        Trace.objects.bulk_create(lot)
        ecrites += len(lot)
    return ecrites


def traces_visibles_par(
    user, *, objets_masques: Mapping[str, Callable[[object], QuerySet]]
) -> QuerySet[Trace]:
    """L'équipe nationale lit tout ; une préfecture ou une région, les traces de sa région
    sur les objets qu'elle voit ; les autres rien.

    `objets_masques` : pour chaque modèle suivi (« projets.Projet »), les objets de sa
    région qu'un agent ne voit pas (voir `portail.journal`, qui les réunit).
    """
    portee = portee_de(user)
    qs = Trace.objects.select_related("auteur")
    if portee.role == Role.ADMIN_NATIONAL:
        return qs
    if not portee.regionale:
        return qs.none()
    qs = qs.filter(region=portee.region_code)
    for modele, masques_de in objets_masques.items():
        masques = (
            masques_de(user)
            .order_by()
            .annotate(identifiant_texte=Cast("pk", CharField()))
            .values("identifiant_texte")
        )
        qs = qs.exclude(modele=modele, objet_id__in=masques)
    return qs
