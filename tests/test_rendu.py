"""Les listes déroulantes rendues sans gabarit : le même HTML que le rendu de Django."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.html import parse_html

from projets.filters import ProjetFilter
from projets.forms import ProjetForm
from projets.models import Projet
from socle.rendu import RenduRapide
from territoires.filters import TerritoireFilter
from territoires.models import TerritoireIndustrie
from tests.comptes.factories import ProfilFactory

pytestmark = pytest.mark.django_db


def _rendus(champ: forms.BoundField, **attrs) -> tuple:
    rapide = champ.as_widget(attrs=attrs or None)
    champ.form.renderer = DjangoTemplates()
    try:
        reference = champ.as_widget(attrs=attrs or None)
    finally:
        champ.form.renderer = None
    return parse_html(rapide), parse_html(reference)


@pytest.mark.parametrize(
    "filtre, modele", [(ProjetFilter, Projet), (TerritoireFilter, TerritoireIndustrie)]
)
def test_les_filtres_rendent_le_meme_html(referentiel, filtre, modele):
    donnees = {"region": "84", "statut": "depose", "tri": "-intitule", "type_epci": "CC"}
    form = filtre(donnees, queryset=modele.objects.none()).form
    listes = [champ for champ in form if champ.field.widget.input_type == "select"]
    assert len(listes) >= 3
    for champ in listes:
        rapide, reference = _rendus(champ, **{"class": "fr-select", "aria-describedby": "aide"})
        assert rapide == reference, champ.name


def test_une_valeur_choisie_est_selectionnee_et_echappee(referentiel):
    class Formulaire(forms.Form):
        choix = forms.ChoiceField(
            choices=[("", "Aucun"), ("a&b", "A & <B>"), ("c", "C")], required=True
        )

    champ = Formulaire({"choix": "a&b"})["choix"]
    html = champ.as_widget()
    assert '<option value="a&amp;b" selected>A &amp; &lt;B&gt;</option>' in html
    assert " required" in html
    rapide, reference = _rendus(champ)
    assert rapide == reference


def test_groupes_d_options(referentiel):
    class Formulaire(forms.Form):
        choix = forms.ChoiceField(
            choices=[("Nord", [("59", "Nord"), ("62", "Pas-de-Calais")]), ("75", "Paris")]
        )

    rapide, reference = _rendus(Formulaire(initial={"choix": "62"})["choix"])
    assert rapide == reference


def test_le_formulaire_de_projet_rend_le_meme_html(referentiel):
    territoire = TerritoireIndustrie.objects.order_by("code").first()
    prefecture = ProfilFactory(region_id=territoire.region_id).user
    form = ProjetForm({"territoire": territoire.code, "enjeu": "innover"}, user=prefecture)
    listes = [champ for champ in form if isinstance(champ.field.widget, forms.Select)]
    assert {"territoire", "enjeu", "porteur_taille"} <= {champ.name for champ in listes}
    for champ in listes:
        rapide, reference = _rendus(champ)
        assert rapide == reference, champ.name


def test_le_reglage_choisit_le_rendu_rapide(settings):
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), RenduRapide)
