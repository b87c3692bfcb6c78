"""Le récit d'un projet : ses chiffres, son porteur, ses crédits, ses avis et son historique.

Les dates suivent le cycle de vie (`projets.workflow`) : création, dépôt, instruction
à une semaine d'intervalle ; les avis le jour de la décision (présélection ou
non-retenue), avant elle ; l'engagement à sa date, les travaux un mois plus tard,
la réalisation une semaine après le dernier versement ; l'abandon d'un projet financé
un mois après son dernier mouvement de crédits. Un projet financé est créé assez tôt
pour que son instruction précède son engagement.
"""

import datetime
import itertools
import random
from decimal import Decimal
from typing import NamedTuple

from pilotage.generation.agents import Auteurs
from pilotage.generation.credits import Caisse
from pilotage.generation.lignes import (
    CleEnveloppe,
    LigneAvis,
    LigneEngagement,
    LigneEntreprise,
    LigneEvenement,
    LigneProjet,
    Plan,
)
from pilotage.generation.referentiel import Referentiel, Site
from pilotage.generation.scenarios import FONDS, Scenario
from pilotage.generation.tirages import (
    ENJEUX,
    FILIERES,
    INTITULES,
    AvisEnCours,
    Chiffres,
    avis_du_statut,
    instant,
    jour_entre,
    raison_sociale,
    taille,
)
from projets.models import Cote, SensAvis, Statut, TypeEvenement
from projets.workflow import DELAI_AVIS_JOURS
from socle.format_fr import format_euros

B, D, EI = Statut.BROUILLON, Statut.DEPOSE, Statut.EN_INSTRUCTION
P, NR, A = Statut.PRESELECTIONNE, Statut.NON_RETENU, Statut.ABANDONNE
FINANCES = [Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE]
SEMAINE = datetime.timedelta(days=7)
MOIS = datetime.timedelta(days=30)
COMMENTAIRES = {
    P: "Avis favorables de l'État et de la Région.",
    NR: "Avis défavorable.",
    A: "Le porteur a renoncé au projet.",
}


def chemin(statut: str, *, finance: bool) -> list[str]:
    """Les statuts successifs d'un projet, du brouillon à son statut actuel."""
    instruction = [B, D, EI]
    if statut in instruction:
        return instruction[: instruction.index(statut) + 1]
    if statut == A:
        return [*instruction, P, Statut.ENGAGE, A] if finance else [B, D, A]
    if statut in (P, NR):
        return [*instruction, statut]
    return [*instruction, P, *FINANCES[: FINANCES.index(statut) + 1]]


class Tranche(NamedTuple):
    """Un engagement prévu sur l'enveloppe régionale d'une année."""

    annee: int
    montant: Decimal
    jour: datetime.date


class ProjetPrevu(NamedTuple):
    """Ce que le planificateur a décidé d'un projet avant de le raconter."""

    site: Site
    territoire: str
    statut: str
    annee: int
    chiffres: Chiffres
    credits: list[Tranche]


class Recit:
    """Écrit dans le plan les lignes de chaque projet, l'un après l'autre."""

    def __init__(
        self,
        *,
        rng: random.Random,
        scenario: Scenario,
        referentiel: Referentiel,
        auteurs: Auteurs,
        caisse: Caisse,
        plan: Plan,
        sirens: list[str],
    ):
        self.rng, self.scenario, self.auteurs = rng, scenario, auteurs
        self.caisse, self.plan, self.sirens = caisse, plan, sirens
        self.regions = referentiel.noms_des_regions
        self.nom_du_fonds = next(d.nom for d in scenario.dispositifs if d.code == FONDS)

    def raconter(self, projet: ProjetPrevu) -> None:
        rng, site, plan = self.rng, projet.site, self.plan
        rang = len(plan.projets)
        filiere, enjeu = rng.choice(FILIERES), rng.choice(ENJEUX)
        intitule = rng.choice(INTITULES[enjeu])
        debut = jour_entre(
            rng, datetime.date(projet.annee, 1, 15), datetime.date(projet.annee, 12, 15)
        )
        fin_des_travaux = debut + datetime.timedelta(days=rng.randrange(180, 1100))
        porteur = self._porteur(rang, filiere, site.nom)
        prefecture = self.auteurs.prefecture(site.region)
        engagements = [
            self.caisse.engager(
                projet=rang,
                cle=CleEnveloppe(FONDS, annee, site.region),
                montant=montant,
                statut_du_projet=projet.statut,
                jour=jour,
                auteur=prefecture,
                commentaire=self.scenario.commentaire_engagement,
                reference=self.scenario.reference,
            )
            for annee, montant, jour in projet.credits
        ]
        avis = avis_du_statut(rng, projet.statut, finance=bool(engagements))
        evenements, modifie_le = self._historique(rang, projet, debut, engagements, avis)
        plan.projets.append(
            LigneProjet(
                intitule=intitule,
                description=self.scenario.description,
                territoire_id=projet.territoire,
                commune_id=site.commune,
                epci_id=site.epci,
                departement_id=site.departement,
                region_id=site.region,
                porteur=porteur,
                enjeu=enjeu,
                filiere=filiere,
                annee=projet.annee,
                montant_investissement=projet.chiffres.montant_investissement,
                emplois_crees=projet.chiffres.emplois_crees,
                emplois_maintenus=projet.chiffres.emplois_maintenus,
                aide_sollicitee=projet.chiffres.aide_sollicitee,
                date_debut=debut,
                date_fin=fin_des_travaux,
                statut=projet.statut,
                avis_etat=avis.etat,
                avis_region=avis.region,
                motif_non_retenu=avis.motif if projet.statut == NR else "",
                cree_par_id=prefecture,
                created_at=evenements[0].created_at,
                updated_at=modifie_le,
                date_limite_avis=self._date_limite(projet.statut, evenements),
            )
        )
        if self.scenario.historique:
            plan.evenements.extend(evenements)

    @staticmethod
    def _date_limite(statut: str, evenements: list[LigneEvenement]) -> datetime.date | None:
        """Un projet en instruction attend ses avis `DELAI_AVIS_JOURS` après sa mise en
        instruction (`projets.services.changer_statut`)."""
        if statut != EI:
            return None
        mise = max(e.created_at for e in evenements if e.statut_apres == EI)
        return mise.date() + datetime.timedelta(days=DELAI_AVIS_JOURS)

    def _porteur(self, rang: int, filiere: str, commune: str) -> int:
        """Les premiers projets créent chacun leur entreprise ; les suivants en reprennent une."""
        if rang >= len(self.sirens):
            return self.rng.randrange(len(self.sirens))
        self.plan.entreprises.append(
            LigneEntreprise(
                self.sirens[rang], raison_sociale(self.rng, filiere, commune), taille(self.rng)
            )
        )
        return rang

    def _historique(
        self,
        rang: int,
        projet: ProjetPrevu,
        debut: datetime.date,
        engagements: list[LigneEngagement],
        avis: AvisEnCours,
    ) -> tuple[list[LigneEvenement], datetime.datetime]:
        """L'historique du projet, daté dans l'ordre du cycle de vie, et l'instant de sa
        dernière modification (statut ou avis) ; ses avis vont au plan."""
        fin, prefecture = self.scenario.fin, self.auteurs.prefecture(projet.site.region)
        jour = debut - datetime.timedelta(days=60)
        if engagements:
            jour = min(jour, engagements[0].date_engagement - 4 * SEMAINE)
        creation = f"Projet créé ({self.scenario.nom})."
        evenements = [
            LigneEvenement(
                rang, TypeEvenement.CREATION, prefecture, "", B, creation, instant(jour, 9, fin)
            )
        ]
        etapes = chemin(projet.statut, finance=bool(engagements))
        for avant, apres in itertools.pairwise(etapes):
            jour, commentaire = self._etape(apres, jour, engagements)
            decision = apres in (P, NR)
            if decision:
                evenements += self._avis(rang, projet.site.region, jour, avis)
            evenements.append(
                LigneEvenement(
                    rang,
                    TypeEvenement.TRANSITION,
                    prefecture,
                    avant,
                    apres,
                    commentaire,
                    instant(jour, 16 if decision else 10, fin),
                )
            )
        if projet.statut == EI:
            evenements += self._avis(rang, projet.site.region, jour + SEMAINE, avis)
        modifie_le = max(evenement.created_at for evenement in evenements)
        for engagement in engagements:
            commentaire = self.scenario.commentaire_engagement
            evenements.append(
                LigneEvenement(
                    rang,
                    TypeEvenement.ENGAGEMENT,
                    engagement.auteur_id,
                    "",
                    "",
                    f"Engagement de {self._libelle(engagement)}"
                    + (f" : {commentaire}" if commentaire else "."),
                    engagement.created_at,
                )
            )
        return evenements, modifie_le

    def _etape(self, apres: str, jour, engagements: list[LigneEngagement]) -> tuple:
        """Le jour d'un passage de statut, et son commentaire."""
        if apres == Statut.ENGAGE:
            premier = engagements[0]
            return premier.date_engagement, f"Crédits engagés : {self._libelle(premier)}."
        if apres == Statut.EN_COURS:
            return jour + MOIS, ""
        dernier_mouvement = max((e.updated_at.date() for e in engagements), default=None)
        if apres == Statut.REALISE:
            return dernier_mouvement + SEMAINE, ""
        if apres == A and dernier_mouvement:
            return dernier_mouvement + MOIS, COMMENTAIRES[A]
        return jour + SEMAINE, COMMENTAIRES.get(apres, "")

    def _avis(self, rang: int, region: str, jour, avis: AvisEnCours) -> list[LigneEvenement]:
        """Les avis en cours (lignes du plan) et leur trace dans l'historique."""
        motif = avis.motif
        evenements = []
        for cote, sens, auteur, heure in (
            (Cote.ETAT, avis.etat, self.auteurs.prefecture(region), 11),
            (Cote.REGION, avis.region, self.auteurs.conseil(region), 15),
        ):
            if not sens:
                continue
            moment = instant(jour, heure, self.scenario.fin)
            defavorable = sens == SensAvis.DEFAVORABLE
            self.plan.avis.append(
                LigneAvis(rang, cote, sens, motif if defavorable else "", auteur, moment)
            )
            cote_texte = "de l’État" if cote == Cote.ETAT else "de la Région"
            texte = f"Avis {cote_texte} {SensAvis(sens).label.lower()}"
            texte += f" : {motif}" if defavorable else "."
            evenements.append(
                LigneEvenement(rang, TypeEvenement.AVIS, auteur, "", "", texte, moment)
            )
        return evenements

    def _libelle(self, engagement: LigneEngagement) -> str:
        if not self.scenario.historique:
            return ""  # le texte ne sert qu'à l'historique
        cle = engagement.enveloppe
        return (
            f"{format_euros(engagement.montant)} sur l'enveloppe de la région "
            f"{self.regions[cle.region]} {cle.annee} ({self.nom_du_fonds})"
        )
