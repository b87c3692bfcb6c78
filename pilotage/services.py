"""Les écritures du pilotage : les indicateurs du programme et leurs valeurs.

Une valeur ne s'écrase jamais : chaque mesure est une ligne datée et sourcée, saisie
par l'équipe nationale, tracée au journal d'audit dans sa transaction. Le recalcul des
totaux est ailleurs : `pilotage.moteur`.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from fonds.models import Dispositif
from pilotage import permissions
from pilotage.indicateurs import CENT, INDICATEURS_DU_PROGRAMME
from pilotage.models import Indicateur, Unite, ValeurIndicateur
from socle.erreurs import Invalide, Refus

SOURCE_DEMO = "Données de démonstration fictives"
DATE_DEMO = datetime.date(2021, 6, 30)
VALEUR_MAX = Decimal("99999999999999.99")  # 16 chiffres dont 2 décimales
MESSAGE_SANS_DATE = (
    "Indiquez la date à laquelle la valeur a été mesurée : une valeur sans date "
    "ne peut pas être enregistrée."
)
MESSAGE_SANS_SOURCE = (
    "Indiquez la source de la valeur (rapport, tableau de suivi, opérateur…) : "
    "une valeur sans source ne peut pas être enregistrée."
)


def _verifier_droit(auteur) -> None:
    decision = permissions.peut_saisir_indicateur(auteur)
    if not decision:
        raise Refus(decision.raison)


def valider_valeur(
    *, indicateur: Indicateur, valeur, date: datetime.date | None, source: str | None
) -> tuple[Decimal, datetime.date, str]:
    """Vérifie une saisie ; rend (valeur, date, source) nettoyées ou lève `Invalide`."""
    if date is None:
        raise Invalide(MESSAGE_SANS_DATE, champ="date")
    if not isinstance(date, datetime.date):
        raise Invalide("La date de la mesure n'est pas une date valide.", champ="date")
    if date > timezone.localdate():
        raise Invalide("La date de la mesure ne peut pas être dans le futur.", champ="date")
    source = (source or "").strip()
    if not source:
        raise Invalide(MESSAGE_SANS_SOURCE, champ="source")
    if valeur is None or valeur == "":
        raise Invalide("Indiquez la valeur mesurée.", champ="valeur")
    try:
        valeur = Decimal(str(valeur))
    except (InvalidOperation, ValueError) as exc:
        raise Invalide("La valeur doit être un nombre.", champ="valeur") from exc
    if not valeur.is_finite() or valeur < 0:
        raise Invalide("La valeur doit être un nombre positif ou nul.", champ="valeur")
    if valeur > VALEUR_MAX:
        raise Invalide("La valeur est trop grande.", champ="valeur")
    if indicateur.unite == Unite.POURCENTAGE and valeur > CENT:
        raise Invalide("Une part ne dépasse pas 100 %.", champ="valeur")
    return valeur.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), date, source[:300]


@transaction.atomic
def enregistrer_valeur(
    *,
    indicateur_id: int,
    auteur,
    valeur: Decimal,
    date: datetime.date | None,
    source: str | None,
) -> ValeurIndicateur:
    """Ajoute une valeur datée et sourcée à un indicateur (équipe nationale seulement)."""
    _verifier_droit(auteur)
    try:
        indicateur = Indicateur.objects.get(pk=indicateur_id)
    except Indicateur.DoesNotExist as exc:
        raise Invalide("Cet indicateur n'existe pas.", champ="indicateur") from exc
    valeur, date, source = valider_valeur(
        indicateur=indicateur, valeur=valeur, date=date, source=source
    )
    return _creer_valeur(
        indicateur=indicateur, valeur=valeur, date=date, source=source, auteur=auteur
    )


def _creer_valeur(*, indicateur, valeur, date, source, auteur) -> ValeurIndicateur:
    """Écrit la valeur et sa trace dans le journal d'audit (même transaction)."""
    ligne = ValeurIndicateur.objects.create(
        indicateur=indicateur, valeur=valeur, date=date, source=source, auteur=auteur
    )
    audit.tracer(
        objet=ligne,
        action=Action.CREATION,
        auteur=auteur,
        changements={"valeur": [None, valeur], "date": [None, date], "source": [None, source]},
    )
    return ligne


@dataclass(frozen=True)
class Chargement:
    indicateurs_crees: int
    valeurs_creees: int


@transaction.atomic
def charger_indicateurs_du_programme(*, auteur, avec_valeurs_demo: bool = False) -> Chargement:
    """Crée les indicateurs du communiqué qui manquent (par code) ; idempotent.

    Un indicateur déjà présent n'est pas modifié (l'équipe nationale a pu l'ajuster).
    `avec_valeurs_demo` : une valeur datée par indicateur, de source
    « Données de démonstration fictives », sauf s'il en a déjà une de cette source.
    """
    _verifier_droit(auteur)
    crees = valeurs = 0
    dispositifs = dict(Dispositif.objects.values_list("code", "pk"))
    for ordre, definition in enumerate(INDICATEURS_DU_PROGRAMME, start=1):
        indicateur, cree = Indicateur.objects.get_or_create(
            code=definition.code,
            defaults={
                "libelle": definition.libelle,
                "unite": definition.unite,
                "cible": definition.cible,
                "date_cible": definition.date_cible,
                "description": definition.description,
                "ordre": ordre * 10,
                "dispositif_id": dispositifs.get(definition.dispositif),
            },
        )
        if cree:
            crees += 1
            audit.tracer(
                objet=indicateur,
                action=Action.CREATION,
                auteur=auteur,
                changements={"cible": [None, definition.cible]},
            )
        if avec_valeurs_demo and not indicateur.valeurs.filter(source=SOURCE_DEMO).exists():
            _creer_valeur(
                indicateur=indicateur,
                valeur=definition.valeur_demo,
                date=DATE_DEMO,
                source=SOURCE_DEMO,
                auteur=auteur,
            )
            valeurs += 1
    return Chargement(indicateurs_crees=crees, valeurs_creees=valeurs)
