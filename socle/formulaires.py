"""Filtres de gabarit des formulaires (bibliothèque chargée partout, voir `settings`)."""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class ErreurDeChamp:
    cible: str  # id de l'élément où mène le lien (vide pour un champ caché)
    libelle: str
    message: str


@register.filter
def erreurs_des_champs(form) -> list[ErreurDeChamp]:
    """Les erreurs rattachées à un champ, dans l'ordre des champs, avec l'id où mener.

    Un groupe de boutons radio n'a pas d'id propre : le lien mène à son premier bouton.
    """
    erreurs = []
    for champ in form:
        if not champ.errors:
            continue
        cible = "" if champ.is_hidden else champ.id_for_label or f"{champ.auto_id}_0"
        erreurs.extend(ErreurDeChamp(cible, str(champ.label or ""), e) for e in champ.errors)
    return erreurs
