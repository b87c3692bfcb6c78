"""Données de démonstration : le programme tel que le comité de pilotage l'a décrit.

Tout est fictif sauf le référentiel (territoires, EPCI, communes) : entreprises,
projets, montants et agents sont inventés, déterministes pour une graine donnée,
et marqués comme tels (`Entreprise.fictive`, bannière sur chaque page).

Le récit (scénario `communique_2020`) et son écriture sont ceux du générateur commun
(`pilotage.generation`, que le banc de performance utilise aussi) ; les chiffres visés,
ceux du communiqué du comité de pilotage national de novembre 2020, et les règles de
répartition sont décrits dans `docs/demo.md`.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from comptes import audit
from comptes.models import Action, Profil, Role, Trace
from documents import stockage
from documents.models import Document, Signature
from fonds.models import Dispositif, Engagement, Enveloppe, Mouvement, Versement
from pilotage.context_processors import CLE_DEMO
from pilotage.generation import (
    Agent,
    Auteurs,
    communique_2020,
    creer_agents,
    ecrire,
    lire_referentiel,
    planifier,
)
from pilotage.models import ValeurIndicateur
from pilotage.services import charger_indicateurs_du_programme
from programmation.models import Simulation
from projets.models import Avis, Entreprise, Evenement, Projet, Statut

AGENTS = (
    Agent("prefecture-84", Role.PREFECTURE, "84", "Préfecture de la région Auvergne-Rhône-Alpes"),
    Agent("region-84", Role.REGION, "84", "Région Auvergne-Rhône-Alpes"),
    Agent("prefecture-32", Role.PREFECTURE, "32", "Préfecture de la région Hauts-de-France"),
    Agent("region-32", Role.REGION, "32", "Région Hauts-de-France"),
    Agent("prefecture-44", Role.PREFECTURE, "44", "Préfecture de la région Grand Est"),
    Agent("region-44", Role.REGION, "44", "Région Grand Est"),
    Agent("ministere", Role.MINISTERE, None, "Ministère chargé de l'industrie"),
    Agent("admin-national", Role.ADMIN_NATIONAL, None, "Équipe nationale Territoires d'industrie"),
)
COMPTES_DEMO = [agent.nom for agent in AGENTS]


@dataclass
class RapportDemo:
    projets_par_statut: dict = field(default_factory=dict)
    engagements_2020: int = 0
    montant_engage_2020: Decimal = Decimal("0")
    comptes: list = field(default_factory=list)


class DemoExistante(Exception):
    pass


def donnees_demo_presentes() -> bool:
    return Entreprise.objects.filter(fictive=True).exists()


def _creer_comptes(mot_de_passe: str) -> dict:
    """Les comptes de démonstration (README), par identifiant."""
    return creer_agents(AGENTS, mot_de_passe=mot_de_passe, domaine="demo.invalid")


def supprimer_demo() -> None:
    """Retire toutes les données de démonstration (le référentiel reste)."""
    # Les simulations préparées sur la démonstration tiennent à ses enveloppes et comptes.
    Simulation.objects.all().delete()
    Versement.objects.all().delete()
    Engagement.objects.all().delete()
    Mouvement.objects.all().delete()
    Enveloppe.objects.all().delete()
    Dispositif.objects.all().delete()
    ValeurIndicateur.objects.filter(source__startswith="Données de démonstration").delete()
    _supprimer_documents_de_demo()
    Evenement.objects.filter(projet__porteur__fictive=True).delete()
    Avis.objects.filter(projet__porteur__fictive=True).delete()
    Projet.objects.filter(porteur__fictive=True).delete()
    Entreprise.objects.filter(fictive=True).delete()
    demo = get_user_model().objects.filter(username__in=COMPTES_DEMO)
    # Le journal protège ses auteurs ; ses lignes de démonstration partent avec eux.
    Trace.objects.filter(auteur__in=demo).delete()
    Profil.objects.filter(user__in=demo).delete()
    demo.delete()


def _supprimer_documents_de_demo() -> None:
    """Les documents joints aux projets de démonstration, et leurs fichiers."""
    documents = Document.objects.filter(projet__porteur__fictive=True)
    cles = list(documents.values_list("cle", flat=True))
    Signature.objects.filter(projet__porteur__fictive=True).delete()
    documents.update(precedent=None)
    documents.delete()
    transaction.on_commit(lambda: [stockage.effacer(cle) for cle in cles])


def _journaliser_les_credits() -> None:
    """Le journal d'audit montre les écritures de crédits de la démonstration, comme les
    services les tracent : une création par enveloppe, mouvement, engagement, versement."""
    admin = get_user_model().objects.get(username="admin-national")
    for enveloppe in Enveloppe.objects.select_related("dispositif", "region").order_by("pk"):
        audit.tracer(
            objet=enveloppe,
            action=Action.CREATION,
            auteur=admin,
            changements={
                "dispositif": [None, enveloppe.dispositif.code],
                "annee": [None, enveloppe.annee],
            },
            region=enveloppe.region_id or "",
        )
    mouvements = Mouvement.objects.select_related(
        "auteur", "enveloppe__dispositif", "enveloppe__region"
    )
    for mouvement in mouvements.order_by("pk"):
        audit.tracer(
            objet=mouvement,
            action=Action.CREATION,
            auteur=mouvement.auteur,
            changements={
                "type": [None, mouvement.type],
                "montant": [None, mouvement.montant],
                "motif": [None, mouvement.motif],
            },
            region=mouvement.enveloppe.region_id or "",
        )
    for engagement in Engagement.objects.select_related("auteur", "projet").order_by("pk"):
        audit.tracer(
            objet=engagement,
            action=Action.CREATION,
            auteur=engagement.auteur,
            changements={
                "projet": [None, engagement.projet_id],
                "montant": [None, engagement.montant],
            },
            region=engagement.projet.region_id,
        )
    versements = Versement.objects.select_related("auteur", "engagement__projet")
    for versement in versements.order_by("pk"):
        audit.tracer(
            objet=versement,
            action=Action.CREATION,
            auteur=versement.auteur,
            changements={
                "engagement": [None, versement.engagement_id],
                "montant": [None, versement.montant],
            },
            region=versement.engagement.projet.region_id,
        )


def generer_demo(
    *, graine: int = 2020, mot_de_passe: str, reinitialiser: bool = False, progression=None
) -> RapportDemo:
    """Charge les données de démonstration ; refuse si elles existent (sauf réinitialisation)."""
    etape = progression or (lambda _libelle: None)
    with transaction.atomic():
        if donnees_demo_presentes() or Dispositif.objects.exists():
            if not reinitialiser:
                raise DemoExistante(
                    "Des données de démonstration existent déjà. Relancez avec --reinitialiser "
                    "pour les remplacer."
                )
            supprimer_demo()
        etape("données précédentes retirées")
        comptes = _creer_comptes(mot_de_passe)
        etape("comptes créés")
        plan = planifier(
            communique_2020(graine), lire_referentiel(), Auteurs.des_agents(AGENTS, comptes)
        )
        etape("projets, avis et crédits planifiés")
        ecrire(plan)
        etape("projets, historique, enveloppes, engagements et versements écrits")
        _journaliser_les_credits()
        charger_indicateurs_du_programme(auteur=comptes["admin-national"], avec_valeurs_demo=True)
        etape("journal et indicateurs enregistrés")
    cache.delete(CLE_DEMO)
    rapport = RapportDemo(comptes=list(COMPTES_DEMO))
    for statut in Statut.values:
        rapport.projets_par_statut[statut] = Projet.objects.filter(statut=statut).count()
    engagements_2020 = Engagement.objects.filter(
        enveloppe__annee=2020, enveloppe__dispositif__code="fonds-acceleration"
    )
    rapport.engagements_2020 = engagements_2020.count()
    rapport.montant_engage_2020 = sum((e.montant for e in engagements_2020), Decimal("0"))
    return rapport
