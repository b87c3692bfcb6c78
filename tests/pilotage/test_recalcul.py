"""Le recalcul des totaux, comparé à des chiffres calculés à la main (jeu de conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fonds import services as fonds_services
from fonds.models import Engagement, TypeMouvement
from pilotage import moteur, selectors
from pilotage.models import Calcul, Niveau, Totaux, TotauxPartiels
from pilotage.moteur import ecriture, sommes
from projets import services as projets_services
from projets.models import Statut
from socle.models import DemandeRecalcul
from territoires.models import Perimetre, Region, TerritoireIndustrie
from tests.fonds.factories import DispositifFactory, engager, fonds_reparti, projet_engage, verser
from tests.pilotage.conftest import FA, TC, K, M, agents_de, chiffres
from tests.projets.factories import creer_projet, modifier
from tests.territoires.factories import TerritoireFactory, territoire_reel

pytestmark = pytest.mark.django_db


def ligne(niveau, code="", dispositif="", annee=None):
    t = selectors.totaux(niveau, code, dispositif, annee)
    assert t is not None, (niveau, code, dispositif, annee)
    return t


def contenu(qs=None):
    """Toutes les lignes, sans l'identifiant ni l'heure de calcul."""
    qs = Totaux.objects.all() if qs is None else qs
    return {
        (t["niveau"], t["code"], t["dispositif"], t["annee"]): t
        for t in qs.values("niveau", "code", "dispositif", "annee", *moteur.CHAMPS_COMPARES)
    }


def test_totaux_nationaux_calcules_a_la_main(jeu):
    moteur.recalculer_tout()

    france = ligne(Niveau.NATIONAL)
    assert france.libelle == "France"
    assert france.dispositif_nom == "Tous les dispositifs"
    # Le référentiel réel : 148 territoires et 541 EPCI distincts dans leurs périmètres.
    assert (france.nb_territoires, france.nb_intercommunalites) == (148, 541)
    assert france.nb_projets_par_statut == {
        "abandonne": 1,  # p6
        "brouillon": 1,  # p3
        "depose": 1,  # p5
        "en_cours": 1,  # p2
        "en_instruction": 1,  # p8
        "engage": 2,  # p1, p7
        "non_retenu": 1,  # p4
    }
    # Tous les projets comptent, brouillons compris.
    assert france.nb_projets == 8
    # Ni brouillon (p3), ni non retenu (p4), ni abandonné (p6) : p1 p2 p5 p7 p8.
    assert france.investissement == 20 * M  # 10 + 4 + 2 + 3 + 1
    assert (france.emplois_crees, france.emplois_maintenus) == (
        88,  # 50 + 20 + 10 + 7 + 1
        109,  # 100 + 0 + 5 + 3 + 1
    )
    assert france.aide_sollicitee == 2700 * K  # 1 000 + 800 + 500 + 300 + 100 k€
    # Pas d'effet de levier sur « tous les dispositifs » : ce serait additionner des crédits
    # d'instruments différents.
    assert france.effet_levier is None
    # p1, p2 et les deux de p7 ; l'engagement de p6, annulé par son abandon, ne compte pas.
    assert france.nb_engagements == 4
    # Enveloppes nationales : 150 + 250 (fonds) + 500 (transition collective).
    assert france.montant_enveloppe == 900 * M
    # Enveloppes régionales : 1 000 k€ (84, 2020) + 800 k€ (84, 2021) + 300 k€ (32, 2020) ;
    # les 300 k€ de p6 sont revenus à l'enveloppe.
    assert france.montant_engage == 2100 * K
    assert france.montant_verse == 400 * K  # payés sur l'engagement de p1
    assert france.montant_disponible == 897_900 * K  # 900 M€ - 2,1 M€


def test_totaux_d_un_dispositif_et_d_une_annee(jeu):
    moteur.recalculer_tout()

    fa2020 = ligne(Niveau.NATIONAL, "", FA, 2020)
    # Projets qui ont un engagement non annulé sur le fonds en 2020 : p1, p7 (deux
    # engagements, compté une fois).
    assert fa2020.nb_projets == 2
    assert fa2020.nb_projets_par_statut == {"engage": 2}
    assert fa2020.investissement == 13 * M  # 10 + 3
    assert (fa2020.emplois_crees, fa2020.emplois_maintenus) == (57, 103)  # 50 + 7, 100 + 3
    # Investissement des projets financés pour un euro engagé : 13 M€ / 1,3 M€.
    assert fa2020.effet_levier == Decimal("10.00")
    assert fa2020.nb_engagements == 3  # p1, et les deux de p7
    assert fa2020.montant_enveloppe == 150 * M
    assert fa2020.montant_engage == 1300 * K  # 1 000 (p1) + 200 + 100 (p7)
    assert fa2020.montant_disponible == 148_700 * K

    # Toutes années : p1, p7 (2020) et p2 (2021) ; cinq engagements moins celui annulé.
    fa = ligne(Niveau.NATIONAL, "", FA)
    assert (fa.nb_projets, fa.investissement, fa.nb_engagements) == (3, 17 * M, 4)
    assert (fa.montant_enveloppe, fa.montant_engage) == (
        400 * M,  # 150 + 250
        2100 * K,  # 1 300 + 800
    )
    assert fa.effet_levier == Decimal("8.10")  # 17 M€ / 2,1 M€

    tous_2021 = ligne(Niveau.NATIONAL, "", "", 2021)
    # p2 seul : 4 M€, 20 emplois créés.
    assert (tous_2021.nb_projets, tous_2021.investissement, tous_2021.emplois_crees) == (
        1,
        4 * M,
        20,
    )
    assert tous_2021.montant_enveloppe == 750 * M  # 250 (fonds) + 500 (transition collective)
    assert tous_2021.montant_engage == 800 * K  # p2

    # Un dispositif sans engagement : son enveloppe, aucun projet, pas d'effet de levier.
    tc = ligne(Niveau.NATIONAL, "", TC, 2021)
    assert (tc.nb_projets, tc.investissement, tc.effet_levier) == (0, 0, None)
    assert (tc.montant_enveloppe, tc.montant_disponible) == (500 * M, 500 * M)

    lignes_nationales = set(
        Totaux.objects.filter(niveau=Niveau.NATIONAL).values_list("dispositif", "annee")
    )
    assert lignes_nationales == {
        ("", 0),
        ("", 2020),
        ("", 2021),
        (FA, 0),
        (FA, 2020),
        (FA, 2021),
        (TC, 0),
        (TC, 2021),
    }


def test_un_projet_engage_sur_deux_dispositifs_la_meme_annee_ne_compte_qu_une_fois(jeu):
    """Deux engagements de la même année sur deux dispositifs : le projet compte pour chacun
    de ses dispositifs, et une fois seulement pour « tous les dispositifs » de l'année."""
    admin, a84 = jeu.comptes["admin-national"], agents_de(jeu.comptes, "84")
    dsil = DispositifFactory(code="dsil", nom="DSIL", finance_projets=True)
    _nationale, regionales = fonds_reparti(
        auteur=admin, dispositif=dsil, annee=2020, national=10 * M, regions={"84": M}
    )
    p9 = projet_engage(
        **a84,
        enveloppe=jeu.env.fa2020_84,
        montant=200 * K,
        territoire="8401",
        **chiffres(3 * M, 12, 0, 300 * K),
    )
    engager(p9, regionales["84"], 100 * K, auteur=a84["prefecture"])

    moteur.recalculer_tout()

    tous_2020 = ligne(Niveau.NATIONAL, "", "", 2020)
    # p1, p7 et p9 (pas quatre projets) ; cinq engagements : p1, p7 (deux), p9 (deux).
    assert (tous_2020.nb_projets, tous_2020.nb_engagements) == (3, 5)
    assert tous_2020.investissement == 16 * M  # 10 + 3 + 3
    assert tous_2020.montant_engage == 1600 * K  # 1 300 + 200 + 100
    assert ligne(Niveau.NATIONAL, "", FA, 2020).nb_projets == 3  # p1, p7, p9
    dsil_2020 = ligne(Niveau.NATIONAL, "", "dsil", 2020)
    assert (dsil_2020.nb_projets, dsil_2020.investissement, dsil_2020.montant_engage) == (
        1,
        3 * M,
        100 * K,
    )
    ardeche = ligne(Niveau.TERRITOIRE, "8401", "", 2020)
    assert (ardeche.nb_projets, ardeche.nb_engagements, ardeche.investissement) == (1, 2, 3 * M)
    assert ligne(Niveau.NATIONAL).nb_projets == 9


def test_totaux_des_regions(jeu):
    moteur.recalculer_tout()

    ara = ligne(Niveau.REGION, "84")
    assert ara.libelle == "Auvergne-Rhône-Alpes"
    assert (
        ara.nb_territoires
        == TerritoireIndustrie.objects.filter(region="84", phase="2018-2022").count()
        == 17
    )
    assert ara.nb_intercommunalites == 68
    # Les projets dont le site est dans la région : p1 à p5 (p8 est en Bourgogne-Franche-Comté).
    assert ara.nb_projets_par_statut == {
        "brouillon": 1,
        "depose": 1,
        "en_cours": 1,
        "engage": 1,
        "non_retenu": 1,
    }
    assert ara.nb_projets == 5
    assert ara.investissement == 16 * M  # p1 + p2 + p5 : 10 + 4 + 2
    assert (ara.emplois_crees, ara.emplois_maintenus) == (80, 105)  # 50+20+10, 100+0+5
    assert ara.effet_levier is None  # tous les dispositifs : pas d'effet de levier
    # Le fonds dans la région : p1 et p2 financés (14 M€) pour 1,8 M€ engagés.
    assert ligne(Niveau.REGION, "84", FA).effet_levier == Decimal("7.78")
    assert ara.nb_engagements == 2  # p1, p2
    assert (ara.montant_enveloppe, ara.montant_engage, ara.montant_verse) == (
        50 * M,  # 20 (2020) + 30 (2021)
        1800 * K,  # 1 000 (p1) + 800 (p2)
        400 * K,
    )
    assert ara.montant_disponible == 48_200 * K

    # p8 : territoire piloté par la région 24, site en Bourgogne-Franche-Comté.
    bfc = ligne(Niveau.REGION, "27")
    assert (bfc.nb_projets, bfc.investissement, bfc.effet_levier) == (1, M, None)
    assert (bfc.montant_enveloppe, bfc.montant_disponible) == (0, 0)
    assert ligne(Niveau.REGION, "24").nb_projets == 0

    hdf_fa = ligne(Niveau.REGION, "32", FA, 2020)
    # p7 seul (p6 abandonné, son engagement annulé) ; ses deux engagements.
    assert (hdf_fa.nb_projets, hdf_fa.nb_engagements, hdf_fa.investissement) == (1, 2, 3 * M)
    assert (hdf_fa.montant_enveloppe, hdf_fa.montant_engage, hdf_fa.montant_disponible) == (
        15 * M,
        300 * K,  # 200 + 100 (p7) ; les 300 de p6 rendus
        14_700 * K,
    )
    assert hdf_fa.effet_levier == Decimal("10.00")  # 3 M€ / 300 k€
    # Pas d'enveloppe ni d'engagement : pas de ligne.
    assert selectors.totaux(Niveau.REGION, "27", FA, 2020) is None
    assert selectors.totaux(Niveau.REGION, "84", TC, 2021) is None
    # Les régions sans territoire ni projet n'ont pas de ligne (collectivités d'outre-mer).
    assert selectors.totaux(Niveau.REGION, "989") is None
    assert [t.code for t in selectors.totaux_par_region(FA, 2020)] == ["84", "32"]


def test_totaux_des_territoires(jeu):
    moteur.recalculer_tout()

    arve = ligne(Niveau.TERRITOIRE, "8414")
    assert (arve.libelle, arve.code_region) == ("Vallée de l'Arve", "84")
    assert arve.nb_territoires == 1
    assert arve.nb_intercommunalites == (
        Perimetre.objects.en_vigueur().filter(territoire="8414").count()
    )
    assert arve.nb_projets_par_statut == {"brouillon": 1, "en_cours": 1, "engage": 1}
    assert arve.nb_projets == 3  # p1, p2, p3 : brouillon compris
    assert arve.investissement == 14 * M  # p1 + p2 : 10 + 4
    assert (arve.emplois_crees, arve.emplois_maintenus) == (70, 100)
    assert arve.effet_levier is None  # tous les dispositifs
    assert ligne(Niveau.TERRITOIRE, "8414", FA).effet_levier == Decimal("7.78")  # 14 / 1,8
    # Un territoire tient ses montants de ses engagements : p1 (1 000 k€), p2 (800 k€).
    assert (arve.nb_engagements, arve.montant_engage, arve.montant_verse) == (2, 1800 * K, 400 * K)
    # Un territoire n'a pas d'enveloppe.
    assert (arve.montant_enveloppe, arve.montant_disponible) == (None, None)

    arve_fa = ligne(Niveau.TERRITOIRE, "8414", FA)
    assert (arve_fa.nb_projets, arve_fa.investissement, arve_fa.nb_engagements) == (2, 14 * M, 2)
    assert ligne(Niveau.TERRITOIRE, "8414", FA, 2021).montant_engage == 800 * K  # p2

    # L'engagement annulé de p6 (abandonné) : ni projet ni engagement comptés.
    creil_fa = ligne(Niveau.TERRITOIRE, "3201", FA, 2020)
    assert creil_fa.nb_projets_par_statut == {"engage": 1}
    assert (creil_fa.nb_engagements, creil_fa.montant_engage) == (2, 300 * K)

    # p8 compte dans son territoire (région de pilotage 24), son site est dans la région 27.
    p8 = ligne(Niveau.TERRITOIRE, "2404")
    assert (p8.code_region, p8.nb_projets, p8.investissement) == ("24", 1, M)

    # Tous les territoires des deux phases (148 + 183) ont leur ligne « tous dispositifs,
    # toutes années », même sans projet.
    assert Totaux.objects.filter(niveau=Niveau.TERRITOIRE, dispositif="", annee=0).count() == 331
    assert ligne(Niveau.TERRITOIRE, "8402").nb_projets == 0
    assert selectors.totaux(Niveau.TERRITOIRE, "8401", FA) is None


def test_recalcul_idempotent(jeu):
    premier = moteur.recalculer_tout()
    avant = contenu()
    ids = dict(Totaux.objects.values_list("niveau", "id").order_by("id"))
    second = moteur.recalculer_tout()

    assert contenu() == avant
    assert dict(Totaux.objects.values_list("niveau", "id").order_by("id")) == ids
    assert second.lignes == premier.lignes
    assert premier.ecrites == sum(premier.lignes.values())
    # Rien n'a changé : aucune ligne réécrite ; seul le journal des recalculs avance, et
    # avec lui la date que portent toutes les lignes (« données au »).
    assert (second.ecrites, second.supprimees) == (0, 0)
    assert set(Totaux.objects.values_list("modifie_le", flat=True)) == {premier.calcule_le}
    assert list(Calcul.objects.values_list("calcule_le", "complet", "lignes_ecrites")) == [
        (second.calcule_le, True, 0),
        (premier.calcule_le, True, premier.ecrites),
    ]
    assert {t.calcule_le for t in Totaux.objects.avec_dates()} == {second.calcule_le}


def test_le_recalcul_complet_efface_les_demandes_en_attente(jeu):
    # Les services du jeu ont demandé leurs recalculs (la tâche part à la validation,
    # qui n'a pas lieu dans un test) : le recalcul complet les couvre toutes.
    assert DemandeRecalcul.objects.exists()
    moteur.recalculer_tout()
    assert not DemandeRecalcul.objects.exists()


def test_le_journal_des_recalculs_garde_trois_mois(jeu):
    ancien = moteur.recalculer_perimetres(territoires=["8414"], regions=["84"])
    recent = moteur.recalculer_perimetres(territoires=["8414"], regions=["84"])
    Calcul.objects.filter(calcule_le=ancien.calcule_le).update(
        calcule_le=ancien.calcule_le - datetime.timedelta(days=moteur.JOURNAL_JOURS + 1)
    )
    # Un recalcul des périmètres n'efface rien ; un recalcul complet, les plus vieux.
    moteur.recalculer_perimetres(territoires=["8414"], regions=["84"])
    assert Calcul.objects.count() == 3
    complet = moteur.recalculer_tout()
    assert set(Calcul.objects.values_list("calcule_le", flat=True)) >= {
        recent.calcule_le,
        complet.calcule_le,
    }
    assert Calcul.objects.count() == 3
    assert selectors.DonneesAu.de(ligne(Niveau.NATIONAL)) == (
        complet.calcule_le,
        complet.calcule_le,
    )


@pytest.mark.parametrize(
    ("module", "etape"),
    [
        (sommes, "ajouter_enveloppes"),  # après l'écriture des totaux partiels
        (sommes, "ajouter_national"),
        (ecriture, "supprimer_disparus"),  # après l'écriture des totaux changés
    ],
)
def test_une_erreur_en_cours_laisse_les_totaux_precedents(jeu, monkeypatch, module, etape):
    prefecture = jeu.comptes["prefecture-84"]
    moteur.recalculer_tout()
    avant = list(Totaux.objects.order_by("id").values())
    partiels_avant = list(TotauxPartiels.objects.order_by("id").values())
    modifier(jeu.p5, prefecture, montant_investissement=42 * M)  # 2 M€ -> 42 M€
    fonds_services.abandonner_projet(
        projet_id=jeu.p3.pk, auteur=prefecture, commentaire="Brouillon abandonné."
    )

    def panne(*args, **kwargs):
        raise RuntimeError("panne au milieu du recalcul")

    monkeypatch.setattr(module, etape, panne)
    with pytest.raises(RuntimeError):
        moteur.recalculer_tout()

    assert list(Totaux.objects.order_by("id").values()) == avant
    assert list(TotauxPartiels.objects.order_by("id").values()) == partiels_avant
    # La panne passée, le recalcul voit les changements.
    monkeypatch.undo()
    moteur.recalculer_tout()
    assert ligne(Niveau.NATIONAL).investissement == 60 * M  # 20 M€ + 40 M€ de plus pour p5
    assert ligne(Niveau.NATIONAL).nb_projets_par_statut["abandonne"] == 2  # p6, p3


def _commune_de_2404_dans_sa_region() -> str:
    return territoire_reel("2404")[1].code_insee


def _modifier_le_jeu(jeu):
    """Des changements dans les territoires 8414, 8401, 3201, 2404 et les régions 84, 32, 27,
    24, chacun par son service."""
    a84, a32 = agents_de(jeu.comptes, "84"), agents_de(jeu.comptes, "32")
    # p5 passe en instruction et son investissement passe de 2 à 2,5 M€.
    projets_services.changer_statut(
        projet_id=jeu.p5.pk, auteur=a84["prefecture"], vers=Statut.EN_INSTRUCTION
    )
    modifier(jeu.p5, a84["prefecture"], montant_investissement=2500 * K)
    # Un nouveau projet engagé dans le territoire 3201 : 8 M€, 200 k€ engagés.
    projet_engage(
        **a32,
        enveloppe=jeu.env.fa2020_32,
        montant=200 * K,
        territoire="3201",
        **chiffres(8 * M, 12, 0, 2 * M),
    )
    # p2 est abandonné : son seul engagement, le seul de 2021, est annulé.
    fonds_services.abandonner_projet(
        projet_id=jeu.p2.pk, auteur=a84["prefecture"], commentaire="Le porteur renonce."
    )
    # p8 revient dans sa région de pilotage (24).
    modifier(jeu.p8, jeu.comptes["admin-national"], commune=_commune_de_2404_dans_sa_region())


def test_recalcul_incremental_egal_au_recalcul_complet(jeu):
    moteur.recalculer_tout()
    _modifier_le_jeu(jeu)

    rapport = moteur.recalculer_perimetres(
        territoires=["8414", "8401", "3201", "2404"], regions=["84", "32", "27", "24"]
    )
    incremental = contenu()
    moteur.recalculer_tout()

    assert incremental == contenu()
    # Aucun périmètre ne disparaît : l'engagement annulé de p2 garde les lignes de 2021 du
    # territoire 8414, à zéro.
    assert rapport.supprimees == 0
    arve_2021 = ligne(Niveau.TERRITOIRE, "8414", FA, 2021)
    assert (arve_2021.nb_projets, arve_2021.nb_engagements, arve_2021.montant_engage) == (0, 0, 0)
    # Le total partiel de p8 dans la région 27 a disparu, un autre est né dans la région 24.
    assert set(
        TotauxPartiels.objects.filter(territoire="2404").values_list("region", flat=True)
    ) == {"24"}
    # 20 M€ + 0,5 M€ (p5) + 8 M€ (nouveau projet) - 4 M€ (p2 abandonné)
    assert ligne(Niveau.NATIONAL).investissement == 24_500 * K
    # 2,1 M€ - 800 k€ (p2, rendus) + 200 k€ (nouveau projet)
    assert ligne(Niveau.NATIONAL).montant_engage == 1500 * K
    assert ligne(Niveau.REGION, "27").nb_projets == 0
    assert ligne(Niveau.REGION, "24").nb_projets == 1


def test_recalcul_incremental_ne_touche_que_les_perimetres_donnes(jeu):
    moteur.recalculer_tout()
    avant = {(t.niveau, t.code, t.dispositif, t.annee): t for t in Totaux.objects.all()}
    p9 = creer_projet(
        jeu.comptes["prefecture-32"],
        deposer=True,
        territoire="3201",
        **chiffres(8 * M, 12, 0, 2 * M),
    )

    rapport = moteur.recalculer_perimetres(territoires=[p9.territoire_id], regions=["32"])

    apres = {(t.niveau, t.code, t.dispositif, t.annee): t for t in Totaux.objects.all()}
    assert set(apres) == set(avant)
    # Un projet déposé, sans engagement : seules les lignes « tous dispositifs, toutes
    # années » de ses périmètres changent, et elles seules sont réécrites.
    reecrites = {cle for cle in apres if apres[cle].modifie_le != avant[cle].modifie_le}
    assert reecrites == {
        (Niveau.NATIONAL, "", "", 0),
        (Niveau.REGION, "32", "", 0),
        (Niveau.TERRITOIRE, "3201", "", 0),
    }
    assert rapport.ecrites == len(reecrites)
    # Recalculées (relues et comparées) : les lignes de ces trois périmètres, pas d'autres.
    perimetres = {(Niveau.NATIONAL, ""), (Niveau.REGION, "32"), (Niveau.TERRITOIRE, "3201")}
    assert sum(rapport.lignes.values()) == sum(1 for n, c, _d, _a in apres if (n, c) in perimetres)
    journal = Calcul.objects.latest()
    assert (journal.complet, journal.territoires, journal.regions) == (False, ["3201"], ["32"])
    assert journal.calcule_le == rapport.calcule_le
    assert ligne(Niveau.TERRITOIRE, "3201").investissement == 11 * M  # p7 (3) + p9 (8)
    assert ligne(Niveau.REGION, "32").nb_projets == 3  # p6, p7, p9
    assert ligne(Niveau.NATIONAL).investissement == 28 * M  # 20 + 8
    assert ligne(Niveau.NATIONAL).emplois_crees == 100  # 88 + 12
    # Les autres périmètres n'ont pas bougé ; le recalcul complet donne les mêmes chiffres.
    incremental = contenu()
    moteur.recalculer_tout()
    assert incremental == contenu()


@pytest.mark.django_db(transaction=True)
def test_un_changement_valide_programme_le_recalcul_des_perimetres(jeu):
    """Les écritures demandent le recalcul de leurs périmètres ; il a lieu à la validation."""
    moteur.recalculer_tout()
    engagement = Engagement.objects.filter(projet=jeu.p7).order_by("pk").first()
    with transaction.atomic():
        modifier(jeu.p5, jeu.comptes["prefecture-84"], emplois_crees=1010)  # au lieu de 10
        verser(engagement, 50 * K, auteur=jeu.comptes["prefecture-32"])
        # Rien n'est recalculé avant la validation.
        assert ligne(Niveau.TERRITOIRE, "8401").emplois_crees == 10
        assert DemandeRecalcul.objects.count() == 2

    # Les deux demandes sont traitées, et effacées.
    assert not DemandeRecalcul.objects.exists()
    assert ligne(Niveau.TERRITOIRE, "8401").emplois_crees == 1010
    assert ligne(Niveau.REGION, "84").emplois_crees == 80 - 10 + 1010
    assert ligne(Niveau.NATIONAL).emplois_crees == 88 - 10 + 1010
    assert ligne(Niveau.TERRITOIRE, "3201", FA, 2020).montant_verse == 50 * K
    assert ligne(Niveau.REGION, "32").montant_verse == 50 * K
    assert ligne(Niveau.NATIONAL, "", FA, 2020).montant_verse == 450 * K  # 400 (p1) + 50 (p7)


def test_recalcul_sans_perimetre_ne_recalcule_que_le_national(jeu):
    moteur.recalculer_tout()
    fonds_services.ajouter_mouvement(
        enveloppe_id=jeu.env.tc2021.pk,
        type=TypeMouvement.ABONDEMENT,
        montant=100 * M,
        date_effet=datetime.date(2021, 6, 1),
        motif="Abondement de la transition collective",
        auteur=jeu.comptes["admin-national"],
    )

    rapport = moteur.recalculer_perimetres(territoires=[], regions=[])

    assert set(rapport.lignes) == {Niveau.NATIONAL}
    assert ligne(Niveau.NATIONAL, "", TC, 2021).montant_enveloppe == 600 * M  # 500 + 100
    assert ligne(Niveau.NATIONAL).montant_enveloppe == 1000 * M  # 900 + 100
    assert ligne(Niveau.NATIONAL).investissement == 20 * M


def test_le_perimetre_disparu_est_supprime(jeu):
    """Un territoire retiré du référentiel : sa ligne disparaît au recalcul suivant."""
    retire = TerritoireFactory(region=Region.objects.get(code="84"))
    moteur.recalculer_tout()
    assert selectors.totaux(Niveau.TERRITOIRE, retire.code) is not None
    assert ligne(Niveau.REGION, "84").nb_territoires == 18  # 17 + 1
    retire.delete()

    rapport = moteur.recalculer_tout()

    assert rapport.supprimees == 1  # la ligne « tous dispositifs, toutes années » du territoire
    assert selectors.totaux(Niveau.TERRITOIRE, retire.code) is None
    assert ligne(Niveau.REGION, "84").nb_territoires == 17


def _ajouter_projets(jeu, nombre):
    """Des projets engagés (10 k€) dans les territoires 8414, 8401 et 3201."""
    for i in range(nombre):
        territoire = ["8414", "8401", "3201"][i % 3]
        region = "32" if territoire == "3201" else "84"
        projet_engage(
            **agents_de(jeu.comptes, region),
            enveloppe=jeu.env.fa2020_32 if region == "32" else jeu.env.fa2020_84,
            montant=10 * K,
            territoire=territoire,
            **chiffres(M, 1, 0, 100 * K),
        )


def _nb_requetes(fonction):
    with CaptureQueriesContext(connection) as requetes:
        fonction()
    return len(requetes)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_projets(jeu):
    def incremental():
        moteur.recalculer_perimetres(territoires=["8414"], regions=["84"])

    moteur.recalculer_tout()
    # Chaque mesure suit un changement : il y a des lignes à réécrire (un lot).
    _ajouter_projets(jeu, 1)
    complet = _nb_requetes(moteur.recalculer_tout)
    _ajouter_projets(jeu, 1)
    petit = _nb_requetes(incremental)

    _ajouter_projets(jeu, 30)
    assert _nb_requetes(moteur.recalculer_tout) == complet
    _ajouter_projets(jeu, 30)
    assert _nb_requetes(incremental) == petit


def test_les_regions_d_un_territoire_recalcule_suivent_ses_projets(jeu):
    """Un projet change de région sans que l'appelant la nomme : les deux régions suivent."""
    moteur.recalculer_tout()
    # De la Bourgogne-Franche-Comté (27) vers le Centre-Val de Loire (24), qui pilote 2404.
    modifier(jeu.p8, jeu.comptes["admin-national"], commune=_commune_de_2404_dans_sa_region())

    moteur.recalculer_perimetres(territoires=["2404"], regions=[])

    assert ligne(Niveau.REGION, "27").nb_projets == 0
    assert ligne(Niveau.REGION, "24").nb_projets == 1
    incremental = contenu()
    moteur.recalculer_tout()
    assert incremental == contenu()
