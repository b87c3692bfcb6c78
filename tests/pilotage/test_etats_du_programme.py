"""Des suites d'écritures tirées au hasard (Hypothesis, machine à états) sur les services :
après chacune, les totaux tenus à jour pas à pas sont ceux d'un recalcul complet et ceux du
SQL nu du banc.

Chaque règle est une action d'un agent par un service, comme depuis les pages ou l'API :
saisir, déposer, instruire, donner un avis, engager, verser, abandonner, modifier un projet,
doter ou annuler des crédits, anticiper, redéployer, répartir. Un refus métier (droit,
dépassement, règle de saisie) est une issue normale : rien n'est écrit. Après chaque pas :

- aucune demande de recalcul n'attend (chaque écriture a demandé le sien, traité après
  validation de sa transaction, comme le fait un worker) ;
- un recalcul complet ne trouve aucune ligne à écrire ni à supprimer : le recalcul
  incrémental avait déjà tout juste ;
- le SQL nu écrit à la main pour le banc (`tests/bench/mesures.py`) donne les mêmes chiffres.

PostgreSQL seulement : le SQL nu du banc en emploie la syntaxe (`GROUPING SETS`, `FILTER`).
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from comptes.models import Role, Trace
from fonds import services as fonds_services
from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, TypeMouvement, Versement
from pilotage import moteur
from pilotage.models import Calcul, Totaux, TotauxPartiels
from projets import services as projets_services
from projets.models import Avis, Entreprise, Evenement, Projet, SensAvis, Statut
from projets.saisie import saisie_du_projet
from socle.erreurs import ErreurMetier
from socle.models import DemandeRecalcul
from tests.bench import mesures
from tests.comptes.factories import agent
from tests.fonds.factories import fonds_acceleration, fonds_reparti
from tests.projets.factories import saisie_projet

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="le SQL nu du banc est écrit pour PostgreSQL"
    ),
]

K = Decimal(1000)
M = Decimal(1_000_000)
TERRITOIRES = {"84": ["8414", "8401"], "32": ["3201"]}
_series = itertools.count()

montants = st.integers(min_value=1, max_value=40).map(lambda n: n * 25 * K)


def _totaux() -> dict:
    return {
        (t["niveau"], t["code"], t["dispositif"], t["annee"]): t
        for t in Totaux.objects.values(
            "niveau", "code", "dispositif", "annee", *moteur.CHAMPS_COMPARES
        )
    }


def _vider() -> None:
    """Les données d'une suite (le référentiel reste)."""
    for modele in (Versement, Engagement, Mouvement, Enveloppe, Avis, Evenement, Projet):
        modele.objects.all().delete()
    for modele in (Entreprise, Dispositif, Totaux, TotauxPartiels, Calcul, DemandeRecalcul, Trace):
        modele.objects.all().delete()


class EtatsDuProgramme(RuleBasedStateMachine):
    projets = Bundle("projets")
    engagements = Bundle("engagements")

    @initialize()
    def ouvrir_le_fonds(self):
        """Le portail en service : totaux amorcés par un recalcul complet (celui de la nuit,
        qui écrit une ligne par périmètre du référentiel), puis le fonds ouvert."""
        _vider()
        moteur.recalculer_tout()
        serie = next(_series)
        self.admin = agent(f"admin-etats-{serie}", Role.ADMIN_NATIONAL)
        self.prefectures = {
            r: agent(f"prefecture-{r}-etats-{serie}", region=r) for r in TERRITOIRES
        }
        self.conseils = {
            r: agent(f"region-{r}-etats-{serie}", Role.REGION, region=r) for r in TERRITOIRES
        }
        self.fonds = fonds_acceleration()
        for annee, national in [(2020, 150 * M), (2021, 250 * M)]:
            fonds_reparti(
                auteur=self.admin,
                dispositif=self.fonds,
                annee=annee,
                national=national,
                regions={"84": 3 * M, "32": 2 * M},
            )

    def _essayer(self, action, **arguments):
        """Un service ; un refus métier est une issue normale, rien n'est écrit."""
        try:
            return action(**arguments)
        except ErreurMetier:
            return None

    # --- Projets ---------------------------------------------------------------------

    @rule(
        target=projets,
        region=st.sampled_from(sorted(TERRITOIRES)),
        choix=st.integers(0, 1),
        annee=st.sampled_from([2020, 2021]),
        investissement=montants,
        part_aide=st.integers(0, 100),
        deposer=st.booleans(),
    )
    def saisir(self, region, choix, annee, investissement, part_aide, deposer):
        territoires = TERRITOIRES[region]
        saisie = saisie_projet(
            territoire=territoires[choix % len(territoires)],
            annee=annee,
            montant_investissement=investissement * 10,
            aide_sollicitee=(investissement * 10 * part_aide / 100).quantize(K),
        )
        projet = projets_services.creer_projet(
            auteur=self.prefectures[region], saisie=saisie, deposer=deposer
        )
        return projet.pk

    @rule(
        target=projets,
        region=st.sampled_from(sorted(TERRITOIRES)),
        annee=st.sampled_from([2020, 2021]),
        investissement=montants,
    )
    def preselectionner(self, region, annee, investissement):
        """Un projet saisi, déposé, instruit et présélectionné par les deux avis, d'un pas."""
        saisie = saisie_projet(
            territoire=TERRITOIRES[region][0],
            annee=annee,
            montant_investissement=investissement * 20,
            aide_sollicitee=investissement * 5,
        )
        prefecture = self.prefectures[region]
        projet = projets_services.creer_projet(auteur=prefecture, saisie=saisie, deposer=True)
        projets_services.changer_statut(
            projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_INSTRUCTION
        )
        for auteur in (prefecture, self.conseils[region]):
            projets_services.donner_avis(
                projet_id=projet.pk, auteur=auteur, sens=SensAvis.FAVORABLE
            )
        return projet.pk

    def _projet(self, projet_id) -> Projet:
        return Projet.objects.get(pk=projet_id)

    @rule(projet_id=projets, vers=st.sampled_from([Statut.DEPOSE, Statut.EN_INSTRUCTION]))
    def faire_avancer(self, projet_id, vers):
        region = self._projet(projet_id).region_id
        self._essayer(
            projets_services.changer_statut,
            projet_id=projet_id,
            auteur=self.prefectures[region],
            vers=vers,
        )

    @rule(projet_id=projets, etat=st.booleans(), favorable=st.booleans())
    def donner_un_avis(self, projet_id, etat, favorable):
        region = self._projet(projet_id).region_id
        auteur = (self.prefectures if etat else self.conseils)[region]
        self._essayer(
            projets_services.donner_avis,
            projet_id=projet_id,
            auteur=auteur,
            sens=SensAvis.FAVORABLE if favorable else SensAvis.DEFAVORABLE,
            commentaire="" if favorable else "Hors des priorités.",
        )

    @rule(projet_id=projets, investissement=montants)
    def modifier(self, projet_id, investissement):
        projet = self._projet(projet_id)
        saisie = saisie_du_projet(projet).avec(
            montant_investissement=investissement * 10, aide_sollicitee=investissement
        )
        self._essayer(
            projets_services.modifier_projet,
            projet_id=projet_id,
            auteur=self.prefectures[projet.region_id],
            saisie=saisie,
            version_attendue=projet.version,
        )

    @rule(projet_id=projets)
    def abandonner(self, projet_id):
        region = self._projet(projet_id).region_id
        self._essayer(
            fonds_services.abandonner_projet,
            projet_id=projet_id,
            auteur=self.prefectures[region],
            commentaire="Le porteur renonce.",
        )

    @rule(projet_id=projets)
    def declarer_en_cours(self, projet_id):
        region = self._projet(projet_id).region_id
        self._essayer(
            projets_services.changer_statut,
            projet_id=projet_id,
            auteur=self.prefectures[region],
            vers=Statut.EN_COURS,
        )

    # --- Crédits ---------------------------------------------------------------------

    @rule(target=engagements, projet_id=projets, montant=montants)
    def engager(self, projet_id, montant):
        projet = self._projet(projet_id)
        enveloppe = Enveloppe.objects.get(
            dispositif=self.fonds, annee=projet.annee, region_id=projet.region_id
        )
        engagement = self._essayer(
            fonds_services.engager,
            projet_id=projet_id,
            enveloppe_id=enveloppe.pk,
            montant=montant,
            date_engagement=datetime.date(projet.annee, 10, 1),
            auteur=self.prefectures[projet.region_id],
        )
        return engagement.pk if engagement else multiple()

    @rule(
        target=engagements,
        region=st.sampled_from(sorted(TERRITOIRES)),
        annee=st.sampled_from([2020, 2021]),
        montant=montants,
    )
    def engager_un_nouveau_projet(self, region, annee, montant):
        """Un projet présélectionné puis engagé, d'un pas (la suite la plus longue)."""
        projet_id = self.preselectionner(region=region, annee=annee, investissement=montant)
        return self.engager(projet_id=projet_id, montant=montant)

    @rule(engagement_id=engagements, montant=montants)
    def verser(self, engagement_id, montant):
        engagement = Engagement.objects.select_related("projet").get(pk=engagement_id)
        self._essayer(
            fonds_services.verser,
            engagement_id=engagement_id,
            montant=montant,
            date_versement=engagement.date_engagement + datetime.timedelta(days=30),
            auteur=self.prefectures[engagement.projet.region_id],
        )

    @rule(
        region=st.sampled_from(sorted(TERRITOIRES)),
        annee=st.sampled_from([2020, 2021]),
        type=st.sampled_from([TypeMouvement.ABONDEMENT, TypeMouvement.ANNULATION]),
        montant=montants,
    )
    def mouvement(self, region, annee, type, montant):
        enveloppe = Enveloppe.objects.get(dispositif=self.fonds, annee=annee, region_id=region)
        self._essayer(
            fonds_services.ajouter_mouvement,
            enveloppe_id=enveloppe.pk,
            type=type,
            montant=montant,
            date_effet=datetime.date(annee, 6, 1),
            motif="Mouvement tiré au hasard",
            auteur=self.admin,
        )

    @rule(montant=montants)
    def anticiper(self, montant):
        self._essayer(
            fonds_services.anticiper,
            dispositif=self.fonds,
            annee_source=2021,
            annee_cible=2020,
            montant=montant * 10,
            date_effet=datetime.date(2020, 11, 30),
            motif="Anticipation",
            auteur=self.admin,
        )

    @rule(annee=st.sampled_from([2020, 2021]), montant=montants)
    def redeployer(self, annee, montant):
        self._essayer(
            fonds_services.redeployer,
            dispositif=self.fonds,
            annee=annee,
            region_source="84",
            region_cible="32",
            montant=montant,
            date_effet=datetime.date(annee, 9, 1),
            motif="Redéploiement",
            auteur=self.admin,
        )

    @rule(annee=st.sampled_from([2020, 2021]), montant=montants)
    def repartir(self, annee, montant):
        nationale = Enveloppe.objects.get(dispositif=self.fonds, annee=annee, region__isnull=True)
        self._essayer(
            fonds_services.repartir,
            enveloppe_nationale_id=nationale.pk,
            montants_par_region={"84": montant, "32": montant},
            date_effet=datetime.date(annee, 3, 1),
            motif="Répartition complémentaire",
            auteur=self.admin,
        )

    # --- Ce qui doit tenir après chaque pas ------------------------------------------

    @invariant()
    def totaux_a_jour(self):
        if not hasattr(self, "fonds"):
            return
        assert not DemandeRecalcul.objects.exists(), "une demande de recalcul attend encore"
        avant = _totaux()
        rapport = moteur.recalculer_tout()
        assert (rapport.ecrites, rapport.supprimees) == (0, 0), rapport.resume()
        assert _totaux() == avant
        mesures.executer_sql_nu()
        assert mesures.ecarts_avec_sql_nu() == []

    def teardown(self):
        _vider()


def test_les_totaux_tenus_pas_a_pas_sont_ceux_d_un_recalcul_complet(referentiel):
    mesures.creer_tables_brouillon()
    run_state_machine_as_test(
        EtatsDuProgramme,
        settings=settings(
            # 300 pas en tout (chacun suivi d'un recalcul complet et du SQL nu) : environ
            # une minute, la part que la suite peut lui donner.
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
