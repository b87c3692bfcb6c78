"""Gabarits des tableaux de bord : les chiffres clés d'une ligne de totaux."""

from django import template

from pilotage import graphiques
from pilotage.definitions import DEFINITIONS
from pilotage.models import TOUS_DISPOSITIFS, Niveau, Totaux
from socle.format_fr import format_euros
from socle.format_fr import nombre as format_nombre

register = template.Library()


def chiffres_de(ligne: Totaux) -> list[dict]:
    """(id, libellé, valeur courte, valeur complète, définition) des chiffres clés.

    Les crédits (enveloppe, engagé, versé, disponible, effet de levier) ne se montrent
    que pour un dispositif : jamais additionnés entre instruments différents.
    """

    def chiffre(cle: str, champ: str, court: str, long: str = "") -> dict:
        definie = DEFINITIONS[champ]
        return {
            "id": cle,
            "libelle": definie.libelle,
            "court": court,
            "long": "" if long == court else long,
            "definition": definie.texte,
        }

    def montant(cle: str, champ: str) -> dict:
        valeur = getattr(ligne, champ)
        if valeur is None:
            return chiffre(cle, champ, "—")
        return chiffre(
            cle, champ, graphiques.euros_courts(valeur), format_euros(valeur, centimes=False)
        )

    def entier(cle: str, champ: str) -> dict:
        return chiffre(cle, champ, format_nombre(getattr(ligne, champ)))

    regional = ligne.niveau != Niveau.TERRITOIRE
    chiffres = []
    if regional:
        chiffres += [
            entier("territoires", "nb_territoires"),
            entier("epci", "nb_intercommunalites"),
        ]
    chiffres += [
        entier("projets", "nb_projets"),
        montant("investissement", "investissement"),
        entier("emplois-crees", "emplois_crees"),
        entier("emplois-maintenus", "emplois_maintenus"),
        montant("aide", "aide_sollicitee"),
    ]
    if ligne.dispositif == TOUS_DISPOSITIFS:
        return chiffres
    chiffres.append(chiffre("levier", "effet_levier", graphiques.levier_court(ligne.effet_levier)))
    if regional:
        chiffres.append(montant("enveloppe", "montant_enveloppe"))
    chiffres += [montant("engage", "montant_engage"), montant("verse", "montant_verse")]
    if regional:
        chiffres.append(montant("disponible", "montant_disponible"))
    return chiffres


@register.inclusion_tag("pilotage/_chiffres.html")
def chiffres_cles(ligne: Totaux):
    """`{% chiffres_cles ligne %}` : une carte par chiffre, chacune avec « Données au »."""
    return {"ligne": ligne, "chiffres": chiffres_de(ligne)}
