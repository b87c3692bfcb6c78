"""Deux mises à jour en masse en même temps sur la même enveloppe : le verrou de l'enveloppe
les sérialise, la seconde voit la première et est refusée en entier. PostgreSQL seulement."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.db import connections

from comptes.models import Role
from fonds.mise_a_jour import mettre_a_jour
from fonds.models import Engagement
from projets.models import Projet, Statut
from tests.comptes.factories import agent
from tests.fonds.factories import DispositifFactory, fonds_reparti, projet_preselectionne
from tests.processus import CONNEXIONS_CONCURRENTES
from tests.projets.factories import fichier_csv
from tests.territoires.factories import territoire_factice

M = Decimal("1000000")

pytestmark = CONNEXIONS_CONCURRENTES


def test_deux_fichiers_simultanes_ne_depassent_jamais_l_enveloppe():
    territoire, _commune = territoire_factice("X92")
    prefecture = agent("prefecture-x92", region="X92")
    conseil = agent("region-x92", Role.REGION, region="X92")
    admin = agent("admin-masse", Role.ADMIN_NATIONAL)
    dispositif = DispositifFactory(code="fonds-masse-concurrence")
    _, regionales = fonds_reparti(
        auteur=admin, dispositif=dispositif, annee=2020, national=50 * M, regions={"X92": 10 * M}
    )
    enveloppe = regionales["X92"]
    projets = [
        projet_preselectionne(
            prefecture=prefecture,
            conseil=conseil,
            territoire=territoire.code,
            aide_sollicitee=3 * M,
            montant_investissement=10 * M,
        )
        for _ in range(4)
    ]
    # Deux fichiers de 6 M€ chacun (deux projets à 3 M€) : un seul tient dans les 10 M€.
    fichiers = [
        fichier_csv(
            [{"projet": p.pk, "engager": "3000000"} for p in paire], colonnes=["projet", "engager"]
        )
        for paire in (projets[:2], projets[2:])
    ]
    prefecture.profil  # noqa: B018 (profil chargé une fois, avant les fils)
    depart = threading.Barrier(2)

    def appliquer(contenu: bytes):
        try:
            depart.wait(timeout=30)
            return mettre_a_jour(auteur=prefecture, fichier=contenu, nom_fichier="suivi.csv")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as executeur:
        rapports = list(executeur.map(appliquer, fichiers))

    valides = [r for r in rapports if r.valide]
    refuses = [r for r in rapports if not r.valide]
    assert len(valides) == 1 and len(refuses) == 1
    assert valides[0].nb_engagements == 2
    [erreur] = refuses[0].erreurs
    assert erreur.colonne == "engager" and erreur.message.startswith("Crédits insuffisants")
    enveloppe.refresh_from_db()
    assert enveloppe.montant_engage == 6 * M
    assert Engagement.objects.filter(enveloppe=enveloppe).count() == 2
    assert Projet.objects.filter(statut=Statut.ENGAGE).count() == 2
