"""Chaque écriture sur l'argent, les décisions et les entreprises laisse une trace.

Le test mène le programme de bout en bout par ses services (enveloppes, répartition,
redéploiement, projet et entreprise, avis, simulation, engagement, versement, abandon) et,
après chaque pas, compare les lignes des modèles suivis avant et après : chaque ligne créée,
modifiée ou supprimée doit avoir, dans le même pas, une trace d'audit (modèle, identifiant,
action). Un modèle qui porte un montant et que ce relevé ne suit pas le fait échouer aussi.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.forms.models import model_to_dict

from comptes.models import Action, Profil, Trace
from fonds import services as fonds
from fonds.models import (
    Dispositif,
    Engagement,
    Enveloppe,
    Mouvement,
    TypeMouvement,
    Versement,
)
from programmation import services as programmation
from programmation.models import LigneSimulation, Simulation
from projets import entreprises
from projets import services as projets
from projets.models import Avis, Entreprise, Projet, SensAvis, Statut
from tests.fonds.factories import fonds_acceleration
from tests.projets.factories import saisie_projet

pytestmark = pytest.mark.django_db

M = Decimal("1000000")
MODELES_SUIVIS = [
    Dispositif,
    Projet,
    Avis,
    Entreprise,
    Enveloppe,
    Mouvement,
    Engagement,
    Versement,
    Simulation,
    LigneSimulation,
    Profil,
]
# Les applications dont les modèles portent l'argent, les décisions et les entreprises.
APPLICATIONS = ("projets", "fonds", "programmation")
# Journaux et calculs, qui ne sont pas des écritures d'agents : l'historique des projets
# (écrit avec la trace), les totaux recalculés.
NON_SUIVIS = {"projets.Evenement"}


def _famille(modele: str, pk: str) -> tuple[str, str]:
    """Une ligne de simulation est tracée avec sa simulation : la création d'une simulation
    dit combien de lignes elle reçoit ; le changement d'une ligne, qui change la version de
    sa simulation, est tracé sur la ligne."""
    if modele == "programmation.LigneSimulation":
        return "programmation.Simulation", str(
            LigneSimulation.objects.values_list("simulation_id", flat=True).get(pk=pk)
        )
    return modele, pk


def _lignes() -> dict:
    return {
        m._meta.label: {o.pk: model_to_dict(o) for o in m.objects.all()} for m in MODELES_SUIVIS
    }


def _ecritures(avant: dict, apres: dict) -> set:
    ecritures = set()
    for modele, lignes in apres.items():
        anciennes = avant[modele]
        for pk, valeurs in lignes.items():
            if pk not in anciennes:
                ecritures.add((modele, str(pk), Action.CREATION))
            elif anciennes[pk] != valeurs:
                ecritures.add((modele, str(pk), Action.MODIFICATION))
        for pk in anciennes.keys() - lignes.keys():
            ecritures.add((modele, str(pk), Action.SUPPRESSION))
    return ecritures


def test_chaque_modele_qui_porte_un_montant_est_suivi():
    montants = {
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in APPLICATIONS
        and any(isinstance(f, models.DecimalField) for f in m._meta.get_fields())
    }
    assert montants - {m._meta.label for m in MODELES_SUIVIS} - NON_SUIVIS == set()


def test_chaque_ecriture_laisse_une_trace(client, comptes):
    prefecture, conseil, equipe = (
        comptes["prefecture-84"],
        comptes["region-84"],
        comptes["admin-national"],
    )
    dispositif = fonds_acceleration()
    etat = {}
    manquantes = []

    def pas(nom, action):
        avant, derniere = _lignes(), Trace.objects.order_by("-pk").values_list("pk", flat=True)
        depuis = derniere.first() or 0
        resultat = action()
        traces = {(t.modele, t.objet_id, t.action) for t in Trace.objects.filter(pk__gt=depuis)}
        familles = {_famille(modele, pk) for modele, pk, _action in traces}
        for ecriture in sorted(_ecritures(avant, _lignes()) - traces):
            if _famille(*ecriture[:2]) not in familles:
                manquantes.append(f"{nom} : {ecriture}")
        return resultat

    equipe.is_staff = equipe.is_superuser = True
    equipe.save()
    client.force_login(equipe)
    pas(
        "changer le montant annoncé d'un dispositif (administration)",
        lambda: client.post(
            f"/admin/fonds/dispositif/{dispositif.pk}/change/",
            {
                "nom": dispositif.nom,
                "code": dispositif.code,
                "montant_annonce": "450000000",
                "finance_projets": "on",
                "ordre": "1",
            },
        ),
    )
    assert Dispositif.objects.get().montant_annonce == 450 * M
    nationale = pas(
        "créer l'enveloppe nationale",
        lambda: fonds.creer_enveloppe(dispositif=dispositif, annee=2020, auteur=equipe),
    )
    pas(
        "doter l'enveloppe nationale",
        lambda: fonds.ajouter_mouvement(
            enveloppe_id=nationale.pk,
            type=TypeMouvement.DOTATION,
            montant=150 * M,
            date_effet=datetime.date(2020, 1, 1),
            motif="Loi de finances initiale 2020",
            auteur=equipe,
        ),
    )
    pas(
        "répartir entre les régions (enveloppes créées)",
        lambda: fonds.repartir(
            enveloppe_nationale_id=nationale.pk,
            montants_par_region={"84": 10 * M, "32": 5 * M},
            date_effet=datetime.date(2020, 2, 1),
            motif="Répartition",
            auteur=equipe,
        ),
    )
    pas(
        "redéployer d'une région à l'autre",
        lambda: fonds.redeployer(
            dispositif=dispositif,
            annee=2020,
            region_source="32",
            region_cible="84",
            montant=M,
            date_effet=datetime.date(2020, 3, 1),
            motif="Redéploiement",
            auteur=equipe,
        ),
    )
    regionale = Enveloppe.objects.get(region_id="84", annee=2020)

    for numero in (1, 2):
        projet = pas(
            f"créer le projet {numero} (et son entreprise)",
            lambda: projets.creer_projet(auteur=prefecture, saisie=saisie_projet()),
        )
        pas(
            f"modifier le projet {numero}",
            lambda p=projet: projets.modifier_projet(
                projet_id=p.pk,
                auteur=prefecture,
                saisie=saisie_projet().avec(
                    porteur_siren=p.porteur.siren,
                    porteur_raison_sociale=p.porteur.raison_sociale,
                    porteur_taille=p.porteur.taille,
                ),
                version_attendue=p.version,
            ),
        )
        for vers in (Statut.DEPOSE, Statut.EN_INSTRUCTION):
            pas(
                f"projet {numero} : {vers}",
                lambda p=projet, v=vers: projets.changer_statut(
                    projet_id=p.pk, auteur=prefecture, vers=v
                ),
            )
        for auteur in (prefecture, conseil):
            pas(
                f"projet {numero} : avis",
                lambda p=projet, a=auteur: projets.donner_avis(
                    projet_id=p.pk, auteur=a, sens=SensAvis.FAVORABLE
                ),
            )
        etat[numero] = projet

    pas(
        "corriger l'entreprise du projet 1",
        lambda: entreprises.modifier_entreprise(
            auteur=equipe,
            entreprise_id=etat[1].porteur_id,
            raison_sociale="Nom corrigé (test)",
            taille="ETI",
        ),
    )
    simulation = pas(
        "créer une simulation",
        lambda: programmation.creer_simulation(
            auteur=prefecture, region="84", annee=2020, nom="Juin"
        ),
    )
    ligne = simulation.lignes.get(projet=etat[2])
    pas(
        "exclure une ligne de la simulation",
        lambda: programmation.modifier_ligne(
            ligne_id=ligne.pk, auteur=prefecture, version_attendue=ligne.version, incluse=False
        ),
    )
    simulation.refresh_from_db()
    pas(
        "appliquer la simulation (engagement du projet 1)",
        lambda: programmation.appliquer(
            simulation_id=simulation.pk, auteur=prefecture, version_attendue=simulation.version
        ),
    )
    engagement = Engagement.objects.get(projet=etat[1])
    pas(
        "engager le projet 2",
        lambda: fonds.engager(
            projet_id=etat[2].pk,
            enveloppe_id=regionale.pk,
            montant=Decimal("100000.00"),
            date_engagement=datetime.date(2020, 10, 1),
            auteur=prefecture,
        ),
    )
    pas(
        "verser au projet 1",
        lambda: fonds.verser(
            engagement_id=engagement.pk,
            montant=Decimal("50000.00"),
            date_versement=engagement.date_engagement + datetime.timedelta(days=30),
            reference="Mandat 1",
            auteur=prefecture,
        ),
    )
    pas(
        "abandonner le projet 1 (crédits non versés rendus)",
        lambda: fonds.abandonner_projet(
            projet_id=etat[1].pk, auteur=prefecture, commentaire="Projet abandonné."
        ),
    )

    assert manquantes == [], "\n".join(manquantes)
    # Le relevé a bien vu des écritures de chaque modèle d'argent et de décision.
    vus = set(Trace.objects.values_list("modele", flat=True))
    assert {m._meta.label for m in MODELES_SUIVIS} - {"comptes.Profil"} <= vus
