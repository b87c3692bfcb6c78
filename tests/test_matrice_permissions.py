"""La matrice des permissions : chaque route × chaque rôle, la réponse voulue.

La conception est écrite une seule fois, dans les tables `PAGES`, `API`, `ADMINISTRATION`
et `MODELES_ADMIN` ci-dessous : pour chaque route (et chaque variante : objet de ma région
ou d'une autre, brouillon, export CSV ou XLSX) et chaque méthode, le statut que reçoit
chacun des huit rôles. Les cas de test en sont générés, un par (route, variante, méthode,
rôle). Chaque requête d'écriture part d'un corps vide : elle ne doit jamais rien écrire
(l'état de la base est comparé avant et après), ni finir en erreur 5xx. Et aucune réponse
ne doit montrer un projet que le rôle ne voit pas (marqueurs des intitulés et des porteurs).

Une route que les tables ne classent pas fait échouer `test_chaque_route_est_dans_la_matrice` :
une nouvelle adresse ne peut pas échapper à la matrice.

Les rôles, dans l'ordre des colonnes :

- `anonyme` : personne n'est connecté ;
- `sans_profil` : un compte connecté qui n'a ni rôle ni région ;
- `prefecture_84`, `region_84` : préfecture et conseil régional d'Auvergne-Rhône-Alpes ;
- `prefecture_32` : préfecture des Hauts-de-France (les objets « 84 » sont d'une autre région) ;
- `ministere` : lecture nationale ;
- `admin_national` : l'équipe nationale, membre de l'équipe de l'administration avec toutes
  les permissions Django (sans être superutilisateur) ;
- `prefecture_84_staff` : une préfecture 84 à qui l'on a ouvert la consultation des données du
  programme dans l'administration (`is_staff`, permissions `view_*`).

Les objets visés sont ceux de la région 84 (variante « 84 ») ou 32 (variante « 32 ») ;
« 84b » est un brouillon de la région 84. Le jeu de données est construit une fois pour le
module (dans une transaction annulée à la fin), chaque test tourne dans un point de
sauvegarde annulé après lui.
"""

import logging
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from tests import matrice
from tests.conftest import _charger_referentiel
from tests.matrice import ROLES, adresse, cle_de_route, toutes_les_routes

pytestmark = pytest.mark.django_db

GET, POST, PATCH = "GET", "POST", "PATCH"


@dataclass(frozen=True)
class Redirection:
    """Un 302 vers `vers` (le début de l'adresse, ou l'adresse exacte)."""

    vers: str
    exacte: bool = False

    def __repr__(self):
        return f"302→{self.vers}{'' if self.exacte else '…'}"


# Les réponses attendues autres qu'un simple statut : des redirections (302).
CNX = Redirection("/comptes/connexion/?next=")  # vers la connexion du portail
CNXA = Redirection("/admin/login/?next=")  # vers la connexion de l'administration
ACC = Redirection("/", exacte=True)  # vers l'accueil du portail
ACCA = Redirection("/admin/", exacte=True)  # vers l'accueil de l'administration
# L'administration de Django répond à un objet qu'elle ne trouve pas (hors du périmètre de
# l'utilisateur, comme s'il n'existait pas) par une redirection vers son accueil.
ABSENT = ACCA
T84 = Redirection("/pilotage/regions/84/", exacte=True)  # vers le tableau de bord de la région
T32 = Redirection("/pilotage/regions/32/", exacte=True)
FPRJ = Redirection("/projets/{projet}/", exacte=True)  # retour à la fiche du projet
FENV = Redirection("/fonds/enveloppes/{enveloppe}/", exacte=True)  # retour à l'enveloppe
FADM = Redirection("{fiche}", exacte=True)  # `admin/<app>/<modèle>/<id>/` : vers la fiche
FSIM = Redirection("/programmation/{simulation}/", exacte=True)  # retour à la simulation
# Après la connexion, la page où travaille chaque rôle.
DPRJ = Redirection("/projets/", exacte=True)
DPRS = Redirection("/projets/preselection/", exacte=True)
DPIL = Redirection("/pilotage/", exacte=True)
FDOC = Redirection("/projets/{projet}/#documents", exacte=True)  # aux documents de la fiche
JET = Redirection("/comptes/jetons/", exacte=True)  # retour à la page des jetons d'API
ESP = Redirection("/mon-espace/", exacte=True)  # vers l'espace de l'agent (après connexion)
NTF = Redirection("/notifications/", exacte=True)  # retour aux notifications
PRJL = Redirection("/projets/", exacte=True)  # retour à la liste des projets


def six(reponse) -> tuple:
    return (reponse,) * 6


# Qui n'est pas de l'équipe de l'administration (`is_staff`) est renvoyé à sa connexion :
# les six premiers rôles.
NA = six(CNXA)

# La conception. Colonnes : anonyme, sans_profil, prefecture_84, region_84, prefecture_32,
# ministere, admin_national, prefecture_84_staff. Variante : objet de la région 84 ou 32,
# brouillon 84 (« 84b »), export CSV ou XLSX. Une écriture part d'un corps vide.
# fmt: off
PAGES = {
    # (route, méthode, variante)                ano   sans  p84   r84   p32   min   adm   p84s
    # Pages publiques et comptes
    ("accueil", GET, ""):                      (200,  200,  200,  200,  200,  200,  200,  200),
    ("healthz", GET, ""):                      (200,  200,  200,  200,  200,  200,  200,  200),
    # Après la connexion, l'espace de l'agent ; l'accueil pour un compte sans profil.
    ("comptes:connexion", GET, ""):            (200,  ACC,  ESP,  ESP,  ESP,  ESP,  ESP,  ESP),
    ("comptes:connexion", POST, ""):           (200,  ACC,  ESP,  ESP,  ESP,  ESP,  ESP,  ESP),
    ("comptes:deconnexion", GET, ""):          (405,  405,  405,  405,  405,  405,  405,  405),
    ("comptes:deconnexion", POST, ""):         (ACC,  ACC,  ACC,  ACC,  ACC,  ACC,  ACC,  ACC),
    ("comptes:mot_de_passe", GET, ""):         (CNX,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:mot_de_passe", POST, ""):        (CNX,  200,  200,  200,  200,  200,  200,  200),
    # Mot de passe oublié : ouvert à tous (la page ne dit jamais si un compte existe).
    ("comptes:mot_de_passe_oublie", GET, ""):  (200,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:mot_de_passe_oublie", POST, ""): (200,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:mot_de_passe_envoye", GET, ""):  (200,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:nouveau_mot_de_passe", GET, ""): (200,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:nouveau_mot_de_passe", POST, ""): (200, 200,  200,  200,  200,  200,  200,  200),
    ("comptes:mot_de_passe_reinitialise", GET, ""): (200, 200, 200, 200, 200,  200,  200,  200),
    # Ses propres jetons d'API ; le jeton visé est celui d'un autre agent (conseil régional 32) :
    # personne ne le révoque (retour à sa page, avec un message).
    ("comptes:jetons", GET, ""):               (CNX,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:jetons", POST, ""):              (CNX,  200,  200,  200,  200,  200,  200,  200),
    ("comptes:revoquer_jeton", GET, ""):       (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("comptes:revoquer_jeton", POST, ""):      (CNX,  JET,  JET,  JET,  JET,  JET,  JET,  JET),
    # ProConnect n'est pas configuré dans les tests : ses adresses n'existent pas.
    ("comptes:proconnect_connexion", GET, ""): (404,  404,  404,  404,  404,  404,  404,  404),
    ("comptes:proconnect_retour", GET, ""):    (404,  404,  404,  404,  404,  404,  404,  404),
    # Le journal d'audit : l'équipe nationale, et chaque agent régional pour sa région.
    ("comptes:journal", GET, ""):              (CNX,  403,  200,  200,  200,  403,  200,  200),
    ("comptes:journal", GET, "csv"):           (CNX,  403,  200,  200,  200,  403,  200,  200),
    ("comptes:journal", GET, "xlsx"):          (CNX,  403,  200,  200,  200,  403,  200,  200),
    # Le référentiel est public ; la fiche d'un territoire montre à un agent ses projets visibles.
    ("territoires:liste", GET, ""):            (200,  200,  200,  200,  200,  200,  200,  200),
    ("territoires:detail", GET, "84"):         (200,  200,  200,  200,  200,  200,  200,  200),
    ("territoires:detail", GET, "32"):         (200,  200,  200,  200,  200,  200,  200,  200),
    ("territoires:intercommunalite", GET, ""): (200,  200,  200,  200,  200,  200,  200,  200),
    # Projets : la liste et ses exports ne montrent que le périmètre (vérifié par les marqueurs).
    ("projets:liste", GET, ""):                (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("projets:liste", GET, "csv"):             (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("projets:liste", GET, "xlsx"):            (CNX,  403,  200,  200,  200,  200,  200,  200),
    # Le choix des colonnes de l'export : tout agent qui liste les projets (POST vide : 200).
    ("projets:colonnes_export", GET, ""):      (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("projets:colonnes_export", POST, ""):     (CNX,  403,  200,  200,  200,  200,  200,  200),
    # Saisie et import : préfecture et équipe nationale (jamais la Région ni le ministère).
    ("projets:nouveau", GET, ""):              (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("projets:nouveau", POST, ""):             (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("projets:communes", GET, ""):             (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("projets:importer", GET, ""):             (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("projets:importer", POST, ""):            (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("projets:modele_import", GET, ""):        (CNX,  403,  200,  403,  200,  403,  200,  200),
    # Importer un fichier vérifié : seulement le sien, vérifié sans erreur (ici un export : 404).
    ("projets:importer_verifie", POST, ""):    (CNX,  403,  404,  403,  404,  403,  404,  404),
    # La présélection se lit par tout agent ; les avis en lot, par la préfecture et la Région.
    ("projets:preselection", GET, ""):         (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("projets:preselection", POST, ""):        (CNX,  403,  200,  200,  200,  403,  403,  200),
    # Un projet d'une autre région (ou un brouillon, hors de la préfecture) : 404.
    ("projets:detail", GET, "84"):             (CNX,  404,  200,  200,  404,  200,  200,  200),
    ("projets:detail", GET, "32"):             (CNX,  404,  404,  404,  200,  200,  200,  404),
    ("projets:detail", GET, "84b"):            (CNX,  404,  200,  404,  404,  404,  200,  200),
    ("projets:modifier", GET, "84"):           (CNX,  404,  200,  403,  404,  403,  200,  200),
    ("projets:modifier", POST, "84"):          (CNX,  404,  200,  403,  404,  403,  200,  200),
    ("projets:modifier", GET, "32"):           (CNX,  404,  404,  404,  200,  403,  200,  404),
    # Statut et avis : un corps invalide revient à la fiche (avec un message) ; un rôle qui
    # ne change jamais de statut (Région, ministère) ou ne donne pas d'avis (ministère,
    # équipe nationale) reçoit 403.
    ("projets:transition", GET, "84"):         (CNX,  405,  405,  405,  405,  405,  405,  405),
    # Un rôle qui ne change jamais de statut reçoit 403 avant que le projet soit cherché,
    # comme dans l'API : il n'apprend rien des projets hors de son périmètre.
    ("projets:transition", POST, "84"):        (CNX,  403,  FPRJ, 403,  404,  403,  FPRJ, FPRJ),
    ("projets:transition", POST, "32"):        (CNX,  403,  404,  403,  FPRJ, 403,  FPRJ, 404),
    ("projets:avis", GET, "84"):               (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("projets:avis", POST, "84"):              (CNX,  404,  FPRJ, FPRJ, 404,  403,  403,  FPRJ),
    ("projets:avis", POST, "32"):              (CNX,  404,  404,  404,  FPRJ, 403,  403,  404),
    # Fonds : les enveloppes sont des chiffres publics pour tout agent doté d'un profil (une
    # enveloppe d'une autre région se lit, ses engagements non) ; leurs mouvements,
    # l'équipe nationale seulement (anticipation, redéploiement) ; engager et verser, la
    # préfecture du projet et l'équipe.
    ("fonds:index", GET, ""):                  (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("fonds:enveloppe", GET, "84"):            (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("fonds:enveloppe", GET, "32"):            (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("fonds:enveloppe", POST, "84"):           (CNX,  403,  403,  403,  403,  403,  FENV, 403),
    ("fonds:anticipation", GET, ""):           (CNX,  403,  403,  403,  403,  403,  200,  403),
    ("fonds:anticipation", POST, ""):          (CNX,  403,  403,  403,  403,  403,  200,  403),
    ("fonds:redeploiement", GET, ""):          (CNX,  403,  403,  403,  403,  403,  200,  403),
    ("fonds:redeploiement", POST, ""):         (CNX,  403,  403,  403,  403,  403,  200,  403),
    ("fonds:engager", GET, "84"):              (CNX,  404,  200,  403,  404,  403,  200,  200),
    ("fonds:engager", POST, "84"):             (CNX,  404,  200,  403,  404,  403,  200,  200),
    ("fonds:engager", GET, "32"):              (CNX,  404,  404,  404,  200,  403,  200,  404),
    ("fonds:versement", GET, "84"):            (CNX,  404,  200,  403,  404,  403,  200,  200),
    ("fonds:versement", POST, "84"):           (CNX,  404,  200,  403,  404,  403,  200,  200),
    ("fonds:versement", GET, "32"):            (CNX,  404,  404,  404,  200,  403,  200,  404),
    # Mise à jour en masse : qui engage et verse (préfecture, équipe nationale) ; appliquer un
    # fichier vérifié : le sien seulement (ici un export : 404).
    ("fonds:mise_a_jour", GET, ""):            (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("fonds:mise_a_jour", POST, ""):           (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("fonds:modele_mise_a_jour", GET, ""):     (CNX,  403,  200,  403,  200,  403,  200,  200),
    ("fonds:appliquer_mise_a_jour", POST, ""): (CNX,  403,  404,  403,  404,  403,  404,  404),
    # Pilotage : le tableau national renvoie un agent régional vers celui de sa région ;
    # le tableau d'une autre région (et son export) n'existe pas pour lui.
    ("pilotage:national", GET, ""):            (CNX,  403,  T84,  T84,  T32,  200,  200,  T84),
    ("pilotage:national", GET, "csv"):         (CNX,  403,  T84,  T84,  T32,  200,  200,  T84),
    ("pilotage:national", GET, "xlsx"):        (CNX,  403,  T84,  T84,  T32,  200,  200,  T84),
    ("pilotage:region", GET, "84"):            (CNX,  403,  200,  200,  404,  200,  200,  200),
    ("pilotage:region", GET, "84+csv"):        (CNX,  403,  200,  200,  404,  200,  200,  200),
    ("pilotage:region", GET, "84+xlsx"):       (CNX,  403,  200,  200,  404,  200,  200,  200),
    ("pilotage:region", GET, "32"):            (CNX,  403,  404,  404,  200,  200,  200,  404),
    ("pilotage:indicateurs", GET, ""):         (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("pilotage:indicateurs", GET, "csv"):      (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("pilotage:indicateurs", GET, "xlsx"):     (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("pilotage:saisir_valeur", GET, ""):       (CNX,  403,  403,  403,  403,  403,  200,  403),
    ("pilotage:saisir_valeur", POST, ""):      (CNX,  403,  403,  403,  403,  403,  200,  403),
    # Travaux de fond : chacun les siens (celui du jeu est à la préfecture 84) ; l'équipe
    # nationale les voit tous ; pour tout autre, ils n'existent pas.
    ("travaux:liste", GET, ""):                (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("travaux:detail", GET, ""):               (CNX,  404,  200,  404,  404,  404,  200,  404),
    ("travaux:fichier", GET, ""):              (CNX,  404,  200,  404,  404,  404,  200,  404),
    # Programmation : les simulations de l'enveloppe d'une région, entre sa préfecture et son
    # conseil régional (et l'équipe nationale) ; ni le ministère ni un compte sans profil.
    # Une simulation d'une autre région n'existe pas (404). Un corps vide : le formulaire
    # revient en erreur (200) ou la page de la simulation le signale (302) ; appliquer est
    # réservé à la préfecture et à l'équipe nationale (403 pour la Région, avant tout).
    ("programmation:index", GET, ""):          (CNX,  403,  200,  200,  200,  403,  200,  200),
    ("programmation:index", POST, ""):         (CNX,  403,  200,  200,  200,  403,  200,  200),
    ("programmation:comparer", GET, ""):       (CNX,  403,  200,  200,  200,  403,  200,  200),
    ("programmation:simulation", GET, "84"):   (CNX,  403,  200,  200,  404,  403,  200,  200),
    ("programmation:simulation", GET, "84+xlsx"): (CNX, 403, 200,  200,  404,  403,  200,  200),
    ("programmation:simulation", GET, "84+csv"): (CNX,  403, 200,  200,  404,  403,  200,  200),
    ("programmation:simulation", GET, "32"):   (CNX,  403,  404,  404,  200,  403,  200,  404),
    ("programmation:ligne", GET, "84"):        (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("programmation:ligne", POST, "84"):       (CNX,  403,  200,  200,  404,  403,  200,  200),
    ("programmation:ligne", POST, "32"):       (CNX,  403,  404,  404,  200,  403,  200,  404),
    ("programmation:dupliquer", GET, "84"):    (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("programmation:dupliquer", POST, "84"):   (CNX,  403,  200,  200,  404,  403,  200,  200),
    ("programmation:appliquer", GET, "84"):    (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("programmation:appliquer", POST, "84"):   (CNX,  403,  FSIM, 403,  404,  403,  FSIM, FSIM),
    ("programmation:appliquer", POST, "32"):   (CNX,  403,  404,  403,  FSIM, 403,  FSIM, 404),
    ("programmation:candidats", GET, "84"):    (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("programmation:candidats", POST, "84"):   (CNX,  403,  FSIM, FSIM, 404,  403,  FSIM, FSIM),
    # Documents : vus comme leur projet (404 hors périmètre) ; joints par la préfecture, la
    # Région et l'équipe nationale ; remplacés et supprimés par leur auteur (la préfecture du
    # jeu) ou l'équipe nationale ; lettres produites par la préfecture et l'équipe nationale.
    # Un corps vide : le formulaire revient en erreur (200), la suppression demande sa
    # confirmation (200), une lettre sans modèle revient à la fiche (302).
    ("documents:ajouter", GET, "84"):          (CNX,  403,  200,  200,  404,  403,  200,  200),
    ("documents:ajouter", POST, "84"):         (CNX,  403,  200,  200,  404,  403,  200,  200),
    ("documents:ajouter", GET, "32"):          (CNX,  403,  404,  404,  200,  403,  200,  404),
    ("documents:fichier", GET, "84"):          (CNX,  404,  200,  200,  404,  200,  200,  200),
    ("documents:fichier", GET, "32"):          (CNX,  404,  404,  404,  200,  200,  200,  404),
    ("documents:remplacer", GET, "84"):        (CNX,  404,  200,  403,  404,  403,  200,  403),
    ("documents:remplacer", POST, "84"):       (CNX,  404,  200,  403,  404,  403,  200,  403),
    ("documents:remplacer", GET, "32"):        (CNX,  404,  404,  404,  200,  403,  200,  404),
    ("documents:supprimer", GET, "84"):        (CNX,  404,  200,  403,  404,  403,  200,  403),
    ("documents:supprimer", POST, "84"):       (CNX,  404,  200,  403,  404,  403,  200,  403),
    ("documents:supprimer", POST, "32"):       (CNX,  404,  404,  404,  200,  403,  200,  404),
    ("documents:lettres", GET, "84"):          (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("documents:lettres", POST, "84"):         (CNX,  403,  FDOC, 403,  404,  403,  FDOC, FDOC),
    ("documents:lettres", POST, "32"):         (CNX,  403,  404,  403,  FDOC, 403,  FDOC, 404),
    # Échanges : l'espace, les notifications, les préférences et les vues sont à chacun (une
    # notification ou une vue d'un autre n'existe pas) ; un corps vide ne marque rien lu.
    ("echanges:mon_espace", GET, ""):          (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("echanges:notifications", GET, ""):       (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("echanges:lire", GET, ""):                (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("echanges:lire", POST, ""):               (CNX,  403,  NTF,  404,  404,  404,  404,  404),
    ("echanges:tout_lire", GET, ""):           (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("echanges:tout_lire", POST, ""):          (CNX,  403,  NTF,  NTF,  NTF,  NTF,  NTF,  NTF),
    ("echanges:preferences", GET, ""):         (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("echanges:preferences", POST, ""):        (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("echanges:enregistrer_vue", GET, ""):     (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("echanges:enregistrer_vue", POST, ""):    (CNX,  403,  PRJL, PRJL, PRJL, PRJL, PRJL, PRJL),
    # Agir sur toute la sélection : qui liste les projets (un corps vide : le formulaire revient).
    ("echanges:lot", GET, ""):                 (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("echanges:lot", POST, ""):                (CNX,  403,  200,  200,  200,  200,  200,  200),
    ("echanges:modifier_vue", GET, ""):        (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("echanges:modifier_vue", POST, ""):       (CNX,  403,  ESP,  404,  404,  404,  404,  404),
    # La discussion d'un projet : qui le voit parmi la préfecture, la Région et l'équipe
    # nationale (le ministère la lit sur la fiche, sans y écrire) ; un message se modifie
    # par son auteur seul (celui du jeu est à la préfecture 84).
    ("projets:commenter", GET, "84"):          (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("projets:commenter", POST, "84"):         (CNX,  404,  200,  200,  404,  403,  200,  200),
    ("projets:commenter", POST, "32"):         (CNX,  404,  404,  404,  200,  403,  200,  404),
    ("echanges:modifier_commentaire", GET, "84"):  (CNX, 404, 200,  403,  404,  403,  403,  403),
    ("echanges:modifier_commentaire", POST, "84"): (CNX, 404, 200,  403,  404,  403,  403,  403),
    ("echanges:mentionnables", GET, "84"):     (CNX,  404,  200,  200,  404,  403,  200,  200),
    ("echanges:mentionnables", GET, "32"):     (CNX,  404,  404,  404,  200,  403,  200,  404),
    # La date limite des avis : la préfecture du projet et l'équipe nationale.
    ("projets:date_limite", GET, "84"):        (CNX,  405,  405,  405,  405,  405,  405,  405),
    ("projets:date_limite", POST, "84"):       (CNX,  404,  200,  403,  404,  403,  200,  200),
}

API = {
    # (route, méthode, variante)            ano   sans  p84   r84   p32   min   adm   p84s
    # Lecture : tout agent doté d'un profil, dans son périmètre ; 404 hors périmètre.
    ("api-root", GET, ""):                 (401,  403,  200,  200,  200,  200,  200,  200),
    ("api-jeton", GET, ""):                (405,  405,  405,  405,  405,  405,  405,  405),
    ("api-jeton", POST, ""):               (400,  400,  400,  400,  400,  400,  400,  400),
    ("api-schema", GET, ""):               (200,  200,  200,  200,  200,  200,  200,  200),
    ("api-docs", GET, ""):                 (200,  200,  200,  200,  200,  200,  200,  200),
    ("region-list", GET, ""):              (401,  403,  200,  200,  200,  200,  200,  200),
    ("region-detail", GET, ""):            (401,  403,  200,  200,  200,  200,  200,  200),
    ("departement-list", GET, ""):         (401,  403,  200,  200,  200,  200,  200,  200),
    ("departement-detail", GET, ""):       (401,  403,  200,  200,  200,  200,  200,  200),
    ("intercommunalite-list", GET, ""):    (401,  403,  200,  200,  200,  200,  200,  200),
    ("intercommunalite-detail", GET, ""):  (401,  403,  200,  200,  200,  200,  200,  200),
    ("territoire-list", GET, ""):          (401,  403,  200,  200,  200,  200,  200,  200),
    ("territoire-detail", GET, "84"):      (401,  403,  200,  200,  200,  200,  200,  200),
    ("territoire-detail", GET, "32"):      (401,  403,  200,  200,  200,  200,  200,  200),
    ("projet-list", GET, ""):              (401,  403,  200,  200,  200,  200,  200,  200),
    ("projet-detail", GET, "84"):          (401,  403,  200,  200,  404,  200,  200,  200),
    ("projet-detail", GET, "32"):          (401,  403,  404,  404,  200,  200,  200,  404),
    ("projet-detail", GET, "84b"):         (401,  403,  200,  404,  404,  404,  200,  200),
    # Écriture, corps vide : 400 pour qui en a le droit, 403 pour un rôle qui ne l'a jamais
    # (demandé avant de chercher l'objet : la même réponse pour tout identifiant, il ne dit
    # rien d'un projet hors périmètre), 404 pour un rôle qui l'a, sur un projet qu'il ne voit pas.
    ("projet-list", POST, ""):             (401,  403,  400,  403,  400,  403,  400,  400),
    ("projet-detail", PATCH, "84"):        (401,  403,  400,  403,  404,  403,  400,  400),
    ("projet-detail", PATCH, "32"):        (401,  403,  404,  403,  400,  403,  400,  404),
    ("projet-transitions", GET, "84"):     (401,  403,  405,  405,  405,  405,  405,  405),
    ("projet-transitions", POST, "84"):    (401,  403,  400,  403,  404,  403,  400,  400),
    ("projet-transitions", POST, "32"):    (401,  403,  404,  403,  400,  403,  400,  404),
    ("projet-avis", GET, "84"):            (401,  403,  405,  405,  405,  405,  405,  405),
    ("projet-avis", POST, "84"):           (401,  403,  400,  400,  404,  403,  403,  400),
    ("projet-avis", POST, "32"):           (401,  403,  404,  404,  400,  403,  403,  404),
    ("dispositif-list", GET, ""):          (401,  403,  200,  200,  200,  200,  200,  200),
    ("dispositif-detail", GET, ""):        (401,  403,  200,  200,  200,  200,  200,  200),
    ("enveloppe-list", GET, ""):           (401,  403,  200,  200,  200,  200,  200,  200),
    ("enveloppe-list", POST, ""):          (401,  403,  403,  403,  403,  403,  400,  403),
    ("enveloppe-detail", GET, "84"):       (401,  403,  200,  200,  200,  200,  200,  200),
    ("enveloppe-detail", GET, "32"):       (401,  403,  200,  200,  200,  200,  200,  200),
    ("enveloppe-mouvements", GET, "84"):   (401,  403,  200,  200,  200,  200,  200,  200),
    ("enveloppe-mouvements", POST, "84"):  (401,  403,  403,  403,  403,  403,  400,  403),
    ("enveloppe-repartition", GET, ""):    (401,  403,  405,  405,  405,  405,  405,  405),
    ("enveloppe-repartition", POST, ""):   (401,  403,  403,  403,  403,  403,  400,  403),
    ("enveloppe-anticipation", GET, ""):   (401,  403,  405,  405,  405,  405,  405,  405),
    ("enveloppe-anticipation", POST, ""):  (401,  403,  403,  403,  403,  403,  400,  403),
    ("enveloppe-redeploiement", GET, ""):  (401,  403,  405,  405,  405,  405,  405,  405),
    ("enveloppe-redeploiement", POST, ""): (401,  403,  403,  403,  403,  403,  400,  403),
    ("engagement-list", GET, ""):          (401,  403,  200,  200,  200,  200,  200,  200),
    ("engagement-list", POST, ""):         (401,  403,  400,  403,  400,  403,  400,  400),
    ("engagement-detail", GET, "84"):      (401,  403,  200,  200,  404,  200,  200,  200),
    ("engagement-detail", GET, "32"):      (401,  403,  404,  404,  200,  200,  200,  404),
    ("versement-list", GET, ""):           (401,  403,  200,  200,  200,  200,  200,  200),
    ("versement-list", POST, ""):          (401,  403,  400,  403,  400,  403,  400,  400),
    ("versement-detail", GET, "84"):       (401,  403,  200,  200,  404,  200,  200,  200),
    ("versement-detail", GET, "32"):       (401,  403,  404,  404,  200,  200,  200,  404),
    ("totaux-list", GET, ""):              (401,  403,  200,  200,  200,  200,  200,  200),
    ("indicateur-list", GET, ""):          (401,  403,  200,  200,  200,  200,  200,  200),
    ("indicateur-detail", GET, ""):        (401,  403,  200,  200,  200,  200,  200,  200),
    # Simulations : comme les pages ; appliquer, la préfecture et l'équipe nationale.
    ("simulation-list", GET, ""):          (401,  403,  200,  200,  200,  403,  200,  200),
    ("simulation-list", POST, ""):         (401,  403,  400,  400,  400,  403,  400,  400),
    ("simulation-detail", GET, "84"):      (401,  403,  200,  200,  404,  403,  200,  200),
    ("simulation-detail", GET, "32"):      (401,  403,  404,  404,  200,  403,  200,  404),
    ("simulation-lignes", GET, "84"):      (401,  403,  200,  200,  404,  403,  200,  200),
    ("simulation-lignes", POST, "84"):     (401,  403,  400,  400,  404,  403,  400,  400),
    ("simulation-lignes", GET, "32"):      (401,  403,  404,  404,  200,  403,  200,  404),
    ("simulation-ligne", GET, "84"):       (401,  403,  405,  405,  405,  405,  405,  405),
    ("simulation-ligne", PATCH, "84"):     (401,  403,  400,  400,  404,  403,  400,  400),
    ("simulation-ligne", PATCH, "32"):     (401,  403,  404,  404,  400,  403,  400,  404),
    ("simulation-dupliquer", GET, "84"):   (401,  403,  405,  405,  405,  405,  405,  405),
    ("simulation-dupliquer", POST, "84"):  (401,  403,  400,  400,  404,  403,  400,  400),
    ("simulation-appliquer", GET, "84"):   (401,  403,  405,  405,  405,  405,  405,  405),
    ("simulation-appliquer", POST, "84"):  (401,  403,  400,  403,  404,  403,  400,  400),
    ("simulation-appliquer", POST, "32"):  (401,  403,  404,  403,  400,  403,  400,  404),
    # Documents d'un projet (hors du routeur : pas de suffixe `.json`). Joindre ou remplacer
    # avec un corps vide : 400 pour qui joint des documents, 403 pour le ministère.
    ("projet-documents", GET, "84"):       (401,  403,  200,  200,  404,  200,  200,  200),
    ("projet-documents", GET, "32"):       (401,  403,  404,  404,  200,  200,  200,  404),
    ("projet-documents", POST, "84"):      (401,  403,  400,  400,  404,  403,  400,  400),
    ("projet-documents", POST, "32"):      (401,  403,  404,  404,  400,  403,  400,  404),
    ("projet-document", GET, "84"):        (401,  403,  200,  200,  404,  200,  200,  200),
    ("projet-document", GET, "32"):        (401,  403,  404,  404,  200,  200,  200,  404),
    ("projet-document-fichier", GET, "84"): (401, 403,  200,  200,  404,  200,  200,  200),
    ("projet-document-fichier", GET, "32"): (401, 403,  404,  404,  200,  200,  200,  404),
    ("projet-document-remplacer", GET, "84"): (401, 403, 405, 405,  405,  405,  405,  405),
    ("projet-document-remplacer", POST, "84"): (401, 403, 400, 400, 404,  403,  400,  400),
    # Notifications : chacun les siennes (celle du jeu est à la préfecture 84). Marquer lue
    # n'a pas de corps : c'est l'action même (aucune ligne n'est ajoutée).
    ("notification-list", GET, ""):        (401,  403,  200,  200,  200,  200,  200,  200),
    ("notification-detail", GET, ""):      (401,  403,  200,  404,  404,  404,  404,  404),
    ("notification-lue", GET, ""):         (401,  403,  405,  405,  405,  405,  405,  405),
    ("notification-lue", POST, ""):        (401,  403,  200,  404,  404,  404,  404,  404),
    ("notification-tout-lu", GET, ""):     (401,  403,  405,  405,  405,  405,  405,  405),
    ("notification-tout-lu", POST, ""):    (401,  403,  200,  200,  200,  200,  200,  200),
    # La discussion d'un projet : la lire, qui voit le projet ; y écrire, ni le ministère.
    ("projet-commentaires", GET, "84"):    (401,  403,  200,  200,  404,  200,  200,  200),
    ("projet-commentaires", GET, "32"):    (401,  403,  404,  404,  200,  200,  200,  404),
    ("projet-commentaires", POST, "84"):   (401,  403,  400,  400,  404,  403,  400,  400),
    ("projet-commentaires", POST, "32"):   (401,  403,  404,  404,  400,  403,  400,  404),
}
# Les routes de l'API hors du routeur, sans doublon `.json`.
HORS_ROUTEUR = {
    "api-schema", "api-docs", "api-jeton", "projet-documents", "projet-document",
    "projet-document-fichier", "projet-document-remplacer", "projet-commentaires",
}

ADMINISTRATION = {
    # (route, méthode, variante)                      ano…min     adm   p84s
    ("admin:index", GET, ""):                        (*NA,        200,  200),
    ("admin:login", GET, ""):                        (*six(200),  ACCA, ACCA),
    ("admin:login", POST, ""):                       (*six(200),  200,  200),
    ("admin:logout", GET, ""):                       (*six(ACCA), 405,  405),
    ("admin:logout", POST, ""):                      (*six(ACCA), ACC,  ACC),
    ("admin:password_change", GET, ""):              (*NA,        200,  200),
    ("admin:password_change", POST, ""):             (*NA,        200,  200),
    ("admin:password_change_done", GET, ""):         (*NA,        200,  200),
    ("admin:autocomplete", GET, ""):                 (*NA,        200,  200),
    ("admin:jsi18n", GET, ""):                       (*NA,        200,  200),
    # Un projet n'a pas d'adresse publique : « voir sur le site » n'existe pas.
    ("admin:view_on_site", GET, "84"):               (*NA,        404,  404),
    ("admin:app_list", GET, ""):                     (*NA,        200,  200),
    ("admin:attrape_tout", GET, ""):                 (*NA,        404,  404),
    # Le bouton « Recalculer maintenant » (montré à l'équipe de l'administration) : idempotent.
    ("admin:pilotage_recalculer", GET, ""):          (*NA,        405,  405),
    ("admin:pilotage_recalculer", POST, ""):         (*NA,        ACCA, ACCA),
    # Les crédits d'une enveloppe, le mot de passe d'un agent : l'équipe nationale seulement.
    ("admin:fonds_enveloppe_mouvement", GET, "84"):  (*NA,        200,  403),
    ("admin:fonds_enveloppe_mouvement", POST, "84"): (*NA,        200,  403),
    ("admin:auth_user_password_change", GET, "84"):  (*NA,        200,  403),
    ("admin:auth_user_password_change", POST, "84"): (*NA,        200,  403),
}
# fmt: on


# --- Administration : les modèles ----------------------------------------------------------
@dataclass(frozen=True)
class Droits:
    """Ce que l'administration permet sur un modèle.

    - `consultable` : la préfecture « staff » (permissions `view_*` des données du
      programme) consulte la liste et les fiches ;
    - `regional` : elle n'en voit que les lignes de sa région ; une ligne d'une autre région
      est absente, comme si elle n'existait pas ;
    - `ecriture` : ce que l'équipe nationale peut faire (a : ajouter, m : modifier,
      s : supprimer) ; "" pour un modèle qui ne s'écrit que par les services (fiche en lecture
      seule). Personne d'autre n'écrit dans l'administration ;
    - `deux_fiches` : l'objet appartient à une région ; sa fiche et son historique sont
      ouverts pour un objet de la région 84 et pour un objet de la région 32.
    """

    consultable: bool
    regional: bool
    ecriture: str
    deux_fiches: bool


OUI, NON = True, False

# fmt: off
MODELES_ADMIN = {
    # modèle                         Droits(consultable, régional, écriture, deux fiches)
    "auth.group":                      Droits(NON, NON,  "ams",  NON),
    "auth.user":                       Droits(NON, NON,  "ams",  OUI),
    "comptes.jeton":                   Droits(NON, NON,  "s",    NON),
    "comptes.profil":                  Droits(NON, NON,  "ams",  OUI),
    "comptes.trace":                   Droits(OUI, OUI,  "",     OUI),
    "documents.document":              Droits(OUI, OUI,  "",     OUI),
    "documents.signature":             Droits(OUI, OUI,  "",     OUI),
    "dsfr.dsfrconfig":                 Droits(NON, NON,  "ams",  NON),
    "echanges.courriel":               Droits(NON, NON,  "",     NON),
    "fonds.dispositif":                Droits(OUI, NON,  "ams",  NON),
    "fonds.engagement":                Droits(OUI, OUI,  "",     OUI),
    "fonds.enveloppe":                 Droits(OUI, NON,  "a",    OUI),
    "fonds.mouvement":                 Droits(OUI, NON,  "",     OUI),
    "fonds.versement":                 Droits(OUI, OUI,  "",     OUI),
    "pilotage.calcul":                 Droits(OUI, NON,  "",     NON),
    "pilotage.indicateur":             Droits(OUI, NON,  "ams",  NON),
    "pilotage.totaux":                 Droits(OUI, OUI,  "",     OUI),
    "pilotage.valeurindicateur":       Droits(OUI, NON,  "as",   NON),
    "projets.entreprise":              Droits(OUI, OUI,  "ams",  OUI),
    "projets.projet":                  Droits(OUI, OUI,  "",     OUI),
    "programmation.simulation":        Droits(NON, NON,  "",     OUI),
    "territoires.commune":             Droits(OUI, NON,  "ams",  NON),
    "territoires.departement":         Droits(OUI, NON,  "ams",  NON),
    "territoires.intercommunalite":    Droits(OUI, NON,  "ams",  NON),
    "territoires.perimetre":           Droits(OUI, NON,  "ams",  NON),
    "territoires.region":              Droits(OUI, NON,  "ams",  NON),
    "territoires.territoireindustrie": Droits(OUI, NON,  "ams",  NON),
}
# fmt: on
# (Le porteur d'un projet, `projets.entreprise`, n'est pas plus visible que son projet.)


def attendu_admin(modele: str, action: str, methode: str, variante: str) -> tuple:
    """Le statut par rôle d'une route générique d'un modèle de l'administration."""
    d = MODELES_ADMIN[modele]
    if action == "redirection":  # `<id>/` renvoie à la fiche, quels que soient les droits
        return (*NA, FADM, FADM)
    ecrit = {"add": "a" in d.ecriture, "change": "m" in d.ecriture, "delete": "s" in d.ecriture}
    if action in ("changelist", "history") or (action == "change" and methode == GET):
        national = 200
    else:
        national = 200 if ecrit[action] else 403
    hors_region = variante == "32" and d.regional
    if not d.consultable:
        staff = 403
    elif action == "changelist":
        staff = 200
    elif action == "history" or (action == "change" and methode == GET):
        staff = ABSENT if hors_region else 200
    else:  # ajout, modification, suppression : jamais pour une préfecture
        staff = 403
    return (*NA, national, staff)


def cas_admin_generiques() -> dict:
    cas = {}
    for cle, (modele, action) in matrice.cles_admin_generiques().items():
        if modele not in MODELES_ADMIN:
            continue  # signalé par test_chaque_route_est_dans_la_matrice
        methodes = {
            "changelist": [GET],
            "add": [GET, POST],
            "change": [GET, POST],
            "history": [GET],
            "delete": [GET, POST],
            "redirection": [GET],
        }[action]
        # La fiche et l'historique, pour un objet de la région 84 et un de la région 32 ; la
        # suppression et la redirection, qui ne montrent rien de plus, pour l'objet 84.
        par_region = action in ("change", "history") and MODELES_ADMIN[modele].deux_fiches
        variantes = ["84", "32"] if par_region else [""]
        for methode in methodes:
            for variante in variantes:
                cas[(cle, methode, variante)] = attendu_admin(modele, action, methode, variante)
    return cas


MATRICE = {**PAGES, **API, **ADMINISTRATION, **cas_admin_generiques()}

# Les projets que chaque rôle voit (par leur marqueur), d'après la conception : sa région
# (le brouillon seulement pour la préfecture et l'équipe nationale), ou tout le programme.
VISIBLES = {
    "anonyme": set(),
    "sans_profil": set(),
    "prefecture_84": {"84", "84b", "84e"},
    "region_84": {"84", "84e"},
    "prefecture_32": {"32", "32e"},
    "ministere": {"84", "84e", "32", "32e"},
    "admin_national": set(matrice.MARQUEURS),
    "prefecture_84_staff": {"84", "84b", "84e"},
}


# --- Le jeu de données et les clients --------------------------------------------------------


@pytest.fixture(scope="module")
def jeu(django_db_setup, django_db_blocker):
    """Construit une fois pour le module, dans une transaction annulée à la fin du module."""
    with django_db_blocker.unblock():
        _charger_referentiel()
        with transaction.atomic():
            donnees = matrice.construire_jeu()
            yield donnees
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def sessions(jeu):
    """Une session ouverte par rôle connecté, une fois pour le module (dans sa transaction) :
    chaque test la reprend par son cookie au lieu de se reconnecter."""
    cles = {}
    for role in ROLES[1:]:
        client = Client()
        client.force_login(jeu.utilisateurs[role])
        cles[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cles


@pytest.fixture(scope="module", autouse=True)
def _sans_avertissements_4xx():
    """Les milliers de 403 et 404 attendus ne vont pas au journal ; les 5xx, si."""
    journal = logging.getLogger("django.request")
    niveau = journal.level
    journal.setLevel(logging.ERROR)
    yield
    journal.setLevel(niveau)


@pytest.fixture
def base(jeu, db):
    """Le jeu de données, dans le point de sauvegarde du test (annulé après lui).

    La fin du test marque ce point de sauvegarde « à annuler » : Django n'y vérifie plus alors
    les clés étrangères de toute la base, référentiel compris (des dizaines de millisecondes
    pour chacun des milliers de cas), puisque rien n'en restera.
    """
    yield jeu
    transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _sans_limite_de_debit(monkeypatch):
    """Des centaines de requêtes en quelques secondes : les limites de débit de l'API (30 par
    minute pour un anonyme) ne sont pas ce qu'on éprouve ici."""
    monkeypatch.setattr(AnonRateThrottle, "rate", "1000000/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "1000000/minute", raising=False)


def _client(client, sessions, role):
    if role != "anonyme":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


ROUTES_API = {cle for cle, _m, _v in API}


def _envoyer(client, methode, url, cle):
    if methode == GET:
        return client.get(url)
    if cle in ROUTES_API:
        return client.generic(methode, url, "{}", content_type="application/json")
    return client.generic(methode, url, "", content_type="application/x-www-form-urlencoded")


def _valeurs(jeu, cle, variante, url):
    objet = matrice.decouper(variante)[0]
    return {
        "projet": jeu.projets[objet].pk if objet in jeu.projets else "",
        "enveloppe": jeu.enveloppes[objet].pk if objet in jeu.enveloppes else "",
        "simulation": jeu.simulations[objet].pk if objet in jeu.simulations else "",
        "fiche": url + "change/" if cle.endswith("_redirection") else "",
    }


def _identifiant(cle, methode, variante, role):
    return f"{methode} {cle}{f' [{variante}]' if variante else ''} {role}"


CAS = [
    pytest.param(
        cle, methode, variante, role, attendus[i], id=_identifiant(cle, methode, variante, role)
    )
    for (cle, methode, variante), attendus in MATRICE.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("cle", "methode", "variante", "role", "attendu"), CAS)
def test_matrice(client, base, sessions, cle, methode, variante, role, attendu):
    jeu = base
    url = adresse(jeu, cle, variante)
    client = _client(client, sessions, role)
    avant = matrice.empreinte() if methode != GET else None

    reponse = _envoyer(client, methode, url, cle)

    if isinstance(attendu, Redirection):
        vers = attendu.vers.format(**_valeurs(jeu, cle, variante, url))
        lieu = reponse.get("Location", "")
        assert (reponse.status_code, lieu if attendu.exacte else lieu[: len(vers)]) == (
            302,
            vers,
        ), f"{methode} {url} : {reponse.status_code} {lieu}"
    else:
        assert reponse.status_code == attendu, f"{methode} {url} : {reponse.status_code}"
    if avant is not None:
        assert matrice.empreinte() == avant, f"{methode} {url} a écrit dans la base"
    visibles = {matrice.MARQUEURS[m] for m in VISIBLES[role]}
    vus = matrice.marqueurs_dans(matrice.texte_de(reponse))
    assert vus <= visibles, f"{methode} {url} montre des projets hors périmètre : {vus - visibles}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("cle", "variante"),
    [
        ("projets:liste", ""),
        ("projets:liste", "csv"),
        ("projets:liste", "xlsx"),
        ("projet-list", ""),
    ],
)
def test_chaque_role_voit_exactement_ses_projets(client, base, sessions, cle, variante, role):
    """La liste, ses exports et l'API montrent tous les projets du périmètre et eux seuls :
    les marqueurs que cherche `test_matrice` se lisent bien dans chaque format."""
    client = _client(client, sessions, role)
    reponse = client.get(adresse(base, cle, variante))
    vus = matrice.marqueurs_dans(matrice.texte_de(reponse))
    assert vus == {matrice.MARQUEURS[m] for m in VISIBLES[role]}


# --- La matrice couvre toutes les routes ---------------------------------------------------


def test_chaque_route_est_dans_la_matrice():
    """Toute route de la configuration d'URL (hors doublons `.json` du routeur de l'API) est
    classée dans la matrice, et la matrice ne classe aucune route qui n'existe plus."""
    classees = {cle for cle, _m, _v in MATRICE}
    cles = {cle_de_route(r) for r in toutes_les_routes()} - {None}
    modeles = set(matrice.modeles_admin())

    assert sorted(cles - classees) == [], "routes absentes de la matrice"
    assert sorted(classees - cles) == [], "routes de la matrice qui n'existent plus"
    assert sorted(modeles ^ set(MODELES_ADMIN)) == [], "modèles de l'administration à classer"


def test_les_doublons_de_format_sont_ceux_des_routes_classees():
    """Chaque route `.json` du routeur de l'API double une route nommée de la matrice."""
    doublons = [r for r in toutes_les_routes() if matrice.est_suffixe_de_format(r)]
    classees = {cle for cle, _m, _v in API}
    assert doublons
    assert sorted({r.nom for r in doublons} - classees) == []


@pytest.mark.parametrize("role", ROLES)
def test_le_suffixe_json_repond_comme_la_route(client, base, sessions, role):
    """`/api/v1/projets/12.json` : même statut que `/api/v1/projets/12/` (et aucune écriture),
    pour chaque route du routeur de l'API, chaque variante et chaque méthode de la matrice."""
    jeu = base
    client = _client(client, sessions, role)
    ecarts = []
    for (cle, methode, variante), attendus in API.items():
        if cle in HORS_ROUTEUR:  # pas de suffixe
            continue
        attendu = attendus[ROLES.index(role)]
        base_url = adresse(jeu, cle, variante)
        url = base_url + ".json" if cle == "api-root" else base_url.removesuffix("/") + ".json"
        avant = matrice.empreinte()
        reponse = _envoyer(client, methode, url, cle)
        if reponse.status_code != attendu:
            ecarts.append(f"{methode} {url} : {reponse.status_code} au lieu de {attendu}")
        if matrice.empreinte() != avant:
            ecarts.append(f"{methode} {url} a écrit dans la base")
    assert ecarts == []


def test_le_compte_admin_national_de_la_demo_a_les_droits_de_la_matrice(client, base):
    """Le compte `admin-national` que crée la démonstration (README) obtient dans
    l'administration ce que la matrice prévoit pour l'équipe nationale : la liste de chaque
    modèle."""
    from pilotage.demo import _creer_comptes

    client.force_login(_creer_comptes("mot-de-passe-de-test")["admin-national"])
    refus = []
    for modele in MODELES_ADMIN:
        url = adresse(base, f"admin:{modele.replace('.', '_')}_changelist")
        statut = client.get(url).status_code
        if statut != 200:
            refus.append(f"{url} : {statut}")
    assert refus == [], "le compte admin-national de la démonstration ne peut pas administrer"
