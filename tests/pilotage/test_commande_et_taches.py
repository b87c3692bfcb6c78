"""La commande `recalculer_totaux`, les tâches Celery et leur planification."""

from io import StringIO

import pytest
from celery.schedules import crontab
from django.core.management import call_command

from config.celery import app
from pilotage import moteur, selectors, tasks
from pilotage.models import Calcul, Niveau, Totaux
from socle.models import DemandeRecalcul
from socle.recalcul import TACHE_RECALCUL, demander_recalcul
from tests.comptes.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_la_commande_recalcule_et_resume_en_francais(jeu):
    sortie, erreurs = StringIO(), StringIO()

    call_command("recalculer_totaux", stdout=sortie, stderr=erreurs)

    texte = sortie.getvalue()
    nb_territoires = Totaux.objects.filter(niveau=Niveau.TERRITOIRE).count()
    nb_regions = Totaux.objects.filter(niveau=Niveau.REGION).count()
    assert "National : 8 ligne(s)" in texte
    assert f"Région : {nb_regions} ligne(s)" in texte
    assert f"Territoire d'industrie : {nb_territoires} ligne(s)" in texte
    total = 8 + nb_regions + nb_territoires
    assert f"Lignes nouvelles ou modifiées : {total} ; " in texte
    assert "lignes de périmètres disparus supprimées : 0" in texte
    assert "Totaux recalculés en " in texte and f" s ({total} lignes)." in texte
    # La barre de progression va sur la sortie d'erreur, étape par étape.
    assert "Totaux" in erreurs.getvalue()
    assert f"{moteur.NB_ETAPES}/{moteur.NB_ETAPES}" in erreurs.getvalue()
    assert selectors.totaux_nationaux().nb_projets == 8


def test_la_commande_sans_progression(jeu):
    erreurs = StringIO()
    call_command("recalculer_totaux", "--sans-progression", stdout=StringIO(), stderr=erreurs)
    assert erreurs.getvalue() == ""
    assert Totaux.objects.filter(niveau=Niveau.NATIONAL).count() == 8


def test_les_taches_portent_les_noms_attendus_et_appellent_le_moteur(jeu):
    assert tasks.recalculer_perimetres.name == "pilotage.recalculer_perimetres"
    # La tâche que `socle.recalcul` envoie par son nom existe.
    assert tasks.recalculer_demandes.name == TACHE_RECALCUL
    for tache in (tasks.recalculer_tout, tasks.recalculer_perimetres, tasks.recalculer_demandes):
        assert tache.name in app.tasks

    resume = tasks.recalculer_tout.delay().get()
    assert resume["lignes"]["national"] == 8

    resume = tasks.recalculer_perimetres.delay(territoires=["3201"], regions=["32"]).get()
    # 3201 : tous dispositifs × toutes années et 2020, fonds × toutes années et 2020.
    assert resume["lignes"]["territoire"] == 4
    assert resume["lignes"]["region"] > 0


def test_la_tache_des_demandes_recalcule_leurs_perimetres_et_les_efface(jeu):
    moteur.recalculer_tout()
    assert tasks.recalculer_demandes.delay().get() is None  # aucune demande en attente
    demander_recalcul(territoires=["3201"], regions=["32"])
    demander_recalcul(territoires=["8414"], regions=["84"])

    resume = tasks.recalculer_demandes.delay().get()

    # Les périmètres des deux demandes, en un seul recalcul : 3201 (4 lignes) et 8414
    # (tous dispositifs et fonds, toutes années, 2020 et 2021 : 6 lignes).
    assert resume["lignes"]["territoire"] == 4 + 6
    assert not DemandeRecalcul.objects.exists()
    journal = Calcul.objects.latest()
    assert (journal.complet, journal.territoires, journal.regions) == (
        False,
        ["3201", "8414"],
        ["32", "84"],
    )


def test_le_recalcul_complet_est_planifie_chaque_nuit_a_2_h_30():
    entree = app.conf.beat_schedule["recalculer-totaux-chaque-nuit"]
    assert entree["task"] == "pilotage.recalculer_tout"
    assert entree["task"] in app.tasks
    assert entree["schedule"] == crontab(hour=2, minute=30)
    assert app.conf.timezone == "Europe/Paris"


def test_les_demandes_en_attente_sont_reprises_toutes_les_deux_minutes():
    """Un worker tué en plein recalcul laisse ses demandes en attente : beat relance la
    tâche qui les traite toutes les deux minutes (et le délai de visibilité de Redis, qui
    rend le message lui-même, dépasse à peine la plus longue tâche)."""
    entree = app.conf.beat_schedule["recalculer-demandes-en-attente"]
    assert entree["task"] == TACHE_RECALCUL
    assert entree["schedule"] == crontab(minute="*/2")
    assert app.conf.broker_transport_options["visibility_timeout"] == 960
    assert tasks.recalculer_tout.time_limit < 960


def test_une_demande_restee_en_attente_est_traitee_par_la_tache_suivante(jeu):
    """Le recalcul d'une demande, interrompu avant sa validation, n'a rien effacé ; la tâche
    suivante (relancée par beat) la traite, et le tableau de bord le dit entre-temps."""
    moteur.recalculer_tout()
    DemandeRecalcul.objects.create(territoires=["3201"], regions=["32"])  # restée en attente

    resume = tasks.recalculer_demandes.delay().get()

    assert resume["lignes"]["territoire"] == 4
    assert not DemandeRecalcul.objects.exists()


def test_le_tableau_de_bord_dit_quand_une_mise_a_jour_est_en_cours(jeu, client):
    moteur.recalculer_tout()
    client.force_login(jeu.comptes["ministere"])
    assert "Mise à jour en cours" not in client.get("/pilotage/").content.decode()

    DemandeRecalcul.objects.create(territoires=["8414"], regions=["84"])

    page = client.get("/pilotage/").content.decode()
    assert 'id="mise-a-jour-en-cours"' in page and "Mise à jour en cours" in page
    client.force_login(jeu.comptes["region-84"])
    assert "Mise à jour en cours" in client.get("/pilotage/regions/84/").content.decode()


def test_portee_des_totaux_selon_le_role(jeu):
    tasks.recalculer_tout.delay()
    prefecture, ministere = jeu.comptes["prefecture-84"], jeu.comptes["ministere"]
    sans_profil = UserFactory(username="inconnu")

    visibles = selectors.totaux_visibles_par(prefecture)
    assert set(visibles.values_list("niveau", flat=True)) == {Niveau.REGION, Niveau.TERRITOIRE}
    assert set(visibles.values_list("code_region", flat=True)) == {"84"}
    assert selectors.totaux_nationaux(user=prefecture) is None
    assert selectors.totaux(Niveau.TERRITOIRE, "8414", user=prefecture).nb_projets == 3
    assert selectors.totaux(Niveau.TERRITOIRE, "3201", user=prefecture) is None
    assert selectors.totaux_visibles_par(ministere).count() == Totaux.objects.count()
    assert not selectors.totaux_visibles_par(sans_profil).exists()
    # « Données au » : la date du recalcul, la même pour toutes les lignes.
    recalcul = Calcul.objects.get()
    assert recalcul.complet
    assert selectors.DonneesAu.de(selectors.totaux_nationaux()) == (
        recalcul.calcule_le,
        recalcul.calcule_le,
    )
    assert {t.calcule_le for t in selectors.totaux_visibles_par(ministere)} == {recalcul.calcule_le}
