"""Les faits publiés par les services : écrits avec l'écriture, annulés avec elle."""

import pytest
from django.db import transaction

from socle import evenements
from socle.models import Evenement
from tests.comptes.factories import agent

pytestmark = pytest.mark.django_db(transaction=True)


def test_un_fait_publie_est_inscrit_avec_ses_donnees(referentiel, monkeypatch):
    # Sans la distribution (`echanges`, éprouvée à part), le fait reste à distribuer.
    monkeypatch.setattr(evenements, "envoyer_tache", lambda: None)
    auteur = agent("prefecture-84")
    with transaction.atomic():
        evenements.publier(
            "projet_depose", acteur=auteur, projet_id=12, region="84", intitule="Atelier"
        )
    [fait] = evenements.a_distribuer()
    assert (fait.genre, fait.acteur, fait.projet_id, fait.region) == (
        "projet_depose",
        auteur,
        12,
        "84",
    )
    assert fait.donnees == {"intitule": "Atelier"}
    assert fait.distribue_le is None


def test_un_fait_disparait_avec_l_ecriture_annulee():
    with pytest.raises(RuntimeError), transaction.atomic():
        evenements.publier("avis_donne", projet_id=3, region="84")
        raise RuntimeError("l'écriture échoue")
    assert not Evenement.objects.exists()


def test_une_seule_distribution_demandee_par_transaction(monkeypatch):
    envois = []
    monkeypatch.setattr(evenements, "envoyer_tache", lambda: envois.append(1))
    with transaction.atomic():
        for projet_id in (1, 2, 3):
            evenements.publier("projet_depose", projet_id=projet_id)
    assert envois == [1]
    assert evenements.a_distribuer().count() == 3
