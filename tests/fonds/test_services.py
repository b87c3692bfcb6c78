import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import ProtectedError, Sum

from comptes.models import Trace
from fonds import services
from fonds.models import Engagement, Enveloppe, Mouvement, StatutEngagement, TypeMouvement
from fonds.selectors import engagements_visibles_par
from projets import services as projets_services
from projets.models import Evenement, Projet, Statut, TypeEvenement
from socle.erreurs import Invalide, Refus
from socle.format_fr import format_euros
from socle.models import DemandeRecalcul
from tests.fonds.conftest import GRAND_PROJET, M
from tests.fonds.factories import (
    DispositifFactory,
    enveloppe_nationale,
    fonds_reparti,
    projet_preselectionne,
)
from tests.projets.factories import creer_projet, projet_au_statut

pytestmark = pytest.mark.django_db

DATE = datetime.date(2020, 9, 15)


def _espaces_simples(texte: str) -> str:
    return texte.replace("\u202f", " ").replace("\u00a0", " ")


def _mouvement(enveloppe, type, montant, *, auteur, motif="Essai"):
    return services.ajouter_mouvement(
        enveloppe_id=enveloppe.pk,
        type=type,
        montant=montant,
        date_effet=DATE,
        motif=motif,
        auteur=auteur,
    )


def _engager(projet, enveloppe, montant, auteur, **autres):
    return services.engager(
        projet_id=projet.pk, enveloppe_id=enveloppe.pk, montant=montant, auteur=auteur, **autres
    )


def _traces_de(enveloppe, champ: str) -> list[list[Decimal]]:
    """Les changements de `champ` de l'enveloppe écrits au journal d'audit, dans l'ordre."""
    traces = Trace.objects.filter(modele="fonds.Enveloppe", objet_id=str(enveloppe.pk)).order_by(
        "pk"
    )
    return [
        [Decimal(valeur) for valeur in trace.changements[champ]]
        for trace in traces
        if champ in trace.changements
    ]


# --- Format des montants -------------------------------------------------------


@pytest.mark.parametrize(
    ("montant", "attendu"),
    [
        (Decimal("1500000"), "1\u202f500\u202f000\u00a0€"),
        (Decimal("1500000.50"), "1\u202f500\u202f000,50\u00a0€"),
        (Decimal("999"), "999\u00a0€"),
        (Decimal("-2500"), "-2\u202f500\u00a0€"),
        (Decimal("0"), "0\u00a0€"),
        (None, "—"),
    ],
)
def test_format_des_montants_en_euros(montant, attendu):
    assert format_euros(montant) == attendu


# --- Enveloppes et mouvements --------------------------------------------------


def test_le_montant_d_une_enveloppe_est_la_somme_de_ses_mouvements(
    admin_national, fonds_acceleration
):
    enveloppe = enveloppe_nationale(
        auteur=admin_national, dispositif=fonds_acceleration, annee=2020, montant=150 * M
    )
    _mouvement(enveloppe, TypeMouvement.ABONDEMENT, Decimal("2500000.50"), auteur=admin_national)
    _mouvement(
        enveloppe, TypeMouvement.ANNULATION, M, auteur=admin_national, motif="Gel de crédits"
    )
    enveloppe.refresh_from_db()
    assert enveloppe.montant == Decimal("151500000.50")
    assert enveloppe.mouvements.aggregate(s=Sum("montant"))["s"] == enveloppe.montant
    annulation = enveloppe.mouvements.get(type=TypeMouvement.ANNULATION)
    assert annulation.montant == -M
    assert annulation.auteur == admin_national and annulation.motif == "Gel de crédits"


def test_mouvement_rendant_l_enveloppe_negative_refuse(admin_national, fonds_acceleration):
    enveloppe = enveloppe_nationale(
        auteur=admin_national, dispositif=fonds_acceleration, annee=2020, montant=M
    )
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        _mouvement(enveloppe, TypeMouvement.ANNULATION, Decimal("1500000"), auteur=admin_national)
    assert erreur.value.demande == Decimal("1500000")
    assert erreur.value.disponible == M
    assert "Montant demandé : 1 500 000,00 € ; disponible : 1 000 000,00 €." in (
        _espaces_simples(erreur.value.message)
    )
    enveloppe.refresh_from_db()
    assert enveloppe.montant == M
    assert enveloppe.mouvements.count() == 1


@pytest.mark.parametrize("montant", [Decimal("0"), Decimal("-5"), Decimal("1.001")])
def test_mouvement_au_montant_invalide_refuse(admin_national, fonds_acceleration, montant):
    enveloppe = enveloppe_nationale(
        auteur=admin_national, dispositif=fonds_acceleration, annee=2020, montant=M
    )
    with pytest.raises(Invalide) as erreur:
        _mouvement(enveloppe, TypeMouvement.DOTATION, montant, auteur=admin_national)
    assert list(erreur.value.erreurs) == ["montant"]
    assert Mouvement.objects.filter(enveloppe=enveloppe).count() == 1


def test_mouvement_sans_motif_refuse(admin_national, fonds_acceleration):
    enveloppe = enveloppe_nationale(
        auteur=admin_national, dispositif=fonds_acceleration, annee=2020, montant=0
    )
    with pytest.raises(Invalide, match="motif") as erreur:
        _mouvement(enveloppe, TypeMouvement.DOTATION, M, auteur=admin_national, motif="   ")
    assert list(erreur.value.erreurs) == ["motif"]


def test_seule_l_equipe_nationale_gere_les_enveloppes(
    prefecture_84, ministere, admin_national, fonds_acceleration
):
    enveloppe = enveloppe_nationale(
        auteur=admin_national, dispositif=fonds_acceleration, annee=2020, montant=M
    )
    for agent in (prefecture_84, ministere):
        with pytest.raises(Refus, match="équipe nationale"):
            _mouvement(enveloppe, TypeMouvement.DOTATION, M, auteur=agent)
        with pytest.raises(Refus):
            services.creer_enveloppe(dispositif=fonds_acceleration, annee=2021, auteur=agent)


def test_une_enveloppe_n_est_creee_qu_une_fois(admin_national, fonds_acceleration):
    services.creer_enveloppe(dispositif=fonds_acceleration, annee=2020, auteur=admin_national)
    with pytest.raises(Invalide, match="existe déjà"):
        services.creer_enveloppe(dispositif=fonds_acceleration, annee=2020, auteur=admin_national)
    services.creer_enveloppe(
        dispositif=fonds_acceleration, annee=2020, region="84", auteur=admin_national
    )
    with pytest.raises(Invalide, match="existe déjà"):
        services.creer_enveloppe(
            dispositif=fonds_acceleration, annee=2020, region="84", auteur=admin_national
        )


def test_annulation_nationale_sous_la_repartition_refusee(admin_national, enveloppes_2020):
    nationale, _ = enveloppes_2020
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        _mouvement(nationale, TypeMouvement.ANNULATION, 140 * M, auteur=admin_national)
    # 150 M€ dont 15 M€ répartis : 135 M€ peuvent être retirés, pas 140.
    assert erreur.value.disponible == 135 * M
    assert "enveloppes régionales" in erreur.value.message


def test_dotation_regionale_au_dela_du_national_refusee(admin_national, enveloppes_2020):
    nationale, regionales = enveloppes_2020
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        _mouvement(regionales["84"], TypeMouvement.DOTATION, 136 * M, auteur=admin_national)
    assert (erreur.value.demande, erreur.value.disponible) == (136 * M, 135 * M)
    _mouvement(regionales["84"], TypeMouvement.DOTATION, 135 * M, auteur=admin_national)
    regionales_total = Enveloppe.objects.filter(annee=2020, region__isnull=False).aggregate(
        s=Sum("montant")
    )["s"]
    assert regionales_total == nationale.montant == 150 * M


def test_anticipation_garde_le_total_du_fonds(admin_national, fonds_acceleration):
    """Le collectif 2020 : +100 M€ sur 2020 par anticipation des crédits 2021 ; 400 M€ au total."""
    for annee, montant in ((2020, 150 * M), (2021, 250 * M)):
        enveloppe_nationale(
            auteur=admin_national, dispositif=fonds_acceleration, annee=annee, montant=montant
        )
    demandes = DemandeRecalcul.objects.count()
    sortie, entree = services.anticiper(
        dispositif=fonds_acceleration,
        annee_source=2021,
        annee_cible=2020,
        montant=100 * M,
        date_effet=datetime.date(2020, 7, 30),
        motif="Troisième loi de finances rectificative pour 2020",
        auteur=admin_national,
    )
    # Les chiffres des tableaux de bord changent : leur recalcul est demandé.
    assert DemandeRecalcul.objects.count() > demandes
    nationales = {
        e.annee: e.montant
        for e in Enveloppe.objects.filter(dispositif=fonds_acceleration, region__isnull=True)
    }
    assert nationales == {2020: 250 * M, 2021: 150 * M}
    assert sum(nationales.values()) == 400 * M
    assert sortie.operation == entree.operation is not None
    assert (sortie.montant, entree.montant) == (-100 * M, 100 * M)
    assert sortie.type == entree.type == TypeMouvement.ANTICIPATION


def test_anticipation_refusee_si_les_credits_sont_deja_repartis(admin_national, fonds_acceleration):
    fonds_reparti(
        auteur=admin_national,
        dispositif=fonds_acceleration,
        annee=2021,
        national=250 * M,
        regions={"84": 200 * M},
    )
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        services.anticiper(
            dispositif=fonds_acceleration,
            annee_source=2021,
            annee_cible=2020,
            montant=100 * M,
            date_effet=DATE,
            motif="Anticipation",
            auteur=admin_national,
        )
    assert erreur.value.disponible == 50 * M
    # Rien n'est écrit : ni mouvement, ni montant changé (l'enveloppe 2020 créée est annulée).
    assert not Enveloppe.objects.filter(annee=2020).exists()
    assert not Mouvement.objects.filter(type=TypeMouvement.ANTICIPATION).exists()


def test_repartition_au_dela_du_national_refusee_sans_rien_ecrire(
    admin_national, fonds_acceleration
):
    nationale = enveloppe_nationale(
        auteur=admin_national, dispositif=fonds_acceleration, annee=2020, montant=10 * M
    )
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        services.repartir(
            enveloppe_nationale_id=nationale.pk,
            montants_par_region={"84": 6 * M, "32": 5 * M},
            date_effet=DATE,
            motif="Répartition",
            auteur=admin_national,
        )
    assert (erreur.value.demande, erreur.value.disponible) == (11 * M, 10 * M)
    assert "Montant demandé : 11 000 000,00 €" in _espaces_simples(erreur.value.message)
    assert not Enveloppe.objects.filter(region__isnull=False).exists()
    assert Mouvement.objects.count() == 1


def test_repartition_tient_compte_des_repartitions_precedentes(admin_national, enveloppes_2020):
    nationale, regionales = enveloppes_2020
    mouvements = services.repartir(
        enveloppe_nationale_id=nationale.pk,
        montants_par_region={"84": 100 * M, "44": 35 * M, "32": ""},
        date_effet=DATE,
        motif="Seconde répartition",
        auteur=admin_national,
    )
    assert len(mouvements) == 2 and len({m.operation for m in mouvements}) == 1
    assert Enveloppe.objects.get(annee=2020, region_id="84").montant == 110 * M
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        services.repartir(
            enveloppe_nationale_id=nationale.pk,
            montants_par_region={"11": Decimal("0.01")},
            date_effet=DATE,
            motif="De trop",
            auteur=admin_national,
        )
    assert erreur.value.disponible == 0
    assert not Enveloppe.objects.filter(region_id="11").exists()


def test_redeploiement_entre_regions(admin_national, enveloppes_2020, projet_84, prefecture_84):
    _, regionales = enveloppes_2020
    _engager(projet_84, regionales["84"], 4 * M, prefecture_84)
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        services.redeployer(
            dispositif=projet_84.engagements.get().enveloppe.dispositif,
            annee=2020,
            region_source="84",
            region_cible="32",
            montant=7 * M,
            date_effet=DATE,
            motif="Redéploiement",
            auteur=admin_national,
        )
    assert erreur.value.disponible == 6 * M
    services.redeployer(
        dispositif=regionales["84"].dispositif,
        annee=2020,
        region_source="84",
        region_cible="32",
        montant=6 * M,
        date_effet=DATE,
        motif="Redéploiement vers les Hauts-de-France",
        auteur=admin_national,
    )
    montants = {
        e.region_id: (e.montant, e.montant_engage)
        for e in Enveloppe.objects.filter(annee=2020, region__isnull=False)
    }
    assert montants == {"84": (4 * M, 4 * M), "32": (11 * M, 0)}


# --- Engagements ------------------------------------------------------------------


def test_engagement_passe_le_projet_a_engage(prefecture_84, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    engagement = _engager(
        projet_84, regionales["84"], Decimal("800000"), prefecture_84, commentaire="Arrêté n° 12"
    )
    projet_84.refresh_from_db()
    enveloppe = Enveloppe.objects.get(pk=regionales["84"].pk)
    assert projet_84.statut == Statut.ENGAGE
    assert engagement.statut == StatutEngagement.ENGAGE
    assert engagement.auteur == prefecture_84 and engagement.date_engagement is not None
    assert enveloppe.montant_engage == Decimal("800000")
    assert enveloppe.montant_disponible == Decimal("9200000")
    transition = projet_84.evenements.get(type=TypeEvenement.TRANSITION, statut_apres="engage")
    assert transition.statut_avant == Statut.PRESELECTIONNE
    evenement = projet_84.evenements.get(type=TypeEvenement.ENGAGEMENT)
    assert "800\u202f000" in evenement.commentaire and "Arrêté n° 12" in evenement.commentaire


def test_engagement_complementaire_sur_un_projet_engage(prefecture_84, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    _engager(projet_84, regionales["84"], Decimal("500000"), prefecture_84)
    _engager(projet_84, regionales["84"], Decimal("300000"), prefecture_84)
    projet_84.refresh_from_db()
    assert projet_84.statut == Statut.ENGAGE
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant_engage == Decimal("800000")
    assert projet_84.evenements.filter(type=TypeEvenement.ENGAGEMENT).count() == 2


def test_depassement_refuse_avec_les_chiffres_sans_rien_ecrire(
    prefecture_84, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    _engager(projet_84, regionales["84"], 9 * M, prefecture_84)
    with pytest.raises(services.DepassementEnveloppe) as erreur:
        _engager(projet_84, regionales["84"], Decimal("1500000"), prefecture_84)
    assert (erreur.value.demande, erreur.value.disponible) == (Decimal("1500000"), M)
    assert "Montant demandé : 1 500 000,00 € ; disponible : 1 000 000,00 €." in (
        _espaces_simples(erreur.value.message)
    )
    assert Engagement.objects.filter(projet=projet_84).count() == 1
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant_engage == 9 * M


def test_depassement_sur_un_projet_presélectionne_ne_change_pas_son_statut(
    prefecture_84, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    with pytest.raises(services.DepassementEnveloppe):
        _engager(projet_84, regionales["84"], 11 * M, prefecture_84)
    projet_84.refresh_from_db()
    assert projet_84.statut == Statut.PRESELECTIONNE
    assert not Engagement.objects.exists()


def test_engagement_refuse_a_une_autre_region_et_aux_roles_non_habilites(
    prefecture_32, region_84, ministere, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    for agent, raison in (
        (prefecture_32, "périmètre"),
        (region_84, "préfecture"),
        (ministere, "préfecture"),
    ):
        with pytest.raises(Refus, match=raison):
            _engager(projet_84, regionales["84"], M, agent)
    assert not Engagement.objects.exists()


def test_engagement_refuse_sur_une_enveloppe_non_eligible(
    admin_national, prefecture_84, enveloppes_2020, projet_84
):
    nationale, regionales = enveloppes_2020
    autre_annee = fonds_reparti(
        auteur=admin_national,
        dispositif=nationale.dispositif,
        annee=2021,
        national=10 * M,
        regions={"84": 5 * M},
    )[1]["84"]
    sans_projets = DispositifFactory(code="dsil", nom="DSIL", finance_projets=False)
    dsil_84 = fonds_reparti(
        auteur=admin_national,
        dispositif=sans_projets,
        annee=2020,
        national=10 * M,
        regions={"84": 5 * M},
    )[1]["84"]
    for enveloppe, raison in (
        (nationale, "enveloppe régionale"),
        (regionales["32"], "région du projet"),
        (autre_annee, "programmé en 2020"),
        (dsil_84, "n'engage pas de crédits"),
    ):
        with pytest.raises(Invalide, match=raison) as erreur:
            _engager(projet_84, enveloppe, M, prefecture_84)
        assert list(erreur.value.erreurs) == ["enveloppe"]
    assert not Engagement.objects.exists()


def test_engagement_refuse_sur_un_projet_non_preselectionne(prefecture_84, enveloppes_2020):
    projet = creer_projet(prefecture_84, deposer=True, **GRAND_PROJET)
    _, regionales = enveloppes_2020
    with pytest.raises(Invalide, match="présélectionné") as erreur:
        _engager(projet, regionales["84"], M, prefecture_84)
    assert list(erreur.value.erreurs) == ["projet"]
    assert not Engagement.objects.exists()


# --- Versements -------------------------------------------------------------------


def test_versement_au_dela_de_l_engagement_refuse(prefecture_84, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    services.verser(
        engagement_id=engagement.pk,
        montant=Decimal("600000"),
        date_versement=datetime.date.today(),
        reference="DP-1",
        auteur=prefecture_84,
    )
    with pytest.raises(services.DepassementEngagement) as erreur:
        services.verser(
            engagement_id=engagement.pk,
            montant=Decimal("400000.01"),
            date_versement=datetime.date.today(),
            auteur=prefecture_84,
        )
    assert (erreur.value.demande, erreur.value.disponible) == (
        Decimal("400000.01"),
        Decimal("400000"),
    )
    assert isinstance(erreur.value, services.DepassementEnveloppe)
    assert "reste à verser : 400 000,00 €" in _espaces_simples(erreur.value.message)
    engagement.refresh_from_db()
    assert engagement.montant_verse == Decimal("600000")
    assert engagement.statut == StatutEngagement.ENGAGE
    assert engagement.versements.count() == 1


def test_versement_complet_solde_l_engagement(prefecture_84, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    for montant in (Decimal("250000"), Decimal("750000")):
        services.verser(
            engagement_id=engagement.pk,
            montant=montant,
            date_versement=datetime.date.today(),
            auteur=prefecture_84,
        )
    engagement.refresh_from_db()
    enveloppe = Enveloppe.objects.get(pk=regionales["84"].pk)
    assert engagement.statut == StatutEngagement.SOLDE
    assert engagement.montant_verse == M
    assert (enveloppe.montant_engage, enveloppe.montant_verse) == (M, M)
    with pytest.raises(Invalide, match="soldé") as erreur:
        services.verser(
            engagement_id=engagement.pk,
            montant=Decimal("1"),
            date_versement=datetime.date.today(),
            auteur=prefecture_84,
        )
    assert list(erreur.value.erreurs) == ["engagement"]
    # Le montant versé sur l'enveloppe est écrit au journal d'audit, à chaque versement.
    assert _traces_de(enveloppe, "montant_verse") == [
        [Decimal("0"), Decimal("250000")],
        [Decimal("250000"), M],
    ]


def test_versement_refuse_a_une_autre_region(
    prefecture_84, prefecture_32, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    with pytest.raises(Refus, match="périmètre"):
        services.verser(
            engagement_id=engagement.pk,
            montant=Decimal("1"),
            date_versement=datetime.date.today(),
            auteur=prefecture_32,
        )


# --- Abandon ----------------------------------------------------------------------


def test_abandon_d_un_projet_engage_libere_la_part_non_versee(
    prefecture_84, region_84, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    services.verser(
        engagement_id=engagement.pk,
        montant=Decimal("300000"),
        date_versement=datetime.date.today(),
        auteur=prefecture_84,
    )
    autre = projet_preselectionne(prefecture=prefecture_84, conseil=region_84, **GRAND_PROJET)
    autre_engagement = _engager(autre, regionales["84"], 2 * M, prefecture_84)

    services.abandonner_projet(
        projet_id=projet_84.pk,
        auteur=prefecture_84,
        commentaire="L'entreprise renonce à son projet.",
    )

    engagement.refresh_from_db()
    enveloppe = Enveloppe.objects.get(pk=regionales["84"].pk)
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.ABANDONNE
    assert engagement.montant_libere == Decimal("700000")
    assert engagement.statut == StatutEngagement.SOLDE
    # Restent engagés : les 300 000 € versés et l'engagement de l'autre projet.
    assert enveloppe.montant_engage == Decimal("2300000")
    assert enveloppe.montant_verse == Decimal("300000")
    assert enveloppe.montant_disponible == Decimal("7700000")
    assert Evenement.objects.filter(
        projet=projet_84, type=TypeEvenement.ENGAGEMENT, commentaire__contains="700\u202f000"
    ).exists()
    # La baisse du montant engagé de l'enveloppe est au journal d'audit.
    assert _traces_de(enveloppe, "montant_engage")[-1] == [3 * M, Decimal("2300000")]

    services.abandonner_projet(projet_id=autre.pk, auteur=prefecture_84, commentaire="Abandon.")
    autre_engagement.refresh_from_db()
    assert autre_engagement.statut == StatutEngagement.ANNULE
    assert autre_engagement.montant_libere == 2 * M
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant_engage == Decimal("300000")
    assert _traces_de(enveloppe, "montant_engage")[-1] == [Decimal("2300000"), Decimal("300000")]


def test_le_service_des_projets_seul_n_abandonne_pas_un_projet_engage(
    prefecture_84, enveloppes_2020, projet_84
):
    """Les crédits d'un projet engagé reviennent à l'enveloppe : l'abandon passe par le fonds."""
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    with pytest.raises(Invalide, match="passe par le fonds") as erreur:
        projets_services.changer_statut(
            projet_id=projet_84.pk, auteur=prefecture_84, vers=Statut.ABANDONNE, commentaire="X."
        )
    assert list(erreur.value.erreurs) == ["vers"]
    engagement.refresh_from_db()
    assert (engagement.statut, engagement.montant_libere) == (StatutEngagement.ENGAGE, 0)
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.ENGAGE
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant_engage == M


def test_abandon_refuse_ne_libere_rien(prefecture_84, prefecture_32, enveloppes_2020, projet_84):
    """Le droit de l'agent et la raison sont vérifiés dans la transaction qui libère."""
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    with pytest.raises(Refus):
        services.abandonner_projet(
            projet_id=projet_84.pk, auteur=prefecture_32, commentaire="Pas ma région."
        )
    with pytest.raises(Invalide, match="raison de l'abandon"):
        services.abandonner_projet(projet_id=projet_84.pk, auteur=prefecture_84, commentaire=" ")
    engagement.refresh_from_db()
    assert (engagement.statut, engagement.montant_libere) == (StatutEngagement.ENGAGE, 0)
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant_engage == M
    assert not Evenement.objects.filter(
        projet=projet_84, commentaire__startswith="Abandon"
    ).exists()


def test_un_projet_engage_ne_se_supprime_pas_il_s_abandonne(
    client, admin_national, prefecture_84, enveloppes_2020, projet_84
):
    """Ni la base, ni l'administration, ni l'API ne suppriment un projet engagé."""
    _, regionales = enveloppes_2020
    _engager(projet_84, regionales["84"], M, prefecture_84)

    with pytest.raises(ProtectedError), transaction.atomic():
        Projet.objects.filter(pk=projet_84.pk).delete()
    # Même un superutilisateur de l'administration : la suppression y est désactivée.
    admin_national.is_staff = admin_national.is_superuser = True
    admin_national.save()
    client.force_login(admin_national)
    adresse_admin = f"/admin/projets/projet/{projet_84.pk}/delete/"
    assert client.post(adresse_admin, {"post": "yes"}).status_code == 403
    client.force_login(prefecture_84)
    assert client.delete(f"/api/v1/projets/{projet_84.pk}/").status_code == 405
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.ENGAGE

    services.abandonner_projet(projet_id=projet_84.pk, auteur=prefecture_84, commentaire="Renonce.")
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.ABANDONNE
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant_engage == 0


def test_abandon_d_un_projet_sans_engagement_ne_touche_pas_aux_enveloppes(
    prefecture_84, enveloppes_2020, projet_84
):
    services.abandonner_projet(projet_id=projet_84.pk, auteur=prefecture_84, commentaire="Abandon.")
    assert Projet.objects.get(pk=projet_84.pk).statut == Statut.ABANDONNE
    assert not Evenement.objects.filter(projet=projet_84, type=TypeEvenement.ENGAGEMENT).exists()
    assert not Trace.objects.filter(
        modele="fonds.Enveloppe", changements__has_key="montant_engage"
    ).exists()


# --- Visibilité -------------------------------------------------------------------


def test_engagements_visibles_selon_la_region(
    prefecture_84,
    prefecture_32,
    region_84,
    ministere,
    admin_national,
    enveloppes_2020,
    projet_84,
    projet_32,
):
    _, regionales = enveloppes_2020
    e84 = _engager(projet_84, regionales["84"], M, prefecture_84)
    e32 = _engager(projet_32, regionales["32"], M, prefecture_32)
    assert list(engagements_visibles_par(prefecture_84)) == [e84]
    assert list(engagements_visibles_par(region_84)) == [e84]
    assert list(engagements_visibles_par(prefecture_32)) == [e32]
    assert set(engagements_visibles_par(ministere)) == {e84, e32}
    assert set(engagements_visibles_par(admin_national)) == {e84, e32}


def test_donner_avis_defavorable_ne_permet_pas_d_engager(prefecture_84, region_84, enveloppes_2020):
    projet = projet_au_statut(
        Statut.NON_RETENU, prefecture=prefecture_84, conseil=region_84, **GRAND_PROJET
    )
    _, regionales = enveloppes_2020
    with pytest.raises(Invalide, match="non retenu") as erreur:
        _engager(projet, regionales["84"], M, prefecture_84)
    assert list(erreur.value.erreurs) == ["projet"]
    assert not Engagement.objects.exists()
