"""Gabarits des tableaux de bord : les chiffres clés d'une ligne de totaux."""

from django import template

from pilotage import graphiques
from pilotage.models import Niveau, Totaux
from socle.format_fr import format_euros
from socle.format_fr import nombre as format_nombre

register = template.Library()


def chiffres_de(ligne: Totaux) -> list[dict]:
    """(id, libellé, valeur courte, valeur complète) des chiffres clés d'un périmètre."""

    def montant(cle, libelle, valeur):
        court = graphiques.euros_courts(valeur) if valeur is not None else "—"
        long = format_euros(valeur, centimes=False) if valeur is not None else ""
        return {
            "id": cle,
            "libelle": libelle,
            "court": court,
            "long": "" if long == court else long,
        }

    def entier(cle, libelle, valeur):
        return {"id": cle, "libelle": libelle, "court": format_nombre(valeur), "long": ""}

    chiffres = []
    if ligne.niveau != Niveau.TERRITOIRE:
        chiffres += [
            entier("territoires", "Territoires d'industrie", ligne.nb_territoires),
            entier("epci", "Intercommunalités", ligne.nb_intercommunalites),
        ]
    chiffres += [
        entier("projets", "Projets", ligne.nb_projets),
        montant("investissement", "Investissement productif", ligne.investissement),
        entier("emplois-crees", "Emplois créés", ligne.emplois_crees),
        entier("emplois-maintenus", "Emplois maintenus", ligne.emplois_maintenus),
        montant("aide", "Aide sollicitée", ligne.aide_sollicitee),
        {
            "id": "levier",
            "libelle": "Effet de levier (investissement / aide)",
            "court": graphiques.levier_court(ligne.effet_levier),
            "long": "",
        },
    ]
    if ligne.niveau != Niveau.TERRITOIRE:
        chiffres.append(montant("enveloppe", "Enveloppe", ligne.montant_enveloppe))
    chiffres += [
        montant("engage", "Engagé", ligne.montant_engage),
        montant("verse", "Versé", ligne.montant_verse),
    ]
    if ligne.niveau != Niveau.TERRITOIRE:
        chiffres.append(montant("disponible", "Disponible", ligne.montant_disponible))
    return chiffres


@register.inclusion_tag("pilotage/_chiffres.html")
def chiffres_cles(ligne: Totaux):
    """`{% chiffres_cles ligne %}` : une carte par chiffre, chacune avec « Données au »."""
    return {"ligne": ligne, "chiffres": chiffres_de(ligne)}
