"""Un worker tué en plein recalcul, puis relancé, donne les totaux d'un recalcul sans incident.

Le recalcul complet s'exécute dans une seule transaction : tant qu'elle n'est pas
validée, les totaux précédents restent ceux que tout le monde lit. Pour tuer le
worker au milieu, le test bloque la table des totaux (`LOCK TABLE … ACCESS
EXCLUSIVE`, depuis une autre connexion) : le worker écrit d'abord les totaux
partiels, puis attend ce verrou pour lire et écrire les totaux. Le test vérifie
dans `pg_locks` qu'il en est bien là, le tue (SIGKILL au parent et à l'enfant qui
exécute la tâche, comme un conteneur tué), lève le verrou, et
constate que rien de son travail n'est resté. La tâche n'étant acquittée qu'à la
fin (`acks_late`), Redis la rend à la file après le délai de visibilité : un
nouveau worker la reprend et écrit les mêmes totaux qu'un recalcul ininterrompu.

Ignoré sans `CELERY_BROKER_URL` (ou si Redis ne répond pas) et sur SQLite.
"""

import ast
import re
import signal
import time

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.db import DatabaseError, connection, transaction
from django.db.models import DateTimeField, F

from config.celery import app
from pilotage import moteur, tasks
from pilotage.models import Totaux, TotauxPartiels
from projets.models import Projet
from tests.pilotage.conftest import M
from tests.pilotage.worker import (
    arreter,
    attendre,
    demarrer_worker,
    exige_un_worker,
    file_d_attente,
    fin_du_journal,
    non_acquittes,
    tuer,
    vider_la_file,
)

# Délai de visibilité du worker de test (secondes) : le message non acquitté du worker
# tué revient dans la file après ce délai, au lieu d'une heure.
VISIBILITE = 2


def _contenu(modele, *, dates: bool = True) -> list[tuple]:
    """Toutes les lignes de la table, toutes colonnes sauf l'identifiant (et les dates)."""
    colonnes = [
        champ.attname
        for champ in modele._meta.concrete_fields
        if not champ.primary_key and (dates or not isinstance(champ, DateTimeField))
    ]
    return sorted(modele.objects.order_by().values_list(*colonnes), key=repr)


def _tables_du_pilotage() -> dict[str, list[tuple]]:
    """Le contenu de toutes les tables du pilotage (totaux, partiels, journal des calculs…)."""
    return {
        modele._meta.label: _contenu(modele)
        for modele in django_apps.get_app_config("pilotage").get_models()
    }


def _chiffres() -> dict[str, list[tuple]]:
    """Les totaux et les totaux partiels, sans les dates de calcul."""
    return {
        "totaux": _contenu(Totaux, dates=False),
        "partiels": _contenu(TotauxPartiels, dates=False),
    }


def _modifier_les_projets(jeu) -> None:
    """Des changements écrits sans passer par les services : aucun recalcul demandé.

    C'est le but : le recalcul complet, seul, doit alors mettre à jour, créer et supprimer
    des lignes des deux tables (aucun service ne supprime une ligne de totaux : un
    engagement, même annulé, garde la sienne ; seul un changement écrit ainsi le peut).
    """
    Projet.objects.filter(pk=jeu.p1.pk).update(
        montant_investissement=F("montant_investissement") + 5 * M,
        emplois_crees=F("emplois_crees") + 7,
    )
    # Les projets du territoire 3201 passent au 8401 (site toujours dans la région 32) :
    # les totaux partiels 3201 × 32 disparaissent, des 8401 × 32 apparaissent, et les
    # lignes du fonds du territoire 3201 disparaissent.
    Projet.objects.filter(pk__in=[jeu.p6.pk, jeu.p7.pk]).update(territoire_id="8401")


def _verrous(pid: int) -> set[tuple[str, str, bool]]:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT relation::regclass::text, mode, granted FROM pg_locks "
            "WHERE pid = %s AND locktype = 'relation'",
            [pid],
        )
        return set(curseur.fetchall())


def _worker_bloque_apres_les_partiels() -> dict | None:
    """Le processus serveur du worker, s'il a écrit les partiels et attend la table des totaux.

    Il détient : le verrou consultatif du recalcul, RowExclusiveLock (accordé) sur la table
    des totaux partiels, un identifiant de transaction (attribué à la première écriture) ;
    il attend (non accordé) un verrou sur la table des totaux.
    """
    partiels, totaux = TotauxPartiels._meta.db_table, Totaux._meta.db_table
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT a.pid, a.backend_xid IS NOT NULL, a.wait_event_type, a.query "
            "FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
            "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
            "AND l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = %s",
            [moteur.CLE_VERROU],
        )
        ligne = curseur.fetchone()
    if ligne is None:
        return None
    pid, a_ecrit, attente, requete = ligne
    verrous = _verrous(pid)
    if (partiels, "RowExclusiveLock", True) not in verrous:
        return None
    if not any(rel == totaux and not accorde for rel, _mode, accorde in verrous):
        return None
    return {"pid": pid, "a_ecrit": a_ecrit, "attente": attente, "requete": requete}


def _processus_serveur_present(pid: int) -> bool:
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return curseur.fetchone() is not None


def test_les_taches_de_recalcul_sont_rejouables_et_bornees():
    """Ce dont dépend la reprise : acquittement tardif, reprises bornées, limites de durée."""
    visibilite = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for tache in (tasks.recalculer_tout, tasks.recalculer_perimetres, tasks.recalculer_demandes):
        assert tache.acks_late is True
        assert tache.reject_on_worker_lost is True
        assert DatabaseError in tache.autoretry_for
        assert 0 < tache.max_retries <= 10
        assert tache.retry_backoff and tache.retry_backoff_max
        assert 0 < tache.soft_time_limit < tache.time_limit
        # Redis rendrait à la file une tâche encore en cours : le délai doit la dépasser.
        assert tache.time_limit < visibilite


@exige_un_worker
@pytest.mark.django_db(transaction=True)
def test_un_worker_tue_en_plein_recalcul_puis_relance_donne_les_totaux_d_un_recalcul_propre(
    jeu, settings, tmp_path
):
    moteur.recalculer_tout()
    avant = _tables_du_pilotage()
    assert avant[Totaux._meta.label] and avant[TotauxPartiels._meta.label]
    _modifier_les_projets(jeu)

    file = file_d_attente(settings)
    assert app.conf.task_always_eager is False
    journal = tmp_path / "worker.log"
    verrou = connection.get_new_connection(connection.get_connection_params())
    worker = None
    try:
        # 1. La table des totaux est bloquée par une autre connexion, puis le recalcul part.
        with verrou.cursor() as curseur:
            curseur.execute(f'LOCK TABLE "{Totaux._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        worker = demarrer_worker(
            file, journal, pool="prefork", CELERY_VISIBILITY_TIMEOUT=str(VISIBILITE)
        )
        envoi = tasks.recalculer_tout.apply_async(queue=file)

        # 2. Le worker a écrit les partiels dans sa transaction et attend la table des totaux.
        bloque = attendre(
            _worker_bloque_apres_les_partiels,
            worker=worker,
            journal=journal,
            quoi="le worker bloqué sur la table des totaux après les partiels",
        )
        assert bloque["a_ecrit"], "la transaction du worker n'a encore rien écrit"
        assert bloque["attente"] == "Lock"
        assert Totaux._meta.db_table in bloque["requete"]
        assert f"pilotage.recalculer_tout[{envoi.id}] received" in journal.read_text()

        # 3. SIGKILL au worker et à son enfant : ni fin de tâche, ni acquittement (le parent
        # aurait acquitté pendant que l'enfant travaille, sans `acks_late`), ni restitution.
        tuer(worker)
        assert worker.returncode == -signal.SIGKILL
        message = non_acquittes(file)
        assert len(message) == 1, message
        ((contenu, recu_a),) = message.values()
        assert contenu["headers"]["id"] == envoi.id
        assert contenu["headers"]["task"] == "pilotage.recalculer_tout"

        # 4. Verrou levé : la transaction orpheline du worker est annulée par PostgreSQL.
        verrou.rollback()
        verrou.close()
        attendre(
            lambda: not _processus_serveur_present(bloque["pid"]),
            worker=None,
            journal=journal,
            quoi="la fin du processus serveur du worker tué",
        )
        assert _tables_du_pilotage() == avant, "le worker tué a laissé une partie de son travail"

        # Ce que donne un recalcul ininterrompu sur les mêmes données (puis annulé).
        with transaction.atomic():
            rapport_attendu = moteur.recalculer_tout().resume()
            attendu = _chiffres()
            transaction.set_rollback(True)
        assert _tables_du_pilotage() == avant
        precedents = _chiffres()
        assert attendu["totaux"] != precedents["totaux"]
        assert attendu["partiels"] != precedents["partiels"]
        assert rapport_attendu["ecrites"] and rapport_attendu["supprimees"]

        # 5. Un nouveau worker reçoit le même message, une fois le délai de visibilité passé.
        time.sleep(max(0.0, recu_a + VISIBILITE + 0.5 - time.time()))
        worker = demarrer_worker(
            file, journal, pool="prefork", CELERY_VISIBILITY_TIMEOUT=str(VISIBILITE)
        )
        reussite = attendre(
            lambda: re.search(
                rf"pilotage\.recalculer_tout\[{envoi.id}\] succeeded in [0-9.e-]+s: (\{{.*\}})",
                journal.read_text(),
            ),
            worker=worker,
            journal=journal,
            quoi="la reprise de la tâche interrompue",
        )
        assert journal.read_text().count(f"pilotage.recalculer_tout[{envoi.id}] received") == 2
        assert _chiffres() == attendu, fin_du_journal(journal)
        # Partie des mêmes totaux, la reprise a écrit et supprimé les mêmes lignes.
        rapport = ast.literal_eval(reussite.group(1))
        assert (rapport["lignes"], rapport["ecrites"], rapport["supprimees"]) == (
            rapport_attendu["lignes"],
            rapport_attendu["ecrites"],
            rapport_attendu["supprimees"],
        )
        assert not non_acquittes(file), "la tâche reprise n'a pas été acquittée"
    finally:
        if not verrou.closed:
            verrou.rollback()
            verrou.close()
        if worker is not None:
            arreter(worker)
        vider_la_file(file)
