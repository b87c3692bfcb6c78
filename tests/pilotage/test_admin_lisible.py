"""Chaque liste et chaque fiche de l'administration se lit : montants en euros à la
française, années sans séparateur, noms au lieu des codes et du JSON.

Le jeu de `conftest.py` (enveloppes réparties, projets engagés, payés, abandonnés) donne à
chaque modèle au moins une ligne ; les totaux sont recalculés. On lit le contenu de la page
(`#content`) comme l'équipe nationale le voit.
"""

import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from fonds.models import Enveloppe, Mouvement
from pilotage import moteur
from pilotage.models import Calcul, Niveau, Totaux
from tests.comptes.factories import UserFactory
from tests.pilotage.conftest import FA

pytestmark = pytest.mark.django_db

APPLICATIONS = ("fonds", "pilotage", "programmation", "projets", "comptes", "territoires")

# « 2 020 » : une année écrite comme un nombre (séparateur de milliers).
ANNEE_SEPAREE = re.compile(r"\b2[\s\u00a0\u202f]0(?:1[89]|2[0-9])\b(?![\s\u00a0\u202f]*[0-9€])")
# « 150000000.00 », « 1 000 000,00 » : un montant brut, sans mise en forme.
MONTANT_BRUT = re.compile(r"\b[0-9]{4,}\.[0-9]{2}\b|[0-9],00\b(?![\s\u00a0]*€)")
# Du JSON tel quel : {"engage": 2} ou ['84'].
JSON_BRUT = re.compile(r"\{[\"']|\[[\"']|\[\]|\{\}")


@pytest.fixture
def equipe(client):
    user = UserFactory(username="equipe-nationale", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _contenu(reponse) -> str:
    page = reponse.content.decode()
    debut = page.index('id="content"')
    return page[debut : page.index('id="footer"', debut)]


def _texte(reponse) -> str:
    """Le texte que lit l'agent : ni balises, ni scripts, ni valeurs des champs à saisir."""
    sans_scripts = re.sub(r"<script.*?</script>", " ", _contenu(reponse), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", sans_scripts))


def _modeles():
    return sorted(
        (m for m in admin.site._registry if m._meta.app_label in APPLICATIONS),
        key=lambda m: m._meta.label,
    )


def test_chaque_liste_et_chaque_fiche_se_lit(jeu, client, equipe):
    moteur.recalculer_tout()
    constats = {}
    for modele in _modeles():
        info = (modele._meta.app_label, modele._meta.model_name)
        adresses = [reverse("admin:{}_{}_changelist".format(*info))]
        objet = modele.objects.order_by("pk").last()
        if objet is not None:
            adresses.append(reverse("admin:{}_{}_change".format(*info), args=[objet.pk]))
        for adresse in adresses:
            reponse = client.get(adresse)
            assert reponse.status_code == 200, adresse
            contenu = _texte(reponse)
            for nom, motif in [
                ("année séparée", ANNEE_SEPAREE),
                ("montant brut", MONTANT_BRUT),
                ("JSON", JSON_BRUT),
            ]:
                trouve = motif.search(contenu)
                if trouve:
                    extrait = contenu[max(0, trouve.start() - 80) : trouve.end() + 20]
                    constats[(adresse, nom)] = re.sub(r"\s+", " ", extrait)
    assert constats == {}


def test_la_fiche_d_une_enveloppe_montre_ses_chiffres_en_euros(jeu, client, equipe):
    enveloppe = Enveloppe.objects.get(dispositif__code=FA, annee=2020, region="84")

    contenu = _texte(client.get(f"/admin/fonds/enveloppe/{enveloppe.pk}/change/"))

    assert "20\u202f000\u202f000\u00a0€" in contenu  # le montant, réparti par l'équipe
    assert " 2020 " in contenu
    # Ses mouvements, en euros eux aussi.
    assert Mouvement.objects.filter(enveloppe=enveloppe).exists()
    assert "Répartition de l'enveloppe nationale" in contenu


def test_les_totaux_en_mots_et_sans_additionner_les_instruments(jeu, client, equipe):
    moteur.recalculer_tout()
    tous = Totaux.objects.get(niveau=Niveau.NATIONAL, dispositif="", annee=0)
    fonds = Totaux.objects.get(niveau=Niveau.NATIONAL, dispositif=FA, annee=2020)

    fiche_tous = _texte(client.get(f"/admin/pilotage/totaux/{tous.pk}/change/"))
    fiche_fonds = _texte(client.get(f"/admin/pilotage/totaux/{fonds.pk}/change/"))
    liste = _texte(client.get("/admin/pilotage/totaux/", {"niveau__exact": "national"}))

    # Les statuts par leur nom, un par ligne.
    assert "Engagé : 2" in fiche_tous and "Brouillon : 1" in fiche_tous
    # « Tous les dispositifs » : pas de montant d'enveloppe ni de disponible.
    assert "Disponible" not in fiche_tous and "jamais additionnés" in fiche_tous
    assert "Toutes années" in fiche_tous
    assert "150\u202f000\u202f000\u00a0€" in fiche_fonds and " 2020 " in fiche_fonds
    # Dans la liste : « Toutes années » et le filtre des années sans « 0 ».
    assert "Toutes années" in liste
    filtre = liste[liste.index("Par année") :]
    assert " Toutes années " in filtre and " 0 " not in filtre


def test_le_journal_et_les_recalculs_parlent_de_noms(jeu, client, equipe):
    moteur.recalculer_tout()
    moteur.recalculer_perimetres(regions=["84"], territoires=["8414"])
    calcul = Calcul.objects.filter(complet=False).latest()

    journal = _texte(client.get("/admin/comptes/trace/"))
    recalcul = _texte(client.get(f"/admin/pilotage/calcul/{calcul.pk}/change/"))

    # Le modèle par son nom, la région par son nom (liste et filtres).
    assert " enveloppe " in journal and "fonds.Enveloppe" not in journal
    assert "Auvergne-Rhône-Alpes" in journal
    assert "Auvergne-Rhône-Alpes" in recalcul and "Vallée de l'Arve (8414)" in recalcul
