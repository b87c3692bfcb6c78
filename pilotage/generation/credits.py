"""Les crédits d'un plan : enveloppes, mouvements, engagements et versements.

Les règles de `fonds.services`, tenues sur les lignes du plan plutôt qu'en base : le
montant d'une enveloppe est la somme de ses mouvements ; une anticipation ou une
répartition est une opération (mouvements de même `operation`) ; les régionales d'une
année ne dépassent pas la nationale ; une enveloppe n'est jamais sur-engagée ; un
versement ne dépasse jamais le reste à verser. `Caisse.enveloppes()` vérifie ces
règles avant de rendre les lignes.
"""

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from fonds.models import StatutEngagement, TypeMouvement
from pilotage.generation.lignes import (
    CleEnveloppe,
    LigneEngagement,
    LigneEnveloppe,
    LigneMouvement,
    LigneVersement,
)
from pilotage.generation.repartition import au_millier, repartir_montant
from pilotage.generation.scenarios import Anticipation, Dotation, OperationDuFonds, Repartition
from pilotage.generation.tirages import instant
from projets.models import Statut

ZERO = Decimal("0.00")
CENTIME = Decimal("0.01")
# Une enveloppe dimensionnée vaut ce qui y est engagé, plus un quart et un million
# (arrondie au millier) : jamais sur-engagée, jamais vide.
MARGE = Decimal("1.25")
SOCLE = Decimal(1_000_000)
JOURS_ENTRE_VERSEMENTS = 90


@dataclass
class _Compte:
    montant: Decimal = ZERO
    engage: Decimal = ZERO  # net : montant des engagements moins la part libérée
    verse: Decimal = ZERO
    premier: datetime.datetime | None = None
    dernier: datetime.datetime | None = None

    def dater(self, moment: datetime.datetime) -> None:
        self.premier = min(self.premier or moment, moment)
        self.dernier = max(self.dernier or moment, moment)


class Caisse:
    """Les enveloppes d'un plan, leurs mouvements, engagements et versements."""

    def __init__(self, *, rng: random.Random, admin: int, poids_des_regions: dict, fin):
        self.rng = rng
        self.admin = admin
        self.poids_des_regions = poids_des_regions
        self.fin = fin
        self.comptes: dict[CleEnveloppe, _Compte] = {}
        self.mouvements: list[LigneMouvement] = []
        self.engagements: list[LigneEngagement] = []
        self.versements: list[LigneVersement] = []

    # --- Mouvements -----------------------------------------------------------------

    def _operation(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _mouvement(self, cle, type_, montant, jour, motif, operation=None) -> None:
        moment = instant(jour, 8, self.fin)
        compte = self.comptes.setdefault(cle, _Compte())
        compte.montant += montant
        compte.dater(moment)
        self.mouvements.append(
            LigneMouvement(cle, type_, montant, jour, motif, operation, self.admin, moment)
        )

    def appliquer(self, dispositif: str, operation: OperationDuFonds) -> None:
        """Une dotation, une anticipation ou une répartition (au prorata des régions)."""
        if isinstance(operation, Dotation):
            cle = CleEnveloppe(dispositif, operation.annee, None)
            self._mouvement(
                cle, TypeMouvement.DOTATION, operation.montant, operation.date, operation.motif
            )
        elif isinstance(operation, Anticipation):
            lien = self._operation()
            for annee, signe in ((operation.source, -1), (operation.cible, 1)):
                self._mouvement(
                    CleEnveloppe(dispositif, annee, None),
                    TypeMouvement.ANTICIPATION,
                    signe * operation.montant,
                    operation.date,
                    operation.motif,
                    lien,
                )
        elif isinstance(operation, Repartition):
            montants = repartir_montant(operation.montant, self.poids_des_regions)
            self._repartir(dispositif, operation.annee, montants, operation.date, operation.motif)

    def _repartir(self, dispositif, annee, montants, jour, motif) -> None:
        lien = self._operation()
        for region, montant in sorted(montants.items()):
            cle = CleEnveloppe(dispositif, annee, region)
            self._mouvement(cle, TypeMouvement.REPARTITION, montant, jour, motif, lien)

    def dimensionner(self, dispositif: str, annees, regions) -> None:
        """Des enveloppes à la mesure des engagements : pour chaque année, chaque région
        reçoit ses engagements plus une marge ; la nationale est leur somme."""
        engages = {
            (cle.annee, cle.region): compte.engage
            for cle, compte in self.comptes.items()
            if cle.dispositif == dispositif
        }
        regions = sorted(set(regions) | {region for _annee, region in engages if region})
        for annee in annees:
            montants = {
                region: au_millier(engages.get((annee, region), ZERO) * MARGE + SOCLE, ROUND_UP)
                for region in regions
            }
            jour = datetime.date(annee, 1, 15)
            self._mouvement(
                CleEnveloppe(dispositif, annee, None),
                TypeMouvement.DOTATION,
                sum(montants.values(), ZERO),
                jour,
                f"Dotation {annee} du Fonds d'accélération.",
            )
            motif = f"Répartition {annee} : les engagements de chaque région et une marge."
            self._repartir(dispositif, annee, montants, jour, motif)

    # --- Engagements et versements ---------------------------------------------------

    def disponible(self, cle: CleEnveloppe) -> Decimal:
        compte = self.comptes.get(cle)
        return compte.montant - compte.engage if compte else ZERO

    def engager(
        self,
        *,
        projet: int,
        cle: CleEnveloppe,
        montant: Decimal,
        statut_du_projet: str,
        jour: datetime.date,
        auteur: int,
        commentaire: str,
        reference: str,
    ) -> LigneEngagement:
        """Un engagement et ses versements, selon le statut du projet.

        En cours : une part versée ; réalisé : tout versé (en une ou deux fois), soldé ;
        abandonné : la part non versée libérée (soldé après un versement partiel,
        annulé sinon) ; engagé : rien de versé.
        """
        rng = self.rng
        paiements, statut, libere = [], StatutEngagement.ENGAGE, ZERO
        if statut_du_projet == Statut.EN_COURS:
            paiements = [_part(montant, rng.uniform(0.3, 0.7))]
        elif statut_du_projet == Statut.REALISE:
            moitie = _part(montant, 0.5)
            paiements = [moitie, montant - moitie] if rng.random() < 0.5 else [montant]
            statut = StatutEngagement.SOLDE
        elif statut_du_projet == Statut.ABANDONNE:
            if rng.random() < 0.5:
                paiements = [_part(montant, rng.uniform(0.2, 0.5))]
                statut = StatutEngagement.SOLDE
            else:
                statut = StatutEngagement.ANNULE
        paiements = [p for p in paiements if p > 0]
        verse = sum(paiements, ZERO)
        if statut_du_projet == Statut.ABANDONNE:
            libere = montant - verse
        rang = len(self.engagements)
        dates = [
            jour + datetime.timedelta(days=JOURS_ENTRE_VERSEMENTS * (i + 1))
            for i in range(len(paiements))
        ]
        engage_le = instant(jour, 14, self.fin)
        engagement = LigneEngagement(
            projet=projet,
            enveloppe=cle,
            montant=montant,
            montant_verse=verse,
            montant_libere=libere,
            statut=statut,
            date_engagement=jour,
            commentaire=commentaire,
            auteur_id=auteur,
            created_at=engage_le,
            updated_at=instant(dates[-1], 14, self.fin) if dates else engage_le,
        )
        self.engagements.append(engagement)
        compte = self.comptes.setdefault(cle, _Compte())
        compte.engage += montant - libere
        compte.verse += verse
        compte.dater(engagement.updated_at)
        for numero, (paiement, le) in enumerate(zip(paiements, dates, strict=True), start=1):
            self.versements.append(
                LigneVersement(
                    engagement=rang,
                    montant=paiement,
                    date_versement=le,
                    reference=f"{reference}-{rang + 1:06d}-{numero}",
                    auteur_id=auteur,
                    created_at=instant(le, 14, self.fin),
                )
            )
        return engagement

    # --- Les enveloppes, vérifiées -----------------------------------------------------

    def enveloppes(self) -> list[LigneEnveloppe]:
        regionales = defaultdict(lambda: ZERO)
        for cle, compte in self.comptes.items():
            if not ZERO <= compte.verse <= compte.engage <= compte.montant:
                raise ValueError(f"Plan incohérent : l'enveloppe {cle} est sur-engagée ({compte}).")
            if cle.region is not None:
                regionales[(cle.dispositif, cle.annee)] += compte.montant
        for (dispositif, annee), total in regionales.items():
            nationale = self.comptes.get(CleEnveloppe(dispositif, annee, None))
            if nationale is None or total > nationale.montant:
                raise ValueError(
                    f"Plan incohérent : les régionales {annee} de {dispositif} dépassent la "
                    "nationale."
                )
        return [
            LigneEnveloppe(*cle, c.montant, c.engage, c.verse, c.premier, c.dernier)
            for cle, c in sorted(self.comptes.items(), key=lambda item: _ordre(item[0]))
        ]


def _part(montant: Decimal, part: float) -> Decimal:
    return (montant * Decimal(str(round(part, 2)))).quantize(CENTIME)


def _ordre(cle: CleEnveloppe) -> tuple:
    return (cle.dispositif, cle.annee, cle.region or "")
