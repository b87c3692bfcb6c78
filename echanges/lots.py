"""Les actions en lot sur toute la sélection filtrée de `/projets/`, pas seulement la page.

L'agent voit combien de projets l'action touchera et confirme ce nombre ; si la sélection a
changé entre-temps, rien n'est fait et le nouveau nombre lui est montré. Un changement de
statut ou un avis s'applique à tous les projets ou à aucun : chacun passe par le service
habituel (`fonds.services.changer_statut_du_projet`, `projets.services.donner_avis` : mêmes
règles, même trace, même historique), dans une seule transaction ; au premier refus, rien
n'est gardé et la liste des refus, avec leur raison, est rendue. Au-delà de `SEUIL_FOND`
projets, l'action est un travail de fond (`socle.travaux`, genre `action_en_lot`) : une
barre de progression sur `/travaux/<id>/`, puis une notification de fin à son auteur.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict

from fonds import services as fonds_services
from projets import permissions as projets_permissions
from projets import selectors as projets_selectors
from projets import services as projets_services
from projets.exports import exporter_projets
from projets.filters import ProjetFilter
from projets.models import Projet, SensAvis, Statut
from projets.workflow import LIBELLES_ACTIONS
from socle import travaux
from socle.decisions import Decision
from socle.erreurs import ErreurMetier, Invalide
from socle.exports import FORMATS

SEUIL_FOND = 200
GENRE = "action_en_lot"
REFUS_AFFICHES = 50

# Les actions proposées : « transition:<statut> », « avis:<sens> », « export:<format> ».
ACTIONS = {
    **{f"transition:{vers}": libelle for vers, libelle in LIBELLES_ACTIONS.items()},
    f"avis:{SensAvis.FAVORABLE}": "Donner un avis favorable",
    f"avis:{SensAvis.DEFAVORABLE}": "Donner un avis défavorable (motivé)",
    "export:xlsx": "Exporter (XLSX)",
    "export:csv": "Exporter (CSV)",
}


@dataclass(frozen=True)
class Lot:
    genre: str  # transition, avis, export
    valeur: str
    commentaire: str = ""

    @classmethod
    def lire(cls, action: str, commentaire: str = "") -> "Lot":
        if action not in ACTIONS:
            raise Invalide("Choisissez une action.", champ="action")
        genre, valeur = action.split(":", 1)
        return cls(genre, valeur, (commentaire or "").strip())

    @property
    def libelle(self) -> str:
        return ACTIONS[f"{self.genre}:{self.valeur}"]


def selection(user, parametres: str) -> QuerySet[Projet]:
    """La sélection filtrée de la liste des projets, entière (mêmes filtres, même périmètre)."""
    donnees = QueryDict(parametres or "", mutable=True)
    for ignore in ("page", "format"):
        donnees.pop(ignore, None)
    filtre = ProjetFilter(donnees, queryset=projets_selectors.projets_visibles_par(user))
    return filtre.qs.order_by("pk")


def peut(user, lot: Lot) -> Decision:
    if lot.genre == "transition":
        return projets_permissions.peut_changer_de_statut(user)
    if lot.genre == "avis":
        return projets_permissions.peut_donner_des_avis(user)
    return projets_permissions.peut_lister(user)


class RefusEnLot(Invalide):
    def __init__(self, refus: list[tuple[int, str]], total: int):
        self.refus = refus
        apercu = " ; ".join(f"projet n° {pk} : {raison}" for pk, raison in refus[:REFUS_AFFICHES])
        suite = f" ; et {len(refus) - REFUS_AFFICHES} autres" if len(refus) > REFUS_AFFICHES else ""
        super().__init__(
            f"Rien n'a été fait : {len(refus)} projet{'s' if len(refus) > 1 else ''} sur {total} "
            f"refusé{'s' if len(refus) > 1 else ''}. {apercu}{suite}."
        )


def _appliquer_un(lot: Lot, projet_id: int, auteur) -> None:
    if lot.genre == "transition":
        if lot.valeur == Statut.ABANDONNE and not lot.commentaire:
            raise Invalide("Indiquez la raison de l'abandon.", champ="commentaire")
        fonds_services.changer_statut_du_projet(
            projet_id=projet_id, auteur=auteur, vers=lot.valeur, commentaire=lot.commentaire
        )
    else:
        projets_services.donner_avis(
            projet_id=projet_id, auteur=auteur, sens=lot.valeur, commentaire=lot.commentaire
        )


@transaction.atomic
def appliquer(*, auteur, lot: Lot, projet_ids: list[int], travail=None) -> int:
    """Tous ou aucun ; `RefusEnLot` (la liste des refus) sinon. Rend le nombre de projets."""
    if not (decision := peut(auteur, lot)):
        raise Invalide(decision.raison, champ="action")
    refus = []
    for fait, projet_id in enumerate(projet_ids, start=1):
        try:
            with transaction.atomic():
                _appliquer_un(lot, projet_id, auteur)
        except ErreurMetier as exc:
            refus.append((projet_id, exc.message))
        if travail is not None:
            travaux.avancer(travail, fait, len(projet_ids), etape=lot.libelle)
    if refus:
        raise RefusEnLot(refus, len(projet_ids))
    return len(projet_ids)


def _contenu(reponse) -> bytes:
    if getattr(reponse, "streaming", False):
        return b"".join(reponse.streaming_content)
    return reponse.content


def lancer(*, auteur, lot: Lot, parametres: str, projet_ids: list[int]):
    """Le travail de fond d'un grand lot (au-delà de `SEUIL_FOND` projets)."""
    return travaux.lancer(
        GENRE,
        auteur=auteur,
        libelle=f"{lot.libelle} : {len(projet_ids)} projets",
        parametres={
            "action": f"{lot.genre}:{lot.valeur}",
            "commentaire": lot.commentaire,
            "parametres": parametres,
            "projets": projet_ids,
        },
    )


def executer_travail(travail) -> dict | None:
    """Exécute un lot lancé en travail de fond (la tâche `travaux.action_en_lot`)."""
    p = travail.parametres
    lot = Lot.lire(p["action"], p.get("commentaire", ""))
    ids = [int(pk) for pk in p.get("projets", [])]
    if lot.genre == "export":
        if lot.valeur not in FORMATS:
            raise Invalide("Format d'export inconnu.")
        visibles = projets_selectors.projets_visibles_par(travail.auteur).filter(pk__in=ids)
        travaux.avancer(travail, 0, len(ids), etape="Export")
        reponse = exporter_projets(visibles.order_by("pk"), lot.valeur)
        nom = f"projets.{lot.valeur}"
        travaux.terminer(
            travail,
            resultat={"nombre": len(ids), "nom_fichier": nom, "format": lot.valeur},
            message=f"{len(ids)} projets exportés.",
            fichier=ContentFile(_contenu(reponse)),
            nom_fichier=nom,
        )
        return None
    try:
        nombre = appliquer(auteur=travail.auteur, lot=lot, projet_ids=ids, travail=travail)
    except RefusEnLot as exc:
        travaux.echouer(
            travail,
            exc.message,
            resultat={"refus": [{"projet": pk, "raison": raison} for pk, raison in exc.refus]},
        )
        return None
    travaux.terminer(
        travail, resultat={"nombre": nombre}, message=f"{lot.libelle} : {nombre} projets."
    )
    return None
