"""Qui reçoit quoi : les faits du programme deviennent des notifications pour ceux qui voient
le projet, jamais pour un agent d'une autre région, jamais deux fois."""

import pytest
from django.db import transaction

from echanges import distribution
from echanges.models import Notification
from projets import services
from projets.models import SensAvis, Statut
from socle import evenements
from socle.models import Evenement
from tests.comptes.factories import agent
from tests.projets.factories import creer_projet, projet_des_comptes

pytestmark = pytest.mark.django_db


def _recus(genre: str) -> list[str]:
    return sorted(
        Notification.objects.filter(genre=genre).values_list("destinataire__username", flat=True)
    )


def test_un_depot_previent_les_prefectures_de_la_region_et_elles_seules(comptes):
    autre_prefecture_84 = agent("prefecture-84-bis")
    departementale = agent(
        "prefecture-73", departement="73"
    )  # Savoie : ne voit pas la Haute-Savoie
    projet = creer_projet(comptes["prefecture-84"])
    services.changer_statut(
        projet_id=projet.pk, auteur=comptes["prefecture-84"], vers=Statut.DEPOSE
    )
    distribution.distribuer()
    assert _recus("projet_depose") == [autre_prefecture_84.username]
    assert departementale.notifications.count() == 0


def test_l_avis_de_l_etat_previent_la_region_et_celui_de_la_region_l_etat(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(
        projet_id=projet.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
    )
    services.donner_avis(projet_id=projet.pk, auteur=comptes["region-84"], sens=SensAvis.FAVORABLE)
    distribution.distribuer()
    avis = Notification.objects.filter(genre="avis_donne").order_by("pk")
    assert [(n.destinataire.username, n.titre) for n in avis] == [
        ("region-84", f"Avis favorable de l'État : {projet.intitule}"),
        ("prefecture-84", f"Avis favorable de la Région : {projet.intitule}"),
    ]
    assert _recus("projet_preselectionne") == ["prefecture-84"]
    assert avis[0].lien == f"/projets/{projet.pk}/"
    comptes["region-84"].profil.refresh_from_db()
    assert comptes["region-84"].profil.notifications_non_lues == 1


def test_distribuer_deux_fois_ne_notifie_pas_deux_fois(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(
        projet_id=projet.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
    )
    distribution.distribuer()
    Evenement.objects.update(distribue_le=None)  # une tâche rejouée après une panne
    distribution.distribuer()
    assert _recus("avis_donne") == ["region-84"]


def test_un_fait_d_une_region_ne_va_jamais_a_une_autre(comptes):
    with transaction.atomic():
        evenements.publier(
            "simulation_appliquee",
            acteur=comptes["prefecture-32"],
            region="32",
            nom="S",
            nb_engagements=2,
        )
    distribution.distribuer()
    assert _recus("simulation_appliquee") == ["region-32"]


def test_un_brouillon_n_est_jamais_notifie_au_conseil_regional(comptes):
    projet = creer_projet(comptes["prefecture-84"])
    evenements.publier(
        "document_ajoute",
        acteur=comptes["prefecture-84"],
        projet_id=projet.pk,
        region="84",
        document_id=1,
        nom="devis.pdf",
        type="devis",
    )
    distribution.distribuer()
    assert _recus("document_ajoute") == []


def test_un_genre_inconnu_est_ignore_et_marque_distribue(comptes):
    evenements.publier("genre_a_venir", projet_id=None, region="84")
    assert distribution.distribuer() == 0
    assert not evenements.a_distribuer().exists()


def test_les_genres_des_documents_sont_notifies(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    evenements.publier(
        "convention_signee",
        acteur=comptes["prefecture-84"],
        projet_id=projet.pk,
        region="84",
        document_id=7,
        nom="convention.pdf",
        type="convention",
    )
    distribution.distribuer()
    [notification] = Notification.objects.filter(genre="convention_signee")
    assert notification.destinataire == comptes["region-84"]
    assert notification.titre == f"Convention signée déposée (convention.pdf) : {projet.intitule}"


def test_la_fin_d_un_travail_de_fond_previent_son_auteur(comptes):
    from socle import travaux
    from socle.models import EtatTravail, Travail

    travail = Travail.objects.create(
        genre="export_projets",
        libelle="Export",
        auteur=comptes["region-84"],
        etat=EtatTravail.EN_COURS,
    )
    travaux.terminer(travail, resultat={})
    distribution.distribuer()
    [notification] = Notification.objects.filter(genre="travail_termine")
    assert notification.destinataire == comptes["region-84"]
    assert notification.lien == f"/travaux/{travail.pk}/"
    assert notification.titre == "Travail de fond terminé : Export"
