"""Saisies générées sur la saisie d'une valeur d'indicateur (banc d'essai : `tests/fuzz.py`)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

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


# --- Pilotage : valeur d'un indicateur ------------------------------------------------------------


def test_saisie_d_une_valeur_d_indicateur(banc):
    client = _connecte(banc.admin)
    hier = datetime.date.today() - datetime.timedelta(days=1)
    acceptes = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "indicateur": st.sampled_from([str(pk) for pk in banc.indicateurs]),
                "valeur": montant("0", "500000000"),
                "date": date_ecrite(datetime.date(2019, 1, 1), hier),
                "source": texte_libre,
            },
            {
                "indicateur": identifiants_hostiles(),
                "valeur": MONTANTS_HOSTILES,
                "date": st.one_of(DATES_HOSTILES, st.just("2099-01-01")),
            },
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, "/pilotage/indicateurs/saisir/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)
