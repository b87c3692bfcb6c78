"""Les pages des simulations : l'enveloppe, une simulation et ses lignes, la comparaison,
l'export, l'application ; des requêtes en nombre constant."""

import html
import io
from decimal import Decimal

import pytest
from django.utils.html import escape
from openpyxl import load_workbook

from fonds.models import Engagement
from programmation.models import Simulation
from projets.models import Statut
from tests.programmation.factories import AIDE, M, candidats, enveloppes, ligne_de, simulation

pytestmark = pytest.mark.django_db

K = Decimal("1000")
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def _texte(reponse) -> str:
    """Le texte de la page, entités HTML lues, espaces fines et insécables ramenées à l'espace."""
    return html.unescape(reponse.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def _connecte(client, comptes, nom):
    client.force_login(comptes[nom])
    return client


def _ligne(sim, ligne, **valeurs):
    """Le formulaire d'une ligne, tel que la page l'envoie."""
    donnees = {"montant": "400 000,00", "incluse": "on", "version": ligne.version, **valeurs}
    return {
        f"ligne-{ligne.pk}-{cle}": valeur for cle, valeur in donnees.items() if valeur is not None
    }


def test_creer_une_simulation_depuis_la_page_de_l_enveloppe(client, comptes):
    enveloppes(comptes, region_84=M)
    candidats(comptes, 2)
    client = _connecte(client, comptes, "prefecture-84")

    page = _texte(client.get("/programmation/"))
    assert "Enveloppe 2020 de la région Auvergne-Rhône-Alpes" in page
    assert "800 000 €" in page  # les demandes des deux candidats présélectionnés

    reponse = client.post(
        "/programmation/?region=84&annee=2020",
        {"region": "84", "annee": "2020", "dispositif": "fonds-acceleration", "nom": "Juin"},
    )
    sim = Simulation.objects.get()
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/programmation/{sim.pk}/"
    page = _texte(client.get(reponse["Location"]))
    assert "Simulation « Juin »" in page
    assert "2 projets inclus sur 2" in page
    assert "200 000 €" in page  # reste après la simulation


def test_un_nom_deja_pris_revient_au_formulaire_avec_la_saisie(client, comptes):
    enveloppes(comptes)
    simulation(comptes, nom="Juin")
    client = _connecte(client, comptes, "region-84")
    reponse = client.post(
        "/programmation/",
        {"region": "84", "annee": "2020", "dispositif": "fonds-acceleration", "nom": "juin"},
    )
    assert reponse.status_code == 200
    page = _texte(reponse)
    assert "Une simulation de cette enveloppe s'appelle déjà « juin »" in page
    assert 'value="juin"' in page
    assert Simulation.objects.count() == 1


def test_modifier_une_ligne_sans_script_revient_a_la_page(client, comptes):
    enveloppes(comptes, region_84=M)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    ligne = ligne_de(sim, projet)
    client = _connecte(client, comptes, "region-84")

    reponse = client.post(
        f"/programmation/{sim.pk}/lignes/{ligne.pk}/", _ligne(sim, ligne, montant="250 000")
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == f"/programmation/{sim.pk}/#ligne-{ligne.pk}"
    ligne.refresh_from_db()
    assert (ligne.montant, ligne.incluse, ligne.version) == (250 * K, True, 2)
    page = _texte(client.get(reponse["Location"]))
    assert f"Ligne « {escape(projet.intitule)} » enregistrée." in page
    assert 'value="250 000,00"' in page
    assert "10 %" in page  # 250 000 € pour 2,5 M€ d'investissement


def test_modifier_une_ligne_par_le_script_rend_la_ligne_et_les_totaux(client, comptes):
    enveloppes(comptes, region_84=M)
    a, b = candidats(comptes, 2)
    sim = simulation(comptes)
    ligne = ligne_de(sim, a)
    client = _connecte(client, comptes, "prefecture-84")

    reponse = client.post(
        f"/programmation/{sim.pk}/lignes/{ligne.pk}/", _ligne(sim, ligne, incluse=None), **FETCH
    )

    assert reponse.status_code == 200
    donnees = reponse.json()
    assert donnees["ok"] is True
    assert f'id="ligne-{ligne.pk}"' in donnees["ligne"]
    assert "checked" not in donnees["ligne"]
    totaux = donnees["totaux"].replace("\u202f", " ").replace("\u00a0", " ")
    assert "1 projet inclus sur 2" in totaux
    assert "600 000 €" in totaux  # reste : 1 M€ − 400 000 €


def test_une_saisie_refusee_reste_dans_son_champ_avec_son_erreur(client, comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    ligne = ligne_de(sim, projet)
    client = _connecte(client, comptes, "region-84")

    sans_script = client.post(
        f"/programmation/{sim.pk}/lignes/{ligne.pk}/", _ligne(sim, ligne, montant="450 000")
    )
    par_script = client.post(
        f"/programmation/{sim.pk}/lignes/{ligne.pk}/", _ligne(sim, ligne, montant="-5"), **FETCH
    )

    assert sans_script.status_code == 200
    page = _texte(sans_script)
    assert 'value="450 000"' in page
    assert "dépasse l'aide sollicitée par le porteur (400 000,00 €)" in page
    assert f'aria-describedby="ligne-{ligne.pk}-erreurs"' in page
    assert par_script.status_code == 400
    assert 'value="-5"' in par_script.json()["ligne"]
    assert "ne peut pas être négatif" in par_script.json()["ligne"]
    ligne.refresh_from_db()
    assert (ligne.montant, ligne.version) == (AIDE, 1)


def test_le_second_agent_voit_la_valeur_du_premier(client, comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    ligne = ligne_de(sim, projet)
    formulaire_de_la_region = _ligne(sim, ligne, montant="350 000")
    _connecte(client, comptes, "prefecture-84").post(
        f"/programmation/{sim.pk}/lignes/{ligne.pk}/", _ligne(sim, ligne, montant="300 000")
    )

    client = _connecte(client, comptes, "region-84")
    reponse = client.post(
        f"/programmation/{sim.pk}/lignes/{ligne.pk}/", formulaire_de_la_region, **FETCH
    )

    assert reponse.status_code == 400
    rendu = reponse.json()["ligne"].replace("\u202f", " ").replace("\u00a0", " ")
    assert "modifiée par prefecture-84" in rendu
    assert 'value="300 000,00"' in rendu  # la nouvelle valeur, pas la saisie périmée
    assert f'name="ligne-{ligne.pk}-version" value="2"' in rendu
    ligne.refresh_from_db()
    assert ligne.montant == 300 * K


def test_dupliquer_comparer_et_exporter(client, comptes):
    enveloppes(comptes, region_84=M)
    a, b = candidats(comptes, 2)
    sim = simulation(comptes)
    client = _connecte(client, comptes, "region-84")

    reponse = client.post(f"/programmation/{sim.pk}/dupliquer/", {"nom": "Variante Région"})
    copie = Simulation.objects.get(nom="Variante Région")
    assert reponse["Location"] == f"/programmation/{copie.pk}/"
    ligne = ligne_de(copie, b)
    client.post(
        f"/programmation/{copie.pk}/lignes/{ligne.pk}/", _ligne(copie, ligne, montant="100 000")
    )

    page = _texte(client.get(f"/programmation/comparer/?a={sim.pk}&b={copie.pk}"))
    assert "« Proposition État »" in page and "« Variante Région »" in page
    assert "-300 000 €" in page  # l'écart sur le projet b
    assert "800 000 € (2)" in page and "500 000 € (2)" in page

    export = client.get(f"/programmation/{copie.pk}/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    feuille = load_workbook(io.BytesIO(export.content)).worksheets[0]
    lignes = list(feuille.iter_rows(values_only=True))
    titres = lignes[0]
    par_projet = {ligne[0]: dict(zip(titres, ligne, strict=True)) for ligne in lignes[1:]}
    assert par_projet[b.pk]["Montant proposé"] == 100000
    assert par_projet[b.pk]["Taux d'aide"] == pytest.approx(0.04)
    assert par_projet[a.pk]["Incluse"] == "Oui"


def test_appliquer_depuis_la_page(client, comptes):
    regionales = enveloppes(comptes, region_84=M)
    candidats(comptes, 2)
    sim = simulation(comptes)
    client = _connecte(client, comptes, "prefecture-84")
    page = _texte(client.get(f"/programmation/{sim.pk}/"))
    assert "Appliquer : engager 800 000 €" in page

    reponse = client.post(f"/programmation/{sim.pk}/appliquer/", {"version": 1}, follow=True)

    page = _texte(reponse)
    assert "Simulation appliquée : 2 engagements pour 800 000 €." in page
    assert "Appliquée le" in page
    assert (
        "Appliquer : engager" not in page and f"ligne-{sim.lignes.first().pk}-montant" not in page
    )
    regionales["84"].refresh_from_db()
    assert regionales["84"].montant_engage == 800 * K


def test_un_depassement_est_refuse_avec_les_montants(client, comptes):
    enveloppes(comptes, region_84=M)
    candidats(comptes, 3)
    sim = simulation(comptes)
    client = _connecte(client, comptes, "prefecture-84")
    assert "La simulation dépasse le disponible de 200 000 €" in _texte(
        client.get(f"/programmation/{sim.pk}/")
    )

    page = _texte(client.post(f"/programmation/{sim.pk}/appliquer/", {"version": 1}, follow=True))

    assert "Simulation non appliquée, rien n'a été engagé. Crédits insuffisants" in page
    assert "Montant demandé : 1 200 000,00 € ; disponible : 1 000 000,00 €." in page
    assert not Engagement.objects.exists()


def test_la_region_ne_voit_pas_le_bouton_appliquer(client, comptes):
    enveloppes(comptes)
    candidats(comptes, 1)
    sim = simulation(comptes)
    page = _texte(_connecte(client, comptes, "region-84").get(f"/programmation/{sim.pk}/"))
    assert "Appliquer : engager" not in page
    assert "Créer la copie" in page


# --- Nombre de requêtes ----------------------------------------------------------------------


@pytest.mark.parametrize("nombre", [2, 30])
def test_requetes_de_la_page_et_des_modifications_constantes(
    client, comptes, django_assert_num_queries, nombre
):
    enveloppes(comptes, region_84=50 * M)
    projets = candidats(comptes, nombre // 2) + candidats(
        comptes, nombre - nombre // 2, Statut.EN_INSTRUCTION
    )
    sim = simulation(comptes)
    client = _connecte(client, comptes, "region-84")
    # 1. session  2. utilisateur  3. profil  4. simulation (enveloppe, dispositif, région,
    # auteurs)  5. lignes (projets, porteurs, territoires, déjà engagé)  6. totaux
    # 7. nouveaux candidats  8. autres simulations de l'enveloppe
    with django_assert_num_queries(8):
        reponse = client.get(f"/programmation/{sim.pk}/")
    assert reponse.content.decode().count('data-ligne="') == nombre

    ligne = ligne_de(sim, projets[0])
    # 1-3. session, utilisateur, profil  4. simulation  5. ligne affichée  6. début de la
    # transaction du service (point de sauvegarde)  7. simulation de la ligne  8. verrou de la
    # simulation  9. ligne (et déjà engagé)  10. ligne écrite  11. simulation écrite
    # 12. trace  13. fin de la transaction  14. simulation relue  15. ligne relue  16. totaux
    with django_assert_num_queries(16):
        reponse = client.post(
            f"/programmation/{sim.pk}/lignes/{ligne.pk}/",
            _ligne(sim, ligne, montant="1 000"),
            **FETCH,
        )
    assert reponse.json()["ok"]


@pytest.mark.parametrize("nombre", [1, 12])
def test_requetes_de_la_page_de_l_enveloppe_constantes(
    client, comptes, django_assert_num_queries, nombre
):
    enveloppes(comptes)
    candidats(comptes, 1)
    for i in range(nombre):
        simulation(comptes, nom=f"Variante {i}")
    client = _connecte(client, comptes, "prefecture-84")
    # 1-3. session, utilisateur, profil  4. dispositifs  5. années des enveloppes
    # 6. année par défaut  7. enveloppe  8. simulations (avec leurs totaux)
    # 9. demandes des candidats
    with django_assert_num_queries(9):
        reponse = client.get("/programmation/")
    assert reponse.content.decode().count("/programmation/") >= nombre
