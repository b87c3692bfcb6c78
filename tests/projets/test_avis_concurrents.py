"""Deux avis donnés au même instant sur le même projet aboutissent à un seul état cohérent.

Chaque avis est donné dans son propre fil d'exécution, avec sa propre connexion à
la base, au même instant (barrière). `projets.services.donner_avis` verrouille la
ligne du projet (`select_for_update`) : les deux avis s'appliquent l'un après
l'autre, et le second voit le premier. Chaque scénario est rejoué sur plusieurs
projets pour laisser aux deux ordres la chance de se produire.

Règles attendues (voir `projets.workflow`) : deux avis favorables présélectionnent
le projet ; un avis défavorable le rend non retenu ; un avis se donne sur un projet en
instruction, ou, sur un projet non retenu, par le côté qui n'a pas encore donné le sien
(les deux avis sont toujours enregistrés ; un second avis du côté qui a décidé est
refusé) ; un nouvel avis du même côté remplace l'avis en cours, qui reste dans
l'historique.
Enfin, deux avis en lot croisés (préfecture et région, projets de deux territoires)
ne s'interbloquent pas : seul le projet est verrouillé, pas son territoire.

SQLite verrouille toute la base et n'a pas de verrou de ligne : PostgreSQL seulement.
"""

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connections
from django.db.models import Max

from comptes.models import Action, Role, Trace
from projets import services, workflow
from projets.models import Avis, Cote, Evenement, Projet, SensAvis, Statut, TypeEvenement
from socle.erreurs import ErreurMetier, Refus
from tests.comptes.factories import agent
from tests.processus import CONNEXIONS_CONCURRENTES
from tests.projets.factories import projet_au_statut
from tests.territoires.factories import CommuneFactory, TerritoireFactory, territoire_factice

NB_MANCHES = 10
_manches = itertools.count()
FAVORABLE, DEFAVORABLE = SensAvis.FAVORABLE, SensAvis.DEFAVORABLE

pytestmark = CONNEXIONS_CONCURRENTES


@pytest.fixture
def agents(monkeypatch):
    # Le recalcul des totaux a ses propres tests ; ici, seuls le projet et ses avis comptent.
    monkeypatch.setattr(services, "demander_recalcul", lambda **_: None)
    # Une région inventée : le test transactionnel vide la base, référentiel compris.
    territoire, commune = territoire_factice("X92")
    comptes = SimpleNamespace(
        territoire=territoire,
        commune=commune,
        prefecture=agent("prefecture-x92", region="X92"),
        prefecture_bis=agent("prefecture-x92-bis", region="X92"),
        conseil=agent("region-x92", Role.REGION, region="X92"),
    )
    for compte in (comptes.prefecture, comptes.prefecture_bis, comptes.conseil):
        compte.profil  # noqa: B018 (profil chargé une fois, avant les fils)
    return comptes


@dataclass(frozen=True)
class Avant:
    """Le projet en instruction, et les dernières lignes d'historique et d'audit avant les avis."""

    projet: Projet
    dernier_evenement: int
    derniere_trace: int


def _projet_en_instruction(agents, territoire=None) -> Avant:
    projet = projet_au_statut(
        Statut.EN_INSTRUCTION,
        prefecture=agents.prefecture,
        territoire=(territoire or agents.territoire).code,
    )
    return Avant(
        projet=projet,
        dernier_evenement=Evenement.objects.aggregate(n=Max("pk"))["n"],
        derniere_trace=Trace.objects.aggregate(n=Max("pk"))["n"],
    )


def _en_meme_temps(projet_id: int, *demandes: tuple) -> list:
    """Chaque (auteur, sens) dans son fil, au même instant ; l'avis créé ou le refus."""
    depart = threading.Barrier(len(demandes))

    def donner(demande):
        auteur, sens = demande
        try:
            depart.wait(timeout=30)
            return services.donner_avis(
                projet_id=projet_id,
                auteur=auteur,
                sens=sens,
                commentaire="" if sens == FAVORABLE else "Hors des priorités régionales.",
            )
        except ErreurMetier as refus:
            return refus
        finally:
            connections.close_all()

    # Les fils partent dans un ordre qui alterne d'une manche à l'autre ; les résultats
    # reviennent dans l'ordre des demandes. Toute autre erreur (doublon refusé par la
    # base, interblocage) remonte ici.
    ordre = list(range(len(demandes)))
    if next(_manches) % 2:
        ordre.reverse()
    with ThreadPoolExecutor(max_workers=len(demandes)) as executeur:
        resultats = dict(
            zip(ordre, executeur.map(donner, [demandes[i] for i in ordre]), strict=True)
        )
    return [resultats[i] for i in range(len(demandes))]


def _donnes(resultats) -> list[Avis]:
    return [r for r in resultats if isinstance(r, Avis)]


def _verifier_la_coherence(avant: Avant, resultats: list) -> Projet:
    """Ce que la base doit tenir après les deux demandes, quel que soit leur ordre."""
    projet = Projet.objects.get(pk=avant.projet.pk)
    donnes = _donnes(resultats)
    for refus in (r for r in resultats if not isinstance(r, Avis)):
        # Seul refus possible : la décision est déjà prise, le projet n'est plus en instruction.
        assert isinstance(refus, Refus), refus
        assert "en instruction" in refus.message
        assert projet.statut != Statut.EN_INSTRUCTION

    # Un avis écrit par demande acceptée, aucun autre.
    avis = Avis.objects.filter(projet=projet)
    assert sorted(avis.values_list("pk", flat=True)) == sorted(a.pk for a in donnes)
    # Un seul avis en cours par côté, recopié sur le projet.
    en_cours = {a.cote: a.sens for a in avis.filter(en_cours=True)}
    assert avis.filter(en_cours=True).count() == len(en_cours)
    assert projet.avis_etat == en_cours.get(Cote.ETAT, "")
    assert projet.avis_region == en_cours.get(Cote.REGION, "")
    # Le statut est celui que décident les avis en cours.
    issue = workflow.issue_des_avis(projet.avis_etat, projet.avis_region)
    assert projet.statut == (issue.statut or Statut.EN_INSTRUCTION)

    # Historique : un événement par avis, une seule transition au plus.
    evenements = Evenement.objects.filter(projet=projet, pk__gt=avant.dernier_evenement)
    assert evenements.filter(type=TypeEvenement.AVIS).count() == len(donnes)
    transitions = list(
        evenements.filter(type=TypeEvenement.TRANSITION).values_list("statut_avant", "statut_apres")
    )
    decide = projet.statut != Statut.EN_INSTRUCTION
    assert transitions == ([(Statut.EN_INSTRUCTION, projet.statut)] if decide else [])

    # Audit : la création de chaque avis, le remplacement de chaque avis remplacé,
    # le changement de statut du projet une seule fois.
    traces = Trace.objects.filter(pk__gt=avant.derniere_trace)
    crees = traces.filter(modele="projets.Avis", action=Action.CREATION)
    assert sorted(crees.values_list("objet_id", flat=True)) == sorted(str(a.pk) for a in donnes)
    remplaces = avis.filter(en_cours=False)
    assert sorted(
        traces.filter(
            modele="projets.Avis",
            action=Action.MODIFICATION,
            changements={"en_cours": [True, False]},
        ).values_list("objet_id", flat=True)
    ) == sorted(str(a.pk) for a in remplaces)
    statuts = traces.filter(
        modele="projets.Projet", objet_id=str(projet.pk), changements__has_key="statut"
    )
    assert [t.changements["statut"] for t in statuts] == (
        [[Statut.EN_INSTRUCTION, projet.statut]] if decide else []
    )

    # Aucune écriture perdue : une version de plus par avis et par transition.
    assert projet.version == avant.projet.version + len(donnes) + len(transitions)
    return projet


def test_avis_favorables_de_l_etat_et_de_la_region_au_meme_instant(agents):
    for _manche in range(NB_MANCHES):
        avant = _projet_en_instruction(agents)
        resultats = _en_meme_temps(
            avant.projet.pk, (agents.prefecture, FAVORABLE), (agents.conseil, FAVORABLE)
        )

        projet = _verifier_la_coherence(avant, resultats)
        assert all(isinstance(r, Avis) for r in resultats), resultats
        assert projet.statut == Statut.PRESELECTIONNE
        assert sorted(projet.avis.values_list("cote", "sens", "en_cours")) == [
            (Cote.ETAT, FAVORABLE, True),
            (Cote.REGION, FAVORABLE, True),
        ]


def test_avis_favorable_de_l_etat_et_defavorable_de_la_region_au_meme_instant(agents):
    for _manche in range(NB_MANCHES):
        avant = _projet_en_instruction(agents)
        resultats = _en_meme_temps(
            avant.projet.pk, (agents.prefecture, FAVORABLE), (agents.conseil, DEFAVORABLE)
        )

        projet = _verifier_la_coherence(avant, resultats)
        assert projet.statut == Statut.NON_RETENU
        assert projet.motif_non_retenu.endswith("Hors des priorités régionales.")
        # Les deux avis sont toujours enregistrés, dans un ordre ou dans l'autre : arrivé
        # après l'avis défavorable, l'avis favorable de l'État ne change plus le statut.
        assert all(isinstance(r, Avis) for r in resultats), resultats
        assert sorted(projet.avis.values_list("cote", "sens", "en_cours")) == [
            (Cote.ETAT, FAVORABLE, True),
            (Cote.REGION, DEFAVORABLE, True),
        ]


def test_deux_avis_contraires_de_l_etat_au_meme_instant(agents):
    """Deux agents de la préfecture : un seul avis de l'État reste en cours, et il décide."""
    for _manche in range(NB_MANCHES):
        avant = _projet_en_instruction(agents)
        resultats = _en_meme_temps(
            avant.projet.pk, (agents.prefecture, FAVORABLE), (agents.prefecture_bis, DEFAVORABLE)
        )

        projet = _verifier_la_coherence(avant, resultats)
        # Dans les deux ordres, l'avis défavorable est celui qui reste en cours : arrivé
        # second, il remplace l'avis favorable ; arrivé premier, il décide, et l'avis
        # favorable, arrivé sur un projet non retenu, est refusé.
        assert projet.statut == Statut.NON_RETENU
        assert projet.avis_etat == DEFAVORABLE
        favorable, defavorable = resultats
        assert isinstance(defavorable, Avis)
        etat = list(projet.avis.filter(cote=Cote.ETAT).values_list("sens", "en_cours"))
        if isinstance(favorable, Avis):
            assert sorted(etat) == [(DEFAVORABLE, True), (FAVORABLE, False)]
        else:
            assert etat == [(DEFAVORABLE, True)]


def test_deux_avis_favorables_de_l_etat_au_meme_instant(agents):
    """Le second remplace le premier : un seul avis de l'État en cours, pas de décision."""
    for _manche in range(NB_MANCHES):
        avant = _projet_en_instruction(agents)
        resultats = _en_meme_temps(
            avant.projet.pk, (agents.prefecture, FAVORABLE), (agents.prefecture_bis, FAVORABLE)
        )

        projet = _verifier_la_coherence(avant, resultats)
        assert all(isinstance(r, Avis) for r in resultats), resultats
        assert projet.statut == Statut.EN_INSTRUCTION
        assert sorted(projet.avis.values_list("sens", "en_cours")) == [
            (FAVORABLE, False),
            (FAVORABLE, True),
        ]


def test_avis_en_lot_croises_de_la_prefecture_et_de_la_region(agents, monkeypatch):
    """La préfecture et la région donnent chacune un avis en lot sur la présélection.

    Chaque lot verrouille ses projets un à un, dans l'ordre de leurs numéros, dans une
    seule transaction. Quatre projets sur deux territoires : la préfecture en prend deux
    (territoires 1 puis 2), la région deux autres (territoires 2 puis 1). Les deux lots
    commencent ensemble (barrière après le premier avis de chacun) : le verrou d'un
    projet ne doit pas verrouiller son territoire, sinon chaque lot attend le
    territoire que l'autre tient, et PostgreSQL annule l'un des deux (interblocage).
    """
    second = TerritoireFactory(region=agents.territoire.region, code="9593")
    commune_bis = CommuneFactory(departement=agents.commune.departement)
    second.communes.add(commune_bis)
    p1, p2, p3, p4 = (
        _projet_en_instruction(agents, territoire).projet
        for territoire in [None, second, second, None]
    )
    premier_avis = threading.Barrier(2)
    donner_avis = services.donner_avis
    vus = threading.local()

    def donner_avis_puis_attendre(**kwargs):
        avis = donner_avis(**kwargs)
        if not getattr(vus, "premier", False):
            vus.premier = True
            premier_avis.wait(timeout=30)
        return avis

    monkeypatch.setattr(services, "donner_avis", donner_avis_puis_attendre)

    def lot(auteur, projets):
        try:
            return services.donner_avis_en_lot(
                projet_ids=[p.pk for p in projets], auteur=auteur, sens=FAVORABLE
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as executeur:
        prefecture = executeur.submit(lot, agents.prefecture, [p1, p2])
        region = executeur.submit(lot, agents.conseil, [p3, p4])
        assert (prefecture.result(timeout=60), region.result(timeout=60)) == (2, 2)

    assert sorted(Projet.objects.values_list("pk", "avis_etat", "avis_region")) == [
        (p1.pk, FAVORABLE, ""),
        (p2.pk, FAVORABLE, ""),
        (p3.pk, "", FAVORABLE),
        (p4.pk, "", FAVORABLE),
    ]
    assert Avis.objects.filter(projet__in=[p1, p2, p3, p4], en_cours=True).count() == 4
