"""L'API des simulations : créer, lire, modifier une ligne, appliquer (201 ou 409)."""

from decimal import Decimal

import pytest

from fonds.models import Engagement
from programmation.models import LigneSimulation, Simulation
from projets.models import Projet, Statut
from tests.comptes.factories import client_api
from tests.programmation.factories import candidats, enveloppes, ligne_de, simulation
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db

M = Decimal("1000000")


def test_creer_lire_modifier_et_appliquer_une_simulation(comptes):
    regionales = enveloppes(comptes, region_84=M)
    a, b = candidats(comptes, 2)
    prefecture = client_api("prefecture-84")

    cree = prefecture.post(
        "/api/v1/simulations/", {"nom": "Juin", "region": "84", "annee": 2020}, format="json"
    )
    assert cree.status_code == 201, cree.content
    sim = cree.json()
    assert (sim["region"], sim["annee"], sim["dispositif"], sim["statut"]) == (
        "84",
        2020,
        "fonds-acceleration",
        "en_preparation",
    )
    assert sim["totaux"]["propose"] == "800000.00"
    assert sim["totaux"]["reste_apres"] == "200000.00"
    assert sim["totaux"]["effet_levier"] == "6.2"

    region = client_api("region-84")
    lignes = region.get(f"/api/v1/simulations/{sim['id']}/lignes/").json()
    assert lignes["count"] == 2
    ligne = next(lg for lg in lignes["results"] if lg["projet"] == b.pk)
    assert (ligne["montant"], ligne["incluse"], ligne["taux"], ligne["version"]) == (
        "400000.00",
        True,
        "0.1600",
        1,
    )
    modifiee = region.patch(
        f"/api/v1/simulations/{sim['id']}/lignes/{ligne['id']}/",
        {"montant": "250000.00", "version": 1},
        format="json",
    )
    assert modifiee.status_code == 200, modifiee.content
    assert (modifiee.json()["montant"], modifiee.json()["version"]) == ("250000.00", 2)

    relue = prefecture.get(f"/api/v1/simulations/{sim['id']}/").json()
    assert (relue["version"], relue["modifiee_par"]) == (2, "region-84")
    appliquee = prefecture.post(
        f"/api/v1/simulations/{sim['id']}/appliquer/", {"version": 2}, format="json"
    )
    assert appliquee.status_code == 201, appliquee.content
    assert sorted((e["projet"], e["montant"]) for e in appliquee.json()) == sorted(
        [(a.pk, "400000.00"), (b.pk, "250000.00")]
    )
    regionales["84"].refresh_from_db()
    assert regionales["84"].montant_engage == Decimal("650000")
    assert set(Projet.objects.filter(pk__in=[a.pk, b.pk]).values_list("statut", flat=True)) == {
        Statut.ENGAGE
    }
    assert prefecture.get(f"/api/v1/simulations/{sim['id']}/").json()["statut"] == "appliquee"


def test_un_depassement_repond_409_avec_les_deux_montants_et_rien_n_est_ecrit(comptes):
    enveloppes(comptes, region_84=M)
    candidats(comptes, 3)
    sim = simulation(comptes)

    reponse = client_api("prefecture-84").post(
        f"/api/v1/simulations/{sim.pk}/appliquer/", {"version": 1}, format="json"
    )

    assert reponse.status_code == 409
    corps = reponse.json()
    assert (corps["code"], corps["demande"], corps["disponible"]) == (
        "depassement_enveloppe",
        "1200000.00",
        "1000000.00",
    )
    assert not Engagement.objects.exists()
    assert not Simulation.objects.filter(appliquee_le__isnull=False).exists()


def test_une_ligne_qui_n_est_plus_engageable_repond_409_en_la_nommant(comptes):
    enveloppes(comptes, region_84=M)
    [en_instruction] = candidats(comptes, 1, Statut.EN_INSTRUCTION)
    sim = simulation(comptes)
    region = client_api("region-84")
    ligne = ligne_de(sim, en_instruction)
    region.patch(
        f"/api/v1/simulations/{sim.pk}/lignes/{ligne.pk}/",
        {"incluse": True, "version": 1},
        format="json",
    )
    reponse = client_api("prefecture-84").post(
        f"/api/v1/simulations/{sim.pk}/appliquer/", {"version": 2}, format="json"
    )
    assert reponse.status_code == 409
    assert reponse.json()["code"] == "lignes_non_engageables"
    assert f"(n° {en_instruction.pk}, 400" in reponse.json()["detail"]
    assert not Engagement.objects.exists()


def test_les_mauvaises_saisies_sont_refusees_en_francais(comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    [projet_32] = candidats(comptes, 1, territoire=TERRITOIRE_32)
    sim = simulation(comptes)
    ligne = ligne_de(sim, projet)
    admin = client_api("admin-national")
    url = f"/api/v1/simulations/{sim.pk}/lignes/{ligne.pk}/"

    negatif = admin.patch(url, {"montant": "-1.00", "version": 1}, format="json")
    assert negatif.status_code == 400
    assert negatif.json()["erreurs"] == {
        "montant": ["Le montant proposé ne peut pas être négatif."]
    }
    trop = admin.patch(url, {"montant": "400000.01", "version": 1}, format="json")
    assert "dépasse l'aide sollicitée" in trop.json()["erreurs"]["montant"][0]
    perimee = admin.patch(url, {"montant": "1.00", "version": 7}, format="json")
    assert (perimee.status_code, perimee.json()["code"]) == (409, "version_perimee")
    autre_region = admin.post(
        f"/api/v1/simulations/{sim.pk}/lignes/", {"projet": projet_32.pk}, format="json"
    )
    assert autre_region.status_code == 400
    assert "n'est pas un projet de la région" in autre_region.json()["erreurs"]["projet"][0]
    hors_perimetre = client_api("prefecture-32").post(
        "/api/v1/simulations/", {"nom": "84", "region": "84", "annee": 2020}, format="json"
    )
    assert hors_perimetre.status_code == 403
    assert hors_perimetre.json()["detail"] == "Vous ne programmez que l'enveloppe de votre région."
    assert client_api("prefecture-32").get(f"/api/v1/simulations/{sim.pk}/").status_code == 404
    ligne.refresh_from_db()
    assert (ligne.montant, ligne.version) == (Decimal("400000"), 1)
    assert LigneSimulation.objects.count() == 1


def test_la_region_n_applique_pas_et_le_ministere_ne_lit_pas(comptes):
    enveloppes(comptes)
    candidats(comptes, 1)
    sim = simulation(comptes)
    refus = client_api("region-84").post(
        f"/api/v1/simulations/{sim.pk}/appliquer/", {"version": 1}, format="json"
    )
    assert refus.status_code == 403
    assert "Seules la préfecture de région et l'équipe nationale" in refus.json()["detail"]
    assert client_api("ministere").get("/api/v1/simulations/").status_code == 403
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("nombre", [1, 8])
def test_requetes_de_la_liste_constantes(comptes, django_assert_num_queries, nombre):
    enveloppes(comptes)
    candidats(comptes, 2)
    for i in range(nombre):
        simulation(comptes, nom=f"Variante {i}")
    client = client_api("region-84")
    # 1. jeton et utilisateur  2. profil (portée)  3. nombre  4. page (enveloppe, dispositif,
    # auteurs)  5. totaux de toutes les simulations de la page
    with django_assert_num_queries(5):
        reponse = client.get("/api/v1/simulations/", {"region": "84", "annee": 2020})
    assert reponse.json()["count"] == nombre


@pytest.mark.parametrize("nombre", [1, 20])
def test_requetes_des_lignes_constantes(comptes, django_assert_num_queries, nombre):
    enveloppes(comptes)
    candidats(comptes, nombre)
    sim = simulation(comptes)
    client = client_api("prefecture-84")
    # 1. jeton et utilisateur  2. profil  3. simulation  4. nombre  5. lignes (projets,
    # déjà engagé, auteur de la dernière modification)
    with django_assert_num_queries(5):
        reponse = client.get(f"/api/v1/simulations/{sim.pk}/lignes/")
    assert reponse.json()["count"] == nombre


def test_schema_openapi_des_simulations():
    from drf_spectacular.generators import SchemaGenerator

    chemins = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert {"get", "post"} <= set(chemins["/api/v1/simulations/"])
    assert "patch" in chemins["/api/v1/simulations/{id}/lignes/{ligne_pk}/"]
    appliquer = chemins["/api/v1/simulations/{id}/appliquer/"]["post"]
    assert {"201", "403", "409"} <= set(appliquer["responses"])
    assert "demande" in str(appliquer["responses"]["409"])
