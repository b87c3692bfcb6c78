"""La démonstration raconte le communiqué de novembre 2020, chiffres calculés par les totaux."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from documents import stockage
from documents.models import Document
from documents.services import deposer
from fonds.models import Engagement, Enveloppe, Mouvement
from pilotage import selectors
from programmation import selectors as selectors_programmation
from programmation.services import creer_simulation
from projets.models import Avis, Evenement, Projet, Statut
from territoires.models import TerritoireIndustrie

pytestmark = pytest.mark.django_db

M = Decimal("1000000")


def _empreinte():
    """Ce qui doit être identique d'une génération à l'autre avec la même graine."""
    projets = list(
        Projet.objects.order_by(
            "territoire_id", "commune_id", "intitule", "montant_investissement"
        ).values_list(
            "intitule",
            "territoire_id",
            "commune_id",
            "porteur__siren",
            "porteur__raison_sociale",
            "statut",
            "annee",
            "montant_investissement",
            "aide_sollicitee",
            "emplois_crees",
            "avis_etat",
            "avis_region",
        )
    )
    engagements = sorted(
        Engagement.objects.values_list(
            "projet__porteur__siren", "montant", "statut", "montant_verse"
        )
    )
    return projets, engagements


@pytest.fixture
def demo(referentiel, settings):
    settings.DEBUG = True
    sortie = StringIO()
    call_command("generer_demo", "--seed", "2020", "--sans-progression", stdout=sortie)
    return sortie.getvalue()


def test_les_chiffres_du_communique(demo, client):
    national = selectors.totaux_nationaux()
    assert national.nb_territoires == 148
    assert national.nb_intercommunalites > 500
    assert national.nb_projets == 1600 == Projet.objects.count()

    fonds_2020 = selectors.totaux_nationaux("fonds-acceleration", 2020)
    assert fonds_2020.nb_projets == 179
    assert fonds_2020.nb_engagements == 179
    assert fonds_2020.montant_engage == 150 * M
    assert fonds_2020.montant_enveloppe == 250 * M  # 150 M€ + 100 M€ anticipés
    assert fonds_2020.montant_disponible == 100 * M
    assert fonds_2020.investissement >= 1500 * M
    assert fonds_2020.effet_levier >= 10
    assert 7000 <= fonds_2020.emplois_crees <= 7099

    fonds_2021 = selectors.totaux_nationaux("fonds-acceleration", 2021)
    assert fonds_2021.montant_enveloppe == 150 * M
    fonds = selectors.totaux_nationaux("fonds-acceleration")
    assert fonds.montant_enveloppe == 400 * M
    assert "179 projets financés en 2020 pour 150" in demo

    # L'anticipation est une paire de mouvements qui garde le total du fonds.
    anticipation = Mouvement.objects.filter(type="anticipation")
    assert anticipation.count() == 2
    assert sorted(m.montant for m in anticipation) == [-100 * M, 100 * M]
    assert len({m.operation for m in anticipation}) == 1
    nationales = Enveloppe.objects.filter(dispositif__code="fonds-acceleration", region=None)
    assert {e.annee: e.montant for e in nationales} == {2020: 250 * M, 2021: 150 * M}
    for enveloppe in nationales:
        regionales = Enveloppe.objects.filter(
            dispositif__code="fonds-acceleration", annee=enveloppe.annee, region__isnull=False
        )
        assert sum(e.montant for e in regionales) == enveloppe.montant

    # Chaque territoire a des projets, tous les statuts existent, avec leur historique.
    assert not TerritoireIndustrie.objects.filter(phase="2018-2022", projets__isnull=True).exists()
    statuts = set(Projet.objects.values_list("statut", flat=True))
    assert statuts == {
        "brouillon",
        "depose",
        "en_instruction",
        "preselectionne",
        "non_retenu",
        "engage",
        "en_cours",
        "realise",
        "abandonne",
    }
    # Des désaccords État / Région, et un historique pour chaque projet.
    assert Projet.objects.filter(avis_etat="favorable", avis_region="defavorable").exists()
    assert Avis.objects.exists()
    assert Evenement.objects.values("projet").distinct().count() == 1600
    assert not Projet.objects.filter(porteur__fictive=False).exists()

    # Les comptes de démonstration et la bannière.
    from django.core.cache import cache

    from pilotage.context_processors import CLE_DEMO

    cache.delete(CLE_DEMO)
    assert client.login(username="ministere", password="territoires2020")
    page = client.get("/projets/").content.decode()
    assert "Données de démonstration fictives" in page
    assert "1\u202f500 projets" in page  # un ministère ne voit pas les 100 brouillons


def test_la_demo_est_deterministe_et_refuse_de_s_empiler(demo, settings):
    premiere = _empreinte()
    # Auvergne-Rhône-Alpes en 2021 : les demandes présélectionnées dépassent déjà le
    # disponible ; une simulation préparée sur la démonstration ne l'empêche pas de repartir.
    essai = creer_simulation(
        auteur=User.objects.get(username="prefecture-84"), region="84", annee=2021, nom="Essai"
    )
    assert selectors_programmation.totaux(essai).depassement > 0
    # Un devis joint à un projet de la démonstration ne l'empêche pas non plus de repartir.
    projet = Projet.objects.filter(region_id="84", statut=Statut.EN_INSTRUCTION).first()
    devis = deposer(
        projet_id=projet.pk,
        auteur=User.objects.get(username="prefecture-84"),
        type="devis",
        titre="Devis",
        nom="devis.pdf",
        contenu=b"%PDF-1.4\n%%EOF\n",
    )
    assert stockage.stockage().exists(devis.cle)
    with pytest.raises(CommandError, match="existent déjà"):
        call_command("generer_demo", "--sans-progression", stdout=StringIO())
    call_command(
        "generer_demo", "--seed", "2020", "--reinitialiser", "--sans-progression", stdout=StringIO()
    )
    assert _empreinte() == premiere
    assert Projet.objects.count() == 1600
    assert not Document.objects.exists()


def test_refuse_sans_debug(referentiel, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG désactivé"):
        call_command("generer_demo", "--sans-progression", stdout=StringIO())
    assert not Projet.objects.exists()


def test_le_generateur_du_banc_ecrit_un_programme_en_regime_de_croisiere(referentiel):
    """Le scénario du banc (`tests/bench/`), à petite taille et écrit par l'ORM : tous les
    stades, des enveloppes qui sont la somme de leurs mouvements et ne sont jamais
    sur-engagées, des engagements au plus égaux à l'aide sollicitée, tout fictif."""
    from comptes.models import Role
    from pilotage.generation import (
        Agent,
        Auteurs,
        creer_agents,
        croisiere,
        ecrire,
        lire_referentiel,
        planifier,
    )
    from territoires.validators import cle_luhn_valide

    agents = [Agent("banc-admin", Role.ADMIN_NATIONAL, None, "Banc")]
    utilisateurs = creer_agents(agents, mot_de_passe=None, domaine="banc.invalid")
    auteurs = Auteurs.des_agents(agents, utilisateurs)
    referentiel_lu = lire_referentiel()
    plan = planifier(croisiere(400), referentiel_lu, auteurs)
    assert plan == planifier(croisiere(400), referentiel_lu, auteurs)  # même graine
    ecrit = ecrire(plan)

    assert ecrit.projets == Projet.objects.count() == 400
    assert ecrit.evenements == 0  # le banc ne lit pas l'historique
    assert set(Projet.objects.values_list("statut", flat=True)) == set(Statut.values)
    assert Projet.objects.filter(engagements__isnull=False).distinct().count() > 100
    assert not Projet.objects.filter(porteur__fictive=False).exists()
    sirens = set(Projet.objects.values_list("porteur__siren", flat=True))
    assert len(sirens) == ecrit.entreprises == 286  # 1,4 projet par entreprise
    assert all(s.startswith("999") and cle_luhn_valide(s) for s in sirens)
    for enveloppe in Enveloppe.objects.prefetch_related("mouvements", "engagements"):
        assert enveloppe.montant == sum(m.montant for m in enveloppe.mouvements.all())
        engage = sum(e.montant - e.montant_libere for e in enveloppe.engagements.all())
        assert enveloppe.montant_engage == engage <= enveloppe.montant
    for projet in Projet.objects.filter(engagements__isnull=False).distinct():
        engage = sum(e.montant - e.montant_libere for e in projet.engagements.all())
        assert engage <= projet.aide_sollicitee
        assert engage > 0 or projet.statut == Statut.ABANDONNE  # crédits non versés rendus
