"""La discussion d'un projet : messages, mentions d'agents qui voient le projet, modification
dans les 15 minutes, journal d'audit, page et API."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from comptes.models import Trace
from echanges import discussion, distribution
from echanges.models import Commentaire, Notification
from projets.models import Statut
from socle.erreurs import Invalide, Refus
from tests.comptes.factories import agent, client_api
from tests.projets.factories import creer_projet, projet_des_comptes

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def test_un_message_mentionne_la_region_qui_en_est_notifiee(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        f"/projets/{projet.pk}/discussion/", {"texte": "@region-84 le devis est arrivé."}
    )
    assert reponse.status_code == 302
    page = _texte(client.get(f"/projets/{projet.pk}/"))
    assert "@region-84 le devis est arrivé." in page
    distribution.distribuer()
    [mention] = Notification.objects.filter(genre="mention")
    assert mention.destinataire == comptes["region-84"]
    assert mention.texte == "@region-84 le devis est arrivé."
    trace = Trace.objects.get(modele="echanges.Commentaire")
    assert trace.changements["mentions"] == [None, ["region-84"]]


def test_mentionner_qui_ne_voit_pas_le_projet_est_refuse_avec_un_message_clair(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        f"/projets/{projet.pk}/discussion/", {"texte": "Avis de @region-32 ? Et @personne ?"}
    )
    texte = _texte(reponse)
    assert reponse.status_code == 200
    assert "region-32 ne voit pas ce projet : il ne peut pas y être mentionné." in texte
    assert "@personne : aucun agent de ce nom." in texte
    assert "Avis de @region-32 ? Et @personne ?" in texte  # la saisie est gardée
    assert not Commentaire.objects.exists()


def test_un_brouillon_ne_se_discute_pas_avec_la_region(comptes):
    projet = creer_projet(comptes["prefecture-84"])
    with pytest.raises(Invalide, match="region-84 ne voit pas ce projet"):
        discussion.ecrire(projet_id=projet.pk, auteur=comptes["prefecture-84"], texte="@region-84")


def test_un_message_se_modifie_dans_les_15_minutes_par_son_auteur(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    message = discussion.ecrire(
        projet_id=projet.pk, auteur=comptes["region-84"], texte="Première version."
    )
    client.force_login(comptes["region-84"])
    adresse = f"/projets/{projet.pk}/discussion/{message.pk}/"
    assert client.post(adresse, {"texte": "Version corrigée."}).status_code == 302
    message.refresh_from_db()
    assert (message.texte, message.modifie_le is not None) == ("Version corrigée.", True)
    assert Trace.objects.filter(
        modele="echanges.Commentaire", changements__texte=["Première version.", "Version corrigée."]
    ).exists()

    Commentaire.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert client.post(adresse, {"texte": "Trop tard."}).status_code == 403
    client.force_login(comptes["prefecture-84"])
    with pytest.raises(Refus, match="Seul son auteur"):
        discussion.modifier(commentaire_id=message.pk, auteur=comptes["prefecture-84"], texte="x")


def test_l_autocompletion_ne_propose_que_les_agents_qui_voient_le_projet(client, comptes):
    agent("prefecture-74", departement="74")
    agent("prefecture-73", departement="73")
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)  # Vallée de l'Arve (74)
    client.force_login(comptes["region-84"])
    identifiants = [
        a["identifiant"]
        for a in client.get(f"/projets/{projet.pk}/mentionnables/").json()["agents"]
    ]
    assert identifiants == ["admin-national", "prefecture-74", "prefecture-84", "region-84"]
    cherche = client.get(f"/projets/{projet.pk}/mentionnables/?q=region").json()["agents"]
    assert [a["identifiant"] for a in cherche] == ["region-84"]


def test_api_de_la_discussion(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    region = client_api("region-84")
    reponse = region.post(
        f"/api/v1/projets/{projet.pk}/commentaires/",
        {"texte": "Vu en commission, @prefecture-84."},
        format="json",
    )
    assert reponse.status_code == 201, reponse.content
    assert reponse.json()["mentions"] == ["prefecture-84"]
    refuse = region.post(
        f"/api/v1/projets/{projet.pk}/commentaires/", {"texte": "@region-32"}, format="json"
    )
    assert refuse.status_code == 400
    assert refuse.json()["erreurs"]["texte"] == [
        "region-32 ne voit pas ce projet : il ne peut pas y être mentionné."
    ]
    lus = client_api("ministere").get(f"/api/v1/projets/{projet.pk}/commentaires/").json()
    assert [c["texte"] for c in lus["results"]] == ["Vu en commission, @prefecture-84."]
    assert (
        client_api("prefecture-32").get(f"/api/v1/projets/{projet.pk}/commentaires/").status_code
        == 404
    )
