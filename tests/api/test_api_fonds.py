import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from fonds import services
from fonds.models import (
    Engagement,
    Enveloppe,
    Mouvement,
    StatutEngagement,
    TypeMouvement,
    Versement,
)
from projets.models import Projet, Statut
from tests.comptes.factories import REGIONS_VUES, client_api
from tests.fonds.factories import (
    DispositifFactory,
    engager,
    enveloppe_nationale,
    fonds_2020,
    fonds_acceleration,
    projet_preselectionne,
    verser,
)
from tests.projets.factories import projet_au_statut
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84

pytestmark = pytest.mark.django_db

M = Decimal("1000000")


@pytest.fixture
def fa(db):
    return fonds_acceleration()


@pytest.fixture
def fonds(comptes, fa):
    """150 M€ en 2020 (10 M€ pour la région 84, 5 M€ pour la 32) et 250 M€ en 2021."""
    admin = comptes["admin-national"]
    nationale, regionales = fonds_2020(auteur=admin, dispositif=fa)
    nationale_2021 = enveloppe_nationale(auteur=admin, dispositif=fa, annee=2021, montant=250 * M)
    return SimpleNamespace(
        fa=fa,
        nationale=nationale,
        nationale_2021=nationale_2021,
        r84=regionales["84"],
        r32=regionales["32"],
    )


# Les projets des tests des crédits : 50 M€ d'investissement, 20 M€ d'aide sollicitée.
GRAND_PROJET = {"montant_investissement": 50 * M, "aide_sollicitee": 20 * M}


def _preselectionne(comptes, region="84"):
    return projet_preselectionne(
        prefecture=comptes[f"prefecture-{region}"],
        conseil=comptes[f"region-{region}"],
        territoire=TERRITOIRE_84 if region == "84" else TERRITOIRE_32,
        **GRAND_PROJET,
    )


@pytest.fixture
def projet_84(comptes):
    return _preselectionne(comptes, "84")


@pytest.fixture
def projet_32(comptes):
    return _preselectionne(comptes, "32")


def _engager(client, projet, enveloppe, montant):
    return client.post(
        "/api/v1/engagements/",
        {"projet": projet.pk, "enveloppe": enveloppe.pk, "montant": montant},
        format="json",
    )


@pytest.fixture
def engagements(comptes, fonds, projet_84, projet_32):
    """Un engagement de 1 M€ dans chaque région, enregistré par sa préfecture."""
    e84 = _engager(client_api("prefecture-84"), projet_84, fonds.r84, "1000000.00")
    e32 = _engager(client_api("prefecture-32"), projet_32, fonds.r32, "1000000.00")
    assert e84.status_code == e32.status_code == 201, (e84.json(), e32.json())
    return SimpleNamespace(e84=e84.json(), e32=e32.json())


# --- Dispositifs ---------------------------------------------------------------


def test_dispositifs_montant_total_des_enveloppes_nationales(comptes, fonds):
    DispositifFactory(code="transition-collective", nom="Transition collective", ordre=2)
    client = client_api("ministere")
    resultats = client.get("/api/v1/dispositifs/").json()["results"]
    assert [d["code"] for d in resultats] == ["fonds-acceleration", "transition-collective"]
    fonds_acc = resultats[0]
    # 150 M€ (2020) + 250 M€ (2021) : les enveloppes régionales ne s'ajoutent pas.
    assert fonds_acc["montant_total"] == "400000000.00"
    assert fonds_acc["montant_annonce"] == "400000000.00"
    assert fonds_acc["finance_projets"] is True
    assert resultats[1]["montant_total"] == "0.00"
    detail = client.get("/api/v1/dispositifs/fonds-acceleration/").json()
    assert detail["nom"].startswith("Fonds d'accélération")
    assert detail["montant_total"] == "400000000.00"
    assert client.get("/api/v1/dispositifs/inconnu/").status_code == 404


# --- Enveloppes ----------------------------------------------------------------


def test_enveloppes_champs(comptes, fonds):
    resultats = client_api("region-32").get("/api/v1/enveloppes/").json()["results"]
    assert [(e["annee"], e["region"]) for e in resultats] == [
        (2020, None),
        (2020, "32"),
        (2020, "84"),
        (2021, None),
    ]
    r84 = next(e for e in resultats if e["region"] == "84")
    assert r84 == {
        "id": fonds.r84.pk,
        "dispositif": "fonds-acceleration",
        "annee": 2020,
        "region": "84",
        "montant": "10000000.00",
        "montant_engage": "0.00",
        "montant_verse": "0.00",
        "montant_disponible": "10000000.00",
        "updated_at": r84["updated_at"],
    }


@pytest.mark.parametrize(
    ("filtres", "attendu"),
    [
        ({"niveau": "national"}, [(2020, None), (2021, None)]),
        ({"niveau": "region"}, [(2020, "32"), (2020, "84")]),
        ({"region": "84"}, [(2020, "84")]),
        ({"annee": 2021}, [(2021, None)]),
        ({"dispositif": "fonds-acceleration", "annee": 2020, "niveau": "region"}, None),
        ({"dispositif": "transition-collective"}, []),
    ],
)
def test_enveloppes_filtres(comptes, fonds, filtres, attendu):
    if attendu is None:
        attendu = [(2020, "32"), (2020, "84")]
    resultats = client_api("ministere").get("/api/v1/enveloppes/", filtres).json()["results"]
    assert [(e["annee"], e["region"]) for e in resultats] == attendu


def test_enveloppes_filtre_invalide_400_en_francais(comptes, fonds):
    reponse = client_api("ministere").get("/api/v1/enveloppes/", {"niveau": "departement"})
    assert reponse.status_code == 400
    corps = reponse.json()
    assert corps["code"] == "invalide" and "niveau" in corps["erreurs"]
    assert client_api("ministere").get("/api/v1/enveloppes/", {"annee": "abc"}).status_code == 400


@pytest.mark.parametrize(
    "nom", ["prefecture-84", "region-84", "prefecture-32", "region-32", "ministere"]
)
def test_enveloppes_lisibles_par_tous_les_roles(comptes, fonds, nom):
    client = client_api(nom)
    assert client.get("/api/v1/enveloppes/").json()["count"] == 4
    assert client.get(f"/api/v1/enveloppes/{fonds.r84.pk}/").json()["montant"] == "10000000.00"


def test_enveloppe_introuvable_404(comptes, fonds):
    assert client_api("ministere").get("/api/v1/enveloppes/999999/").status_code == 404


def test_mouvements_d_une_enveloppe(comptes, fonds):
    client = client_api("prefecture-84")
    nationale = client.get(f"/api/v1/enveloppes/{fonds.nationale.pk}/mouvements/").json()
    assert nationale["count"] == 1
    dotation = nationale["results"][0]
    assert dotation["type"] == "dotation"
    assert dotation["montant"] == "150000000.00"
    assert dotation["date_effet"] == "2020-01-01"
    assert dotation["motif"] == "Loi de finances initiale 2020"
    assert dotation["auteur"] == "admin-national"
    assert dotation["operation"] is None
    assert set(dotation) == {
        "id",
        "enveloppe",
        "type",
        "montant",
        "date_effet",
        "motif",
        "auteur",
        "operation",
        "created_at",
    }
    regionale = client.get(f"/api/v1/enveloppes/{fonds.r84.pk}/mouvements/").json()["results"]
    assert [(m["type"], m["montant"]) for m in regionale] == [("repartition", "10000000.00")]
    assert regionale[0]["operation"]
    assert client.get("/api/v1/enveloppes/999999/mouvements/").status_code == 404


def _mouvement(client, enveloppe, type_="abondement", montant="5000000.00", motif="LFR 2021"):
    return client.post(
        f"/api/v1/enveloppes/{enveloppe.pk}/mouvements/",
        {"type": type_, "montant": montant, "date_effet": "2021-06-01", "motif": motif},
        format="json",
    )


def test_mouvement_par_l_equipe_nationale_201(comptes, fonds):
    reponse = _mouvement(client_api("admin-national"), fonds.nationale_2021)
    assert reponse.status_code == 201, reponse.json()
    mouvement = reponse.json()
    assert mouvement["type"] == "abondement" and mouvement["montant"] == "5000000.00"
    assert mouvement["auteur"] == "admin-national"
    fonds.nationale_2021.refresh_from_db()
    assert fonds.nationale_2021.montant == 255 * M
    assert Mouvement.objects.filter(enveloppe=fonds.nationale_2021).count() == 2


@pytest.mark.parametrize("nom", ["prefecture-84", "region-84", "ministere"])
def test_mouvement_refuse_403_aux_autres_roles(comptes, fonds, nom):
    reponse = _mouvement(client_api(nom), fonds.nationale_2021)
    assert reponse.status_code == 403
    assert "équipe nationale" in reponse.json()["detail"]
    fonds.nationale_2021.refresh_from_db()
    assert fonds.nationale_2021.montant == 250 * M


def test_mouvement_refuse_par_le_service(comptes, fonds):
    admin = client_api("admin-national")
    # Le type d'une anticipation a sa propre opération : refusé à la saisie.
    assert _mouvement(admin, fonds.nationale, type_="anticipation").status_code == 400
    # Retirer plus que le disponible de la région : 409 avec les deux montants.
    reponse = _mouvement(admin, fonds.r84, type_="annulation", montant="12000000.00")
    assert reponse.status_code == 409
    corps = reponse.json()
    assert corps["code"] == "depassement_enveloppe"
    assert (corps["demande"], corps["disponible"]) == ("12000000.00", "10000000.00")
    # Une enveloppe régionale sans enveloppe nationale : refus du service, 400 en français.
    creee = admin.post(
        "/api/v1/enveloppes/",
        {"dispositif": "fonds-acceleration", "annee": 2022, "region": "84"},
        format="json",
    )
    assert creee.status_code == 201, creee.json()
    assert creee.json()["montant"] == "0.00"
    reponse = admin.post(
        f"/api/v1/enveloppes/{creee.json()['id']}/mouvements/",
        {"type": "dotation", "montant": "1000.00", "date_effet": "2022-01-01", "motif": "Test"},
        format="json",
    )
    assert reponse.status_code == 400
    assert "pas d'enveloppe nationale 2022" in reponse.json()["erreurs"]["non_field_errors"][0]
    assert Mouvement.objects.filter(enveloppe_id=creee.json()["id"]).count() == 0


def test_creation_d_enveloppe(comptes, fonds):
    corps = {"dispositif": "fonds-acceleration", "annee": 2022}
    reponse = client_api("admin-national").post("/api/v1/enveloppes/", corps, format="json")
    assert reponse.status_code == 201
    assert reponse.json()["region"] is None and reponse.json()["annee"] == 2022
    doublon = client_api("admin-national").post("/api/v1/enveloppes/", corps, format="json")
    assert doublon.status_code == 400
    assert "existe déjà" in doublon.json()["erreurs"]["non_field_errors"][0]
    inconnu = {"dispositif": "inconnu", "annee": 2022}
    reponse = client_api("admin-national").post("/api/v1/enveloppes/", inconnu, format="json")
    assert reponse.status_code == 400 and "dispositif" in reponse.json()["erreurs"]
    corps = {"dispositif": "fonds-acceleration", "annee": 2023}
    assert client_api("prefecture-84").post("/api/v1/enveloppes/", corps).status_code == 403
    assert not Enveloppe.objects.filter(annee=2023).exists()


def test_anticipation_puis_repartition(comptes, fonds):
    """Le collectif 2020 : +100 M€ sur 2020 par anticipation des crédits 2021."""
    admin = client_api("admin-national")
    reponse = admin.post(
        "/api/v1/enveloppes/anticipation/",
        {
            "dispositif": "fonds-acceleration",
            "annee_source": 2021,
            "annee_cible": 2020,
            "montant": "100000000.00",
            "date_effet": "2020-07-30",
            "motif": "Troisième loi de finances rectificative pour 2020",
        },
        format="json",
    )
    assert reponse.status_code == 201, reponse.json()
    sortie, entree = reponse.json()
    meme_annee = {
        "dispositif": "fonds-acceleration",
        "annee_source": 2021,
        "annee_cible": 2021,
        "montant": "1.00",
        "date_effet": "2020-07-30",
        "motif": "Erreur de saisie",
    }
    reponse = admin.post("/api/v1/enveloppes/anticipation/", meme_annee, format="json")
    assert reponse.status_code == 400
    assert "différentes" in reponse.json()["erreurs"]["annee_cible"][0]
    assert (sortie["montant"], entree["montant"]) == ("-100000000.00", "100000000.00")
    assert sortie["operation"] == entree["operation"]
    nationales = admin.get("/api/v1/enveloppes/", {"niveau": "national"}).json()["results"]
    assert [e["montant"] for e in nationales] == ["250000000.00", "150000000.00"]
    total = admin.get("/api/v1/dispositifs/fonds-acceleration/").json()["montant_total"]
    assert total == "400000000.00"

    url = f"/api/v1/enveloppes/{fonds.nationale.pk}/repartition/"
    corps = {"montants": {"84": "20000000.00"}, "date_effet": "2020-08-01", "motif": "Collectif"}
    reponse = admin.post(url, corps, format="json")
    assert reponse.status_code == 201, reponse.json()
    fonds.r84.refresh_from_db()
    assert fonds.r84.montant == 30 * M
    # 250 M€ - 35 M€ déjà répartis = 215 M€ : 300 M€ de plus est refusé, sans rien écrire.
    corps["montants"] = {"32": "300000000.00"}
    reponse = admin.post(url, corps, format="json")
    assert reponse.status_code == 409
    assert (reponse.json()["demande"], reponse.json()["disponible"]) == (
        "300000000.00",
        "215000000.00",
    )
    corps["montants"] = {"<script>": "1.00"}
    assert admin.post(url, corps, format="json").status_code == 400
    assert client_api("prefecture-84").post(url, corps, format="json").status_code == 403


def test_redeploiement_entre_regions(comptes, fonds):
    corps = {
        "dispositif": "fonds-acceleration",
        "annee": 2020,
        "region_source": "32",
        "region_cible": "84",
        "montant": "2000000.00",
        "date_effet": "2020-10-01",
        "motif": "Crédits non engagés",
    }
    reponse = client_api("admin-national").post(
        "/api/v1/enveloppes/redeploiement/", corps, format="json"
    )
    assert reponse.status_code == 201, reponse.json()
    fonds.r32.refresh_from_db()
    fonds.r84.refresh_from_db()
    assert (fonds.r32.montant, fonds.r84.montant) == (3 * M, 12 * M)
    # Une région vers elle-même, une région inconnue : 400, l'erreur sur la région d'arrivée.
    for cible in ("32", "99"):
        reponse = client_api("admin-national").post(
            "/api/v1/enveloppes/redeploiement/", {**corps, "region_cible": cible}, format="json"
        )
        assert reponse.status_code == 400
        assert list(reponse.json()["erreurs"]) == ["region_cible"]
    assert Mouvement.objects.filter(type="redeploiement").count() == 2


# --- Engagements ---------------------------------------------------------------


def test_engagement_201_et_projet_engage(comptes, fonds, projet_84):
    reponse = _engager(client_api("prefecture-84"), projet_84, fonds.r84, "1500000.00")
    assert reponse.status_code == 201, reponse.json()
    engagement = reponse.json()
    assert engagement["projet"] == projet_84.pk and engagement["enveloppe"] == fonds.r84.pk
    assert engagement["montant"] == "1500000.00"
    assert engagement["montant_verse"] == engagement["montant_libere"] == "0.00"
    assert engagement["statut"] == "engage"
    assert (engagement["dispositif"], engagement["annee"], engagement["region"]) == (
        "fonds-acceleration",
        2020,
        "84",
    )
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.ENGAGE
    fonds.r84.refresh_from_db()
    assert fonds.r84.montant_engage == Decimal("1500000.00")
    detail = client_api("region-84").get(f"/api/v1/engagements/{engagement['id']}/").json()
    assert detail == engagement


def test_depassement_409_avec_les_montants_et_rien_d_ecrit(comptes, fonds, projet_84):
    reponse = _engager(client_api("prefecture-84"), projet_84, fonds.r84, "12000000.00")
    assert reponse.status_code == 409
    corps = reponse.json()
    assert corps["code"] == "depassement_enveloppe"
    assert corps["demande"] == "12000000.00"
    assert corps["disponible"] == "10000000.00"
    assert "Crédits insuffisants" in corps["detail"]
    assert not Engagement.objects.exists()
    fonds.r84.refresh_from_db()
    assert fonds.r84.montant_engage == 0
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.PRESELECTIONNE


def test_engagement_hors_perimetre_404(comptes, fonds, projet_84):
    reponse = _engager(client_api("prefecture-32"), projet_84, fonds.r84, "1000.00")
    assert reponse.status_code == 404
    assert not Engagement.objects.exists()
    reponse = _engager(
        client_api("prefecture-84"), SimpleNamespace(pk=999999), fonds.r84, "1000.00"
    )
    assert reponse.status_code == 404


@pytest.mark.parametrize("nom", ["ministere", "region-84"])
def test_engagement_refuse_403_aux_roles_qui_n_engagent_pas(comptes, fonds, projet_84, nom):
    reponse = _engager(client_api(nom), projet_84, fonds.r84, "1000.00")
    assert reponse.status_code == 403
    assert not Engagement.objects.exists()


def test_engagement_autres_refus_400(comptes, fonds, projet_84):
    prefecture = client_api("prefecture-84")
    # L'enveloppe d'une autre région.
    reponse = _engager(prefecture, projet_84, fonds.r32, "1000.00")
    assert reponse.status_code == 400
    assert "région du projet" in reponse.json()["erreurs"]["enveloppe"][0]
    # Au-delà de l'aide sollicitée (20 M€) : refusé avant même le plafond de l'enveloppe.
    reponse = _engager(prefecture, projet_84, fonds.r84, "25000000.00")
    assert reponse.status_code == 400
    assert "aide sollicitée" in reponse.json()["erreurs"]["montant"][0]
    # Un projet seulement déposé ne reçoit pas de crédits.
    depose = projet_au_statut(Statut.DEPOSE, prefecture=comptes["prefecture-84"])
    reponse = _engager(prefecture, depose, fonds.r84, "1000.00")
    assert reponse.status_code == 400
    assert "présélectionné" in reponse.json()["erreurs"]["projet"][0]
    # Montant négatif, enveloppe inconnue.
    assert _engager(prefecture, projet_84, fonds.r84, "-5.00").status_code == 400
    reponse = _engager(prefecture, projet_84, SimpleNamespace(pk=999999), "1000.00")
    assert reponse.status_code == 400 and "enveloppe" in reponse.json()["erreurs"]
    assert not Engagement.objects.exists()


@pytest.mark.parametrize(("nom", "regions"), REGIONS_VUES)
def test_perimetre_des_engagements(comptes, engagements, nom, regions):
    client = client_api(nom)
    resultats = client.get("/api/v1/engagements/").json()["results"]
    assert {e["region"] for e in resultats} == regions
    for engagement in (engagements.e84, engagements.e32):
        statut = client.get(f"/api/v1/engagements/{engagement['id']}/").status_code
        assert statut == (200 if engagement["region"] in regions else 404)


def test_filtres_des_engagements(comptes, fonds, engagements, projet_84):
    client = client_api("ministere")

    def ids(**filtres):
        return {e["id"] for e in client.get("/api/v1/engagements/", filtres).json()["results"]}

    e84, e32 = engagements.e84["id"], engagements.e32["id"]
    assert ids(projet=projet_84.pk) == {e84}
    assert ids(enveloppe=fonds.r32.pk) == {e32}
    assert ids(region="84") == {e84}
    assert ids(dispositif="fonds-acceleration") == {e84, e32}
    assert ids(dispositif="autre") == set()
    assert ids(annee=2020) == {e84, e32}
    assert ids(annee=2021) == set()
    assert ids(statut="engage") == {e84, e32}
    assert ids(statut="solde") == set()
    assert client.get("/api/v1/engagements/", {"statut": "perdu"}).status_code == 400


# --- Versements ----------------------------------------------------------------


def _verser(client, engagement_id, montant, date="2020-12-01"):
    return client.post(
        "/api/v1/versements/",
        {
            "engagement": engagement_id,
            "montant": montant,
            "date_versement": date,
            "reference": "X1",
        },
        format="json",
    )


def test_versements(comptes, fonds, engagements):
    prefecture = client_api("prefecture-84")
    e84 = engagements.e84["id"]
    date = datetime.date.today().isoformat()
    reponse = _verser(prefecture, e84, "400000.00", date)
    assert reponse.status_code == 201, reponse.json()
    versement = reponse.json()
    assert versement["engagement"] == e84 and versement["montant"] == "400000.00"
    assert versement["projet"] == engagements.e84["projet"]
    assert versement["reference"] == "X1"
    assert Engagement.objects.get(pk=e84).montant_verse == Decimal("400000.00")

    # Au-delà du reste à verser (600 000 €) : 409 avec les montants, rien d'écrit.
    reponse = _verser(prefecture, e84, "700000.00", date)
    assert reponse.status_code == 409
    corps = reponse.json()
    assert corps["code"] == "depassement_engagement"
    assert (corps["demande"], corps["disponible"]) == ("700000.00", "600000.00")
    assert Versement.objects.count() == 1

    # Avant la date de l'engagement : 400 ; autre région : 404 ; ministère : 403.
    assert _verser(prefecture, e84, "1.00", "2019-01-01").status_code == 400
    assert _verser(client_api("prefecture-32"), e84, "1.00", date).status_code == 404
    assert _verser(client_api("ministere"), e84, "1.00", date).status_code == 403

    # Le solde : l'engagement est soldé et ne reçoit plus rien.
    assert _verser(prefecture, e84, "600000.00", date).status_code == 201
    assert Engagement.objects.get(pk=e84).statut == StatutEngagement.SOLDE
    reponse = _verser(prefecture, e84, "1.00", date)
    assert reponse.status_code == 400 and "engagement" in reponse.json()["erreurs"]

    assert client_api("region-84").get("/api/v1/versements/").json()["count"] == 2
    assert client_api("region-32").get("/api/v1/versements/").json()["count"] == 0
    liste = client_api("ministere").get("/api/v1/versements/", {"projet": versement["projet"]})
    assert liste.json()["count"] == 2
    assert client_api("ministere").get("/api/v1/versements/", {"region": "32"}).json()["count"] == 0


# --- Valeurs hors limites ------------------------------------------------------

ENORME = "7153968669619645644275712"


@pytest.mark.parametrize(
    ("url", "filtre"),
    [
        ("/api/v1/engagements/", "projet"),
        ("/api/v1/engagements/", "enveloppe"),
        ("/api/v1/engagements/", "annee"),
        ("/api/v1/versements/", "engagement"),
        ("/api/v1/versements/", "projet"),
        ("/api/v1/enveloppes/", "annee"),
        ("/api/v1/totaux/", "annee"),
    ],
)
@pytest.mark.parametrize("signe", ["", "-"])
def test_filtre_entier_hors_limites_400(comptes, url, filtre, signe):
    """Un entier de plus de 64 bits : 400, pas une erreur de la base (SQLite)."""
    reponse = client_api("ministere").get(url, {filtre: signe + ENORME})
    assert reponse.status_code == 400
    assert filtre in reponse.json()["erreurs"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/engagements/{}/",
        "/api/v1/versements/{}/",
        "/api/v1/enveloppes/{}/",
        "/api/v1/enveloppes/{}/mouvements/",
    ],
)
def test_identifiant_hors_limites_404(comptes, url):
    assert client_api("ministere").get(url.format(ENORME)).status_code == 404


def test_identifiant_hors_limites_dans_une_saisie_400(comptes, fonds):
    corps = {"projet": ENORME, "enveloppe": fonds.r84.pk, "montant": "1.00"}
    reponse = client_api("prefecture-84").post("/api/v1/engagements/", corps, format="json")
    assert reponse.status_code == 400 and "projet" in reponse.json()["erreurs"]


# --- Nombre de requêtes des listes, à deux tailles -----------------------------


@pytest.fixture
def volume(comptes, fonds, engagements):
    """Multiplie les lignes de chaque liste (dispositifs, enveloppes, mouvements…), par les
    services, comme les agents les écriraient."""

    def multiplier(copies):
        admin, prefecture = comptes["admin-national"], comptes["prefecture-84"]
        engagement = Engagement.objects.select_related("projet").get(pk=engagements.e84["id"])
        for i in range(copies):
            dispositif = DispositifFactory(code=f"dispositif-volume-{i}", ordre=10 + i)
            services.creer_enveloppe(dispositif=dispositif, annee=2020, auteur=admin)
            services.ajouter_mouvement(
                enveloppe_id=fonds.nationale.pk,
                type=TypeMouvement.ABONDEMENT,
                montant=Decimal("1.00"),
                date_effet=datetime.date(2020, 3, 1),
                motif=f"Abondement {i}",
                auteur=admin,
            )
            engager(engagement.projet, fonds.r84, Decimal("1.00"), auteur=prefecture)
        for _ in range(copies + 1):  # au moins un versement : sinon, pas de page à lire
            verser(engagement, Decimal("1.00"), auteur=prefecture)

    return multiplier


@pytest.mark.parametrize("copies", [0, 30])
@pytest.mark.parametrize(
    ("url", "filtres"),
    [
        ("/api/v1/dispositifs/", {}),
        ("/api/v1/enveloppes/", {"annee": 2020}),
        ("/api/v1/engagements/", {"region": "84", "statut": "engage"}),
        ("/api/v1/versements/", {"region": "84", "dispositif": "fonds-acceleration"}),
    ],
)
def test_requetes_des_listes_constantes(
    comptes, volume, django_assert_num_queries, copies, url, filtres
):
    volume(copies)
    client = client_api("prefecture-84")
    # 1. jeton et utilisateur  2. profil (portée)  3. nombre  4. page (avec ses jointures :
    # dispositif de l'enveloppe, enveloppe et dispositif de l'engagement, engagement du
    # versement ; pour les dispositifs, la somme des enveloppes nationales en agrégat)
    with django_assert_num_queries(4):
        reponse = client.get(url, {**filtres, "page_size": 500})
    assert reponse.status_code == 200
    assert reponse.json()["count"] == len(reponse.json()["results"]) >= copies + 1


@pytest.mark.parametrize("copies", [0, 30])
def test_requetes_des_mouvements_constantes(
    comptes, fonds, volume, django_assert_num_queries, copies
):
    volume(copies)
    client = client_api("region-32")
    # 1. jeton et utilisateur  2. profil (portée)  3. enveloppe  4. nombre
    # 5. page de mouvements avec leur auteur
    with django_assert_num_queries(5):
        reponse = client.get(f"/api/v1/enveloppes/{fonds.nationale.pk}/mouvements/")
    assert reponse.json()["count"] == copies + 1


def test_schema_openapi_des_credits():
    from drf_spectacular.generators import SchemaGenerator

    chemins = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def parametres(chemin):
        return {p["name"] for p in chemins[chemin]["get"]["parameters"]}

    assert {"dispositif", "annee", "region", "niveau"} <= parametres("/api/v1/enveloppes/")
    assert {"projet", "enveloppe", "region", "dispositif", "annee", "statut"} <= parametres(
        "/api/v1/engagements/"
    )
    assert {"niveau", "code", "dispositif", "annee"} <= parametres("/api/v1/totaux/")
    assert "/api/v1/dispositifs/{code}/" in chemins
    assert set(chemins["/api/v1/enveloppes/{id}/mouvements/"]) >= {"get", "post"}
    for chemin in ["/api/v1/engagements/", "/api/v1/versements/"]:
        reponses = chemins[chemin]["post"]["responses"]
        assert {"201", "400", "401", "403", "404", "409"} <= set(reponses)
        conflit = reponses["409"]["content"]["application/json"]["schema"]["$ref"]
        assert conflit.endswith("/Depassement")
