"""La date limite des deux avis d'un projet en instruction.

Fixée par `services.changer_statut` à la mise en instruction (`workflow.DELAI_AVIS_JOURS`
jours plus tard) ; la préfecture peut en fixer une autre, jamais passée, en disant
pourquoi : le motif va à l'historique du projet et au journal d'audit.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from projets import permissions
from projets.models import Projet, TypeEvenement
from projets.services import _evenement, _exiger, _valeur_json, verrouiller
from socle.erreurs import Invalide


@transaction.atomic
def changer_date_limite(
    *, projet_id: int, auteur, date_limite: datetime.date, motif: str
) -> Projet:
    """Une autre date limite pour les deux avis d'un projet en instruction, motif à l'appui."""
    projet = verrouiller(projet_id)
    _exiger(permissions.peut_changer_date_limite(auteur, projet))
    if not isinstance(date_limite, datetime.date):
        raise Invalide("Indiquez une date limite valide.", champ="date_limite")
    if date_limite < timezone.localdate():
        raise Invalide("La date limite des avis ne peut pas être passée.", champ="date_limite")
    motif = (motif or "").strip()
    if not motif:
        raise Invalide("Indiquez pourquoi la date limite change.", champ="motif")
    avant = projet.date_limite_avis
    if avant == date_limite:
        return projet
    projet.date_limite_avis = date_limite
    projet.version += 1
    projet.save(update_fields=["date_limite_avis", "version", "updated_at"])
    changements = {"date_limite_avis": [_valeur_json(avant), date_limite.isoformat()]}
    audit.tracer(
        objet=projet,
        action=Action.MODIFICATION,
        auteur=auteur,
        changements={**changements, "motif": [None, motif]},
        region=projet.region_id,
    )
    _evenement(
        projet,
        type=TypeEvenement.DELAI,
        auteur=auteur,
        commentaire=f"Date limite des avis fixée au {date_limite:%d/%m/%Y} : {motif}",
        changements=changements,
    )
    return projet
