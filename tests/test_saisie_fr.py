"""Un seul lecteur des montants écrits à la française : formulaires et import de tableurs."""

from decimal import Decimal

import pytest
from django import forms

from fonds.forms import VersementForm
from projets.importation import conversion
from socle.saisie_fr import ChampMontant, MontantIllisible, lire_montant


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [
        ("1 500 000,50", "1500000.50"),
        ("1500000.50", "1500000.50"),
        ("1\u202f500\u202f000,50\u00a0€", "1500000.50"),
        ("1\u2009500\u2009000 EUR", "1500000"),
        ("1.500.000,50", "1500000.50"),
        ("1,500,000.50", "1500000.50"),
        ("1'500'000.50", "1500000.50"),
        ("2 000 €", "2000"),
        ("12,5", "12.5"),
        ("0,500", "0.500"),
        ("1234,567", "1234.567"),  # lu tel quel : les centimes sont une règle de l'appelant
        ("-10", "-10"),  # de même pour le signe
    ],
)
def test_montants_lus(ecrit, attendu):
    assert lire_montant(ecrit) == Decimal(attendu)


@pytest.mark.parametrize(
    ("ecrit", "code", "message"),
    [
        ("abc", "invalide", "« abc » n'est pas un montant en euros"),
        ("12,345,6", "invalide", "« 12,345,6 » n'est pas un montant en euros"),
        ("1E+2", "invalide", "n'est pas un montant en euros"),
        ("NaN", "invalide", "n'est pas un montant en euros"),
        ("١٢٣", "invalide", "n'est pas un montant en euros"),  # chiffres non latins
        ("1.500", "ambigu", "« 1.500 » est ambigu"),
        ("12,500", "ambigu", "« 12,500 » est ambigu"),
    ],
)
def test_montants_illisibles(ecrit, code, message):
    with pytest.raises(MontantIllisible, match=message) as erreur:
        lire_montant(ecrit)
    assert erreur.value.code == code


def test_l_import_dit_le_message_du_lecteur():
    with pytest.raises(conversion.ValeurInvalide) as erreur:
        conversion.montant("1.500")
    assert erreur.value.message == str(MontantIllisible("1.500", "ambigu"))


class _Formulaire(forms.Form):
    montant = ChampMontant(label="Montant", required=False)


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [("1 500 000,50", Decimal("1500000.50")), ("2 000 €", Decimal("2000")), ("  ", None)],
)
def test_champ_montant_lit_la_saisie(ecrit, attendu):
    form = _Formulaire({"montant": ecrit})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["montant"] == attendu


@pytest.mark.parametrize(
    ("ecrit", "message"),
    [
        ("abc", "Saisissez un montant en euros, par exemple « 1 500 000,50 » ou « 1500000.50 »."),
        ("1.500", "Montant ambigu : le séparateur sépare-t-il les milliers ou les centimes ?"),
    ],
)
def test_champ_montant_refuse_sans_citer_la_saisie(ecrit, message):
    form = _Formulaire({"montant": ecrit})
    assert not form.is_valid()
    [erreur] = form.errors["montant"]
    assert erreur.startswith(message)
    assert f"« {ecrit} »" not in erreur


def test_champ_montant_affiche_une_valeur_connue_a_la_francaise():
    form = _Formulaire(initial={"montant": Decimal("1500000.5")})
    assert 'value="1 500 000,50"' in str(form["montant"])


def test_un_montant_de_credits_est_au_centime_et_positif():
    """Le champ du fonds ajoute ses règles (centimes, minimum) à la même lecture."""
    form = VersementForm({"montant": "1.234.567,891", "date_versement": "2020-10-01"})
    assert not form.is_valid()
    assert "2 chiffres après la virgule" in " ".join(form.errors["montant"])
    form = VersementForm({"montant": "1.234.567,89", "date_versement": "2020-10-01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["montant"] == Decimal("1234567.89")
