"""La discussion d'un projet : messages, mentions, modification dans les 15 minutes.

Un message mentionne un agent par `@identifiant` ; chaque agent mentionné doit voir le
projet (sinon le message est refusé, avec son nom). Les mentions sont publiées comme
fait du programme (`mention`) : les agents mentionnés en sont notifiés. Chaque écriture
est tracée au journal d'audit, dans sa transaction.
"""

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from echanges import permissions
from echanges.models import Commentaire
from projets.models import Projet
from socle import evenements
from socle.erreurs import Invalide, Refus

MENTION = re.compile(r"(?<![\w.])@([\w.+-]*[\w+-])")
TEXTE_MAX = 5000
EXTRAIT = 200


def _exiger(decision) -> None:
    if not decision:
        raise Refus(decision.raison)


def _texte_valide(texte: str) -> str:
    texte = (texte or "").strip()
    if not texte:
        raise Invalide("Écrivez votre message.", champ="texte")
    if len(texte) > TEXTE_MAX:
        raise Invalide(f"Un message tient en {TEXTE_MAX} caractères.", champ="texte")
    return texte


def mentions_du_texte(texte: str, projet: Projet) -> list:
    """Les agents mentionnés ; un inconnu ou un agent qui ne voit pas le projet : refus."""
    noms = list(dict.fromkeys(MENTION.findall(texte)))
    if not noms:
        return []
    agents = {
        a.username.lower(): a
        for a in get_user_model().objects.filter(username__in=noms).select_related("profil")
    }
    erreurs, trouves = [], []
    for nom in noms:
        agent = agents.get(nom.lower())
        if agent is None:
            erreurs.append(f"@{nom} : aucun agent de ce nom.")
        elif not (decision := permissions.peut_etre_mentionne(agent, projet)):
            erreurs.append(decision.raison)
        else:
            trouves.append(agent)
    if erreurs:
        raise Invalide(" ".join(erreurs), champ="texte")
    return trouves


def _publier_mentions(commentaire: Commentaire, nouveaux: list, auteur) -> None:
    nouveaux = [agent for agent in nouveaux if agent.pk != auteur.pk]
    if nouveaux:
        evenements.publier(
            "mention",
            acteur=auteur,
            projet_id=commentaire.projet_id,
            region=commentaire.projet.region_id,
            intitule=commentaire.projet.intitule,
            commentaire_id=commentaire.pk,
            mentionnes=[agent.pk for agent in nouveaux],
            par=auteur.get_full_name() or auteur.username,
            extrait=commentaire.texte[:EXTRAIT],
        )


@transaction.atomic
def ecrire(*, projet_id: int, auteur, texte: str) -> Commentaire:
    try:
        projet = Projet.objects.get(pk=projet_id)
    except Projet.DoesNotExist as exc:
        raise Invalide("Projet introuvable.", champ="projet") from exc
    _exiger(permissions.peut_commenter(auteur, projet))
    texte = _texte_valide(texte)
    mentionnes = mentions_du_texte(texte, projet)
    commentaire = Commentaire.objects.create(projet=projet, auteur=auteur, texte=texte)
    commentaire.mentions.set(mentionnes)
    audit.tracer(
        objet=commentaire,
        action=Action.CREATION,
        auteur=auteur,
        changements={
            "projet": [None, projet.pk],
            "texte": [None, texte],
            "mentions": [None, sorted(a.username for a in mentionnes)],
        },
        region=projet.region_id,
    )
    _publier_mentions(commentaire, mentionnes, auteur)
    return commentaire


@transaction.atomic
def modifier(*, commentaire_id: int, auteur, texte: str) -> Commentaire:
    try:
        commentaire = (
            Commentaire.objects.select_for_update(of=("self",))
            .select_related("projet")
            .get(pk=commentaire_id)
        )
    except Commentaire.DoesNotExist as exc:
        raise Invalide("Message introuvable.", champ="commentaire") from exc
    _exiger(permissions.peut_modifier_commentaire(auteur, commentaire))
    texte = _texte_valide(texte)
    if texte == commentaire.texte:
        return commentaire
    mentionnes = mentions_du_texte(texte, commentaire.projet)
    deja = set(commentaire.mentions.values_list("pk", flat=True))
    avant = commentaire.texte
    commentaire.texte = texte
    commentaire.modifie_le = timezone.now()
    commentaire.save(update_fields=["texte", "modifie_le"])
    commentaire.mentions.set(mentionnes)
    audit.tracer(
        objet=commentaire,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={"texte": [avant, texte]},
        region=commentaire.projet.region_id,
    )
    _publier_mentions(commentaire, [a for a in mentionnes if a.pk not in deja], auteur)
    return commentaire
