"""Les notifications dans le portail : la cloche de l'en-tête, la page, marquer lu ; les
préférences par genre ; les vues enregistrées ; l'API `notifications`."""

import html
import re

import pytest

from echanges import distribution
from echanges.models import Mode, Notification, Preference, VueEnregistree
from projets import services
from projets.models import SensAvis, Statut
from tests.comptes.factories import client_api
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _avis_de_l_etat(comptes, nombre: int = 1):
    projets = []
    for _ in range(nombre):
        projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
        services.donner_avis(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
        )
        projets.append(projet)
    distribution.distribuer()
    return projets


def test_la_cloche_compte_les_non_lues_et_la_page_les_marque_lues(client, comptes):
    premier, second = _avis_de_l_etat(comptes, 2)
    client.force_login(comptes["region-84"])
    page = _texte(client.get("/notifications/"))
    assert "Notifications 2 non lues" in page
    assert f"Avis favorable de l'État : {premier.intitule}" in page

    notification = Notification.objects.get(projet_id=premier.pk)
    ouverte = client.post(f"/notifications/{notification.pk}/lue/", {"lue": "1", "ouvrir": "1"})
    assert ouverte["Location"] == f"/projets/{premier.pk}/"
    assert "Notifications 1 non lue" in _texte(client.get("/mon-espace/"))

    client.post("/notifications/tout-lu/", {"tout": "1"})
    assert not Notification.objects.filter(lue_le__isnull=True).exists()
    espace = client.get("/mon-espace/").content.decode()
    assert '<span class="fr-sr-only">Notifications</span></a>' in espace  # la cloche sans nombre
    assert "Aucune notification non lue." in espace


def test_une_notification_d_un_autre_agent_n_existe_pas(client, comptes):
    _avis_de_l_etat(comptes)
    notification = Notification.objects.get()
    client.force_login(comptes["region-32"])
    assert client.post(f"/notifications/{notification.pk}/lue/", {"lue": "1"}).status_code == 404
    notification.refresh_from_db()
    assert notification.lue_le is None


def test_les_preferences_par_genre(client, comptes):
    client.force_login(comptes["region-84"])
    page = _texte(client.get("/comptes/notifications/"))
    assert "L'autre côté a donné son avis" in page
    choix = {genre: Mode.IMMEDIAT for genre in ["avis_donne", "projet_depose"]}
    formulaire = {
        champ: Mode.IMMEDIAT
        for champ in re.findall(
            r'name="([a-z_]+)"', client.get("/comptes/notifications/").content.decode()
        )
        if champ != "csrfmiddlewaretoken"
    }
    formulaire.update(choix, delai_proche=Mode.QUOTIDIEN, mention=Mode.JAMAIS)
    assert client.post("/comptes/notifications/", formulaire).status_code == 302
    assert dict(
        Preference.objects.filter(
            user=comptes["region-84"], genre__in=["delai_proche", "mention"]
        ).values_list("genre", "mode")
    ) == {"delai_proche": Mode.QUOTIDIEN, "mention": Mode.JAMAIS}
    formulaire["avis_donne"] = "toujours"
    erreur = client.post("/comptes/notifications/", formulaire)
    assert erreur.status_code == 200
    assert "Sélectionnez un choix valide" in _texte(erreur)


def test_vues_enregistrees_listees_renommees_supprimees(client, comptes):
    client.force_login(comptes["prefecture-84"])
    client.post(
        "/projets/vues/",
        {"nom": "Mes dépôts 2021", "parametres": "statut=depose&annee=2021&page=3"},
    )
    vue = VueEnregistree.objects.get()
    assert vue.parametres == "statut=depose&annee=2021"
    espace = _texte(client.get("/mon-espace/"))
    assert "Mes dépôts 2021" in espace
    assert (
        'href="/projets/?statut=depose&amp;annee=2021"'
        in client.get("/mon-espace/").content.decode()
    )
    doublon = client.post(
        "/projets/vues/", {"nom": "Mes dépôts 2021", "parametres": ""}, follow=True
    )
    assert "Vous avez déjà une vue de ce nom." in _texte(doublon)
    client.post(f"/projets/vues/{vue.pk}/", {"nom": "Dépôts 2021"})
    vue.refresh_from_db()
    assert vue.nom == "Dépôts 2021"
    client.force_login(comptes["prefecture-32"])
    assert client.post(f"/projets/vues/{vue.pk}/", {"supprimer": "1"}).status_code == 404
    client.force_login(comptes["prefecture-84"])
    client.post(f"/projets/vues/{vue.pk}/", {"supprimer": "1"})
    assert not VueEnregistree.objects.exists()


@pytest.mark.parametrize("nombre", [1, 5])
def test_api_des_notifications(comptes, django_assert_num_queries, nombre):
    _avis_de_l_etat(comptes, nombre)
    api = client_api("region-84")
    # jeton, profil, comptage, page de notifications
    with django_assert_num_queries(4):
        donnees = api.get("/api/v1/notifications/?lue=false").json()
    assert donnees["count"] == nombre
    premiere = donnees["results"][0]
    assert premiere["genre"] == "avis_donne" and premiere["lue"] is False
    assert api.post(f"/api/v1/notifications/{premiere['id']}/lue/").json()["lue"] is True
    assert api.post("/api/v1/notifications/tout-lu/").json() == {"marquees": nombre - 1}
    assert client_api("region-32").get("/api/v1/notifications/").json()["count"] == 0
