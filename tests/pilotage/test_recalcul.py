"""Le recalcul des totaux, comparé à des chiffres calculés à la main (jeu de conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fonds.models import Engagement
from pilotage import selectors, services
from pilotage.models import Calcul, Niveau, Totaux, TotauxPartiels
from projets.models import Statut
from territoires.models import Perimetre, TerritoireIndustrie
from tests.pilotage.conftest import K, M, creer_projet, engager

pytestmark = pytest.mark.django_db

FA = "fonds-acceleration"
TC = "transition-collective"


def ligne(niveau, code="", dispositif="", annee=None):
    t = selectors.totaux(niveau, code, dispositif, annee)
    assert t is not None, (niveau, code, dispositif, annee)
    return t


def contenu(qs=None):
    """Toutes les lignes, sans l'identifiant ni l'heure de calcul."""
    qs = Totaux.objects.all() if qs is None else qs
    return {
        (t["niveau"], t["code"], t["dispositif"], t["annee"]): t
        for t in qs.values("niveau", "code", "dispositif", "annee", *services.CHAMPS_COMPARES)
    }


def test_totaux_nationaux_calcules_a_la_main(jeu):
    services.recalculer_tout()

    france = ligne(Niveau.NATIONAL)
    assert france.libelle == "France"
    assert france.dispositif_nom == "Tous les dispositifs"
    # Le référentiel réel : 148 territoires et 541 EPCI distincts dans leurs périmètres.
    assert (france.nb_territoires, france.nb_intercommunalites) == (148, 541)
    assert france.nb_projets_par_statut == {
        "abandonne": 1,
        "brouillon": 1,
        "depose": 1,
        "en_cours": 1,
        "engage": 2,
        "non_retenu": 1,
        "preselectionne": 1,
    }
    # Tous les projets comptent, brouillons compris.
    assert france.nb_projets == 8
    # Ni brouillon (p3), ni non retenu (p4), ni abandonné (p6) : p1 p2 p5 p7 p8.
    assert france.investissement == 20 * M
    assert (france.emplois_crees, france.emplois_maintenus) == (88, 109)
    assert france.aide_sollicitee == 2700 * K
    assert france.effet_levier == Decimal("7.41")  # 20 / 2,7
    assert france.nb_engagements == 5  # l'engagement annulé de p6 ne compte pas
    # Enveloppes nationales : 150 + 250 (fonds) + 500 (transition collective).
    assert france.montant_enveloppe == 900 * M
    assert france.montant_engage == 2200 * K  # enveloppes régionales : 1,6 + 0,2 + 0,4
    assert france.montant_verse == 400 * K
    assert france.montant_disponible == 897_800 * K


def test_totaux_d_un_dispositif_et_d_une_annee(jeu):
    services.recalculer_tout()

    fa2020 = ligne(Niveau.NATIONAL, "", FA, 2020)
    # Projets qui ont un engagement non annulé sur le fonds en 2020 : p1, p2, p7.
    assert fa2020.nb_projets == 3
    assert fa2020.nb_projets_par_statut == {"en_cours": 1, "engage": 2}
    assert fa2020.investissement == 17 * M
    assert (fa2020.emplois_crees, fa2020.emplois_maintenus) == (77, 103)
    assert fa2020.effet_levier == Decimal("8.10")  # 17 / 2,1
    assert fa2020.nb_engagements == 4
    assert fa2020.montant_enveloppe == 150 * M
    assert fa2020.montant_engage == 2 * M
    assert fa2020.montant_disponible == 148 * M

    # Toutes années : p2, engagé en 2020 et en 2021, n'est compté qu'une fois.
    fa = ligne(Niveau.NATIONAL, "", FA)
    assert (fa.nb_projets, fa.investissement, fa.nb_engagements) == (3, 17 * M, 5)
    assert (fa.montant_enveloppe, fa.montant_engage) == (400 * M, 2200 * K)

    tous_2021 = ligne(Niveau.NATIONAL, "", "", 2021)
    assert (tous_2021.nb_projets, tous_2021.investissement, tous_2021.emplois_crees) == (
        1,
        4 * M,
        20,
    )
    assert tous_2021.montant_enveloppe == 750 * M  # 250 (fonds) + 500 (transition collective)
    assert tous_2021.montant_engage == 200 * K

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


def test_totaux_des_regions(jeu):
    services.recalculer_tout()

    ara = ligne(Niveau.REGION, "84")
    assert ara.libelle == "Auvergne-Rhône-Alpes"
    assert ara.nb_territoires == TerritoireIndustrie.objects.filter(region="84").count() == 17
    assert ara.nb_intercommunalites == 68
    assert ara.nb_projets_par_statut == {
        "brouillon": 1,
        "depose": 1,
        "en_cours": 1,
        "engage": 1,
        "non_retenu": 1,
    }
    assert ara.nb_projets == 5
    assert ara.investissement == 16 * M  # p1 + p2 + p5
    assert (ara.emplois_crees, ara.emplois_maintenus) == (80, 105)
    assert ara.effet_levier == Decimal("6.96")  # 16 / 2,3
    assert ara.nb_engagements == 3
    assert (ara.montant_enveloppe, ara.montant_engage, ara.montant_verse) == (
        50 * M,
        1800 * K,
        400 * K,
    )
    assert ara.montant_disponible == 48_200 * K

    # p8 : territoire piloté par la région 84, site en Bourgogne-Franche-Comté.
    bfc = ligne(Niveau.REGION, "27")
    assert (bfc.nb_projets, bfc.investissement, bfc.effet_levier) == (1, M, Decimal("10.00"))
    assert (bfc.montant_enveloppe, bfc.montant_disponible) == (0, 0)

    hdf_fa = ligne(Niveau.REGION, "32", FA, 2020)
    assert (hdf_fa.nb_projets, hdf_fa.nb_engagements, hdf_fa.investissement) == (1, 2, 3 * M)
    assert (hdf_fa.montant_enveloppe, hdf_fa.montant_engage, hdf_fa.montant_disponible) == (
        15 * M,
        400 * K,
        14_600 * K,
    )
    # Pas d'enveloppe ni d'engagement : pas de ligne.
    assert selectors.totaux(Niveau.REGION, "27", FA, 2020) is None
    assert selectors.totaux(Niveau.REGION, "84", TC, 2021) is None
    # Les régions sans territoire ni projet n'ont pas de ligne (collectivités d'outre-mer).
    assert selectors.totaux(Niveau.REGION, "989") is None
    assert [t.code for t in selectors.totaux_par_region(FA, 2020)] == ["84", "32"]


def test_totaux_des_territoires(jeu):
    services.recalculer_tout()

    arve = ligne(Niveau.TERRITOIRE, "8414")
    assert (arve.libelle, arve.code_region) == ("Vallée de l'Arve", "84")
    assert arve.nb_territoires == 1
    assert arve.nb_intercommunalites == (
        Perimetre.objects.en_vigueur().filter(territoire="8414").count()
    )
    assert arve.nb_projets_par_statut == {
        "brouillon": 1,
        "en_cours": 1,
        "engage": 1,
        "preselectionne": 1,
    }
    assert arve.nb_projets == 4  # brouillon compris
    assert arve.investissement == 15 * M  # p1 + p2 + p8 (hors de sa région, dans le territoire)
    assert (arve.emplois_crees, arve.emplois_maintenus) == (71, 101)
    assert arve.effet_levier == Decimal("7.89")  # 15 / 1,9
    assert (arve.nb_engagements, arve.montant_engage, arve.montant_verse) == (3, 1800 * K, 400 * K)
    # Un territoire n'a pas d'enveloppe.
    assert (arve.montant_enveloppe, arve.montant_disponible) == (None, None)

    arve_fa = ligne(Niveau.TERRITOIRE, "8414", FA)
    assert (arve_fa.nb_projets, arve_fa.investissement, arve_fa.nb_engagements) == (2, 14 * M, 3)
    assert ligne(Niveau.TERRITOIRE, "8414", FA, 2021).montant_engage == 200 * K

    # L'engagement annulé de p6 (abandonné) : ni projet ni engagement comptés.
    creil_fa = ligne(Niveau.TERRITOIRE, "3201", FA, 2020)
    assert creil_fa.nb_projets_par_statut == {"engage": 1}
    assert (creil_fa.nb_engagements, creil_fa.montant_engage) == (2, 400 * K)

    # Tous les territoires ont leur ligne « tous dispositifs, toutes années », même sans projet.
    assert Totaux.objects.filter(niveau=Niveau.TERRITOIRE, dispositif="", annee=0).count() == 148
    assert ligne(Niveau.TERRITOIRE, "8402").nb_projets == 0
    assert selectors.totaux(Niveau.TERRITOIRE, "8401", FA) is None


def test_recalcul_idempotent(jeu):
    premier = services.recalculer_tout()
    avant = contenu()
    ids = dict(Totaux.objects.values_list("niveau", "id").order_by("id"))
    second = services.recalculer_tout()

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


def test_le_journal_des_recalculs_garde_trois_mois(jeu):
    ancien = services.recalculer_perimetres(territoires=["8414"], regions=["84"])
    recent = services.recalculer_perimetres(territoires=["8414"], regions=["84"])
    Calcul.objects.filter(calcule_le=ancien.calcule_le).update(
        calcule_le=ancien.calcule_le - datetime.timedelta(days=services.JOURNAL_JOURS + 1)
    )
    # Un recalcul des périmètres n'efface rien ; un recalcul complet, les plus vieux.
    services.recalculer_perimetres(territoires=["8414"], regions=["84"])
    assert Calcul.objects.count() == 3
    complet = services.recalculer_tout()
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
    "etape",
    [
        "_ajouter_enveloppes",  # après l'écriture des totaux partiels
        "_ajouter_national",
        "_supprimer_disparus",  # après l'écriture des totaux changés
    ],
)
def test_une_erreur_en_cours_laisse_les_totaux_precedents(jeu, monkeypatch, etape):
    services.recalculer_tout()
    avant = list(Totaux.objects.order_by("id").values())
    partiels_avant = list(TotauxPartiels.objects.order_by("id").values())
    jeu.p1.montant_investissement = 50 * M
    jeu.p1.save()
    jeu.p3.delete()

    def panne(*args, **kwargs):
        raise RuntimeError("panne au milieu du recalcul")

    monkeypatch.setattr(services, etape, panne)
    with pytest.raises(RuntimeError):
        services.recalculer_tout()

    assert list(Totaux.objects.order_by("id").values()) == avant
    assert list(TotauxPartiels.objects.order_by("id").values()) == partiels_avant
    # La panne passée, le recalcul voit les changements.
    monkeypatch.undo()
    services.recalculer_tout()
    assert ligne(Niveau.NATIONAL).investissement == 60 * M


def _modifier_le_jeu(jeu):
    """Des changements dans les territoires 8414, 8401, 3201 et les régions 84, 32, 27."""
    jeu.p5.statut = Statut.EN_INSTRUCTION
    jeu.p5.montant_investissement = 2500 * K
    jeu.p5.save()
    p9 = creer_projet("3201", statut=Statut.ENGAGE, investissement=8 * M, crees=12, aide=2 * M)
    engager(p9, jeu.env.fa2020_32, 200 * K)
    jeu.env.fa2020_32.montant_engage = 600 * K
    jeu.env.fa2020_32.save()
    # Le seul engagement de 2021 disparaît : les lignes 2021 du territoire 8414 aussi.
    Engagement.objects.filter(projet=jeu.p2, enveloppe=jeu.env.fa2021_84).delete()
    jeu.env.fa2021_84.montant_engage = 0
    jeu.env.fa2021_84.save()
    # p8 revient dans sa région de pilotage.
    jeu.p8.region_id = "84"
    jeu.p8.save()


def test_recalcul_incremental_egal_au_recalcul_complet(jeu):
    services.recalculer_tout()
    _modifier_le_jeu(jeu)

    rapport = services.recalculer_perimetres(
        territoires=["8414", "8401", "3201"], regions=["84", "32", "27"]
    )
    incremental = contenu()
    services.recalculer_tout()

    assert incremental == contenu()
    assert rapport.supprimees == 2  # 8414 × fonds 2021 et 8414 × tous dispositifs 2021
    assert selectors.totaux(Niveau.TERRITOIRE, "8414", FA, 2021) is None
    assert ligne(Niveau.NATIONAL).investissement == 20 * M + 500 * K + 8 * M
    assert ligne(Niveau.REGION, "27").nb_projets == 0


def test_recalcul_incremental_ne_touche_que_les_perimetres_donnes(jeu):
    services.recalculer_tout()
    avant = {(t.niveau, t.code, t.dispositif, t.annee): t for t in Totaux.objects.all()}
    p9 = creer_projet("3201", statut=Statut.DEPOSE, investissement=8 * M, crees=12, aide=2 * M)

    rapport = services.recalculer_perimetres(territoires=[p9.territoire_id], regions=["32"])

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
    assert ligne(Niveau.TERRITOIRE, "3201").investissement == 11 * M
    assert ligne(Niveau.REGION, "32").nb_projets == 3
    assert ligne(Niveau.NATIONAL).investissement == 28 * M
    assert ligne(Niveau.NATIONAL).emplois_crees == 100
    # Les autres périmètres n'ont pas bougé ; le recalcul complet donne les mêmes chiffres.
    incremental = contenu()
    services.recalculer_tout()
    assert incremental == contenu()


def test_un_changement_valide_programme_le_recalcul_des_perimetres(
    jeu, django_capture_on_commit_callbacks
):
    from config.celery import programmer_recalcul_totaux

    services.recalculer_tout()
    with django_capture_on_commit_callbacks(execute=True):
        jeu.p7.emplois_crees = 1007
        jeu.p7.save()
        programmer_recalcul_totaux(territoires=["3201"], regions=["32"])

    assert ligne(Niveau.TERRITOIRE, "3201").emplois_crees == 1007
    assert ligne(Niveau.REGION, "32").emplois_crees == 1007
    assert ligne(Niveau.NATIONAL).emplois_crees == 88 - 7 + 1007
    assert ligne(Niveau.NATIONAL, "", FA, 2020).emplois_crees == 77 - 7 + 1007


def test_recalcul_sans_perimetre_ne_recalcule_que_le_national(jeu):
    services.recalculer_tout()
    jeu.env.tc2021.montant = 600 * M
    jeu.env.tc2021.save()

    rapport = services.recalculer_perimetres(territoires=[], regions=[])

    assert set(rapport.lignes) == {Niveau.NATIONAL}
    assert ligne(Niveau.NATIONAL, "", TC, 2021).montant_enveloppe == 600 * M
    assert ligne(Niveau.NATIONAL).montant_enveloppe == 1000 * M
    assert ligne(Niveau.NATIONAL).investissement == 20 * M


def test_le_perimetre_disparu_est_supprime(jeu):
    services.recalculer_tout()
    assert selectors.totaux(Niveau.NATIONAL, "", TC, 2021) is not None
    jeu.env.tc2021.delete()

    rapport = services.recalculer_tout()

    assert rapport.supprimees == 2  # transition collective 2021 et toutes années
    assert selectors.totaux(Niveau.NATIONAL, "", TC, 2021) is None
    assert selectors.totaux(Niveau.NATIONAL, "", TC) is None


def _ajouter_projets(jeu, nombre):
    for i in range(nombre):
        projet = creer_projet(
            ["8414", "8401", "3201"][i % 3],
            statut=Statut.ENGAGE,
            investissement=M,
            crees=1,
            aide=100 * K,
        )
        enveloppe = jeu.env.fa2020_32 if projet.region_id == "32" else jeu.env.fa2020_84
        engager(projet, enveloppe, 10 * K)


def _nb_requetes(fonction):
    with CaptureQueriesContext(connection) as requetes:
        fonction()
    return len(requetes)


def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_projets(jeu):
    def incremental():
        services.recalculer_perimetres(territoires=["8414"], regions=["84"])

    services.recalculer_tout()
    # Chaque mesure suit un changement : il y a des lignes à réécrire (un lot).
    _ajouter_projets(jeu, 1)
    complet = _nb_requetes(services.recalculer_tout)
    _ajouter_projets(jeu, 1)
    petit = _nb_requetes(incremental)

    _ajouter_projets(jeu, 30)
    assert _nb_requetes(services.recalculer_tout) == complet
    _ajouter_projets(jeu, 30)
    assert _nb_requetes(incremental) == petit


def test_les_regions_d_un_territoire_recalcule_suivent_ses_projets(jeu):
    """Un projet change de région sans que l'appelant la nomme : les deux régions suivent."""
    services.recalculer_tout()
    jeu.p8.region_id = "84"  # de Bourgogne-Franche-Comté (27) vers Auvergne-Rhône-Alpes
    jeu.p8.save()

    services.recalculer_perimetres(territoires=["8414"], regions=[])

    assert ligne(Niveau.REGION, "27").nb_projets == 0
    assert ligne(Niveau.REGION, "84").nb_projets == 6  # brouillon compris
    incremental = contenu()
    services.recalculer_tout()
    assert incremental == contenu()
