"""Indicateurs du programme : chargement des cibles du communiqué, valeurs datées et sourcées."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from comptes.models import Trace
from fonds import services as fonds_services
from fonds.models import Enveloppe, TypeMouvement
from pilotage import indicateurs
from pilotage.models import Indicateur, Unite, ValeurIndicateur
from pilotage.services import (
    SOURCE_DEMO,
    charger_indicateurs_du_programme,
    enregistrer_valeur,
)
from socle.erreurs import Invalide, Refus
from tests.comptes.factories import UserFactory
from tests.fonds.factories import DispositifFactory, enveloppe_nationale

M = Decimal(1_000_000)

pytestmark = pytest.mark.django_db

HIER = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def admin(comptes):
    return comptes["admin-national"]


@pytest.fixture
def charges(admin):
    """Les indicateurs du communiqué ; la DSIL existe, avec son enveloppe de 1 Md€ en 2021."""
    dsil = DispositifFactory(code="dsil", nom="DSIL", finance_projets=False)
    enveloppe_nationale(auteur=admin, dispositif=dsil, annee=2021, montant=1000 * M)
    charger_indicateurs_du_programme(auteur=admin)
    return {i.code: i for i in Indicateur.objects.all()}


# --- Chargement des indicateurs du communiqué ---


def test_les_indicateurs_du_communique_et_leurs_cibles(admin):
    chargement = charger_indicateurs_du_programme(auteur=admin)

    assert chargement.indicateurs_crees == 7
    cibles = {
        i.code: (i.unite, i.cible, i.date_cible) for i in Indicateur.objects.order_by("ordre")
    }
    assert cibles == {
        "chefs-de-projet-supplementaires": (Unite.NOMBRE, Decimal(40), None),
        "accompagnements-industrie-du-futur": (Unite.NOMBRE, Decimal(10_000), None),
        "5g-part-des-sites-deployes": (
            Unite.POURCENTAGE,
            Decimal(25),
            datetime.date(2024, 12, 31),
        ),
        # Les crédits mobilisés d'un instrument : leur cible est son enveloppe, lue dans ses
        # mouvements (une seule source), pas un second chiffre saisi ici.
        "transition-collective": (Unite.EUROS, None, None),
        "dsil-territoires-industrie": (Unite.EUROS, None, None),
        "banque-des-territoires": (Unite.EUROS, None, None),
        # Le communiqué ne chiffre pas l'appel « sites clés en main » : pas de cible.
        "sites-cles-en-main-candidatures": (Unite.NOMBRE, None, None),
    }
    assert not ValeurIndicateur.objects.exists()


def test_le_chargement_est_idempotent_et_ajoute_les_valeurs_de_demo(admin):
    charger_indicateurs_du_programme(auteur=admin, avec_valeurs_demo=True)
    Indicateur.objects.filter(code="banque-des-territoires").update(libelle="Libellé ajusté")

    second = charger_indicateurs_du_programme(auteur=admin, avec_valeurs_demo=True)

    assert (second.indicateurs_crees, second.valeurs_creees) == (0, 0)
    assert Indicateur.objects.count() == 7
    assert Indicateur.objects.get(code="banque-des-territoires").libelle == "Libellé ajusté"
    valeurs = ValeurIndicateur.objects.all()
    assert valeurs.count() == 7
    assert {v.source for v in valeurs} == {"Données de démonstration fictives"}
    assert all(v.date and v.auteur == admin for v in valeurs)


def test_seule_l_equipe_nationale_charge_les_indicateurs(comptes):
    with pytest.raises(Refus):
        charger_indicateurs_du_programme(auteur=comptes["ministere"])
    assert not Indicateur.objects.exists()


# --- Enregistrer une valeur ---


def test_une_valeur_datee_et_sourcee_est_enregistree(charges, admin):
    valeur = enregistrer_valeur(
        indicateur_id=charges["chefs-de-projet-supplementaires"].pk,
        auteur=admin,
        valeur=Decimal("31"),
        date=HIER,
        source="  Tableau de suivi ANCT  ",
    )

    valeur.refresh_from_db()
    assert (valeur.valeur, valeur.date, valeur.source, valeur.auteur) == (
        Decimal("31.00"),
        HIER,
        "Tableau de suivi ANCT",
        admin,
    )
    trace = Trace.objects.get(modele="pilotage.ValeurIndicateur", objet_id=str(valeur.pk))
    assert (trace.auteur, trace.action) == (admin, "creation")
    assert trace.changements["source"] == [None, "Tableau de suivi ANCT"]


@pytest.mark.parametrize(
    ("date", "source", "champ", "message"),
    [
        (None, "Rapport ANCT", "date", "une valeur sans date ne peut pas être enregistrée"),
        (HIER, "", "source", "une valeur sans source ne peut pas être enregistrée"),
        (HIER, "   ", "source", "une valeur sans source ne peut pas être enregistrée"),
        (HIER, None, "source", "une valeur sans source ne peut pas être enregistrée"),
    ],
)
def test_une_valeur_sans_date_ou_sans_source_est_refusee(
    charges, admin, date, source, champ, message
):
    with pytest.raises(Invalide) as erreur:
        enregistrer_valeur(
            indicateur_id=charges["chefs-de-projet-supplementaires"].pk,
            auteur=admin,
            valeur=Decimal("31"),
            date=date,
            source=source,
        )

    [(champ_en_erreur, [texte])] = erreur.value.erreurs.items()
    assert champ_en_erreur == champ
    assert message in texte
    assert not ValeurIndicateur.objects.exists()


def test_d_autres_valeurs_incoherentes_sont_refusees(charges, admin):
    demain = timezone.localdate() + datetime.timedelta(days=1)
    cas = [
        ("5g-part-des-sites-deployes", Decimal("120"), HIER, "Une part ne dépasse pas 100 %."),
        ("chefs-de-projet-supplementaires", Decimal("-1"), HIER, "positif ou nul"),
        ("chefs-de-projet-supplementaires", Decimal("3"), demain, "dans le futur"),
    ]
    for code, valeur, date, message in cas:
        with pytest.raises(Invalide, match=message):
            enregistrer_valeur(
                indicateur_id=charges[code].pk, auteur=admin, valeur=valeur, date=date, source="X"
            )
    assert not ValeurIndicateur.objects.exists()


def test_seule_l_equipe_nationale_enregistre_une_valeur(charges, comptes):
    for nom in ["ministere", "prefecture-84", "region-32"]:
        with pytest.raises(Refus, match="Seule l'équipe nationale"):
            enregistrer_valeur(
                indicateur_id=charges["banque-des-territoires"].pk,
                auteur=comptes[nom],
                valeur=Decimal("1"),
                date=HIER,
                source="Rapport",
            )
    assert not ValeurIndicateur.objects.exists()


def test_la_base_refuse_une_valeur_sans_source(charges, admin):
    with pytest.raises(IntegrityError), transaction.atomic():
        ValeurIndicateur.objects.create(
            indicateur=charges["banque-des-territoires"],
            valeur=Decimal("1"),
            date=HIER,
            source="",
            auteur=admin,
        )


def test_la_valeur_la_plus_recente_par_date_fait_foi(charges, admin):
    dsil = charges["dsil-territoires-industrie"]
    for jour, montant in [(datetime.date(2021, 9, 30), 700), (datetime.date(2021, 3, 31), 900)]:
        enregistrer_valeur(
            indicateur_id=dsil.pk,
            auteur=admin,
            valeur=Decimal(montant) * 1_000_000,
            date=jour,
            source=f"Bilan au {jour}",
        )

    avancement = next(
        a
        for a in indicateurs.avancements(indicateurs.indicateurs_avec_derniere_valeur())
        if a.indicateur.code == dsil.code
    )

    assert avancement.valeur == Decimal("700000000.00")
    assert avancement.date == datetime.date(2021, 9, 30)
    assert avancement.source == "Bilan au 2021-09-30"
    assert avancement.valeur_affichee == "700\u00a0M€"
    # La cible est l'enveloppe de l'instrument : l'indicateur le suit depuis son chargement.
    assert avancement.indicateur.dispositif.code == "dsil"
    assert avancement.cible_affichee == "1\u00a0Md€"
    assert (avancement.pourcentage, avancement.taux_affiche) == (70, "70\u00a0%")


def test_la_cible_d_un_instrument_suit_son_enveloppe(charges, admin):
    """Un abondement de l'enveloppe change la cible de l'indicateur : pas de contradiction
    possible entre l'enveloppe et l'indicateur du même instrument."""
    dsil = charges["dsil-territoires-industrie"]
    enregistrer_valeur(
        indicateur_id=dsil.pk, auteur=admin, valeur=600 * M, date=HIER, source="Bilan"
    )
    enveloppe = Enveloppe.objects.get(dispositif__code="dsil")
    fonds_services.ajouter_mouvement(
        enveloppe_id=enveloppe.pk,
        type=TypeMouvement.ABONDEMENT,
        montant=200 * M,
        date_effet=datetime.date(2021, 6, 1),
        motif="Abondement",
        auteur=admin,
    )

    (avancement,) = [
        a
        for a in indicateurs.avancements(indicateurs.indicateurs_avec_derniere_valeur())
        if a.indicateur.code == dsil.code
    ]

    assert avancement.cible == 1200 * M
    assert avancement.taux_affiche == "50\u00a0%"
    # Et la base refuse une seconde cible saisie pour un indicateur en euros d'un instrument.
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicateur.objects.filter(pk=dsil.pk).update(cible=M)


def test_formats_des_valeurs():
    assert indicateurs.formater(Unite.POURCENTAGE, Decimal("11.5")) == "11,5\u00a0%"
    assert indicateurs.formater(Unite.NOMBRE, Decimal("10000")) == "10\u202f000"
    assert indicateurs.formater(Unite.EUROS, Decimal("1500000000")) == "1,5\u00a0Md€"
    assert indicateurs.formater(Unite.EUROS, None) == "—"
    # Au-delà de la cible, la barre est pleine mais le taux reste exact.
    assert indicateurs.taux_d_atteinte(Decimal(50), Decimal(40)) == Decimal("1.25")


# --- Pages ---


def test_le_tableau_de_bord_national_montre_les_indicateurs(client, comptes, admin):
    charger_indicateurs_du_programme(auteur=admin, avec_valeurs_demo=True)
    client.force_login(comptes["ministere"])

    page = client.get("/pilotage/").content.decode()

    debut = page.index('id="indicateur-chefs-de-projet-supplementaires"')
    carte = page[debut : page.index("</progress>", debut)]
    assert "27" in carte and "Cible : <strong>40</strong>" in carte
    assert '<progress class="portail-progression" max="100" value="68"' in carte
    assert "Données au 30 juin 2021 · Source : Données de démonstration fictives" in page
    assert "Cible : <strong>25\u00a0%</strong> au 31 décembre 2024" in page
    assert "Pas de cible chiffrée dans le communiqué" in page  # sites clés en main


def test_la_liste_des_indicateurs_est_visible_de_tout_agent(client, comptes, admin):
    charger_indicateurs_du_programme(auteur=admin, avec_valeurs_demo=True)

    client.force_login(comptes["region-32"])
    reponse = client.get("/pilotage/indicateurs/")

    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Transition collective : crédits mobilisés" in page
    assert "182\u00a0M€" in page and SOURCE_DEMO in page
    assert "Enregistrer une valeur" not in page
    xlsx = client.get("/pilotage/indicateurs/", {"format": "xlsx", "table": "indicateurs"})
    feuille = load_workbook(io.BytesIO(xlsx.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0] == (
        "Indicateur",
        "Valeur",
        "Unité",
        "Cible",
        "Échéance",
        "Taux d'atteinte",
        "Données au",
        "Source",
    )
    assert len(lignes) == 8


def test_la_saisie_est_reservee_a_l_equipe_nationale(client, comptes, charges):
    donnees = {
        "indicateur": charges["banque-des-territoires"].pk,
        "valeur": "450 000 000",
        "date": HIER.isoformat(),
        "source": "Rapport de la Banque des Territoires",
    }
    for nom in ["ministere", "prefecture-84", "region-84"]:
        client.force_login(comptes[nom])
        assert client.get("/pilotage/indicateurs/saisir/").status_code == 403
        assert client.post("/pilotage/indicateurs/saisir/", donnees).status_code == 403
    client.logout()
    assert client.get("/pilotage/indicateurs/saisir/").status_code == 302
    assert not ValeurIndicateur.objects.exists()


def test_l_equipe_nationale_ajoute_une_valeur_par_le_formulaire(client, admin, charges):
    client.force_login(admin)
    formulaire = client.get(
        "/pilotage/indicateurs/saisir/", {"indicateur": "banque-des-territoires"}
    )
    assert formulaire.status_code == 200
    assert formulaire.context["form"].initial["indicateur"] == charges["banque-des-territoires"].pk

    reponse = client.post(
        "/pilotage/indicateurs/saisir/",
        {
            "indicateur": charges["banque-des-territoires"].pk,
            "valeur": "450 000 000",
            "date": HIER.isoformat(),
            "source": "Rapport de la Banque des Territoires",
        },
        follow=True,
    )

    assert reponse.redirect_chain == [("/pilotage/indicateurs/", 302)]
    valeur = ValeurIndicateur.objects.get()
    assert (valeur.valeur, valeur.date, valeur.auteur) == (Decimal("450000000.00"), HIER, admin)
    assert "Valeur enregistrée pour « Contribution de la Banque des Territoires »" in (
        reponse.content.decode()
    )


def test_le_formulaire_refuse_une_valeur_sans_source_ni_date(client, admin, charges):
    client.force_login(admin)

    reponse = client.post(
        "/pilotage/indicateurs/saisir/",
        {
            "indicateur": charges["banque-des-territoires"].pk,
            "valeur": "12",
            "date": "",
            "source": "",
        },
    )

    page = reponse.content.decode()
    assert reponse.status_code == 200
    assert "une valeur sans date ne peut pas être enregistrée" in page
    assert "une valeur sans source ne peut pas être enregistrée" in page
    assert not ValeurIndicateur.objects.exists()


def test_l_administration_des_indicateurs(client, charges):
    superutilisateur = UserFactory(username="super", is_staff=True, is_superuser=True)
    client.force_login(superutilisateur)

    assert client.get("/admin/pilotage/indicateur/").status_code == 200
    assert client.get("/admin/pilotage/valeurindicateur/add/").status_code == 200
    reponse = client.post(
        "/admin/pilotage/valeurindicateur/add/",
        {
            "indicateur": charges["banque-des-territoires"].pk,
            "valeur": "1",
            "date": "",
            "source": "",
        },
    )
    assert reponse.status_code == 200
    assert not ValeurIndicateur.objects.exists()
    reponse = client.post(
        "/admin/pilotage/valeurindicateur/add/",
        {
            "indicateur": charges["banque-des-territoires"].pk,
            "valeur": "1000",
            "date": HIER.isoformat(),
            "source": "Saisie dans l'administration",
        },
    )
    assert reponse.status_code == 302
    valeur = ValeurIndicateur.objects.get()
    assert valeur.auteur == superutilisateur
    assert Trace.objects.filter(
        modele="pilotage.ValeurIndicateur", objet_id=str(valeur.pk)
    ).exists()
