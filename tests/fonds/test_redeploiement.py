"""Redéployer des crédits d'une région vers une autre depuis `/fonds/redeploiement/`, et
l'administration qui mène à tous les mouvements d'enveloppe.

Jeu : le Fonds d'accélération 2020, 150 M€ dont 10 M€ pour la région 84 et 5 M€ pour la
région 32 ; 4 M€ engagés sur un projet de la région 84 (6 M€ disponibles).
"""

from decimal import Decimal

import pytest

from comptes.models import Trace
from fonds import services
from fonds.models import Enveloppe, Mouvement, TypeMouvement
from pilotage import moteur
from pilotage.models import Niveau, Totaux
from tests.fonds.conftest import M

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return reponse.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def engage_84(admin_national, enveloppes_2020, projet_84):
    _nationale, regionales = enveloppes_2020
    services.engager(
        projet_id=projet_84.pk,
        enveloppe_id=regionales["84"].pk,
        montant=4 * M,
        auteur=admin_national,
    )
    return regionales


def _redeployer(client, fonds, montant: str, **autres):
    return client.post(
        "/fonds/redeploiement/",
        {
            "dispositif": fonds.pk,
            "annee": "2020",
            "region_source": "84",
            "region_cible": "32",
            "montant": montant,
            "date_effet": "2020-12-01",
            "motif": "Projets de la région 32 prêts avant ceux de la région 84",
            **autres,
        },
    )


def _montants():
    return dict(
        Enveloppe.objects.filter(annee=2020, region__isnull=False).values_list(
            "region_id", "montant"
        )
    )


def test_redeployer_par_la_page(client, admin_national, fonds_acceleration, engage_84):
    moteur.recalculer_tout()
    client.force_login(admin_national)

    reponse = _redeployer(client, fonds_acceleration, "3 000 000")
    moteur.recalculer_les_demandes()  # la file des recalculs vidée, comme par le worker

    assert reponse.status_code == 302
    assert reponse["Location"] == f"/fonds/enveloppes/{engage_84['32'].pk}/"
    assert _montants() == {"84": 7 * M, "32": 8 * M}
    # Une paire de mouvements de même opération, tracée.
    sortie, entree = Mouvement.objects.filter(type=TypeMouvement.REDEPLOIEMENT).order_by("pk")
    assert (sortie.montant, entree.montant) == (-3 * M, 3 * M)
    assert sortie.operation == entree.operation and sortie.auteur == admin_national
    traces = Trace.objects.filter(modele="fonds.Mouvement", objet_id__in=[sortie.pk, entree.pk])
    assert traces.count() == 2
    # L'enveloppe nationale ne change pas ; les totaux des deux régions suivent.
    assert Enveloppe.objects.get(annee=2020, region__isnull=True).montant == 150 * M
    regions = {
        t.code: t.montant_enveloppe
        for t in Totaux.objects.filter(
            niveau=Niveau.REGION, dispositif=fonds_acceleration.code, annee=2020
        )
    }
    assert regions == {"84": 7 * M, "32": 8 * M}
    page = _texte(client.get(reponse["Location"]))
    assert (
        "Redéploiement enregistré : 3 000 000 € de Auvergne-Rhône-Alpes vers Hauts-de-France"
        in page
    )


def test_un_redeploiement_au_dela_du_disponible_n_ecrit_rien(
    client, admin_national, fonds_acceleration, engage_84
):
    client.force_login(admin_national)

    reponse = _redeployer(client, fonds_acceleration, "6 000 000,01")

    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Rien n'a été enregistré" in texte and "Retrait impossible" in texte
    assert "disponible : 6 000 000,00 €" in texte
    assert 'value="6 000 000,01"' in texte  # la saisie reste
    assert _montants() == {"84": 10 * M, "32": 5 * M}
    assert not Mouvement.objects.filter(type=TypeMouvement.REDEPLOIEMENT).exists()


def test_meme_region_refusee_a_cote_du_champ(client, admin_national, fonds_acceleration, engage_84):
    client.force_login(admin_national)

    reponse = _redeployer(client, fonds_acceleration, "1 000", region_cible="84")

    assert reponse.status_code == 200
    assert reponse.context["form"].errors["region_cible"] == [
        "Choisissez une autre région que celle qui cède."
    ]
    assert _montants() == {"84": 10 * M, "32": 5 * M}


def test_depuis_une_enveloppe_le_formulaire_est_prerempli(
    client, admin_national, fonds_acceleration, engage_84
):
    client.force_login(admin_national)
    source = engage_84["84"]

    page = client.get(f"/fonds/enveloppes/{source.pk}/")
    assert f'href="/fonds/redeploiement/?enveloppe={source.pk}"' in page.content.decode()
    reponse = client.get(f"/fonds/redeploiement/?enveloppe={source.pk}")
    form = reponse.context["form"]
    assert "disponible pour un redéploiement : <strong>6 000 000 €</strong>" in _texte(reponse)

    assert form["dispositif"].value() == fonds_acceleration.pk
    assert form["annee"].value() == 2020 and form["region_source"].value() == "84"
    # Une adresse bricolée ne préremplit rien.
    assert client.get("/fonds/redeploiement/?enveloppe=abc").context["form"].initial == {}


def test_l_administration_mene_a_tous_les_mouvements(client, admin_national, engage_84):
    admin_national.is_staff = admin_national.is_superuser = True
    admin_national.save()
    client.force_login(admin_national)
    regionale = engage_84["84"]
    nationale = Enveloppe.objects.get(annee=2020, region__isnull=True)

    fiche_regionale = client.get(f"/admin/fonds/enveloppe/{regionale.pk}/change/").content.decode()
    fiche_nationale = client.get(f"/admin/fonds/enveloppe/{nationale.pk}/change/").content.decode()
    mouvements = client.get("/admin/fonds/mouvement/").content.decode()
    accueil = client.get("/admin/").content.decode()

    assert f'href="/fonds/redeploiement/?enveloppe={regionale.pk}"' in fiche_regionale
    assert f'href="/admin/fonds/enveloppe/{regionale.pk}/mouvement/"' in fiche_regionale
    assert f'href="/fonds/enveloppes/{nationale.pk}/#titre-repartition"' in fiche_nationale
    assert 'href="/fonds/anticipation/"' in fiche_nationale
    for page in (mouvements, accueil):
        assert 'href="/fonds/redeploiement/"' in page and 'href="/fonds/anticipation/"' in page


def test_reserve_a_l_equipe_nationale(client, prefecture_84, fonds_acceleration, engage_84):
    client.force_login(prefecture_84)

    assert client.get("/fonds/redeploiement/").status_code == 403
    assert _redeployer(client, fonds_acceleration, "1 000").status_code == 403
    assert _montants() == {"84": 10 * M, "32": 5 * M}
    assert Decimal(0) == sum(
        Mouvement.objects.filter(type=TypeMouvement.REDEPLOIEMENT).values_list("montant", flat=True)
    )
