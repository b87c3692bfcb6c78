"""Lectures des projets. `projets_visibles_par` est la seule porte d'accès."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, F, IntegerField, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comptes.scoping import dans_la_portee, portee_de
from projets.models import Avis, Entreprise, Evenement, Projet, SensAvis, Statut
from projets.permissions import voit_les_brouillons
from territoires.models import Commune, TerritoireIndustrie
from territoires.validators import comme_la_base, normaliser


def projets_visibles_par(user) -> QuerySet[Projet]:
    """Les projets qu'un utilisateur peut voir : sa région (son département), ou tout.

    Les brouillons restent entre la préfecture qui les prépare et l'équipe nationale.
    """
    portee = portee_de(user)
    qs = dans_la_portee(Projet.objects.all(), portee)
    if not voit_les_brouillons(portee):
        qs = qs.exclude(statut=Statut.BROUILLON)
    return qs


def nb_brouillons_hors_liste(user) -> int:
    """Les brouillons du périmètre qu'un agent ne voit pas (conseil régional, ministère).

    Les tableaux de bord comptent les projets à tous les stades, brouillons compris ; la
    liste dit combien lui en manquent, pour que son total rejoigne le leur. Une requête
    de comptage sur l'index (région, statut) : son coût ne suit pas le nombre de projets.
    """
    portee = portee_de(user)
    if portee.aucune or voit_les_brouillons(portee):
        return 0
    qs = Projet.objects.filter(statut=Statut.BROUILLON)
    if portee.regionale:
        qs = qs.filter(region_id=portee.region_code)
    return qs.count()


def projets_masques_dans_la_region(user) -> QuerySet[Projet]:
    """Les projets de la région d'un agent régional qu'il ne voit pas (journal d'audit)."""
    portee = portee_de(user)
    return Projet.objects.filter(region_id=portee.region_code).exclude(
        pk__in=projets_visibles_par(user).values("pk")
    )


def entreprises_masquees_dans_la_region(user) -> QuerySet[Entreprise]:
    """Les entreprises dont l'agent ne voit aucun projet (journal d'audit) : leur création
    dans sa région, pour un brouillon qu'il ne voit pas, ne se lit pas non plus."""
    return Entreprise.objects.exclude(pk__in=projets_visibles_par(user).values("porteur_id"))


def avis_masques_dans_la_region(user) -> QuerySet[Avis]:
    return Avis.objects.filter(projet__in=projets_masques_dans_la_region(user).values("pk"))


def pour_liste(qs: QuerySet[Projet]) -> QuerySet[Projet]:
    return qs.select_related("territoire", "region", "porteur", "commune")


# Les colonnes qu'affiche une ligne de la liste des projets (`projets/liste.html`).
# Une colonne ajoutée au gabarit doit l'être ici, sinon chaque ligne la relirait
# (le test du nombre de requêtes de la liste le signale).
COLONNES_DE_LA_LISTE = (
    "id",
    "intitule",
    "statut",
    "montant_investissement",
    "aide_sollicitee",
    "emplois_crees",
    "porteur__raison_sociale",
    "porteur__fictive",
    "commune__nom",
    "territoire__nom",
    "region__nom",
    "date_limite_avis",  # et les avis : « en retard » (`Projet.avis_en_retard`)
    "avis_etat",
    "avis_region",
)


def pour_page_de_liste(qs: QuerySet[Projet]) -> QuerySet[Projet]:
    """Les projets d'une page de la liste : les seules colonnes affichées, jointures comprises.

    Une page lit 50 projets et leurs porteur, commune, territoire et région : lire
    une douzaine de colonnes au lieu d'une soixantaine allège la requête et la
    construction des objets (banc de performance, `tests/bench/`).
    """
    return pour_liste(qs).only(*COLONNES_DE_LA_LISTE)


def rechercher(qs: QuerySet[Projet], texte: str) -> QuerySet[Projet]:
    """Recherche dans l'intitulé, le porteur (nom ou SIREN), la commune et le territoire,
    sans tenir compte des accents ni de la casse (« decolletage » trouve « Décolletage »).

    Chaque forme de recherche (`recherche`, colonnes tenues par la base) est lue dans sa
    table par une sous-requête : la liste reste une seule requête, et PostgreSQL sert
    chaque partie par son index (trigrammes de l'intitulé et du porteur, clés étrangères
    du projet).
    """
    texte = (texte or "").strip()
    forme, forme_base = normaliser(texte), comme_la_base(texte)
    if not forme and not forme_base:
        return qs
    condition = Q(pk__in=[])
    if forme_base:
        entreprises = Entreprise.objects.filter(recherche__contains=forme_base)
        condition |= Q(recherche__contains=forme_base) | Q(porteur__in=entreprises.values("pk"))
    if forme:
        communes = Commune.objects.filter(recherche__contains=forme)
        territoires = TerritoireIndustrie.objects.filter(recherche__contains=forme)
        condition |= Q(commune__in=communes.values("pk")) | Q(
            territoire__in=territoires.values("pk")
        )
    if texte.isascii() and texte.isdigit():
        condition |= Q(porteur__siren=texte) | Q(siret=texte)
        if len(texte) <= 9:
            condition |= Q(pk=int(texte))
    return qs.filter(condition)


def totaux_selection(qs: QuerySet[Projet]) -> dict:
    """Nombre de projets et sommes d'investissement, d'emplois et d'aide d'une sélection."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
    return qs.order_by().aggregate(
        nombre=Count("id"),
        investissement=Coalesce(Sum("montant_investissement"), zero),
        aide_sollicitee=Coalesce(Sum("aide_sollicitee"), zero),
        emplois_crees=Coalesce(Sum("emplois_crees"), Value(0, output_field=IntegerField())),
        emplois_maintenus=Coalesce(Sum("emplois_maintenus"), Value(0, output_field=IntegerField())),
    )


def preselection(user) -> QuerySet[Projet]:
    """La présélection : les projets en instruction du périmètre, en attente d'avis."""
    return pour_liste(projets_visibles_par(user).filter(statut=Statut.EN_INSTRUCTION)).order_by(
        "territoire__nom", "intitule"
    )


def annee_de_la_preselection(user) -> int | None:
    """L'année la plus récente des projets en instruction ou présélectionnés du périmètre."""
    return (
        projets_visibles_par(user)
        .filter(statut__in=[Statut.EN_INSTRUCTION, Statut.PRESELECTIONNE])
        .aggregate(annee=Max("annee"))["annee"]
    )


def decisions_recentes(user, limite=20) -> QuerySet[Projet]:
    """Les derniers projets décidés (présélectionnés ou non retenus) du périmètre."""
    return pour_liste(
        projets_visibles_par(user).filter(statut__in=[Statut.PRESELECTIONNE, Statut.NON_RETENU])
    ).order_by("-updated_at")[:limite]


def projet_detail(user, pk: int) -> Projet:
    """Un projet visible par l'utilisateur ; `Projet.DoesNotExist` sinon (404)."""
    return (
        projets_visibles_par(user)
        .select_related(
            "territoire", "region", "departement", "epci", "commune", "porteur", "cree_par"
        )
        .get(pk=pk)
    )


def historique(projet: Projet) -> QuerySet[Evenement]:
    return projet.evenements.select_related("auteur").order_by("-created_at", "-id")


def avis_du_projet(projet: Projet):
    return projet.avis.select_related("auteur").order_by("-created_at", "-id")


# --- Ce qui attend les agents (`/mon-espace/`, filtre `a_traiter` de la liste) -------------

SANS_CHANGEMENT = datetime.timedelta(days=183)  # six mois
STATUTS_FINIS = (Statut.REALISE, Statut.ABANDONNE, Statut.NON_RETENU)


def _avis_attendu(champ: str) -> Q:
    """Un avis de ce côté manque : en instruction, ou non retenu sur l'avis de l'autre côté
    (les deux avis sont toujours enregistrés)."""
    return Q(statut__in=[Statut.EN_INSTRUCTION, Statut.NON_RETENU], **{champ: ""})


def conditions_a_traiter() -> dict[str, tuple[str, Q]]:
    """Chaque sorte de travail en attente : son libellé et la condition sur les projets. Une
    seule définition, pour le compte de `/mon-espace/` et la liste filtrée qu'il ouvre."""
    maintenant = timezone.now()
    avis_manquant = Q(avis_etat="") | Q(avis_region="")
    return {
        "a_deposer": ("Brouillons à déposer", Q(statut=Statut.BROUILLON)),
        "a_instruire": ("Dépôts à mettre en instruction", Q(statut=Statut.DEPOSE)),
        "avis_etat": ("Avis de l'État à donner", _avis_attendu("avis_etat")),
        "avis_region": ("Avis de la Région à donner", _avis_attendu("avis_region")),
        "a_engager": ("Présélectionnés sans engagement", Q(statut=Statut.PRESELECTIONNE)),
        "a_verser": (
            "Engagés à payer (engagés ou travaux en cours)",
            Q(statut__in=[Statut.ENGAGE, Statut.EN_COURS]),
        ),
        "en_retard": (
            "Avis en retard (date limite passée)",
            Q(statut=Statut.EN_INSTRUCTION, date_limite_avis__lt=timezone.localdate())
            & avis_manquant,
        ),
        "desaccord": (
            "Désaccords entre l'État et la Région",
            Q(avis_etat=SensAvis.FAVORABLE, avis_region=SensAvis.DEFAVORABLE)
            | Q(avis_etat=SensAvis.DEFAVORABLE, avis_region=SensAvis.FAVORABLE),
        ),
        "sans_changement": (
            "Projets sans changement depuis six mois",
            Q(updated_at__lt=maintenant - SANS_CHANGEMENT) & ~Q(statut__in=STATUTS_FINIS),
        ),
    }


def filtrer_a_traiter(qs: QuerySet[Projet], cle: str) -> QuerySet[Projet]:
    condition = conditions_a_traiter().get(cle)
    return qs.filter(condition[1]) if condition else qs


def compter_a_traiter(user, cles) -> dict[str, int]:
    """Le nombre de projets de chaque sorte, en une requête."""
    conditions = conditions_a_traiter()
    if not cles:
        return {}
    return projets_visibles_par(user).aggregate(
        **{cle: Count("pk", filter=conditions[cle][1]) for cle in cles}
    )


def avis_a_donner(user, cote: str, limite: int = 10) -> QuerySet[Projet]:
    """Les avis qu'attend ce côté, les plus en retard d'abord (sans date limite : à la fin)."""
    champ = "avis_etat" if cote == "etat" else "avis_region"
    return pour_liste(projets_visibles_par(user).filter(_avis_attendu(champ))).order_by(
        F("date_limite_avis").asc(nulls_last=True), "id"
    )[:limite]
