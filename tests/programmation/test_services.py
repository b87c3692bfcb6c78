"""Les règles des simulations : candidats, montants, versions, périmètre, application."""

from decimal import Decimal

import pytest

from comptes.models import Trace
from fonds import services as fonds_services
from fonds.models import Engagement
from programmation import selectors, services
from programmation.models import LigneSimulation, Simulation
from projets import services as projets_services
from projets.models import Statut
from socle.erreurs import Conflit, Invalide, Refus
from socle.models import Evenement
from tests.comptes.factories import agent
from tests.fonds.factories import engager
from tests.programmation.factories import (
    AIDE,
    M,
    candidats,
    enveloppes,
    ligne_de,
    relue,
    simulation,
)
from tests.territoires.factories import TERRITOIRE_32

pytestmark = pytest.mark.django_db

K = Decimal("1000")


def _modifier(ligne, auteur, **valeurs):
    valeurs.setdefault("version_attendue", ligne.version)
    return services.modifier_ligne(ligne_id=ligne.pk, auteur=auteur, **valeurs)


def _etat():
    """Ce qu'une écriture refusée ne doit pas changer."""
    return (
        list(LigneSimulation.objects.order_by("pk").values_list("montant", "incluse", "version")),
        list(Simulation.objects.order_by("pk").values_list("version", "appliquee_le")),
        Engagement.objects.count(),
        Trace.objects.count(),
        Evenement.objects.count(),
    )


# --- Création : les candidats de la région et de l'année -------------------------------


def test_une_simulation_reprend_les_candidats_de_sa_region_et_de_son_annee(comptes):
    enveloppes(comptes, region_84=M)
    a, b = candidats(comptes, 2)
    [en_instruction] = candidats(comptes, 1, Statut.EN_INSTRUCTION)
    candidats(comptes, 1, Statut.DEPOSE)  # pas encore instruit : pas candidat
    candidats(comptes, 1, annee=2021)  # une autre année
    candidats(comptes, 1, territoire=TERRITOIRE_32)  # une autre région

    sim = simulation(comptes)

    lignes = {ligne.projet_id: ligne for ligne in sim.lignes.all()}
    assert set(lignes) == {a.pk, b.pk, en_instruction.pk}
    assert {pk: (ligne.montant, ligne.incluse) for pk, ligne in lignes.items()} == {
        a.pk: (AIDE, True),
        b.pk: (AIDE, True),
        en_instruction.pk: (AIDE, False),
    }
    totaux = selectors.totaux(Simulation.objects.select_related("enveloppe").get(pk=sim.pk))
    assert (totaux.nb_lignes, totaux.nb_incluses, totaux.propose) == (3, 2, 800 * K)
    assert (totaux.investissement, totaux.emplois_crees, totaux.emplois_maintenus) == (
        5 * M,
        50,
        220,
    )
    assert (totaux.disponible, totaux.reste_apres, totaux.depassement) == (M, 200 * K, 0)
    assert totaux.effet_levier == Decimal("6.2")  # 5 M€ / 800 k€ = 6,25
    trace = Trace.objects.get(modele="programmation.Simulation", objet_id=str(sim.pk))
    assert (trace.auteur, trace.region, trace.changements["lignes"]) == (
        comptes["prefecture-84"],
        "84",
        [0, 3],
    )


def test_un_projet_deja_engage_n_est_plus_candidat(comptes):
    regionales = enveloppes(comptes, region_84=M)
    [projet] = candidats(comptes, 1, statut=Statut.PRESELECTIONNE)
    engager(projet, regionales["84"], 100 * K, auteur=comptes["prefecture-84"])
    # Engagé pour 100 000 €, il n'est plus candidat : un complément se fait par la fiche.
    assert not simulation(comptes).lignes.exists()


def test_une_enveloppe_absente_ou_un_nom_deja_pris_sont_refuses(comptes):
    enveloppes(comptes)
    simulation(comptes, nom="Juin")
    with pytest.raises(Invalide, match="s'appelle déjà « juin »"):
        simulation(comptes, nom="juin")
    with pytest.raises(Invalide, match="Aucune enveloppe 2021"):
        simulation(comptes, annee=2021)
    with pytest.raises(Invalide, match="Donnez un nom"):
        simulation(comptes, nom="   ")
    assert Simulation.objects.count() == 1


# --- Montants ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("montant", "message"),
    [
        (Decimal("-1"), "Le montant proposé ne peut pas être négatif."),
        (
            AIDE + Decimal("0.01"),
            "Le montant proposé (400\u202f000,01\u00a0€) dépasse l'aide sollicitée par le "
            "porteur (400\u202f000,00\u00a0€) : 400\u202f000,00\u00a0€ au plus.",
        ),
        (Decimal("10.001"), "deux décimales au plus"),
    ],
)
def test_un_montant_hors_des_regles_est_refuse_et_rien_n_est_ecrit(comptes, montant, message):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    avant = _etat()
    with pytest.raises(Invalide) as refus:
        _modifier(ligne_de(sim, projet), comptes["region-84"], montant=montant)
    assert message in refus.value.message
    assert refus.value.erreurs.keys() == {"montant"}
    assert _etat() == avant


def test_zero_est_un_montant_propose_et_chaque_changement_est_au_journal(comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    ligne = _modifier(ligne_de(sim, projet), comptes["region-84"], montant=0, incluse=False)
    assert (ligne.montant, ligne.incluse, ligne.version) == (0, False, 2)
    trace = Trace.objects.get(modele="programmation.LigneSimulation", objet_id=str(ligne.pk))
    assert trace.auteur == comptes["region-84"]
    assert trace.changements == {"montant": ["400000.00", "0.00"], "incluse": [True, False]}
    sim.refresh_from_db()
    assert (sim.version, sim.modifiee_par) == (2, comptes["region-84"])
    # Une saisie qui ne change rien n'écrit rien.
    avant = _etat()
    _modifier(ligne, comptes["region-84"], montant=0)
    assert _etat() == avant


def test_deux_agents_sur_la_meme_ligne_le_second_voit_la_nouvelle_valeur(comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    ligne = ligne_de(simulation(comptes), projet)
    lue_par_la_region = ligne.version

    _modifier(ligne, comptes["prefecture-84"], montant=300 * K)
    with pytest.raises(Conflit) as refus:
        _modifier(ligne, comptes["region-84"], montant=350 * K, version_attendue=lue_par_la_region)

    assert refus.value.code == "version_perimee"
    assert "modifiée par prefecture-84" in refus.value.message
    assert "montant proposé désormais 300\u202f000,00\u00a0€, incluse" in refus.value.message
    ligne.refresh_from_db()
    assert (ligne.montant, ligne.version, ligne.modifiee_par) == (
        300 * K,
        2,
        comptes["prefecture-84"],
    )


# --- Les lignes qu'on ajoute -----------------------------------------------------------------


def test_un_projet_d_une_autre_region_ou_d_une_autre_annee_est_refuse(comptes):
    enveloppes(comptes)
    sim = simulation(comptes)
    [autre_region] = candidats(comptes, 1, territoire=TERRITOIRE_32)
    [autre_annee] = candidats(comptes, 1, annee=2021)
    [depose] = candidats(comptes, 1, Statut.DEPOSE)
    avant = _etat()

    def ajouter(projet, par="admin-national"):
        return services.ajouter_ligne(
            simulation_id=sim.pk, projet_id=projet.pk, auteur=comptes[par]
        )

    with pytest.raises(Invalide, match="n'est pas un projet de la région Auvergne-Rhône-Alpes"):
        ajouter(autre_region)
    # La préfecture 84 ne voit pas le projet 32 : le refus n'en dit rien.
    with pytest.raises(Invalide, match="n'existe pas ou n'est pas dans votre périmètre"):
        ajouter(autre_region, par="prefecture-84")
    with pytest.raises(
        Invalide, match="programmé en 2021 : cette simulation porte sur l'enveloppe"
    ):
        ajouter(autre_annee)
    with pytest.raises(Invalide, match="« déposé » : une simulation ne reçoit que des projets"):
        ajouter(depose)
    assert _etat() == avant


def test_les_nouveaux_candidats_s_ajoutent_sans_etre_inclus(comptes):
    enveloppes(comptes)
    sim = simulation(comptes)
    [nouveau] = candidats(comptes, 1)
    assert selectors.nouveaux_candidats(sim).get() == nouveau
    assert (
        services.ajouter_candidats(
            simulation_id=sim.pk, auteur=comptes["region-84"], version_attendue=1
        )
        == 1
    )
    ligne = ligne_de(sim, nouveau)
    assert (ligne.montant, ligne.incluse) == (AIDE, False)
    assert not selectors.nouveaux_candidats(sim).exists()


# --- Qui voit et qui modifie -------------------------------------------------------------------


@pytest.mark.parametrize("nom", ["prefecture-32", "region-32", "ministere"])
def test_une_simulation_d_une_enveloppe_que_l_agent_ne_programme_pas_est_refusee(comptes, nom):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    avant = _etat()
    with pytest.raises(Refus):
        services.creer_simulation(auteur=comptes[nom], region="84", annee=2020, nom="Autre")
    with pytest.raises(Refus):
        _modifier(ligne_de(sim, projet), comptes[nom], montant=K)
    with pytest.raises(Refus):
        services.dupliquer(simulation_id=sim.pk, auteur=comptes[nom], nom="Copie")
    assert _etat() == avant
    assert not selectors.simulations_visibles_par(comptes[nom]).exists()


def test_la_simulation_est_partagee_entre_la_prefecture_la_region_et_l_equipe_nationale(comptes):
    enveloppes(comptes)
    sim = simulation(comptes)
    for nom in ("prefecture-84", "region-84", "admin-national"):
        assert list(selectors.simulations_visibles_par(comptes[nom])) == [sim]
    departementale = agent("prefecture-74", region="84", departement="74")
    assert not selectors.simulations_visibles_par(departementale).exists()
    with pytest.raises(Refus, match="préfecture de département"):
        services.creer_simulation(auteur=departementale, region="84", annee=2020, nom="74")


def test_dupliquer_copie_les_lignes_sans_lier_les_deux_simulations(comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    _modifier(ligne_de(sim, projet), comptes["prefecture-84"], montant=250 * K)
    copie = services.dupliquer(simulation_id=sim.pk, auteur=comptes["region-84"], nom="Variante")
    assert (ligne_de(copie, projet).montant, copie.auteur) == (250 * K, comptes["region-84"])
    _modifier(ligne_de(copie, projet), comptes["region-84"], montant=100 * K)
    assert ligne_de(sim, projet).montant == 250 * K
    with pytest.raises(Invalide, match="s'appelle déjà"):
        services.dupliquer(simulation_id=sim.pk, auteur=comptes["region-84"], nom="VARIANTE")


# --- Appliquer ----------------------------------------------------------------------------------


def test_appliquer_engage_les_lignes_incluses_et_previent_la_region(comptes):
    regionales = enveloppes(comptes, region_84=M)
    a, b = candidats(comptes, 2)
    [en_instruction] = candidats(comptes, 1, Statut.EN_INSTRUCTION)  # non incluse
    sim = simulation(comptes)
    _modifier(ligne_de(sim, b), comptes["region-84"], montant=350 * K)

    engagements = services.appliquer(
        simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=2
    )

    assert sorted((e.projet_id, e.montant) for e in engagements) == [(a.pk, AIDE), (b.pk, 350 * K)]
    assert {e.enveloppe_id for e in engagements} == {regionales["84"].pk}
    assert relue(regionales["84"]).montant_engage == 750 * K
    a.refresh_from_db(), b.refresh_from_db(), en_instruction.refresh_from_db()
    assert (a.statut, b.statut, en_instruction.statut) == (
        Statut.ENGAGE,
        Statut.ENGAGE,
        Statut.EN_INSTRUCTION,
    )
    sim.refresh_from_db()
    assert (sim.appliquee, sim.appliquee_par) == (True, comptes["prefecture-84"])
    fait = Evenement.objects.get(genre="simulation_appliquee")
    assert (fait.acteur, fait.region) == (comptes["prefecture-84"], "84")
    assert fait.donnees | {} == {
        "simulation_id": sim.pk,
        "nom": "Proposition État",
        "annee": 2020,
        "dispositif": "fonds-acceleration",
        "enveloppe_id": regionales["84"].pk,
        "nb_engagements": 2,
        "montant": "750000.00",
        "projets": sorted([a.pk, b.pk]),
    }
    trace = Trace.objects.filter(modele="programmation.Simulation", objet_id=str(sim.pk)).latest(
        "pk"
    )
    assert trace.changements["montant_engage"] == [None, "750000.00"]
    # Appliquée, elle ne change plus.
    with pytest.raises(Conflit, match="a été appliquée le"):
        _modifier(ligne_de(sim, a), comptes["prefecture-84"], montant=K)


def test_une_simulation_qui_depasse_l_enveloppe_est_refusee_sans_rien_ecrire(comptes):
    regionales = enveloppes(comptes, region_84=M)
    candidats(comptes, 3)  # 3 × 400 000 € pour 1 M€
    sim = simulation(comptes)
    avant = _etat()

    with pytest.raises(fonds_services.DepassementEnveloppe) as refus:
        services.appliquer(
            simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=1
        )

    assert (refus.value.demande, refus.value.disponible) == (1200 * K, M)
    assert "Retirez au moins 200\u202f000,00\u00a0€." in refus.value.message
    assert _etat() == avant
    assert relue(regionales["84"]).montant_engage == 0
    assert set(sim.lignes.values_list("projet__statut", flat=True)) == {Statut.PRESELECTIONNE}


def test_le_refus_dit_que_l_enveloppe_a_change_depuis_la_simulation(comptes):
    regionales = enveloppes(comptes, region_84=M)
    candidats(comptes, 2)  # 800 000 € : tient dans 1 M€
    sim = simulation(comptes)
    [urgent] = candidats(comptes, 1)
    engager(urgent, regionales["84"], 400 * K, auteur=comptes["prefecture-84"])

    with pytest.raises(fonds_services.DepassementEnveloppe) as refus:
        services.appliquer(
            simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=1
        )

    assert (refus.value.demande, refus.value.disponible) == (800 * K, 600 * K)
    assert "L'enveloppe a changé depuis" in refus.value.message


def test_une_ligne_qui_ne_peut_plus_etre_engagee_est_nommee_avec_son_montant(comptes):
    enveloppes(comptes, region_84=M)
    a, b = candidats(comptes, 2)
    [en_instruction] = candidats(comptes, 1, Statut.EN_INSTRUCTION)
    sim = simulation(comptes)
    _modifier(ligne_de(sim, en_instruction), comptes["region-84"], incluse=True, montant=100 * K)
    projets_services.changer_statut(
        projet_id=b.pk, auteur=comptes["prefecture-84"], vers=Statut.ABANDONNE, commentaire="Fin."
    )
    avant = _etat()

    with pytest.raises(fonds_services.LignesNonEngageables) as refus:
        services.appliquer(
            simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=2
        )

    message = refus.value.message
    assert "2 lignes de la simulation « Proposition État » ne peuvent pas être engagées" in message
    assert (
        f"« {b.intitule} » (n° {b.pk}, 400\u202f000,00\u00a0€) : le projet est « abandonné », "
        "il n'est pas présélectionné"
    ) in message
    assert (
        f"(n° {en_instruction.pk}, 100\u202f000,00\u00a0€) : le projet est « en instruction »"
        in (message)
    )
    assert f"n° {a.pk}," not in message
    assert _etat() == avant


@pytest.mark.parametrize(
    ("nom", "erreur"), [("region-84", Refus), ("ministere", Refus), ("prefecture-32", Refus)]
)
def test_seule_la_prefecture_de_la_region_ou_l_equipe_nationale_applique(comptes, nom, erreur):
    enveloppes(comptes)
    candidats(comptes, 1)
    sim = simulation(comptes)
    avant = _etat()
    with pytest.raises(erreur):
        services.appliquer(simulation_id=sim.pk, auteur=comptes[nom], version_attendue=1)
    assert _etat() == avant
    services.appliquer(simulation_id=sim.pk, auteur=comptes["admin-national"], version_attendue=1)
    assert Engagement.objects.count() == 1


def test_on_n_applique_que_ce_que_l_on_a_vu(comptes):
    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    _modifier(ligne_de(sim, projet), comptes["region-84"], montant=300 * K)  # version 2
    avant = _etat()
    with pytest.raises(Conflit, match="modifiée par region-84") as refus:
        services.appliquer(
            simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=1
        )
    assert refus.value.code == "version_perimee"
    assert _etat() == avant
    services.appliquer(simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=2)
    with pytest.raises(Conflit, match="a été appliquée"):
        services.appliquer(
            simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=3
        )
    assert Engagement.objects.get().montant == 300 * K


def test_une_simulation_sans_ligne_incluse_n_engage_rien(comptes):
    enveloppes(comptes)
    candidats(comptes, 1, Statut.EN_INSTRUCTION)
    sim = simulation(comptes)
    with pytest.raises(Invalide, match="Aucune ligne n'est incluse"):
        services.appliquer(
            simulation_id=sim.pk, auteur=comptes["prefecture-84"], version_attendue=1
        )


def test_le_journal_montre_les_simulations_a_ceux_qui_les_preparent(comptes):
    from portail.journal import traces_visibles_par

    enveloppes(comptes)
    [projet] = candidats(comptes, 1)
    sim = simulation(comptes)
    _modifier(ligne_de(sim, projet), comptes["region-84"], montant=K)
    modeles = ("programmation.Simulation", "programmation.LigneSimulation")

    def vues(user):
        return sorted(
            traces_visibles_par(user).filter(modele__in=modeles).values_list("modele", flat=True)
        )

    assert vues(comptes["region-84"]) == sorted(modeles)
    assert vues(comptes["admin-national"]) == sorted(modeles)
    assert vues(comptes["region-32"]) == []
    assert vues(agent("prefecture-74", region="84", departement="74")) == []
