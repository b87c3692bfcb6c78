"""Adresse de la page d'un projet depuis les gabarits du fonds."""

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def url_projet(projet_id) -> str:
    """`{{ engagement.projet_id|url_projet }}` → « /projets/12/ »."""
    return adresse_projet(projet_id)


def adresse_projet(projet_id) -> str:
    return reverse("projets:detail", args=[projet_id])
