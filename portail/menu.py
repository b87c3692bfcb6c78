"""Le menu principal : chaque agent n'y voit que les pages où il peut agir ou lire.

Chaque entrée est gardée par la règle de l'application qui sert la page
(`permissions.py`) : un lien du menu ne mène jamais à un refus. Une entrée s'ajoute à
`ENTREES` ; la page courante est celle dont l'adresse est le plus long début du chemin.
"""

from dataclasses import dataclass

from django.urls import reverse

from echanges import permissions as echanges_permissions
from fonds import permissions as fonds_permissions
from pilotage import permissions as pilotage_permissions
from programmation import permissions as programmation_permissions
from projets import permissions as projets_permissions
from socle.decisions import OUI


@dataclass(frozen=True)
class Entree:
    libelle: str
    adresse: str
    actif: bool = False


def _pour_tous(_user):
    return OUI


# (libellé, nom de l'adresse, règle, autres débuts d'adresse de la même rubrique)
ENTREES = [
    ("Accueil", "accueil", _pour_tous, ()),
    ("Territoires d'industrie", "territoires:liste", _pour_tous, ("/intercommunalites/",)),
    ("Mon espace", "echanges:mon_espace", echanges_permissions.peut_utiliser, ("/notifications/",)),
    ("Projets", "projets:liste", projets_permissions.peut_lister, ("/travaux/",)),
    ("Présélection", "projets:preselection", projets_permissions.peut_donner_des_avis, ()),
    ("Programmation", "programmation:index", programmation_permissions.peut_programmer, ()),
    ("Fonds et enveloppes", "fonds:index", fonds_permissions.peut_consulter, ()),
    ("Pilotage", "pilotage:national", pilotage_permissions.peut_voir_indicateurs, ()),
]


def entrees_du_menu(user, chemin: str) -> list[Entree]:
    permises = [
        (libelle, reverse(nom), autres) for libelle, nom, regle, autres in ENTREES if regle(user)
    ]

    def correspondance(adresse: str, autres) -> int:
        """Longueur du plus long début d'adresse de la rubrique par lequel commence le chemin."""
        if adresse == "/":
            return int(chemin == "/")
        debuts = (adresse, *autres)
        return max((len(debut) for debut in debuts if chemin.startswith(debut)), default=0)

    scores = [correspondance(adresse, autres) for _libelle, adresse, autres in permises]
    meilleur = max(scores, default=0)
    return [
        Entree(libelle, adresse, actif=bool(meilleur) and score == meilleur)
        for (libelle, adresse, _autres), score in zip(permises, scores, strict=True)
    ]


def menu(request):
    """Processeur de contexte : `menu_principal` pour l'en-tête de chaque page."""
    user = getattr(request, "user", None)
    if user is None:
        return {"menu_principal": []}
    return {"menu_principal": entrees_du_menu(user, request.path)}
