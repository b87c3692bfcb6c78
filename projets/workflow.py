"""Le cycle de vie d'un projet, en un seul endroit.

```
brouillon -> depose -> en_instruction -> preselectionne -> engage -> en_cours -> realise
                                  \\-> non_retenu      tout statut avant realise -> abandonne
```

Deux transitions ne se demandent pas : elles résultent des avis.
`preselectionne` n'est atteint que lorsque l'avis de l'État (préfecture) ET celui
de la Région (conseil régional) sont favorables, donnés dans un ordre quelconque :
le fonds est copiloté par le préfet de région et le président du conseil
régional, aucun des deux ne présélectionne seul. Un seul avis défavorable suffit
à rendre le projet `non_retenu`. `engage` résulte d'un engagement de crédits sur
l'enveloppe de la région (application `fonds`).
"""

from dataclasses import dataclass

from comptes.models import Role
from projets.models import SensAvis, Statut
from socle.decisions import OUI, Decision, non

# Transitions demandées par un agent : (depuis, vers) -> rôles autorisés.
TRANSITIONS_MANUELLES: dict[tuple[str, str], tuple[str, ...]] = {
    (Statut.BROUILLON, Statut.DEPOSE): (Role.PREFECTURE, Role.ADMIN_NATIONAL),
    (Statut.DEPOSE, Statut.BROUILLON): (Role.PREFECTURE, Role.ADMIN_NATIONAL),
    (Statut.DEPOSE, Statut.EN_INSTRUCTION): (Role.PREFECTURE, Role.ADMIN_NATIONAL),
    (Statut.ENGAGE, Statut.EN_COURS): (Role.PREFECTURE, Role.ADMIN_NATIONAL),
    (Statut.EN_COURS, Statut.REALISE): (Role.PREFECTURE, Role.ADMIN_NATIONAL),
}

# Tout statut avant la réalisation peut être abandonné.
STATUTS_ABANDONNABLES = (
    Statut.BROUILLON,
    Statut.DEPOSE,
    Statut.EN_INSTRUCTION,
    Statut.PRESELECTIONNE,
    Statut.NON_RETENU,
    Statut.ENGAGE,
    Statut.EN_COURS,
)
for _statut in STATUTS_ABANDONNABLES:
    TRANSITIONS_MANUELLES[(_statut, Statut.ABANDONNE)] = (Role.PREFECTURE, Role.ADMIN_NATIONAL)

# Transitions produites par le système (avis, engagement) : jamais demandées directement.
TRANSITIONS_AUTOMATIQUES: set[tuple[str, str]] = {
    (Statut.EN_INSTRUCTION, Statut.PRESELECTIONNE),
    (Statut.EN_INSTRUCTION, Statut.NON_RETENU),
    (Statut.PRESELECTIONNE, Statut.ENGAGE),
}

# Les deux avis sont attendus dans ce délai après la mise en instruction (la préfecture peut
# fixer une autre date, en disant pourquoi).
DELAI_AVIS_JOURS = 30
# Un avis se donne sur un projet en instruction ; sur un projet non retenu après un premier
# avis défavorable, l'autre côté donne encore le sien : les deux avis sont toujours
# enregistrés, et un désaccord se voit quel que soit l'ordre.
STATUTS_AVIS = (Statut.EN_INSTRUCTION, Statut.NON_RETENU)

STATUTS_MODIFIABLES = (Statut.BROUILLON, Statut.DEPOSE, Statut.EN_INSTRUCTION)
# Les statuts d'un projet qui a reçu des crédits et peut encore être abandonné : son
# abandon rend la part non versée à l'enveloppe (application `fonds`).
STATUTS_AVEC_CREDITS = (Statut.ENGAGE, Statut.EN_COURS)
MESSAGE_ABANDON_AVEC_CREDITS = (
    "Ce projet a reçu des crédits : son abandon passe par le fonds, qui rend d'abord la part "
    "non versée à l'enveloppe."
)

LIBELLES_ACTIONS = {
    Statut.DEPOSE: "Déposer le projet",
    Statut.BROUILLON: "Renvoyer en brouillon",
    Statut.EN_INSTRUCTION: "Mettre en instruction",
    Statut.EN_COURS: "Déclarer les travaux en cours",
    Statut.REALISE: "Déclarer le projet réalisé",
    Statut.ABANDONNE: "Abandonner le projet",
}


@dataclass(frozen=True)
class Issue:
    """Statut qui résulte des avis en cours (None : pas encore de décision)."""

    statut: str | None
    motif: str = ""


def issue_des_avis(avis_etat: str, avis_region: str, motif_defavorable: str = "") -> Issue:
    if SensAvis.DEFAVORABLE in (avis_etat, avis_region):
        return Issue(Statut.NON_RETENU, motif_defavorable)
    if avis_etat == SensAvis.FAVORABLE and avis_region == SensAvis.FAVORABLE:
        return Issue(Statut.PRESELECTIONNE)
    return Issue(None)


def _libelle(statut: str) -> str:
    return Statut(statut).label.lower() if statut in Statut.values else statut


def transition_permise(depuis: str, vers: str, *, systeme: bool = False) -> Decision:
    """Le cycle de vie permet-il ce passage ? (Le rôle de l'agent est une autre question.)

    Une transition automatique (avis, engagement) n'est permise qu'au système.
    """
    if (depuis, vers) in TRANSITIONS_MANUELLES:
        return OUI
    if (depuis, vers) in TRANSITIONS_AUTOMATIQUES:
        if systeme:
            return OUI
        return non(
            "Ce changement de statut résulte des avis ou d'un engagement de crédits ; "
            "il ne se demande pas directement."
        )
    return non(f"Un projet « {_libelle(depuis)} » ne peut pas passer à « {_libelle(vers)} ».")


def transitions_manuelles_depuis(statut: str) -> list[str]:
    return [vers for (depuis, vers) in TRANSITIONS_MANUELLES if depuis == statut]
