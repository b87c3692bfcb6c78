"""Recalcul des totaux : quelques agrégats SQL groupés, puis une écriture groupée.

Un recalcul, complet (`recalculer_tout`) ou limité aux périmètres touchés par
un changement (`recalculer_perimetres` ; `recalculer_les_demandes` pour ceux des
demandes en attente, `socle.recalcul`), suit le même chemin :

1. le référentiel (territoires, régions, EPCI en vigueur, noms des dispositifs) ;
2. les projets groupés par territoire, région du site, statut et enjeu ;
3. les engagements et leurs projets groupés de même, par dispositif et année
   d'enveloppe (chaque projet compté une fois par combinaison, même avec deux
   engagements) ;
4. les totaux partiels (territoire × région du site, `TotauxPartiels`) ainsi
   obtenus sont écrits ; chaque ligne de territoire en est la somme sur les
   régions, chaque ligne de région la somme sur les territoires ;
5. les enveloppes (régions et national) ;
6. le niveau national, somme des lignes des régions ;
7. l'écriture : seules les lignes nouvelles ou changées (leur empreinte, un hachage
   de leurs chiffres, diffère) passent par une insertion groupée avec mise à jour en
   cas de conflit ; les lignes des périmètres qui n'existent plus sont supprimées ;
   le recalcul s'inscrit au journal (`Calcul`), dont la date est celle des chiffres.

Une ligne inchangée n'est jamais réécrite : un recalcul nocturne qui ne trouve rien
de neuf n'écrit qu'une ligne de journal, et les tables des totaux ne gonflent pas de
versions mortes (PostgreSQL garde l'ancienne version de chaque ligne mise à jour).

Un recalcul incrémental ne relit que les projets des territoires touchés (colonne
indexée) ; les autres territoires d'une région et les autres régions sont repris
des tables déjà écrites : son coût ne dépend pas de la taille de la région.

Les requêtes renvoient des lignes déjà groupées (quelques milliers au plus, quel
que soit le nombre de projets) : la mémoire ne croît pas avec les projets.
Tout se passe dans une seule transaction : une erreur en cours de route, ou un
worker tué, laisse les totaux précédents et leur date intacts et lisibles ; rejoué,
le recalcul donne les mêmes chiffres qu'un passage sans interruption.

Les montants sont des `Decimal` en euros de bout en bout ; PostgreSQL les rend
déjà au centime (colonnes `numeric(…, 2)`), SQLite en flottants, arrondis ici.

Modules : `recalcul` (les trois recalculs et l'enchaînement des étapes), `lignes`
(les chiffres d'un périmètre en cours de calcul, les périmètres touchés), `lectures`
(référentiel, projets et engagements groupés, totaux déjà écrits), `sommes`
(combinaisons, enveloppes, national, champs écrits), `ecriture` (lignes changées
seulement, journal des recalculs).
"""

from pilotage.moteur.ecriture import CHAMPS_COMPARES, JOURNAL_JOURS, Rapport
from pilotage.moteur.lignes import STATUTS_HORS_SOMMES, empreinte
from pilotage.moteur.recalcul import (
    CLE_VERROU,
    ETAPES,
    NB_ETAPES,
    recalculer_les_demandes,
    recalculer_perimetres,
    recalculer_tout,
)

__all__ = [
    "CHAMPS_COMPARES",
    "CLE_VERROU",
    "ETAPES",
    "JOURNAL_JOURS",
    "NB_ETAPES",
    "STATUTS_HORS_SOMMES",
    "Rapport",
    "empreinte",
    "recalculer_les_demandes",
    "recalculer_perimetres",
    "recalculer_tout",
]
