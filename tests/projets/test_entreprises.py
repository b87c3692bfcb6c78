"""Les entreprises porteuses : une préfecture ne renomme ni ne redimensionne l'entreprise
d'une autre région en créant un projet ; chaque changement d'une entreprise est tracé."""

import pytest
from rest_framework.test import APIClient

from comptes.models import Action, Trace
from projets import entreprises
from projets.models import Entreprise, Projet, Statut
from socle.erreurs import Refus
from tests.api.test_api_projets import _corps_creation
from tests.projets.factories import (
    formulaire_projet,
    modifier,
    projet_des_comptes,
    saisie_projet,
)
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db

SIREN = "732829320"


def _entreprise_de_la_region_84(comptes) -> Entreprise:
    projet = projet_des_comptes(
        Statut.DEPOSE,
        comptes,
        porteur_siren=SIREN,
        porteur_raison_sociale="Décolletage de l'Arve (test)",
        porteur_taille="ETI",
    )
    return projet.porteur


def _traces(entreprise, action=Action.MODIFICATION):
    return Trace.objects.filter(
        modele="projets.Entreprise", objet_id=str(entreprise.pk), action=action
    )


def test_une_prefecture_ne_change_pas_l_entreprise_d_une_autre_region_par_la_page(client, comptes):
    entreprise = _entreprise_de_la_region_84(comptes)
    client.force_login(comptes["prefecture-32"])
    saisie = saisie_projet(
        TERRITOIRE_32, porteur_siren=SIREN, porteur_raison_sociale="Renommée", porteur_taille="PME"
    )
    reponse = client.post("/projets/nouveau/", formulaire_projet(saisie), follow=True)

    texte = reponse.content.decode()
    assert "Brouillon enregistré" in texte
    assert f"Le SIREN {SIREN} est celui de « Décolletage de l&#x27;Arve (test) »" in texte
    entreprise.refresh_from_db()
    assert (entreprise.raison_sociale, entreprise.taille) == ("Décolletage de l'Arve (test)", "ETI")
    nouveau = Projet.objects.get(region_id="32")
    assert nouveau.porteur_id == entreprise.pk
    assert not _traces(entreprise).exists()
    # La région 84 voit toujours son porteur sous son nom.
    client.force_login(comptes["prefecture-84"])
    projet_84 = Projet.objects.get(region_id="84")
    assert (
        "Décolletage de l&#x27;Arve (test)"
        in client.get(f"/projets/{projet_84.pk}/").content.decode()
    )


def test_une_prefecture_ne_change_pas_l_entreprise_d_une_autre_region_par_l_api(comptes):
    entreprise = _entreprise_de_la_region_84(comptes)
    api = APIClient()
    api.force_authenticate(comptes["prefecture-32"])
    corps = _corps_creation(
        territoire=TERRITOIRE_32,
        commune="60134",
        porteur={"siren": SIREN, "raison_sociale": "Renommée", "taille": "GE"},
    )
    reponse = api.post("/api/v1/projets/", corps, format="json")

    assert reponse.status_code == 201, reponse.json()
    assert reponse.json()["porteur"]["raison_sociale"] == "Décolletage de l'Arve (test)"
    assert "porte aussi des projets hors de votre périmètre" in reponse.json()["avertissements"][0]
    entreprise.refresh_from_db()
    assert (entreprise.raison_sociale, entreprise.taille) == ("Décolletage de l'Arve (test)", "ETI")
    assert not _traces(entreprise).exists()


def test_la_prefecture_qui_voit_tous_les_projets_corrige_l_entreprise_et_c_est_trace(comptes):
    entreprise = _entreprise_de_la_region_84(comptes)
    projet = Projet.objects.get(porteur=entreprise)
    modifier(projet, comptes["prefecture-84"], porteur_raison_sociale="Arve Décolletage (test)")

    entreprise.refresh_from_db()
    assert entreprise.raison_sociale == "Arve Décolletage (test)"
    trace = _traces(entreprise).get()
    assert trace.auteur == comptes["prefecture-84"]
    assert trace.changements == {
        "raison_sociale": ["Décolletage de l'Arve (test)", "Arve Décolletage (test)"]
    }


def test_la_creation_d_une_entreprise_est_tracee(comptes):
    entreprise = _entreprise_de_la_region_84(comptes)
    trace = _traces(entreprise, Action.CREATION).get()
    assert trace.changements == {
        "siren": [None, SIREN],
        "raison_sociale": [None, "Décolletage de l'Arve (test)"],
        "taille": [None, "ETI"],
    }
    assert trace.region == "84"


def test_le_service_refuse_la_prefecture_d_une_autre_region(comptes):
    entreprise = _entreprise_de_la_region_84(comptes)
    with pytest.raises(Refus, match="hors de votre périmètre"):
        entreprises.modifier_entreprise(
            auteur=comptes["prefecture-32"],
            entreprise_id=entreprise.pk,
            raison_sociale="Renommée",
            taille="PME",
        )
    with pytest.raises(Refus, match="Seules les préfectures"):
        entreprises.modifier_entreprise(
            auteur=comptes["region-84"],
            entreprise_id=entreprise.pk,
            raison_sociale="Renommée",
            taille="PME",
        )
    entreprise.refresh_from_db()
    assert entreprise.raison_sociale == "Décolletage de l'Arve (test)"


def test_l_equipe_nationale_modifie_une_entreprise_dans_l_administration(client, comptes):
    entreprise = _entreprise_de_la_region_84(comptes)
    equipe = comptes["admin-national"]
    equipe.is_staff = True
    equipe.is_superuser = True
    equipe.save()
    client.force_login(equipe)
    reponse = client.post(
        f"/admin/projets/entreprise/{entreprise.pk}/change/",
        {"raison_sociale": "Décolletage de l'Arve SAS (test)", "taille": "GE"},
    )
    assert reponse.status_code == 302
    entreprise.refresh_from_db()
    assert (entreprise.raison_sociale, entreprise.taille) == (
        "Décolletage de l'Arve SAS (test)",
        "GE",
    )
    assert _traces(entreprise).get().changements == {
        "raison_sociale": ["Décolletage de l'Arve (test)", "Décolletage de l'Arve SAS (test)"],
        "taille": ["ETI", "GE"],
    }
