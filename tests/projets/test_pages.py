import re

import pytest
from django.utils.html import escape

from pilotage.moteur import recalculer_tout
from projets.models import Avis, Projet, Statut
from tests.projets.factories import formulaire_projet, projet_des_comptes, saisie_projet
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84

pytestmark = pytest.mark.django_db

AUTRES = ["prefecture-32", "region-32"]


def _connecte(client, comptes, nom):
    client.force_login(comptes[nom])
    return client


def _projets(statut, comptes, nombre):
    """`nombre` projets de plus, menés par les services (pour mesurer à deux tailles)."""
    for _ in range(nombre):
        projet_des_comptes(statut, comptes)


# --- Matrice des permissions : 4 rôles × même région / autre région ---------------------------

VOIR = {
    "prefecture-84": 200,
    "region-84": 200,
    "ministere": 200,
    "admin-national": 200,
    "prefecture-32": 404,
    "region-32": 404,
}


@pytest.mark.parametrize(("nom", "attendu"), VOIR.items())
def test_voir_un_projet_depose(client, comptes, nom, attendu):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    reponse = _connecte(client, comptes, nom).get(f"/projets/{projet.pk}/")
    assert reponse.status_code == attendu
    if attendu == 200:
        assert escape(projet.intitule) in reponse.content.decode()


@pytest.mark.parametrize(
    ("nom", "attendu"),
    {**VOIR, "region-84": 404, "ministere": 404}.items(),
)
def test_un_brouillon_reste_a_la_prefecture(client, comptes, nom, attendu):
    projet = projet_des_comptes(Statut.BROUILLON, comptes)
    assert _connecte(client, comptes, nom).get(f"/projets/{projet.pk}/").status_code == attendu


def test_anonyme_renvoye_vers_la_connexion(client, comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    for url in [
        "/projets/",
        f"/projets/{projet.pk}/",
        "/projets/nouveau/",
        "/projets/preselection/",
    ]:
        reponse = client.get(url)
        assert reponse.status_code == 302
        assert reponse["Location"].startswith("/comptes/connexion/")


@pytest.mark.parametrize(
    ("nom", "attendu"),
    {
        "prefecture-84": 200,
        "admin-national": 200,
        "region-84": 403,
        "ministere": 403,
        "prefecture-32": 404,
        "region-32": 404,
    }.items(),
)
def test_ouvrir_le_formulaire_de_modification(client, comptes, nom, attendu):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    assert (
        _connecte(client, comptes, nom).get(f"/projets/{projet.pk}/modifier/").status_code
        == attendu
    )


@pytest.mark.parametrize(
    ("nom", "attendu"),
    {
        "prefecture-84": 200,
        "prefecture-32": 200,
        "admin-national": 200,
        "region-84": 403,
        "region-32": 403,
        "ministere": 403,
    }.items(),
)
def test_ouvrir_le_formulaire_de_creation(client, comptes, nom, attendu):
    assert _connecte(client, comptes, nom).get("/projets/nouveau/").status_code == attendu


@pytest.mark.parametrize(
    ("nom", "change"),
    {
        "prefecture-84": True,
        "admin-national": True,
        "region-84": False,
        "ministere": False,
    }.items(),
)
def test_mettre_en_instruction(client, comptes, nom, change):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    reponse = _connecte(client, comptes, nom).post(
        f"/projets/{projet.pk}/transition/", {"vers": "en_instruction"}, follow=True
    )
    projet.refresh_from_db()
    assert (projet.statut == Statut.EN_INSTRUCTION) is change
    texte = reponse.content.decode()
    if not change:
        assert "Votre rôle ne permet pas ce changement de statut." in texte


@pytest.mark.parametrize("nom", AUTRES)
@pytest.mark.parametrize("action", ["transition", "avis", "modifier"])
def test_une_autre_region_recoit_404_sur_les_actions(client, comptes, nom, action):
    """Le projet d'une autre région n'existe pas pour l'agent (404) ; un rôle qui ne change
    jamais de statut (conseil régional) est refusé avant même que le projet soit cherché."""
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    donnees = {"vers": "abandonne", "commentaire": "x", "sens": "favorable"}
    reponse = _connecte(client, comptes, nom).post(f"/projets/{projet.pk}/{action}/", donnees)
    attendu = 403 if (action, nom.split("-")[0]) == ("transition", "region") else 404
    assert reponse.status_code == attendu
    projet.refresh_from_db()
    assert projet.statut == Statut.EN_INSTRUCTION
    assert not Avis.objects.filter(projet=projet).exists()


@pytest.mark.parametrize(
    ("nom", "champ"),
    {
        "prefecture-84": "avis_etat",
        "region-84": "avis_region",
        "ministere": None,
        "admin-national": None,
    }.items(),
)
def test_donner_un_avis_selon_le_role(client, comptes, nom, champ):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    reponse = _connecte(client, comptes, nom).post(
        f"/projets/{projet.pk}/avis/", {"sens": "favorable", "commentaire": ""}, follow=True
    )
    projet.refresh_from_db()
    if champ:
        assert getattr(projet, champ) == "favorable"
        assert "Avis enregistré" in reponse.content.decode()
    else:
        assert (projet.avis_etat, projet.avis_region) == ("", "")


def test_parcours_complet_prefecture_puis_region(client, comptes):
    """Le parcours de l'issue : créer, déposer, instruire, deux avis, présélection."""
    prefecture = _connecte(client, comptes, "prefecture-84")
    saisie = saisie_projet()
    formulaire = formulaire_projet(
        saisie,
        montant_investissement="2 500 000,00",
        aide_sollicitee="400000",
        action="deposer",
    )
    reponse = prefecture.post("/projets/nouveau/", formulaire)
    assert reponse.status_code == 302
    projet = Projet.objects.get(intitule=saisie.intitule)
    assert projet.statut == Statut.DEPOSE
    assert str(projet.montant_investissement) == "2500000.00"

    prefecture.post(f"/projets/{projet.pk}/transition/", {"vers": "en_instruction"})
    prefecture.post(f"/projets/{projet.pk}/avis/", {"sens": "favorable"})

    conseil = _connecte(client, comptes, "region-84")
    page = conseil.get("/projets/preselection/").content.decode()
    assert escape(saisie.intitule) in page
    conseil.post(f"/projets/{projet.pk}/avis/", {"sens": "favorable"})
    projet.refresh_from_db()
    assert projet.statut == Statut.PRESELECTIONNE

    for autre in AUTRES:
        assert _connecte(client, comptes, autre).get(f"/projets/{projet.pk}/").status_code == 404
    ministere = _connecte(client, comptes, "ministere")
    page = ministere.get(f"/projets/{projet.pk}/").content.decode()
    assert "Présélectionné" in page
    assert "Modifier" not in page and "Enregistrer l&#x27;avis" not in page

    historique = client.get(f"/projets/{projet.pk}/").content.decode()
    assert historique.count("Changement de statut") >= 3


# --- Formulaire : validation et saisie conservée ---------------------------------------------


def _formulaire(**surcharges):
    return formulaire_projet(**{"action": "brouillon", **surcharges})


@pytest.mark.parametrize(
    ("surcharges", "message"),
    [
        ({"porteur_siren": "732829321"}, "clé de contrôle de Luhn incorrecte"),
        ({"siret": "73282932000075"}, "n&#x27;est pas valide"),
        ({"siret": "99000000000002"}, "doit commencer par le SIREN"),
        ({"montant_investissement": "-5"}, "ne peut pas être négatif"),
        ({"montant_investissement": "99999999999"}, "dépasse 10 milliards"),
        ({"aide_sollicitee": "3000000"}, "dépasse l&#x27;investissement productif"),
        ({"commune": "59350"}, "n&#x27;appartient pas au territoire"),
        ({"commune": "00000"}, "Aucune commune n&#x27;a le code INSEE"),
        ({"date_fin": "2019-01-01"}, "précède le début des travaux"),
        ({"territoire": "9999"}, "Territoire d&#x27;industrie inconnu : code « 9999 »"),
        ({"annee": "1999"}, "comprise entre 2018 et 2030"),
    ],
)
def test_erreurs_de_saisie_en_francais_et_saisie_conservee(client, comptes, surcharges, message):
    prefecture = _connecte(client, comptes, "prefecture-84")
    formulaire = _formulaire(intitule="Projet à corriger", **surcharges)
    reponse = prefecture.post("/projets/nouveau/", formulaire)
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert message in texte
    assert 'value="Projet à corriger"' in texte
    assert "fr-error-text" in texte
    assert not Projet.objects.filter(intitule="Projet à corriger").exists()


def test_une_prefecture_ne_cree_pas_dans_une_autre_region(client, comptes):
    prefecture = _connecte(client, comptes, "prefecture-32")
    reponse = prefecture.post("/projets/nouveau/", _formulaire(intitule="Hors région"))
    assert reponse.status_code == 200
    assert "Vous ne pouvez saisir un projet que dans votre région." in reponse.content.decode()
    assert not Projet.objects.filter(intitule="Hors région").exists()


def test_projet_qui_ne_se_modifie_plus(client, comptes):
    """Le refus s'explique avant le formulaire ; à l'envoi, le service refuse, en erreur du
    formulaire, sans rien écrire."""
    projet = projet_des_comptes(Statut.PRESELECTIONNE, comptes)
    prefecture = _connecte(client, comptes, "prefecture-84")
    url = f"/projets/{projet.pk}/modifier/"
    reponse = prefecture.get(url, follow=True)
    assert reponse.redirect_chain == [(f"/projets/{projet.pk}/", 302)]
    assert "ne se modifie plus" in reponse.content.decode()
    reponse = prefecture.post(url, _formulaire(emplois_crees="99", version=str(projet.version)))
    assert reponse.status_code == 200
    assert reponse.context["form"].non_field_errors() == [
        "Un projet « présélectionné » ne se modifie plus ; seuls les brouillons, projets "
        "déposés ou en instruction le peuvent."
    ]
    projet.refresh_from_db()
    assert projet.emplois_crees != 99


def test_formulaire_perime_refuse_sans_ecraser(client, comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    prefecture = _connecte(client, comptes, "prefecture-84")
    version = projet.version
    prefecture.post(
        f"/projets/{projet.pk}/modifier/", _formulaire(emplois_crees="40", version=str(version))
    )
    reponse = prefecture.post(
        f"/projets/{projet.pk}/modifier/", _formulaire(emplois_crees="99", version=str(version))
    )
    assert "modifié par quelqu&#x27;un d&#x27;autre" in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.emplois_crees == 40


# --- Liste, filtres et présélection ------------------------------------------------------------


def _compte(reponse):
    trouve = re.search(r"<strong>([\d\u202f]+) projets?</strong>", reponse.content.decode())
    assert trouve
    return int(re.sub(r"\D", "", trouve.group(1)))


def test_liste_filtree_et_perimetre(client, comptes):
    projet_des_comptes(Statut.DEPOSE, comptes)
    projet_des_comptes(Statut.EN_INSTRUCTION, comptes, enjeu="recruter")
    projet_des_comptes(Statut.DEPOSE, comptes, TERRITOIRE_32)
    assert _compte(_connecte(client, comptes, "prefecture-84").get("/projets/")) == 2
    assert _compte(_connecte(client, comptes, "prefecture-32").get("/projets/")) == 1
    ministere = _connecte(client, comptes, "ministere")
    assert _compte(ministere.get("/projets/")) == 3
    assert _compte(ministere.get("/projets/", {"region": "84", "enjeu": "recruter"})) == 1
    assert _compte(ministere.get("/projets/", {"statut": "depose"})) == 2
    assert _compte(ministere.get("/projets/", {"territoire": "3201"})) == 1
    assert _compte(ministere.get("/projets/", {"q": "Décolletage"})) == 3
    reponse = ministere.get("/projets/", {"statut": "inconnu", "annee": "abc"})
    assert _compte(reponse) == 3
    assert "Filtre « Statut » ignoré" in reponse.content.decode()


@pytest.mark.parametrize("copies", [0, 80])
def test_requetes_de_la_liste_constantes(client, comptes, django_assert_num_queries, copies):
    _projets(Statut.DEPOSE, comptes, copies + 1)
    client = _connecte(client, comptes, "prefecture-84")
    # 1. session  2. utilisateur  3. profil (portée)
    # 4. validation du filtre « Territoire »  5. nombre de résultats  6. page de projets
    # 7-8. options des filtres Département, Territoire (pas de liste des régions pour un
    # agent régional). La recherche sans accents ne coûte aucune requête de plus.
    with django_assert_num_queries(8):
        reponse = client.get("/projets/", {"territoire": "8414", "enjeu": "innover"})
    assert _compte(reponse) == copies + 1
    with django_assert_num_queries(8):
        reponse = client.get(
            "/projets/", {"territoire": "8414", "enjeu": "innover", "q": "DECOLLETAGE"}
        )
    assert _compte(reponse) == copies + 1


@pytest.mark.parametrize(
    ("nom", "listes", "brouillons"),
    [("prefecture-84", 2, 0), ("region-84", 1, 1), ("ministere", 2, 2)],
)
def test_la_liste_signale_les_brouillons_qu_elle_ne_montre_pas(
    client, comptes, nom, listes, brouillons
):
    """Les tableaux de bord comptent tous les projets ; la liste dit ce qui lui manque."""
    for territoire in (TERRITOIRE_84, TERRITOIRE_32):
        projet_des_comptes(Statut.BROUILLON, comptes, territoire=territoire)
        projet_des_comptes(Statut.DEPOSE, comptes, territoire=territoire)
    # Le nombre de brouillons vient des totaux, comme sur les tableaux de bord.
    recalculer_tout()
    reponse = _connecte(client, comptes, nom).get("/projets/")
    assert _compte(reponse) == listes
    texte = reponse.content.decode()
    if brouillons:
        pluriel = "s" if brouillons > 1 else ""
        assert f"(et {brouillons} brouillon{pluriel} en préparation dans les préfectures" in texte
    else:
        assert "en préparation dans les préfectures" not in texte
    # Avec un filtre, le nombre de brouillons ne correspondrait plus : il n'est pas donné.
    assert "en préparation" not in client.get("/projets/", {"statut": "depose"}).content.decode()


@pytest.mark.parametrize("copies", [0, 60])
def test_requetes_de_la_preselection_constantes(client, comptes, django_assert_num_queries, copies):
    _projets(Statut.EN_INSTRUCTION, comptes, copies + 1)
    client = _connecte(client, comptes, "region-84")
    # 1. session  2. utilisateur  3. profil  4. année par défaut (la plus récente)
    # 5. projets en instruction  6. totaux de la sélection  7. enveloppe de la région
    # (bandeau)  8. demandes de la sélection (bandeau)  9. région du profil (titre)
    # 10. territoires de la région (filtre)  11. dernières décisions
    with django_assert_num_queries(11):
        reponse = client.get("/projets/preselection/")
    assert reponse.content.decode().count('name="projets"') == copies + 1


def test_preselection_totaux_et_avis_en_lot(client, comptes):
    a = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    b = projet_des_comptes(Statut.EN_INSTRUCTION, comptes, emplois_crees=5)
    projet_des_comptes(Statut.EN_INSTRUCTION, comptes, TERRITOIRE_32)
    conseil = _connecte(client, comptes, "region-84")
    texte = conseil.get("/projets/preselection/").content.decode()
    assert "5\u00a0000\u00a0000\u00a0€".replace("\u00a0", "\u202f", 2) in texte  # 2 × 2,5 M€
    assert ">30 · 220<" in texte  # emplois créés · maintenus
    reponse = conseil.post(
        "/projets/preselection/", {"projets": [a.pk, b.pk], "sens": "favorable"}, follow=True
    )
    assert "2 avis enregistrés" in reponse.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.avis_region == b.avis_region == "favorable"
    assert a.statut == Statut.EN_INSTRUCTION  # l'État ne s'est pas encore prononcé


def test_avis_en_lot_defavorable_sans_motif_refuse(client, comptes):
    a = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    conseil = _connecte(client, comptes, "region-84")
    reponse = conseil.post("/projets/preselection/", {"projets": [a.pk], "sens": "defavorable"})
    texte = reponse.content.decode()
    assert "Un avis défavorable doit être motivé : indiquez la raison." in texte
    a.refresh_from_db()
    assert a.avis_region == ""


@pytest.mark.parametrize(
    ("nom", "visible"),
    [
        ("prefecture-84", True),
        ("region-84", True),
        ("ministere", True),
        ("admin-national", True),
        ("prefecture-32", False),
        ("region-32", False),
    ],
)
def test_export_limite_au_perimetre(client, comptes, nom, visible):
    projet = projet_des_comptes(Statut.DEPOSE, comptes, intitule="Projet exporté de la Vallée")
    reponse = _connecte(client, comptes, nom).get("/projets/", {"format": "csv"})
    assert reponse.status_code == 200
    texte = b"".join(reponse.streaming_content).decode("utf-8-sig")
    assert texte.splitlines()[0].startswith("N°")
    assert (projet.intitule in texte) is visible


# --- Saisies hostiles trouvées par tests/test_fuzz_formulaires.py -----------------------------


@pytest.mark.parametrize(
    ("surcharges", "message"),
    [
        # « ² » passe str.isdigit() mais pas int() : une erreur 500 avant la correction.
        ({"porteur_siren": "²" * 9}, "Le SIREN doit comporter exactement 9 chiffres"),
        ({"siret": "²" * 14}, "Le SIRET doit comporter exactement 14 chiffres"),
        # Chiffres arabo-indiens : la clé de Luhn les acceptait, le SIREN était enregistré.
        ({"porteur_siren": "٠" * 9}, "Le SIREN doit comporter exactement 9 chiffres"),
    ],
)
def test_siren_et_siret_en_chiffres_non_latins_refuses(client, comptes, surcharges, message):
    prefecture = _connecte(client, comptes, "prefecture-84")
    reponse = prefecture.post("/projets/nouveau/", _formulaire(intitule="Chiffres", **surcharges))
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not Projet.objects.filter(intitule="Chiffres").exists()


def test_recherche_d_un_chiffre_non_latin(client, comptes):
    projet_des_comptes(Statut.DEPOSE, comptes, intitule="Usinage ²")
    reponse = _connecte(client, comptes, "prefecture-84").get("/projets/", {"q": "²"})
    assert reponse.status_code == 200
    assert "Usinage ²" in reponse.content.decode()


def test_transition_sans_statut_demande_le_dit(client, comptes):
    projet = projet_des_comptes(Statut.BROUILLON, comptes)
    prefecture = _connecte(client, comptes, "prefecture-84")
    reponse = prefecture.post(
        f"/projets/{projet.pk}/transition/", {"commentaire": "?"}, follow=True
    )
    assert "Statut inchangé : Ce champ est obligatoire." in reponse.content.decode()
    projet.refresh_from_db()
    assert projet.statut == Statut.BROUILLON
