"""Graphiques des tableaux de bord : du SVG écrit ici, en Python, rendu par le serveur.

Ni bibliothèque, ni script, ni réseau : chaque fonction rend un `Graphique`, soit
une image SVG (`role="img"`, titre et description reliés par `aria-labelledby`)
et le tableau de ses données, que la page montre à côté (lecteurs d'écran,
impression, copie). Couleurs de la palette du DSFR ; le rouge Marianne (#e1000f)
est réservé aux alertes et n'apparaît pas ici.

Tous les textes passent par `escape` : un libellé venu de la base ne peut pas
injecter de balise.

- `commun` : palette, `Graphique`, formats courts, écriture du SVG ;
- `barres` : barres horizontales, simples ou empilées ;
- `entonnoir` : l'entonnoir des projets ;
- `cartogramme` : le cartogramme des régions ;
- `carte` : la carte des régions (vrais contours, encarts d'outre-mer) et celle d'un
  territoire.
"""

from pilotage.graphiques.barres import barres
from pilotage.graphiques.carte import Trace, carte_d_un_territoire, carte_des_regions
from pilotage.graphiques.cartogramme import cartogramme, classe_de, classes
from pilotage.graphiques.commun import (
    Graphique,
    euros_courts,
    euros_longs,
    graduations,
    levier_court,
    nombre_court,
)
from pilotage.graphiques.entonnoir import ETAPES_ENTONNOIR, entonnoir, etapes_atteintes

__all__ = [
    "ETAPES_ENTONNOIR",
    "Graphique",
    "Trace",
    "barres",
    "carte_d_un_territoire",
    "carte_des_regions",
    "cartogramme",
    "classe_de",
    "classes",
    "entonnoir",
    "etapes_atteintes",
    "euros_courts",
    "euros_longs",
    "graduations",
    "levier_court",
    "nombre_court",
]
