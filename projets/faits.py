"""Les faits des projets dont les agents concernés sont prévenus (`socle.evenements`).

Publiés par les services dans la transaction de leur écriture ; la distribution (qui est
prévenu, comment) n'est pas l'affaire des projets.
"""

from projets.models import Projet, Statut
from socle import evenements

# Les changements de statut qui se publient, et sous quel genre.
FAITS_DES_STATUTS = {
    Statut.DEPOSE: "projet_depose",
    Statut.PRESELECTIONNE: "projet_preselectionne",
}


def publier(genre: str, projet: Projet, auteur, **donnees) -> None:
    evenements.publier(
        genre,
        acteur=auteur,
        projet_id=projet.pk,
        region=projet.region_id,
        intitule=projet.intitule,
        **donnees,
    )
