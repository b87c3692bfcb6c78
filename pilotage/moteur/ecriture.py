"""L'écriture du moteur : seules les lignes nouvelles ou changées (leur empreinte diffère)
sont écrites, celles des périmètres disparus supprimées ; le recalcul s'inscrit au journal."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from pilotage.models import Calcul, Niveau, Totaux, TotauxPartiels
from pilotage.moteur.lignes import (
    CHAMPS_PARTIELS,
    CLE_PARTIELS,
    Cle,
    ClePartiel,
    Ligne,
    Portee,
    empreinte,
)

# Le journal des recalculs (`Calcul`) garde trois mois : un recalcul par changement.
JOURNAL_JOURS = 90

CHAMPS_CLE = ["niveau", "code", "dispositif", "annee"]
# Les chiffres d'une ligne ; une ligne n'est réécrite que si l'un d'eux change.
CHAMPS_COMPARES = [
    "libelle",
    "dispositif_nom",
    "code_region",
    "nb_territoires",
    "nb_intercommunalites",
    "nb_projets",
    "nb_projets_par_statut",
    "nb_projets_par_enjeu",
    "nb_engagements",
    "investissement",
    "emplois_crees",
    "emplois_maintenus",
    "aide_sollicitee",
    "montant_enveloppe",
    "montant_engage",
    "montant_verse",
    "montant_disponible",
    "effet_levier",
]
TAILLE_LOT = 500


@dataclass
class Rapport:
    """Ce qu'un recalcul a écrit."""

    lignes: Counter = field(default_factory=Counter)  # niveau -> lignes recalculées
    ecrites: int = 0  # lignes nouvelles ou dont un chiffre a changé
    supprimees: int = 0
    duree: float = 0.0
    calcule_le: object = None

    def resume(self) -> dict:
        return {
            "lignes": {niveau: self.lignes.get(niveau, 0) for niveau in Niveau.values},
            "ecrites": self.ecrites,
            "supprimees": self.supprimees,
            "duree": round(self.duree, 3),
        }


def ecrire_partiels(partiels: dict[ClePartiel, Ligne], portee: Portee) -> set[str]:
    """Remplace les totaux partiels des territoires recalculés ; rend leurs anciennes régions.

    Comme pour les totaux, seules les lignes nouvelles ou changées sont écrites.
    """
    existants = {
        (territoire, region, dispositif, annee): (pk, ancienne)
        for pk, territoire, region, dispositif, annee, ancienne in TotauxPartiels.objects.filter(
            portee.q_partiels()
        )
        .order_by()
        .values_list("id", *CLE_PARTIELS, "empreinte")
    }
    regions_avant = {region for _t, region, _d, _a in existants}
    a_ecrire = []
    for cle, partiel in partiels.items():
        valeurs = partiel.partiel()
        nouvelle = empreinte(valeurs)
        if existants.pop(cle, (None, None))[1] != nouvelle:
            a_ecrire.append(
                TotauxPartiels(
                    **dict(zip(CLE_PARTIELS, cle, strict=True)),
                    **dict(zip(CHAMPS_PARTIELS, valeurs, strict=True)),
                    empreinte=nouvelle,
                )
            )
    TotauxPartiels.objects.bulk_create(
        a_ecrire,
        batch_size=TAILLE_LOT,
        update_conflicts=True,
        unique_fields=CLE_PARTIELS,
        update_fields=[*CHAMPS_PARTIELS, "empreinte"],
    )
    _supprimer(TotauxPartiels, [pk for pk, _empreinte in existants.values()])
    return regions_avant


def ecrire(chiffres: dict[Cle, dict], portee: Portee, calcule_le) -> tuple[int, int]:
    """Écrit les lignes nouvelles ou changées et supprime les disparues ; rien d'autre.

    Seules les lignes dont l'empreinte a changé passent par l'insertion groupée (avec
    mise à jour en cas de conflit) et reçoivent `modifie_le` : un recalcul qui ne
    trouve presque rien de neuf n'écrit presque rien.
    """
    existantes = {
        (niveau, code, dispositif, annee): (pk, ancienne)
        for pk, niveau, code, dispositif, annee, ancienne in Totaux.objects.filter(
            portee.q_totaux()
        )
        .order_by()
        .values_list("id", *CHAMPS_CLE, "empreinte")
    }
    a_ecrire = []
    for cle, valeurs in chiffres.items():
        nouvelle = empreinte(valeurs.values())
        if existantes.pop(cle, (None, None))[1] != nouvelle:
            a_ecrire.append(
                Totaux(
                    **dict(zip(CHAMPS_CLE, cle, strict=True)),
                    **valeurs,
                    empreinte=nouvelle,
                    modifie_le=calcule_le,
                )
            )
    Totaux.objects.bulk_create(
        a_ecrire,
        batch_size=TAILLE_LOT,
        update_conflicts=True,
        unique_fields=CHAMPS_CLE,
        update_fields=[*CHAMPS_COMPARES, "empreinte", "modifie_le"],
    )
    supprimees = supprimer_disparus([pk for pk, _empreinte in existantes.values()])
    return len(a_ecrire), supprimees


def supprimer_disparus(ids: list[int]) -> int:
    """Les lignes des périmètres recalculés qui n'existent plus (plus d'enveloppe, etc.)."""
    return _supprimer(Totaux, ids)


def _supprimer(modele, ids: list[int]) -> int:
    supprimees = 0
    for debut in range(0, len(ids), TAILLE_LOT):
        supprimees += modele.objects.filter(pk__in=ids[debut : debut + TAILLE_LOT]).delete()[0]
    return supprimees


def inscrire(rapport: Rapport, portee: Portee) -> None:
    """Le recalcul au journal, dans sa transaction : sa date devient celle des chiffres.

    Un recalcul complet efface du journal les recalculs de plus de `JOURNAL_JOURS` jours.
    """
    if portee.complete:
        Calcul.objects.filter(
            calcule_le__lt=rapport.calcule_le - datetime.timedelta(days=JOURNAL_JOURS)
        ).delete()
    Calcul.objects.create(
        calcule_le=rapport.calcule_le,
        complet=portee.complete,
        territoires=sorted(portee.territoires or ()),
        regions=sorted(portee.regions or ()),
        lignes_ecrites=rapport.ecrites,
        lignes_supprimees=rapport.supprimees,
        duree_ms=round(rapport.duree * 1000),
    )
