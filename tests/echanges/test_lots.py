"""Les actions en lot portent sur toute la sélection filtrée, tout ou rien, confirmées par
leur nombre ; au-delà du seuil, un travail de fond qui prévient son auteur à la fin."""

import html
import re

import pytest

from echanges import distribution, lots
from echanges.models import Notification
from projets.models import Projet, Statut
from socle.models import EtatTravail, Travail
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _deposes(comptes, nombre: int) -> list[Projet]:
    return [projet_des_comptes(Statut.DEPOSE, comptes, annee=2021) for _ in range(nombre)]


def test_mise_en_instruction_de_toute_la_selection_apres_confirmation(client, comptes):
    projets = _deposes(comptes, 3)
    autre = projet_des_comptes(Statut.DEPOSE, comptes, annee=2020)
    client.force_login(comptes["prefecture-84"])

    page = _texte(client.get("/projets/lot/?statut=depose&annee=2021"))
    assert "aux 3 projets de la sélection" in page
    reponse = client.post(
        "/projets/lot/",
        {
            "parametres": "statut=depose&annee=2021",
            "action": "transition:en_instruction",
            "confirme": "3",
        },
    )
    assert reponse.status_code == 302
    statuts = set(
        Projet.objects.filter(pk__in=[p.pk for p in projets]).values_list("statut", flat=True)
    )
    assert statuts == {Statut.EN_INSTRUCTION}
    autre.refresh_from_db()
    assert autre.statut == Statut.DEPOSE


def test_un_refus_et_rien_n_est_fait_avec_la_raison(client, comptes):
    deposes = _deposes(comptes, 2)
    brouillon = projet_des_comptes(Statut.BROUILLON, comptes, annee=2021)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        "/projets/lot/",
        {"parametres": "annee=2021", "action": "transition:en_instruction", "confirme": "3"},
    )
    texte = _texte(reponse)
    assert reponse.status_code == 200
    assert "Rien n'a été fait : 1 projet refusé" in texte
    assert (
        f"Projet n° {brouillon.pk} : Un projet « brouillon » ne peut pas passer à "
        "« en instruction »." in texte
    )
    assert set(
        Projet.objects.filter(pk__in=[p.pk for p in deposes]).values_list("statut", flat=True)
    ) == {Statut.DEPOSE}


def test_une_selection_changee_n_est_pas_appliquee(client, comptes):
    _deposes(comptes, 2)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        "/projets/lot/",
        {"parametres": "statut=depose", "action": "transition:en_instruction", "confirme": "5"},
        follow=True,
    )
    assert "La sélection compte maintenant 2 projets" in _texte(reponse)
    assert Projet.objects.filter(statut=Statut.EN_INSTRUCTION).count() == 0


def test_au_dela_du_seuil_un_travail_de_fond_et_une_notification(
    client, comptes, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(lots, "SEUIL_FOND", 2)
    projets = _deposes(comptes, 3)
    client.force_login(comptes["prefecture-84"])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            "/projets/lot/",
            {"parametres": "statut=depose", "action": "transition:en_instruction", "confirme": "3"},
        )
    travail = Travail.objects.get()
    assert reponse["Location"] == f"/travaux/{travail.pk}/"
    assert (travail.etat, travail.fait, travail.total) == (EtatTravail.TERMINE, 3, 3)
    assert (
        Projet.objects.filter(pk__in=[p.pk for p in projets], statut=Statut.EN_INSTRUCTION).count()
        == 3
    )
    distribution.distribuer()
    [fin] = Notification.objects.filter(genre="travail_termine")
    assert fin.destinataire == comptes["prefecture-84"]
    assert fin.titre == "Travail de fond terminé : Mettre en instruction : 3 projets"


def test_la_region_donne_le_meme_avis_a_toute_la_selection(client, comptes):
    projets = [projet_des_comptes(Statut.EN_INSTRUCTION, comptes) for _ in range(2)]
    client.force_login(comptes["region-84"])
    page = client.get("/projets/lot/?statut=en_instruction")
    assert "Mettre en instruction" not in _texte(page)  # ni statut pour la Région
    client.post(
        "/projets/lot/",
        {"parametres": "statut=en_instruction", "action": "avis:favorable", "confirme": "2"},
    )
    assert set(
        Projet.objects.filter(pk__in=[p.pk for p in projets]).values_list("avis_region", flat=True)
    ) == {"favorable"}
