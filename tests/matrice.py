"""Outils de la matrice des permissions (`tests/test_matrice_permissions.py`).

Trois choses, sans aucune attente : le relevé des routes de l'application (avec la
règle qui dit quelles routes se valent), le petit jeu de données commun (deux
régions, 84 et 32) et la fabrication des adresses à partir de ce jeu. Ce que
chaque rôle doit obtenir est écrit dans le module de test, et nulle part ailleurs.
"""

import datetime
import functools
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from dsfr.models import DsfrConfig

from comptes import jetons
from comptes.models import Jeton, Profil, Role, Trace
from documents import services as documents_services
from documents.models import Document, Signature
from echanges import discussion, distribution
from echanges import services as echanges_services
from echanges.models import (
    Commentaire,
    Courriel,
    Notification,
    Preference,
    Rappel,
    VueEnregistree,
)
from fonds.models import Engagement, Enveloppe, Mouvement, Versement
from pilotage import services as pilotage_services
from pilotage.models import Calcul, Indicateur, Niveau, Totaux, ValeurIndicateur
from pilotage.moteur import recalculer_tout
from programmation import services as programmation_services
from programmation.models import LigneSimulation, Simulation
from projets.models import Avis, Entreprise, Evenement, Projet, Statut
from socle.models import EtatTravail, Travail
from territoires.models import (
    Commune,
    Departement,
    Intercommunalite,
    Perimetre,
    Region,
    TerritoireIndustrie,
)
from tests.comptes.factories import ProfilFactory, UserFactory
from tests.fonds.factories import (
    engager,
    fonds_2020,
    projet_preselectionne,
    verser,
)
from tests.projets.factories import creer_projet, projet_au_statut
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84

M = Decimal("1000000")

# --- Les rôles -----------------------------------------------------------------------------

# L'ordre des colonnes de la matrice.
ROLES = (
    "anonyme",
    "sans_profil",
    "prefecture_84",
    "region_84",
    "prefecture_32",
    "ministere",
    "admin_national",
    "prefecture_84_staff",
)

# Les applications dont une préfecture « staff » peut consulter les modèles dans
# l'administration (permissions Django `view_*`), comme un administrateur le lui
# accorderait : les données du programme, pas les comptes ni les jetons.
APPLICATIONS_CONSULTABLES = ("territoires", "projets", "fonds", "pilotage", "documents")


def creer_utilisateurs() -> dict:
    """Un utilisateur par rôle de la matrice, plus le conseil régional 32 (pour les avis).

    `admin_national` est membre de l'équipe (`is_staff`) avec toutes les permissions Django
    (ce que le rôle doit pouvoir faire dans l'administration) sans être superutilisateur :
    les règles du rôle sont éprouvées, pas le raccourci `is_superuser`.
    `prefecture_84_staff` est une préfecture à qui l'on a ouvert la consultation des données
    du programme dans l'administration : elle y voit sa région, pas les autres.
    """
    comptes = {"sans_profil": UserFactory(username="matrice-sans-profil")}
    for nom, role, region in [
        ("prefecture_84", Role.PREFECTURE, "84"),
        ("region_84", Role.REGION, "84"),
        ("prefecture_32", Role.PREFECTURE, "32"),
        ("region_32", Role.REGION, "32"),
        ("ministere", Role.MINISTERE, None),
    ]:
        comptes[nom] = ProfilFactory(
            user=UserFactory(username=f"matrice-{nom}"), role=role, region_id=region
        ).user
    admin_national = ProfilFactory(
        user=UserFactory(username="matrice-admin-national", is_staff=True),
        role=Role.ADMIN_NATIONAL,
        region_id=None,
    ).user
    admin_national.user_permissions.set(Permission.objects.all())
    comptes["admin_national"] = admin_national
    staff = ProfilFactory(
        user=UserFactory(username="matrice-prefecture-84-staff", is_staff=True),
        role=Role.PREFECTURE,
        region_id="84",
    ).user
    staff.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=APPLICATIONS_CONSULTABLES, codename__startswith="view_"
        )
        | Permission.objects.filter(content_type__app_label="comptes", codename="view_trace")
    )
    comptes["prefecture_84_staff"] = staff
    return comptes


# --- Le jeu de données ---------------------------------------------------------------------

# Chaque projet porte un marqueur dans son intitulé et dans la raison sociale de son
# porteur : une réponse qui le contient montre ce projet.
MARQUEURS = {
    "84": "MQ-84-INSTRUCTION",
    "84b": "MQ-84-BROUILLON",
    "84e": "MQ-84-ENGAGE",
    "32": "MQ-32-INSTRUCTION",
    "32e": "MQ-32-ENGAGE",
}


TERRITOIRES = {"84": TERRITOIRE_84, "32": TERRITOIRE_32}


def _valeurs(region: str, marqueur: str) -> dict:
    """La saisie d'un projet témoin : son territoire, son marqueur ; 50 M€ d'investissement
    et 20 M€ d'aide sollicitée (de quoi engager 2 M€)."""
    return {
        "territoire": TERRITOIRES[region],
        "intitule": f"Ligne témoin {marqueur}",
        "porteur_raison_sociale": f"Porteur {marqueur}",
        "montant_investissement": 50 * M,
        "aide_sollicitee": 20 * M,
    }


def _projet_engage(prefecture, conseil, region: str, marqueur: str, enveloppe):
    """Présélectionné, engagé de 2 M€ sur l'enveloppe de sa région, payé de 500 000 €."""
    projet = projet_preselectionne(
        prefecture=prefecture, conseil=conseil, **_valeurs(region, marqueur)
    )
    engagement = engager(projet, enveloppe, 2 * M, auteur=prefecture)
    versement = verser(engagement, M / 2, auteur=prefecture, reference=f"Mandat {marqueur}")
    return Projet.objects.get(pk=projet.pk), engagement, versement


def construire_jeu() -> SimpleNamespace:
    """Deux régions (84 et 32) : projets, enveloppes, engagement, versement, indicateurs,
    totaux recalculés, et les objets que l'administration affiche."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        u = creer_utilisateurs()
    admin_national = u["admin_national"]
    nationale, regionales = fonds_2020(auteur=admin_national)
    projets = {
        "84": projet_au_statut(
            Statut.EN_INSTRUCTION,
            prefecture=u["prefecture_84"],
            **_valeurs("84", MARQUEURS["84"]),
        ),
        "84b": creer_projet(u["prefecture_84"], **_valeurs("84", MARQUEURS["84b"])),
        "32": projet_au_statut(
            Statut.EN_INSTRUCTION,
            prefecture=u["prefecture_32"],
            **_valeurs("32", MARQUEURS["32"]),
        ),
    }
    engages, engagements, versements = {}, {}, {}
    for region in ("84", "32"):
        engages[region], engagements[region], versements[region] = _projet_engage(
            u[f"prefecture_{region}"],
            u[f"region_{region}"],
            region,
            MARQUEURS[f"{region}e"],
            regionales[region],
        )
    # Une simulation de l'enveloppe 2020 de chaque région (son projet en instruction).
    simulations = {
        region: programmation_services.creer_simulation(
            auteur=u[f"prefecture_{region}"], region=region, annee=2020, nom=f"Matrice {region}"
        )
        for region in ("84", "32")
    }
    # Un devis joint au projet en instruction de chaque région (par sa préfecture), et la
    # convention signée de chaque projet engagé. Titres marqués : un document montré hors
    # du périmètre se voit.
    documents, signatures = {}, {}
    for region in ("84", "32"):
        documents[region] = documents_services.deposer(
            projet_id=projets[region].pk,
            auteur=u[f"prefecture_{region}"],
            type="devis",
            titre=f"Devis {MARQUEURS[region]}",
            nom="devis.pdf",
            contenu=b"%PDF-1.4\n%%EOF\n",
        )
        convention = documents_services.deposer(
            projet_id=engages[region].pk,
            auteur=u[f"prefecture_{region}"],
            type="convention_signee",
            titre=f"Convention {MARQUEURS[region + 'e']}",
            nom="convention.pdf",
            contenu=b"%PDF-1.4\n%%EOF\n",
        )
        signatures[region] = Signature.objects.get(document=convention)
    pilotage_services.charger_indicateurs_du_programme(
        auteur=admin_national, avec_valeurs_demo=True
    )
    recalculer_tout()
    # Un jeton d'API de la préfecture 84 et un du conseil régional 32 (que nul ne révoque).
    jetons.creer_jeton(user=u["prefecture_84"], nom="Matrice 84")
    jetons.creer_jeton(user=u["region_32"], nom="Matrice 32")
    travail = Travail.objects.create(
        genre="export_projets",
        libelle="Export des projets (matrice)",
        auteur=u["prefecture_84"],
        etat=EtatTravail.TERMINE,
        resultat={"nom_fichier": "projets.csv", "format": "csv"},
    )
    travail.fichier.save("projets.csv", ContentFile(f"{MARQUEURS['84']}\r\n".encode()))
    DsfrConfig.objects.get_or_create(language="fr", defaults={"site_title": "Portail"})
    # Les échanges : les faits publiés distribués (notifications, courriels), un message de
    # la préfecture 84 sur son projet (daté du lendemain : modifiable pendant tout le
    # module, au-delà des 15 minutes), une vue enregistrée de la préfecture 84.
    distribution.distribuer()
    commentaire = discussion.ecrire(
        projet_id=projets["84"].pk, auteur=u["prefecture_84"], texte="Pièces complètes."
    )
    Commentaire.objects.filter(pk=commentaire.pk).update(
        created_at=timezone.now() + datetime.timedelta(days=1)
    )
    vue = echanges_services.enregistrer_vue(
        user=u["prefecture_84"], nom="En instruction", parametres="statut=en_instruction"
    )
    indicateur = Indicateur.objects.filter(valeurs__isnull=False).order_by("ordre").first()
    return SimpleNamespace(
        utilisateurs=u,
        projets=projets,
        engages=engages,
        engagements=engagements,
        versements=versements,
        enveloppes={"84": regionales["84"], "32": regionales["32"], "nationale": nationale},
        simulations=simulations,
        lignes={r: s.lignes.order_by("pk").first() for r, s in simulations.items()},
        territoires={
            code: TerritoireIndustrie.objects.get(code=TERRITOIRES[code]) for code in TERRITOIRES
        },
        epci=projets["84"].commune.epci,
        indicateur=indicateur,
        groupe=Group.objects.create(name="Équipe nationale (matrice)"),
        travail=travail,
        documents=documents,
        signatures=signatures,
        notification=Notification.objects.filter(destinataire=u["prefecture_84"])
        .order_by("pk")
        .first(),
        commentaire=commentaire,
        vue=vue,
    )


def empreinte() -> tuple:
    """Ce qu'une écriture changerait : le nombre de lignes de chaque table du portail (dont
    le journal d'audit, que chaque service écrit, et celui de l'administration, que chaque
    ajout, modification ou suppression y écrit), l'état de chaque projet, de chaque
    enveloppe et de chaque simulation (quatre requêtes)."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth import get_user_model

    modeles = [
        Projet, Avis, Evenement, Entreprise, Enveloppe, Mouvement, Engagement, Versement,
        Indicateur, ValeurIndicateur, Totaux, Calcul, Trace, Profil, Group, Jeton, DsfrConfig,
        Region, Departement, Commune, Intercommunalite, TerritoireIndustrie, Perimetre,
        get_user_model(), LogEntry, Travail, Simulation, LigneSimulation, Document, Signature,
        Notification, Courriel, Commentaire, VueEnregistree, Preference, Rappel,
    ]  # fmt: skip
    nom = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {nom(m._meta.db_table)})" for m in modeles)
    with connection.cursor() as curseur:
        curseur.execute(sql)
        comptes = tuple(curseur.fetchone())
    projets = tuple(Projet.objects.order_by("pk").values_list("pk", "statut", "version"))
    enveloppes = tuple(
        Enveloppe.objects.order_by("pk").values_list("pk", "montant", "montant_engage")
    )
    simulations = tuple(
        Simulation.objects.order_by("pk").values_list("pk", "version", "appliquee_le")
    )
    return comptes, projets, enveloppes, simulations


# --- Les routes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    motif: str  # le motif complet, ex. "projets/<int:pk>/"
    nom: str | None  # "projets:detail", "projet-list", "admin:fonds_engagement_change"


def toutes_les_routes() -> list[Route]:
    """Chaque motif de la configuration d'URL, en descendant dans les `include()`."""

    def parcourir(resolveur, prefixe, espace):
        for motif in resolveur.url_patterns:
            if isinstance(motif, URLResolver):
                sous_espace = espace
                if motif.namespace:
                    sous_espace = f"{espace}:{motif.namespace}" if espace else motif.namespace
                yield from parcourir(motif, prefixe + str(motif.pattern), sous_espace)
            elif isinstance(motif, URLPattern):
                nom = f"{espace}:{motif.name}" if espace and motif.name else motif.name
                yield Route(prefixe + str(motif.pattern), nom)

    return list(parcourir(get_resolver(), "", None))


def est_suffixe_de_format(route: Route) -> bool:
    """Les doublons `.json` / `.api` que le routeur de DRF ajoute à chaque route de l'API :
    même vue, même nom, mêmes permissions ; éprouvés à part (même réponse que la route)."""
    return "(?P<format>" in route.motif or "<drf_format_suffix:format>" in route.motif


ACTIONS_ADMIN = ("changelist", "add", "change", "history", "delete", "redirection")


@functools.cache
def modeles_admin() -> dict[str, type]:
    """Les modèles enregistrés dans l'administration : {"app.modele": modèle}."""
    return {
        f"{m._meta.app_label}.{m._meta.model_name}": m
        for m in sorted(admin.site._registry, key=lambda m: m._meta.label_lower)
    }


def cle_de_route(route: Route) -> str | None:
    """Le nom sous lequel la matrice classe une route ; `None` pour un doublon de format.

    Les routes génériques d'un modèle de l'administration (liste, ajout, fiche, historique,
    suppression et la redirection `<id>/` vers la fiche) sont celles de `admin.site._registry` :
    « admin:<app>_<modèle>_<action> ». La redirection, sans nom dans Django, reçoit l'action
    « redirection » ; la route attrape-tout de l'administration, « admin:attrape_tout ».
    """
    if est_suffixe_de_format(route):
        return None
    if route.nom:
        return route.nom
    for cle in modeles_admin():
        app, nom = cle.split(".")
        if route.motif == f"admin/{app}/{nom}/<path:object_id>/":
            return f"admin:{app}_{nom}_redirection"
    if route.motif.startswith("admin/") and route.motif.endswith("(?P<url>.*)$"):
        return "admin:attrape_tout"
    return f"<sans nom> {route.motif}"


@functools.cache
def cles_admin_generiques() -> dict[str, tuple[str, str]]:
    """{"admin:fonds_engagement_change": ("fonds.engagement", "change"), …}"""
    cles = {}
    for cle in modeles_admin():
        app, nom = cle.split(".")
        for action in ACTIONS_ADMIN:
            cles[f"admin:{app}_{nom}_{action}"] = (cle, action)
    return cles


# --- Les adresses ---------------------------------------------------------------------------


def _objet_admin(jeu, modele: str, variante: str):
    """L'objet dont on ouvre la fiche : celui de la région de la variante (84 par défaut)."""
    r = variante or "84"
    u = jeu.utilisateurs
    objets = {
        "auth.group": lambda: jeu.groupe,
        "auth.user": lambda: u[f"prefecture_{r}"],
        "comptes.jeton": lambda: Jeton.objects.get(user=u["prefecture_84"]),
        "comptes.profil": lambda: u[f"prefecture_{r}"].profil,
        "comptes.trace": lambda: Trace.objects.filter(region=r).order_by("pk").first(),
        "dsfr.dsfrconfig": lambda: DsfrConfig.objects.order_by("pk").first(),
        "documents.document": lambda: jeu.documents[r],
        "documents.signature": lambda: jeu.signatures[r],
        "echanges.courriel": lambda: Courriel.objects.order_by("pk").first(),
        "fonds.dispositif": lambda: jeu.enveloppes["84"].dispositif,
        "fonds.engagement": lambda: jeu.engagements[r],
        "fonds.enveloppe": lambda: jeu.enveloppes[r],
        "fonds.mouvement": lambda: jeu.enveloppes[r].mouvements.order_by("pk").first(),
        "fonds.versement": lambda: jeu.versements[r],
        "pilotage.calcul": lambda: Calcul.objects.order_by("pk").first(),
        "pilotage.indicateur": lambda: jeu.indicateur,
        "pilotage.totaux": lambda: Totaux.objects.get(
            niveau=Niveau.REGION, code=r, dispositif="", annee=0
        ),
        "pilotage.valeurindicateur": lambda: jeu.indicateur.valeurs.order_by("pk").first(),
        "projets.entreprise": lambda: jeu.projets[r].porteur,
        "projets.projet": lambda: jeu.projets[r],
        "programmation.simulation": lambda: jeu.simulations[r],
        "territoires.commune": lambda: jeu.projets["84"].commune,
        "territoires.departement": lambda: jeu.projets["84"].departement,
        "territoires.intercommunalite": lambda: jeu.epci,
        "territoires.perimetre": lambda: (
            Perimetre.objects.filter(territoire=jeu.territoires["84"]).order_by("pk").first()
        ),
        "territoires.region": lambda: Region.objects.get(code="84"),
        "territoires.territoireindustrie": lambda: jeu.territoires["84"],
    }
    return objets[modele]().pk


def decouper(variante: str) -> tuple[str, str]:
    """La variante en (objet, export) : « 84+csv » -> ("84", "csv"), « xlsx » -> ("84", "xlsx")."""
    objet, export = "84", ""
    for partie in filter(None, variante.split("+")):
        if partie in ("csv", "xlsx"):
            export = partie
        else:
            objet = partie
    return objet, export


def adresse(jeu, cle: str, variante: str = "") -> str:
    """L'adresse d'une route de la matrice pour une variante (objet de la région 84 ou 32,
    brouillon, export CSV ou XLSX)."""
    objet, export = decouper(variante)
    generiques = cles_admin_generiques()
    if cle in generiques:
        modele, action = generiques[cle]
        app, nom = modele.split(".")
        if action in ("changelist", "add"):
            return reverse(f"admin:{app}_{nom}_{action}")
        pk = _objet_admin(jeu, modele, variante)
        if action == "redirection":
            return reverse(f"admin:{app}_{nom}_change", args=[pk]).removesuffix("change/")
        return reverse(f"admin:{app}_{nom}_{action}", args=[pk])

    exporter = f"format={export}" if export else ""
    sur_mesure = {
        "territoires:detail": lambda: reverse(
            "territoires:detail", args=[jeu.territoires[objet].code]
        ),
        "territoires:intercommunalite": lambda: reverse(
            "territoires:intercommunalite", args=[jeu.epci.siren]
        ),
        "projets:liste": lambda: reverse("projets:liste") + (f"?{exporter}" if export else ""),
        # Un lien de réinitialisation qui ne vaut rien : la page le dit, sans rien changer.
        "comptes:nouveau_mot_de_passe": lambda: reverse(
            "comptes:nouveau_mot_de_passe", args=["MQ", "jeton-invalide"]
        ),
        "comptes:journal": lambda: reverse("comptes:journal") + (f"?{exporter}" if export else ""),
        "fonds:enveloppe": lambda: reverse("fonds:enveloppe", args=[jeu.enveloppes[objet].pk]),
        "comptes:revoquer_jeton": lambda: reverse(
            "comptes:revoquer_jeton",
            args=[Jeton.objects.get(user=jeu.utilisateurs["region_32"]).pk],
        ),
        "travaux:detail": lambda: reverse("travaux:detail", args=[jeu.travail.pk]),
        "travaux:fichier": lambda: reverse("travaux:fichier", args=[jeu.travail.pk]),
        "projets:importer_verifie": lambda: reverse(
            "projets:importer_verifie", args=[jeu.travail.pk]
        ),
        "fonds:appliquer_mise_a_jour": lambda: reverse(
            "fonds:appliquer_mise_a_jour", args=[jeu.travail.pk]
        ),
        "fonds:engager": lambda: reverse("fonds:engager") + f"?projet={jeu.engages[objet].pk}",
        "fonds:versement": lambda: reverse("fonds:versement", args=[jeu.engagements[objet].pk]),
        "pilotage:national": lambda: (
            reverse("pilotage:national") + (f"?{exporter}&table=regions" if export else "")
        ),
        "pilotage:region": lambda: (
            reverse("pilotage:region", args=[objet])
            + (f"?{exporter}&table=territoires" if export else "")
        ),
        "pilotage:indicateurs": lambda: (
            reverse("pilotage:indicateurs") + (f"?{exporter}&table=indicateurs" if export else "")
        ),
        "region-detail": lambda: reverse("region-detail", args=["84"]),
        "departement-detail": lambda: reverse("departement-detail", args=["74"]),
        "intercommunalite-detail": lambda: reverse(
            "intercommunalite-detail", args=[jeu.epci.siren]
        ),
        "territoire-detail": lambda: reverse(
            "territoire-detail", args=[jeu.territoires[objet].code]
        ),
        "dispositif-detail": lambda: reverse("dispositif-detail", args=["fonds-acceleration"]),
        "indicateur-detail": lambda: reverse("indicateur-detail", args=[jeu.indicateur.code]),
        "enveloppe-detail": lambda: reverse("enveloppe-detail", args=[jeu.enveloppes[objet].pk]),
        "enveloppe-mouvements": lambda: reverse(
            "enveloppe-mouvements", args=[jeu.enveloppes[objet].pk]
        ),
        "enveloppe-repartition": lambda: reverse(
            "enveloppe-repartition", args=[jeu.enveloppes["nationale"].pk]
        ),
        "engagement-detail": lambda: reverse("engagement-detail", args=[jeu.engagements[objet].pk]),
        "versement-detail": lambda: reverse("versement-detail", args=[jeu.versements[objet].pk]),
        "admin:fonds_enveloppe_mouvement": lambda: reverse(
            "admin:fonds_enveloppe_mouvement", args=[jeu.enveloppes[objet].pk]
        ),
        "admin:auth_user_password_change": lambda: reverse(
            "admin:auth_user_password_change", args=[jeu.utilisateurs[f"prefecture_{objet}"].pk]
        ),
        "admin:app_list": lambda: reverse("admin:app_list", args=["fonds"]),
        "admin:view_on_site": lambda: reverse(
            "admin:view_on_site",
            args=[ContentType.objects.get_for_model(Projet).pk, jeu.projets[objet].pk],
        ),
        "admin:autocomplete": lambda: (
            reverse("admin:autocomplete")
            + "?app_label=comptes&model_name=profil&field_name=region&term=Auv"
        ),
        "admin:attrape_tout": lambda: "/admin/inexistant/",
        "programmation:simulation": lambda: (
            reverse("programmation:simulation", args=[jeu.simulations[objet].pk])
            + (f"?{exporter}" if export else "")
        ),
        "programmation:ligne": lambda: reverse(
            "programmation:ligne", args=[jeu.simulations[objet].pk, jeu.lignes[objet].pk]
        ),
        "simulation-ligne": lambda: reverse(
            "simulation-ligne", args=[jeu.simulations[objet].pk, jeu.lignes[objet].pk]
        ),
        "echanges:lire": lambda: reverse("echanges:lire", args=[jeu.notification.pk]),
        "echanges:modifier_vue": lambda: reverse("echanges:modifier_vue", args=[jeu.vue.pk]),
        "echanges:modifier_commentaire": lambda: reverse(
            "echanges:modifier_commentaire", args=[jeu.projets[objet].pk, jeu.commentaire.pk]
        ),
        "notification-detail": lambda: reverse("notification-detail", args=[jeu.notification.pk]),
        "notification-lue": lambda: reverse("notification-lue", args=[jeu.notification.pk]),
    }
    if cle in sur_mesure:
        return sur_mesure[cle]()
    par_document = {
        "documents:fichier",
        "documents:remplacer",
        "documents:supprimer",
        "projet-document",
        "projet-document-remplacer",
        "projet-document-fichier",
    }
    if cle in par_document:
        document = jeu.documents[objet]
        return reverse(cle, args=[document.projet_id, document.pk])
    par_projet = {
        "projets:detail",
        "projets:modifier",
        "projets:transition",
        "projets:avis",
        "projet-detail",
        "projet-avis",
        "projet-transitions",
        "documents:ajouter",
        "documents:lettres",
        "projet-documents",
        "projets:date_limite",
        "projets:commenter",
        "echanges:mentionnables",
        "projet-commentaires",
    }
    if cle in par_projet:
        return reverse(cle, args=[jeu.projets[objet].pk])
    par_simulation = {
        "programmation:dupliquer",
        "programmation:appliquer",
        "programmation:candidats",
        "simulation-detail",
        "simulation-lignes",
        "simulation-dupliquer",
        "simulation-appliquer",
    }
    if cle in par_simulation:
        return reverse(cle, args=[jeu.simulations[objet].pk])
    return reverse(cle)


def texte_de(reponse) -> str:
    """Le contenu d'une réponse, lisible : HTML, JSON, CSV, ou les cellules d'un classeur."""
    if getattr(reponse, "streaming", False):
        contenu = b"".join(reponse.streaming_content)
    else:
        contenu = reponse.content
    if reponse.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        classeur = load_workbook(io.BytesIO(contenu), read_only=True)
        return "\n".join(
            " ".join(str(v) for v in ligne if v is not None)
            for feuille in classeur.worksheets
            for ligne in feuille.iter_rows(values_only=True)
        )
    return contenu.decode("utf-8", errors="replace")


def marqueurs_dans(texte: str) -> set[str]:
    return set(re.findall(r"MQ-\d\d-[A-Z]+", texte)) & set(MARQUEURS.values())
