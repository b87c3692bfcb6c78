"""Saisies générées sur les formulaires du fonds : engagement, versement, mouvements,
répartition, anticipation (banc d'essai : `tests/fuzz.py`)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from fonds.models import TypeMouvement
from fonds.services import TYPES_MOUVEMENT_SAISIS
from tests import fuzz
from tests.fuzz import (  # noqa: F401 (fixtures)
    ANGLAIS,
    CELLULES_HOSTILES,
    DATES_HOSTILES,
    EMPLOIS_TEMOIN,
    ENCODAGES,
    ENTIERS_HOSTILES,
    FRANCAIS,
    HOSTILES,
    MODELES_SUIVIS,
    MONTANTS_HOSTILES,
    MOT_DE_PASSE,
    NOMBRES_XML_HOSTILES,
    PAGES_D_ERREUR,
    SEPARATEURS,
    SERIE_2020_01_01,
    SIREN_HOSTILES,
    SIRET_HOSTILES,
    M,
    _accepte,
    _connecte,
    _corps,
    _csv,
    _en_francais,
    _encoder,
    _erreurs,
    _etat,
    _lignes_nouvelles,
    _poster,
    _refuser_nul,
    _valeurs_texte,
    _verifier_invariants_des_fonds,
    _verifier_lignes_ecrites,
    _xlsx,
    date_ecrite,
    essai,
    hostile,
    identifiants_hostiles,
    montant,
    montant_ecrit,
    reglages,
    siren_et_siret,
    soumission,
    texte_libre,
    verifier,
)

pytestmark = fuzz.MARQUES


# --- Fonds : engagement, versement, mouvements, répartition, anticipation -------------------------


def test_engagement_de_credits(banc):
    client = _connecte(banc.pref84)
    url = f"/fonds/engagements/nouveau/?projet={banc.a_engager.pk}"
    acceptes = []

    @reglages(40)
    @given(
        paires=soumission(
            {
                "enveloppe": st.just(str(banc.r84.pk)),
                "montant": montant("0.01", "12000000"),
                "date_engagement": date_ecrite(),
                "commentaire": st.one_of(st.just(""), texte_libre),
            },
            {
                "enveloppe": identifiants_hostiles(banc.r32.pk, banc.nationale.pk),
                "montant": MONTANTS_HOSTILES,
                "date_engagement": DATES_HOSTILES,
            },
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_versement(banc):
    client = _connecte(banc.pref84)
    url = f"/fonds/engagements/{banc.engagement.pk}/versement/"
    acceptes = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "montant": montant("0.01", "1600000"),
                "date_versement": date_ecrite(datetime.date(2020, 10, 1)),
                "reference": st.one_of(st.just(""), texte_libre),
            },
            {"montant": MONTANTS_HOSTILES, "date_versement": DATES_HOSTILES},
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_mouvements_et_repartition_d_une_enveloppe(banc):
    """Les deux formulaires de la page d'une enveloppe, et une action inconnue."""
    client = _connecte(banc.admin)
    enveloppes = [banc.nationale, banc.r84, banc.nationale_2021]
    regions = ["84", "32", "11", "44"]
    mouvement = {
        "action": st.just("mouvement"),
        "mouvement-type": st.sampled_from(sorted(TYPES_MOUVEMENT_SAISIS)),
        "mouvement-montant": montant("0.01", "200000000"),
        "mouvement-date_effet": date_ecrite(),
        "mouvement-motif": texte_libre,
    }
    repartition = {
        "action": st.just("repartition"),
        **{f"repartition-region_{code}": st.one_of(st.just(""), montant()) for code in regions},
        "repartition-date_effet": date_ecrite(),
        "repartition-motif": texte_libre,
    }
    hostiles = {
        "action": st.sampled_from(["", "supprimer", "MOUVEMENT"]),
        "mouvement-type": st.sampled_from(
            [TypeMouvement.ANTICIPATION, TypeMouvement.REPARTITION, TypeMouvement.REDEPLOIEMENT]
        ),
        "mouvement-montant": MONTANTS_HOSTILES,
        "repartition-region_84": MONTANTS_HOSTILES,
        "mouvement-date_effet": DATES_HOSTILES,
    }
    acceptes = []

    @reglages(50)
    @given(
        enveloppe=st.sampled_from(enveloppes),
        paires=st.one_of(soumission(mouvement, hostiles), soumission(repartition, hostiles)),
    )
    def soumettre(enveloppe, paires):
        acceptes.append(essai(client, f"/fonds/enveloppes/{enveloppe.pk}/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_anticipation(banc):
    client = _connecte(banc.admin)
    acceptes = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "dispositif": st.just(str(banc.fonds.pk)),
                "annee_source": st.just("2021"),
                "annee_cible": st.just("2020"),
                "montant": montant("0.01", "260000000"),
                "date_effet": date_ecrite(),
                "motif": texte_libre,
            },
            {
                "dispositif": identifiants_hostiles(),
                "annee_source": st.one_of(ENTIERS_HOSTILES, st.sampled_from(["2020", "2022"])),
                "annee_cible": st.one_of(ENTIERS_HOSTILES, st.sampled_from(["2021", "2017"])),
                "montant": MONTANTS_HOSTILES,
                "date_effet": DATES_HOSTILES,
            },
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, "/fonds/anticipation/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)
