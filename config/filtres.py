"""Listes filtrées : un filtre invalide est ignoré et signalé, jamais une erreur."""

from django.contrib import messages


def signaler_filtres_invalides(request, filtre) -> None:
    for nom, erreurs in filtre.form.errors.items():
        libelle = filtre.form.fields[nom].label if nom in filtre.form.fields else nom
        messages.warning(
            request, f"Filtre « {libelle} » ignoré : valeur invalide ({' '.join(erreurs)})"
        )
