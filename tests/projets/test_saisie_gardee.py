"""Après une erreur, l'agent retrouve tout ce qu'il avait saisi, et les erreurs sont résumées
en tête du formulaire avec un lien vers chaque champ."""

import re

import pytest

from projets.models import Statut
from tests.projets.factories import formulaire_projet, projet_des_comptes

pytestmark = pytest.mark.django_db


def _resume(html: str, depuis: str = "<main") -> str:
    """Le résumé des erreurs (alerte d'erreur du DSFR) qui suit `depuis`."""
    debut = html.index('class="fr-alert fr-alert--error', html.index(depuis))
    return html[debut : html.index("</div>", debut)]


def test_avis_en_lot_refuse_garde_les_cases_cochees_et_resume_l_erreur(client, comptes):
    projets = [projet_des_comptes(Statut.EN_INSTRUCTION, comptes) for _ in range(3)]
    client.force_login(comptes["region-84"])
    coches = [projets[0].pk, projets[2].pk]
    reponse = client.post(
        "/projets/preselection/",
        {"projets": coches, "sens": "defavorable", "commentaire": ""},
    )
    html = reponse.content.decode()
    resume = _resume(html)
    assert "Un avis défavorable doit être motivé" in resume
    assert 'href="#id_commentaire"' in resume
    # Le résumé vient avant le tableau des projets.
    assert html.index(resume) < html.index("<table")
    coches_rendues = re.findall(r'name="projets" value="(\d+)" checked', html)
    assert sorted(map(int, coches_rendues)) == sorted(coches)
    assert re.search(r'id="id_sens_1"[^>]*checked|checked[^>]*id="id_sens_1"', html)


def test_avis_en_lot_propose_tout_selectionner(client, comptes):
    projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["region-84"])
    html = client.get("/projets/preselection/").content.decode()
    assert 'data-coche-tout="projets"' in html
    assert "Tout sélectionner (1 projet)" in html
    assert "js/tout_selectionner.js" in html


def test_avis_refuse_sur_la_fiche_garde_le_bouton_choisi(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        f"/projets/{projet.pk}/avis/",
        {"sens": "defavorable", "commentaire": "  "},
        follow=True,
    )
    html = reponse.content.decode()
    assert "Avis non enregistré" in html
    resume = _resume(html, depuis=f'action="/projets/{projet.pk}/avis/"')
    assert "Un avis défavorable doit être motivé" in resume
    assert re.search(r'value="defavorable"[^>]*checked', html)
    # La saisie n'est rendue qu'une fois.
    assert not re.search(
        r'value="defavorable"[^>]*checked', client.get(f"/projets/{projet.pk}/").content.decode()
    )


def test_projet_refuse_garde_la_saisie_et_resume_les_erreurs(client, comptes):
    client.force_login(comptes["prefecture-84"])
    donnees = formulaire_projet(intitule="Ligne d'usinage", aide_sollicitee="999 999 999 999")
    reponse = client.post("/projets/nouveau/", {**donnees, "action": "deposer"})
    html = reponse.content.decode()
    resume = _resume(html)
    assert 'href="#id_aide_sollicitee"' in resume
    assert "Ligne d&#x27;usinage" in html
    assert html.index(resume) < html.index('name="intitule"')


def test_enjeu_et_filiere_ne_sont_pas_choisis_d_avance(client, comptes):
    """Une valeur choisie d'avance s'enregistrerait sans que l'agent l'ait vue."""
    client.force_login(comptes["prefecture-84"])
    html = client.get("/projets/nouveau/").content.decode()
    for nom, invite in (("enjeu", "Choisir un enjeu"), ("filiere", "Choisir une filière")):
        liste = html[html.index(f'<select name="{nom}"') :]
        liste = liste[: liste.index("</select>")]
        assert re.findall(r"<option [^>]*selected[^>]*>([^<]+)<", liste) == [invite]
    donnees = formulaire_projet(enjeu="", filiere="")
    html = client.post("/projets/nouveau/", {**donnees, "action": "deposer"}).content.decode()
    resume = _resume(html)
    assert 'href="#id_enjeu"' in resume and 'href="#id_filiere"' in resume
