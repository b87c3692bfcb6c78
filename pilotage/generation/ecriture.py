"""L'écriture d'un plan, table par table, dans une transaction.

Par défaut en masse par l'ORM (`bulk_create`), sur SQLite comme sur PostgreSQL ; le banc
passe `inserer=copie.inserer` (COPY, PostgreSQL seulement) : à 100 000 projets, 14 s
d'écriture au lieu de 41 s. Chaque manière d'insérer prend les valeurs des lignes (par nom
d'attribut du modèle ; un attribut absent prend son défaut) et rend les identifiants
attribués, dans l'ordre : les lignes suivantes s'y réfèrent.
"""

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, Versement
from pilotage.generation.lignes import Plan
from projets.models import Avis, Entreprise, Evenement, Projet

TAILLE_DES_LOTS = 2000

Inserer = Callable[[type, list[dict]], list[int]]


@dataclass
class Ecrit:
    """Le nombre de lignes écrites, par table."""

    dispositifs: int = 0
    entreprises: int = 0
    projets: int = 0
    avis: int = 0
    evenements: int = 0
    enveloppes: int = 0
    mouvements: int = 0
    engagements: int = 0
    versements: int = 0


@contextlib.contextmanager
def _dates_du_recit(modele):
    """Les dates `auto_now` / `auto_now_add` des lignes sont celles du récit : Django les
    remplacerait par l'instant de l'écriture ; elles sont suspendues le temps d'un
    `bulk_create` (commande ou banc, un seul fil), puis rétablies."""
    champs = [
        (champ, champ.auto_now, champ.auto_now_add)
        for champ in modele._meta.concrete_fields
        if getattr(champ, "auto_now", False) or getattr(champ, "auto_now_add", False)
    ]
    for champ, _now, _add in champs:
        champ.auto_now = champ.auto_now_add = False
    try:
        yield
    finally:
        for champ, now, add in champs:
            champ.auto_now, champ.auto_now_add = now, add


def inserer_par_l_orm(modele, valeurs: list[dict]) -> list[int]:
    objets = [modele(**v) for v in valeurs]
    with _dates_du_recit(modele):
        modele.objects.bulk_create(objets, batch_size=TAILLE_DES_LOTS)
    return [objet.pk for objet in objets]


def ecrire(plan: Plan, *, inserer: Inserer = inserer_par_l_orm) -> Ecrit:
    """Écrit toutes les lignes du plan ; rend leur nombre par table."""
    with transaction.atomic():
        codes = [ligne.code for ligne in plan.dispositifs]
        dispositifs = dict(zip(codes, inserer(Dispositif, _valeurs(plan.dispositifs)), strict=True))
        entreprises = inserer(Entreprise, _valeurs(plan.entreprises))
        projets = inserer(Projet, _valeurs(plan.projets, porteur=entreprises))
        inserer(Avis, _valeurs(plan.avis, projet=projets))
        inserer(Evenement, _valeurs(plan.evenements, projet=projets))
        cles = [ligne.cle for ligne in plan.enveloppes]
        identifiants = inserer(Enveloppe, _valeurs(plan.enveloppes, dispositif=dispositifs))
        enveloppes = dict(zip(cles, identifiants, strict=True))
        inserer(Mouvement, _valeurs(plan.mouvements, enveloppe=enveloppes))
        engagements = inserer(
            Engagement, _valeurs(plan.engagements, projet=projets, enveloppe=enveloppes)
        )
        inserer(Versement, _valeurs(plan.versements, engagement=engagements))
    return Ecrit(**{nom: len(getattr(plan, nom)) for nom in Ecrit.__dataclass_fields__})


def _valeurs(lignes, **renvois) -> list[dict]:
    """Les valeurs des lignes, chaque renvoi (`projet` : rang ou clé) remplacé par
    l'identifiant attribué (`projet_id`)."""
    valeurs = []
    for ligne in lignes:
        champs = ligne._asdict()
        for champ, identifiants in renvois.items():
            champs[f"{champ}_id"] = identifiants[champs.pop(champ)]
        valeurs.append(champs)
    return valeurs
