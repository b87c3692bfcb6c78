"""Saisies générées sur les formulaires du fonds : engagement, versement, mouvements,
répartition, anticipation (banc d'essai : `tests/fuzz.py`)."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from fonds.models import TypeMouvement
from fonds.services import TYPES_MOUVEMENT_SAISIS
from tests import fuzz

pytestmark = fuzz.MARQUES


# --- Fonds : engagement, versement, mouvements, répartition, anticipation -------------------------


def test_engagement_de_credits(banc):
    client = fuzz._connecte(banc.pref84)
    url = f"/fonds/engagements/nouveau/?projet={banc.a_engager.pk}"
    acceptes = []

    @fuzz.reglages(40)
    @given(
        paires=fuzz.soumission(
            {
                "enveloppe": st.just(str(banc.r84.pk)),
                "montant": fuzz.montant("0.01", "12000000"),
                "date_engagement": fuzz.date_ecrite(),
                "commentaire": st.one_of(st.just(""), fuzz.texte_libre),
            },
            {
                "enveloppe": fuzz.identifiants_hostiles(banc.r32.pk, banc.nationale.pk),
                "montant": fuzz.MONTANTS_HOSTILES,
                "date_engagement": fuzz.DATES_HOSTILES,
            },
        )
    )
    def soumettre(paires):
        acceptes.append(fuzz.essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_versement(banc):
    client = fuzz._connecte(banc.pref84)
    url = f"/fonds/engagements/{banc.engagement.pk}/versement/"
    acceptes = []

    @fuzz.reglages(30)
    @given(
        paires=fuzz.soumission(
            {
                "montant": fuzz.montant("0.01", "1600000"),
                "date_versement": fuzz.date_ecrite(datetime.date(2020, 10, 1)),
                "reference": st.one_of(st.just(""), fuzz.texte_libre),
            },
            {"montant": fuzz.MONTANTS_HOSTILES, "date_versement": fuzz.DATES_HOSTILES},
        )
    )
    def soumettre(paires):
        acceptes.append(fuzz.essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_mouvements_et_repartition_d_une_enveloppe(banc):
    """Les deux formulaires de la page d'une enveloppe, et une action inconnue."""
    client = fuzz._connecte(banc.admin)
    enveloppes = [banc.nationale, banc.r84, banc.nationale_2021]
    regions = ["84", "32", "11", "44"]
    mouvement = {
        "action": st.just("mouvement"),
        "mouvement-type": st.sampled_from(sorted(TYPES_MOUVEMENT_SAISIS)),
        "mouvement-montant": fuzz.montant("0.01", "200000000"),
        "mouvement-date_effet": fuzz.date_ecrite(),
        "mouvement-motif": fuzz.texte_libre,
    }
    repartition = {
        "action": st.just("repartition"),
        **{
            f"repartition-region_{code}": st.one_of(st.just(""), fuzz.montant()) for code in regions
        },
        "repartition-date_effet": fuzz.date_ecrite(),
        "repartition-motif": fuzz.texte_libre,
    }
    hostiles = {
        "action": st.sampled_from(["", "supprimer", "MOUVEMENT"]),
        "mouvement-type": st.sampled_from(
            [TypeMouvement.ANTICIPATION, TypeMouvement.REPARTITION, TypeMouvement.REDEPLOIEMENT]
        ),
        "mouvement-montant": fuzz.MONTANTS_HOSTILES,
        "repartition-region_84": fuzz.MONTANTS_HOSTILES,
        "mouvement-date_effet": fuzz.DATES_HOSTILES,
    }
    acceptes = []

    @fuzz.reglages(50)
    @given(
        enveloppe=st.sampled_from(enveloppes),
        paires=st.one_of(
            fuzz.soumission(mouvement, hostiles), fuzz.soumission(repartition, hostiles)
        ),
    )
    def soumettre(enveloppe, paires):
        acceptes.append(fuzz.essai(client, f"/fonds/enveloppes/{enveloppe.pk}/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_anticipation(banc):
    client = fuzz._connecte(banc.admin)
    acceptes = []

    @fuzz.reglages(30)
    @given(
        paires=fuzz.soumission(
            {
                "dispositif": st.just(str(banc.fonds.pk)),
                "annee_source": st.just("2021"),
                "annee_cible": st.just("2020"),
                "montant": fuzz.montant("0.01", "260000000"),
                "date_effet": fuzz.date_ecrite(),
                "motif": fuzz.texte_libre,
            },
            {
                "dispositif": fuzz.identifiants_hostiles(),
                "annee_source": st.one_of(fuzz.ENTIERS_HOSTILES, st.sampled_from(["2020", "2022"])),
                "annee_cible": st.one_of(fuzz.ENTIERS_HOSTILES, st.sampled_from(["2021", "2017"])),
                "montant": fuzz.MONTANTS_HOSTILES,
                "date_effet": fuzz.DATES_HOSTILES,
            },
        )
    )
    def soumettre(paires):
        acceptes.append(fuzz.essai(client, "/fonds/anticipation/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)
