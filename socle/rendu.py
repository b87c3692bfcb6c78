"""Rendu des formulaires : les listes déroulantes écrites directement en Python.

Le rendu de Django passe chaque option d'une liste déroulante par un gabarit ; les
filtres de `/projets/` (régions, départements, 148 territoires, statuts, tris…)
comptent plusieurs centaines d'options, dont le rendu pesait la moitié de la page.
Ce moteur de rendu produit le même HTML que les gabarits de Django
(`django/forms/widgets/select.html`, `select_option.html`, `attrs.html`), sans
gabarit ; tout le reste passe par le rendu habituel. Réglage : `FORM_RENDERER`.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

GABARIT_LISTE = "django/forms/widgets/select.html"
GABARIT_OPTION = "django/forms/widgets/select_option.html"


def _attributs(attrs: dict) -> str:
    """Comme `attrs.html` : ` nom="valeur"`, un booléen vrai sans valeur, faux omis."""
    morceaux = []
    for nom, valeur in attrs.items():
        if valeur is False:
            continue
        if valeur is True:
            morceaux.append(f" {conditional_escape(nom)}")
        else:
            morceaux.append(f' {conditional_escape(nom)}="{conditional_escape(str(valeur))}"')
    return "".join(morceaux)


def liste_deroulante(widget: dict) -> SafeString:
    """Le `<select>` d'un contexte de widget (`Select.get_context(...)["widget"]`)."""
    lignes = [
        format_html('<select name="{}"', widget["name"])
        + mark_safe(_attributs(widget["attrs"]))  # noqa: S308 (attributs échappés)
        + ">"
    ]
    for nom_groupe, options, _rang in widget["optgroups"]:
        if nom_groupe:
            lignes.append(format_html('\n  <optgroup label="{}">', nom_groupe))
        for option in options:
            lignes.append(
                format_html('\n  <option value="{}"', str(option["value"]))
                + mark_safe(_attributs(option["attrs"]))  # noqa: S308 (attributs échappés)
                + format_html(">{}</option>", option["label"])
            )
        if nom_groupe:
            lignes.append("\n  </optgroup>")
    lignes.append("\n</select>")
    return mark_safe("".join(lignes))  # noqa: S308 (chaque morceau est échappé ci-dessus)


class RenduRapide(DjangoTemplates):
    """Le rendu par gabarits de Django, sauf pour les listes déroulantes ordinaires."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if template_name == GABARIT_LISTE and widget is not None and _options_ordinaires(widget):
            return liste_deroulante(widget)
        return super().render(template_name, context, request=request)


def _options_ordinaires(widget: dict) -> bool:
    """Les options utilisent le gabarit de Django (un widget peut en choisir un autre)."""
    return all(
        option.get("template_name") == GABARIT_OPTION
        for _nom, options, _rang in widget["optgroups"]
        for option in options
    )
