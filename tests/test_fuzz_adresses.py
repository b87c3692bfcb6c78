"""Paramètres d'adresse générés sur les listes et tableaux de bord, identifiants inconnus,
caractère nul, corps démesurés, jeton CSRF absent (banc d'essai : `tests/fuzz.py`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from projets.models import Enjeu, Statut, Taille
from tests import fuzz
from tests.projets.factories import ligne_import

pytestmark = fuzz.MARQUES


# --- Listes et tableaux de bord : paramètres d'adresse générés ---------------------------------

PARAMETRES_COMMUNS = {
    "page": st.sampled_from(["1", "2", "-1", "0", "abc", "9" * 30, "1e309", "1.5", "last"]),
    "format": st.sampled_from(["csv", "xlsx", "pdf", "CSV", "", "json"]),
    "tri": st.sampled_from(
        ["intitule", "-investissement", "nom", "-population", "code", "zzz", "-", "--nom"]
    ),
}


@st.composite
def adresse(draw, chemin: str, plausibles: dict):
    """Le chemin et une chaîne de requête : filtres plausibles ou hostiles, clés doublées."""
    tous = {**PARAMETRES_COMMUNS, **plausibles}
    noms = draw(st.lists(st.sampled_from([*sorted(tous), "inconnu"]), max_size=5))
    paires = [
        (
            nom,
            draw(
                st.one_of(tous.get(nom, fuzz.hostile), fuzz.hostile)
                if nom in tous
                else fuzz.hostile
            ),
        )
        for nom in noms
    ]
    return f"{chemin}?{fuzz._corps(paires)}" if paires else chemin, paires


def _listes(banc) -> list:
    """(compte, chemin, filtres plausibles) des pages qui lisent des paramètres d'adresse."""
    regions = st.sampled_from(["84", "32", "11", "XX", "2A"])
    annees = st.sampled_from(["2020", "2021", "1999", "0", "-2020"])
    projets = {
        "q": st.sampled_from(["usinage", "732829320", "²", "٣", "Vallée", "%", "_"]),
        "region": regions,
        "departement": st.sampled_from(["74", "2A", "60", "999"]),
        "territoire": st.sampled_from([banc.t84.pk, banc.t32.pk, "0000"]),
        "epci": st.sampled_from(["200033116", "²" * 9, "1" * 20]),
        "statut": st.sampled_from(Statut.values),
        "enjeu": st.sampled_from(Enjeu.values),
        "taille": st.sampled_from(Taille.values),
        "annee": annees,
    }
    tableau = {
        "dispositif": st.sampled_from(["fonds-acceleration", "inconnu", ""]),
        "annee": annees,
        "carte": st.sampled_from(["investissement", "montant_engage", "inconnue"]),
        "table": st.sampled_from(["regions", "territoires", "indicateurs", "engagements", "x"]),
    }
    return [
        ("pref84", "/projets/", projets),
        ("ministere", "/projets/", projets),
        ("reg84", "/projets/preselection/", {}),
        (None, "/territoires/", {**projets, "type_epci": st.sampled_from(["CC", "CA", "XX"])}),
        ("pref84", "/fonds/", {"annee": annees, "region": regions}),
        ("admin", "/pilotage/", tableau),
        ("pref84", "/pilotage/", tableau),
        ("pref84", "/pilotage/regions/84/", tableau),
        ("ministere", "/pilotage/indicateurs/", {"table": tableau["table"]}),
        ("admin", "/pilotage/indicateurs/saisir/", {"indicateur": st.sampled_from(["", "x"])}),
        (
            "admin",
            "/comptes/journal/",
            {
                "modele": st.sampled_from(["projets.Projet", "fonds.Engagement", "x" * 100]),
                "objet": st.sampled_from(["1", str(banc.a_engager.pk), "-1", "abc"]),
                "action": st.sampled_from(["creation", "modification", "suppression", "x"]),
            },
        ),
        ("pref84", "/comptes/journal/", {"objet": st.sampled_from(["1", "2"])}),
        (
            "pref84",
            "/fonds/engagements/nouveau/",
            {"projet": st.sampled_from([str(banc.a_engager.pk), str(banc.a_engager_32.pk), "²"])},
        ),
    ]


TYPES_EXPORT = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def test_listes_et_tableaux_de_bord_avec_des_parametres_generes(banc):
    """Un filtre invalide est ignoré et signalé en français ; une lecture n'écrit rien."""
    clients = {
        nom: fuzz._connecte(getattr(banc, nom)) for nom in ("pref84", "reg84", "ministere", "admin")
    }
    clients[None] = Client()
    pages = _listes(banc)
    vues = []

    @fuzz.reglages(120)
    @given(
        page=st.sampled_from(pages).flatmap(lambda p: st.tuples(st.just(p[0]), adresse(p[1], p[2])))
    )
    def lire(page):
        compte, (url, paires) = page
        client = clients[compte]
        client.cookies.pop("messages", None)
        avant = fuzz._etat()
        reponse = client.get(url)
        assert reponse.status_code < 500, url
        assert fuzz._etat() == avant, f"{url} a écrit en base"
        vues.append(reponse.status_code)
        if reponse.status_code == 404:
            assert "Page introuvable" in reponse.content.decode()
        elif reponse.status_code == 400:
            # Seul motif d'un 400 sur une lecture : un caractère nul dans l'adresse.
            assert "%00" in url and "caractère nul" in reponse.content.decode(), url
        elif reponse.status_code == 200:
            if reponse["Content-Type"].startswith(TYPES_EXPORT):
                return
            assert reponse["Content-Type"].startswith("text/html"), reponse["Content-Type"]
            soumis = fuzz._valeurs_texte(paires)
            for erreur in fuzz._erreurs(reponse):
                assert fuzz._en_francais(erreur, soumis), (url, erreur)
        else:
            assert reponse.status_code == 302, (url, reponse.status_code)

    lire()
    assert 200 in vues


# --- Identifiants inconnus ou mal formés dans l'adresse : 404 ---------------------------------


def _adresses_introuvables(banc) -> list[tuple[str | None, str]]:
    return [
        ("pref84", "/projets/abc/"),
        ("pref84", "/projets/0/"),
        ("pref84", "/projets/999999999/"),
        ("pref84", "/projets/99999999999999999999999/"),
        ("pref84", "/projets/-1/"),
        ("pref84", "/projets/1.0/"),
        ("pref84", "/projets/999999999/modifier/"),
        ("pref84", "/projets/%C2%B2/"),
        ("admin", "/fonds/enveloppes/0/"),
        ("admin", "/fonds/enveloppes/abc/"),
        ("admin", "/fonds/enveloppes/99999999999999999999999/"),
        ("pref84", "/fonds/engagements/0/versement/"),
        ("pref84", f"/fonds/engagements/{banc.engagement_32.pk}/versement/"),
        ("pref84", "/fonds/engagements/nouveau/"),
        ("pref84", "/fonds/engagements/nouveau/?projet=abc"),
        ("pref84", "/fonds/engagements/nouveau/?projet=%C2%B2"),
        ("pref84", "/fonds/engagements/nouveau/?projet=-1"),
        ("pref84", "/fonds/engagements/nouveau/?projet=99999999999999999999999"),
        (None, "/territoires/XXXX/"),
        (None, "/territoires/0000/"),
        (None, "/intercommunalites/123/"),
        (None, "/intercommunalites/abc/"),
        ("admin", "/pilotage/regions/XX/"),
        ("admin", "/pilotage/regions/00/"),
        ("admin", "/pilotage/regions/%C2%B2/"),
        ("pref84", "/pilotage/regions/32/"),
        ("admin", "/pilotage/?format=csv&table=inconnu"),
    ]


def test_identifiants_inconnus_ou_mal_formes_404(banc):
    clients = {
        "pref84": fuzz._connecte(banc.pref84),
        "admin": fuzz._connecte(banc.admin),
        None: Client(),
    }
    for compte, url in _adresses_introuvables(banc):
        reponse = clients[compte].get(url)
        assert reponse.status_code == 404, (url, reponse.status_code)
        assert "Page introuvable" in reponse.content.decode(), url


@pytest.mark.parametrize(
    ("compte", "url"),
    [
        (None, "/territoires/%00/"),
        (None, "/intercommunalites/%00/"),
        ("admin", "/comptes/journal/?objet=%00"),
        ("pref84", "/fonds/engagements/nouveau/?projet=%00"),
        ("admin", "/pilotage/regions/%00/"),
        ("admin", "/projets/?q=a%00b"),
        ("admin", "/api/v1/territoires/?q=%00"),
    ],
)
def test_caractere_nul_dans_l_adresse(banc, compte, url):
    """PostgreSQL refuse le caractère nul : l'adresse est refusée avant d'atteindre la base."""
    client = fuzz._connecte(banc.admin) if compte else Client()
    reponse = client.get(url)
    assert reponse.status_code == 400
    if url.startswith("/api/"):
        assert reponse.json()["code"] == "requete_invalide"
    else:
        assert "caractère nul" in reponse.content.decode()


# --- Corps démesurés, trop de champs, fichier trop gros, jeton CSRF absent --------------------


def test_corps_de_requete_demesure_refuse_en_francais(banc, settings):
    """Au-delà de DATA_UPLOAD_MAX_MEMORY_SIZE, Django refuse de lire le formulaire : 400."""
    client = fuzz._connecte(banc.pref84)
    paires = [("intitule", "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))]
    avant = fuzz._etat()
    reponse = fuzz._poster(client, "/projets/nouveau/", paires)
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Requête invalide" in page and "Bad Request" not in page
    assert fuzz._etat() == avant


def test_trop_de_champs_refuse_en_francais(banc, settings):
    client = fuzz._connecte(banc.pref84)
    paires = [(f"champ{rang}", "1") for rang in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)]
    avant = fuzz._etat()
    reponse = fuzz._poster(client, f"/projets/{banc.instruction[0].pk}/avis/", paires)
    assert reponse.status_code == 400
    assert "Requête invalide" in reponse.content.decode()
    assert fuzz._etat() == avant


def test_fichier_trop_gros_refuse_par_la_page_d_import(banc):
    """Le fichier réellement envoyé (et non un seuil abaissé) : 413 et la raison en français."""
    from projets.importation import TAILLE_MAX

    client = fuzz._connecte(banc.pref84)
    contenu = fuzz._csv([ligne_import()], ";", "utf-8")
    contenu += b"\r\n" * ((TAILLE_MAX + 1 - len(contenu)) // 2 + 1)
    avant = fuzz._etat()
    reponse = client.post(
        "/projets/importer/",
        {"fichier": SimpleUploadedFile("projets.csv", contenu), "action": "importer"},
    )
    assert reponse.status_code == 413
    assert "Le fichier dépasse la taille maximale de 20 Mo" in reponse.content.decode()
    assert fuzz._etat() == avant


def test_formulaire_sans_jeton_csrf_refuse(banc):
    client = Client(enforce_csrf_checks=True)
    client.force_login(banc.pref84)
    avant = fuzz._etat()
    reponse = client.post(
        f"/projets/{banc.instruction[0].pk}/avis/", {"sens": "favorable", "commentaire": "ok"}
    )
    assert reponse.status_code == 403
    page = reponse.content.decode()
    assert "Formulaire expiré" in page and "Forbidden" not in page
    # La page d'erreur est celle du portail, avec l'agent connecté dans l'en-tête.
    assert 'action="/comptes/deconnexion/"' in page
    assert fuzz._etat() == avant
