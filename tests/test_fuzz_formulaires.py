"""Les formulaires et les pages HTML face à des saisies générées (Hypothesis) : jamais de 500.

Chaque formulaire du portail reçoit, par le client de test de Django et avec le compte
du bon rôle, des soumissions construites à partir d'une saisie plausible (montants à la
française, dates, SIREN à clé de Luhn correcte, identifiants de la région de l'agent) dont
quelques champs sont remplacés, retirés ou doublés par des valeurs hostiles : vide, espaces,
10 000 caractères, caractère nul, demi-paires de substitution UTF-16 et octets UTF-8
invalides (envoyés encodés dans le corps, comme le ferait un client malveillant), montants
négatifs, énormes, « NaN », « Infinity », « 1e309 », chiffres non latins, dates
impossibles, identifiants d'une autre région, inconnus ou non numériques. Les listes
reçoivent des paramètres d'adresse générés de la même façon (filtres, tri, page, format).

Pour chaque tirage :

- aucune réponse 5xx (le client de test relance aussi toute exception de la vue) ;
- une soumission refusée ne change rien en base (nombre de lignes des projets, avis,
  événements, entreprises, enveloppes, mouvements, engagements, versements, valeurs
  d'indicateurs et traces du journal d'audit, et montants des enveloppes) et la page ou le
  message dit pourquoi, en français ;
- une soumission acceptée écrit des lignes cohérentes : montants à deux décimales,
  enveloppes jamais sur-engagées (engagé ≤ montant, somme des régionales ≤ nationale,
  montant = somme des mouvements), SIREN en chiffres ASCII, longueurs des colonnes
  respectées (PostgreSQL les impose, SQLite non).

Chaque tirage s'exécute dans un point de sauvegarde annulé à la fin : les tirages sont
indépendants et partent du même jeu de données. SQLite accepte le caractère nul dans une
requête, PostgreSQL le refuse (« A string literal cannot contain NUL ») : un crochet
d'exécution le refuse ici aussi, pour que la suite sur SQLite trouve les mêmes erreurs.

Reproductibilité : `derandomize=True` (tirages déterminés par le code du test) et
`database=None` (pas d'exemples rejoués depuis `.hypothesis/`) ; comme pour
`tests/api/test_schemathesis.py`, Hypothesis puise aussi dans les constantes des modules
chargés, si bien que le fichier lancé seul ou avec toute la suite ne tire pas exactement
les mêmes cas. Le nombre de tirages de chaque formulaire (`reglages(n)`, de 30 à 120)
garde l'ensemble sous une minute et demie sur SQLite ; chaque test vérifie aussi que ses
tirages comptent des soumissions acceptées et refusées. La fonction `@given` est définie
dans le test : la connexion des comptes et le jeu de données sont faits une fois par test,
pas à chaque tirage.

Hors de ce fichier : l'API (tests/api/test_schemathesis.py) ; le redéploiement entre
régions, qui n'a pas de page (API seulement) ; l'administration de Django.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote, quote_from_bytes

import pytest
from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from django.db.models import Sum
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptes.models import Role
from fonds import services as fonds_services
from fonds.models import Engagement, Enveloppe, TypeMouvement
from fonds.services import TYPES_MOUVEMENT_SAISIS
from pilotage.indicateurs import charger_indicateurs_du_programme
from pilotage.models import Indicateur
from pilotage.services import recalculer_tout
from projets import services as projets_services
from projets.importation import NOMS_COLONNES
from projets.models import Enjeu, Filiere, Projet, SensAvis, Statut, Taille
from territoires.models import Commune
from territoires.validators import cle_luhn_valide
from tests.factories import siren_fictif
from tests.fonds.factories import (
    TERRITOIRE_32,
    TERRITOIRE_84,
    DispositifFactory,
    agent,
    donnees_projet,
    enveloppe_nationale,
    fonds_reparti,
    projet_preselectionne,
    territoire_reel,
)
from tests.projets.factories_import import fichier_xlsx, ligne_import

pytestmark = [
    pytest.mark.django_db,
    # Les classeurs falsifiés ont des dates hors limites : openpyxl le signale, puis les ignore.
    pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning"),
]

M = Decimal("1000000")
MOT_DE_PASSE = "mot-de-passe-de-test"  # celui de `tests.factories.UserFactory`


def reglages(tirages: int):
    return settings(
        max_examples=tirages,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- Le jeu de données ------------------------------------------------------------------------


@pytest.fixture
def jeu(referentiel) -> SimpleNamespace:
    """Comptes des régions 84 et 32 et nationaux ; fonds doté et réparti ; projets à chaque
    étape utile (brouillon, en instruction, présélectionnés, engagé) ; indicateurs ; totaux."""
    admin = agent("admin-national-fuzz", Role.ADMIN_NATIONAL)
    ministere = agent("ministere-fuzz", Role.MINISTERE)
    pref84 = agent("prefecture-84-fuzz")
    reg84 = agent("region-84-fuzz", Role.REGION)
    pref32 = agent("prefecture-32-fuzz", region="32")
    reg32 = agent("region-32-fuzz", Role.REGION, region="32")
    fonds = DispositifFactory(
        code="fonds-acceleration", nom="Fonds d'accélération", finance_projets=True, ordre=1
    )
    nationale, regionales = fonds_reparti(
        auteur=admin,
        dispositif=fonds,
        annee=2020,
        national=150 * M,
        regions={"84": 10 * M, "32": 5 * M},
    )
    nationale_2021 = enveloppe_nationale(
        auteur=admin, dispositif=fonds, annee=2021, montant=250 * M
    )
    t84, c84 = territoire_reel(TERRITOIRE_84)
    t32, c32 = territoire_reel(TERRITOIRE_32)

    def preselectionne(prefecture, region, territoire, commune):
        return projet_preselectionne(
            prefecture=prefecture, conseil_regional=region, territoire=territoire, commune=commune
        )

    def en_instruction(prefecture, territoire, commune):
        projet = projets_services.creer_projet(
            auteur=prefecture, donnees=donnees_projet(territoire, commune), deposer=True
        )
        projets_services.changer_statut(
            projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_INSTRUCTION
        )
        return projet

    a_engager = preselectionne(pref84, reg84, t84, c84)
    engage = preselectionne(pref84, reg84, t84, c84)
    a_engager_32 = preselectionne(pref32, reg32, t32, c32)
    engagement = fonds_services.engager(
        projet_id=engage.pk,
        enveloppe_id=regionales["84"].pk,
        montant=Decimal("1500000.00"),
        date_engagement=datetime.date(2020, 10, 1),
        auteur=admin,
    )
    engagement_32 = fonds_services.engager(
        projet_id=a_engager_32.pk,
        enveloppe_id=regionales["32"].pk,
        montant=Decimal("1000000.00"),
        date_engagement=datetime.date(2020, 10, 1),
        auteur=admin,
    )
    brouillon = projets_services.creer_projet(auteur=pref84, donnees=donnees_projet(t84, c84))
    brouillon_32 = projets_services.creer_projet(auteur=pref32, donnees=donnees_projet(t32, c32))
    instruction = [en_instruction(pref84, t84, c84) for _ in range(2)]
    instruction_32 = en_instruction(pref32, t32, c32)
    charger_indicateurs_du_programme(auteur=admin)
    recalculer_tout()
    communes_84 = list(t84.communes.filter(epci__isnull=False).order_by("code_insee")[:4])
    commune_hors_territoire = (
        Commune.objects.filter(departement__region_id="84", epci__isnull=False)
        .exclude(territoires=t84)
        .order_by("code_insee")
        .first()
    )
    return SimpleNamespace(
        admin=admin,
        ministere=ministere,
        pref84=pref84,
        reg84=reg84,
        pref32=pref32,
        fonds=fonds,
        nationale=nationale,
        nationale_2021=nationale_2021,
        r84=regionales["84"],
        r32=regionales["32"],
        t84=t84,
        t32=t32,
        c32=c32,
        communes_84=communes_84,
        commune_hors_territoire=commune_hors_territoire,
        a_engager=a_engager,
        a_engager_32=a_engager_32,
        engagement=engagement,
        engagement_32=engagement_32,
        brouillon=brouillon,
        brouillon_32=brouillon_32,
        instruction=instruction,
        instruction_32=instruction_32,
        indicateurs=list(Indicateur.objects.order_by("pk").values_list("pk", flat=True)),
    )


def _refuser_nul(execute, sql, params, many, context):
    """Comme psycopg2 devant PostgreSQL : pas de caractère nul dans un paramètre texte."""
    lots = params if many else [params]
    for lot in lots or []:
        valeurs = lot.values() if isinstance(lot, dict) else lot or []
        if any(isinstance(valeur, str) and "\x00" in valeur for valeur in valeurs):
            raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _nul_refuse_comme_par_postgresql(db):
    with connection.execute_wrapper(_refuser_nul):
        yield


# --- Valeurs générées ---------------------------------------------------------------------------

# Des valeurs que personne ne saisit de bonne foi. Les octets (bytes) partent tels quels
# dans le corps encodé : UTF-8 tronqué, demi-paires de substitution, BOM.
HOSTILES = [
    "",
    " ",
    "\t\r\n ",
    "x" * 10_000,
    "\x00",
    "1\x00",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "\ufffd",
    "\u202eabc",
    "é" * 301,
    "🏭" * 5,
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    "0",
    "-0",
    "-1",
    "-0,01",
    "0,001",
    "0.005",
    "NaN",
    "-nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e309",
    "1E+2",
    "1e-309",
    "9" * 30,
    "9" * 5000,
    "1 234,56",
    "1\u202f234,56",
    "1.234.567,89",
    "1,234,567.89",
    "12,5 €",
    "10000000000,01",
    "2020-02-30",
    "2020-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "31/12/2020",
    "2020-01-01T00:00",
    "²",
    "²" * 9,
    "²" * 14,
    "٣" * 9,
    "١٢٣",
    "１２",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "None",
    "null",
    "[]",
    "%00",
    "../../etc/passwd",
]

hostile = st.one_of(
    st.sampled_from(HOSTILES),
    st.text(max_size=12),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


# Par nature de champ, les valeurs limites qui le visent.
MONTANTS_HOSTILES = st.sampled_from(
    [
        "-1",
        "-0,01",
        "0",
        "0,001",
        "NaN",
        "sNaN",
        "Infinity",
        "-Infinity",
        "1e309",
        "1E+2",
        "9" * 30,
        "10000000000,01",
        "1 234,567",
        "1.234.567,89",
        "1,234,567.89",
        "12,5 €",
        "١٢٣",
        "²",
    ]
)
DATES_HOSTILES = st.sampled_from(
    [
        "2020-02-30",
        "31/02/2020",
        "2020-13-01",
        "0000-00-00",
        "0001-01-01",
        "9999-12-31",
        "99999-01-01",
        "2020-1-1",
        "١٠/١٠/٢٠٢٠",
        "2020-01-01T00:00",
        "-2020-01-01",
    ]
)
ENTIERS_HOSTILES = st.sampled_from(
    ["-1", "1e3", "2020.0", "2020,0", "٢٠٢٠", "9" * 30, "9" * 5000, "²", "1_000", "0x10"]
)
SIREN_HOSTILES = st.sampled_from(
    ["732829321", "73282932", "7328293200", "732 829 320", "²" * 9, "٠" * 9, "０" * 9, "-73282932"]
)
SIRET_HOSTILES = st.sampled_from(
    ["73282932000011", "7328293200001", "²" * 14, "٠" * 14, "0" * 14, "732829320 00018"]
)


def identifiants_hostiles(*autres):
    """Identifiants d'objets : d'une autre région ou d'un autre type, inconnus, mal formés."""
    return st.sampled_from(
        [str(a) for a in autres] + ["0", "-1", "999999999", "9" * 25, "abc", "1.0", " 1", "1e3"]
    )


def montant_ecrit(valeur: Decimal) -> st.SearchStrategy[str]:
    """Un montant comme l'écrit un agent : « 1 234,56 », « 1234.56 », « 1 234 € »…"""
    francais = f"{valeur:,.2f}".replace(",", "\u202f").replace(".", ",")
    return st.sampled_from(
        [
            str(valeur),
            francais,
            francais.replace("\u202f", " "),
            francais.replace("\u202f", "") + " €",
            str(valeur).replace(".", ","),
        ]
    )


def montant(minimum: str = "0.01", maximum: str = "20000000") -> st.SearchStrategy[str]:
    return st.decimals(min_value=Decimal(minimum), max_value=Decimal(maximum), places=2).flatmap(
        montant_ecrit
    )


def date_ecrite(debut=datetime.date(2018, 1, 1), fin=datetime.date(2030, 12, 31)):
    return st.dates(debut, fin).flatmap(
        lambda d: st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y")])
    )


texte_libre = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), min_size=1, max_size=60
)


def siren_et_siret(n: int) -> tuple[str, str]:
    siren = siren_fictif(n)
    base = f"{siren}{n % 10_000:04d}"
    siret = next(base + str(cle) for cle in range(10) if cle_luhn_valide(base + str(cle)))
    return siren, siret


@st.composite
def soumission(draw, base: dict, hostiles: dict | None = None):
    """Une saisie plausible, dont quelques champs sont remplacés, retirés ou doublés.

    `base` : champ -> stratégie d'une valeur plausible ; `hostiles` : champ -> stratégie
    de valeurs hostiles propres au champ (identifiants d'une autre région…). Renvoie la
    liste des paires (nom, valeur) du corps, dans l'ordre : une clé doublée vaut sa
    dernière valeur pour `QueryDict.get`, sa liste entière pour `getlist`.
    """
    hostiles = hostiles or {}
    champs = sorted(base)

    def valeur_hostile(champ):
        if champ in hostiles:
            return st.one_of(hostiles[champ], hostile)
        return hostile

    saisie = {champ: draw(strategie) for champ, strategie in base.items()}
    remplaces = draw(st.lists(st.sampled_from(champs), max_size=3, unique=True))
    for champ in remplaces:
        saisie[champ] = draw(valeur_hostile(champ))
    retires = draw(st.lists(st.sampled_from(champs), max_size=2, unique=True))
    paires = []
    for champ, valeur in saisie.items():
        if champ in retires:
            continue
        for element in valeur if isinstance(valeur, list) else [valeur]:
            paires.append((champ, element))
    doubles = draw(
        st.lists(st.sampled_from([*champs, "champ_inconnu", "csrfmiddlewaretoken"]), max_size=2)
    )
    for champ in doubles:
        paire = (champ, draw(valeur_hostile(champ)))
        if draw(st.booleans()):
            paires.append(paire)
        else:
            paires.insert(0, paire)
    return paires


def _encoder(valeur) -> str:
    if isinstance(valeur, bytes):
        return quote_from_bytes(valeur, safe="")
    return quote(str(valeur), safe="", encoding="utf-8", errors="surrogatepass")


def _corps(paires) -> str:
    return "&".join(f"{_encoder(cle)}={_encoder(valeur)}" for cle, valeur in paires)


def _valeurs_texte(paires) -> list[str]:
    valeurs = []
    for _cle, valeur in paires:
        if isinstance(valeur, bytes):
            valeur = valeur.decode("utf-8", "replace")
        valeur = str(valeur).encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        valeurs += [valeur, valeur.strip(), valeur.strip().upper()]
    return [v for v in valeurs if v]


# --- Ce qui est vérifié à chaque tirage --------------------------------------------------------

MODELES_SUIVIS = [
    "projets.Projet",
    "projets.Avis",
    "projets.Evenement",
    "projets.Entreprise",
    "fonds.Enveloppe",
    "fonds.Mouvement",
    "fonds.Engagement",
    "fonds.Versement",
    "pilotage.ValeurIndicateur",
    "comptes.Trace",
]


def _etat() -> dict:
    """Ce qu'une soumission refusée ne doit pas changer : lignes et montants."""
    etat = {}
    for nom in MODELES_SUIVIS:
        modele = apps.get_model(nom)
        etat[nom] = (
            modele.objects.count(),
            modele.objects.order_by("-pk").values_list("pk", flat=True).first(),
        )
    etat["enveloppes"] = list(
        Enveloppe.objects.order_by("pk").values_list("montant", "montant_engage", "montant_verse")
    )
    etat["projets"] = list(Projet.objects.order_by("pk").values_list("pk", "version", "statut"))
    return etat


def _lignes_nouvelles(avant: dict):
    for nom in MODELES_SUIVIS:
        dernier = avant[nom][1] or 0
        yield from apps.get_model(nom).objects.filter(pk__gt=dernier)


def _verifier_lignes_ecrites(avant: dict) -> None:
    """Lignes écrites par une soumission acceptée : valides telles que PostgreSQL les lirait."""
    for ligne in _lignes_nouvelles(avant):
        for champ in ligne._meta.concrete_fields:
            valeur = getattr(ligne, champ.attname)
            if isinstance(champ, models.CharField) and champ.max_length and valeur:
                assert len(valeur) <= champ.max_length, (ligne, champ.name, len(valeur))
            if isinstance(champ, models.DecimalField) and valeur is not None:
                assert valeur.as_tuple().exponent == -2, (ligne, champ.name, valeur)
        if isinstance(ligne, apps.get_model("projets.Entreprise")):
            assert re.fullmatch(r"[0-9]{9}", ligne.siren) and cle_luhn_valide(ligne.siren), ligne
        if isinstance(ligne, Projet):
            assert re.fullmatch(r"([0-9]{14})?", ligne.siret), ligne.siret
            assert ligne.aide_sollicitee <= ligne.montant_investissement
            assert ligne.date_debut <= ligne.date_fin
            assert 2018 <= ligne.annee <= 2030


def _verifier_invariants_des_fonds() -> None:
    """Toute enveloppe : montant = somme des mouvements, 0 ≤ versé ≤ engagé ≤ montant, et la
    somme des régionales dans la nationale ; tout projet : engagé ≤ aide sollicitée."""
    for enveloppe in Enveloppe.objects.all():
        mouvements = enveloppe.mouvements.aggregate(total=Sum("montant"))["total"] or 0
        assert enveloppe.montant == mouvements, enveloppe
        engagements = enveloppe.engagements.all()
        net = sum((e.montant - e.montant_libere for e in engagements), Decimal("0"))
        verse = sum((e.montant_verse for e in engagements), Decimal("0"))
        assert enveloppe.montant_engage == net, enveloppe
        assert enveloppe.montant_verse == verse, enveloppe
        assert 0 <= enveloppe.montant_verse <= enveloppe.montant_engage <= enveloppe.montant
        for valeur in (enveloppe.montant, enveloppe.montant_engage, enveloppe.montant_verse):
            assert valeur.as_tuple().exponent == -2, (enveloppe, valeur)
        if enveloppe.est_nationale:
            regionales = (
                Enveloppe.objects.filter(
                    dispositif=enveloppe.dispositif, annee=enveloppe.annee, region__isnull=False
                ).aggregate(total=Sum("montant"))["total"]
                or 0
            )
            assert regionales <= enveloppe.montant, enveloppe
    for engagement in Engagement.objects.select_related("projet"):
        total = sum(
            (e.montant - e.montant_libere for e in engagement.projet.engagements.all()),
            Decimal("0"),
        )
        assert total <= engagement.projet.aide_sollicitee
        verse = engagement.versements.aggregate(total=Sum("montant"))["total"] or 0
        assert verse == engagement.montant_verse, engagement


ANGLAIS = re.compile(
    r"\b(the|this|that|enter|ensure|select|field|value|values|must|please|invalid|error|"
    r"required|characters?|request|forbidden|bad|found|is|are|not|of|and|cannot|literal)\b",
    re.IGNORECASE,
)
FRANCAIS = re.compile(
    r"[éèêàâùûçôî’]|\b(le|la|les|un|une|de|du|des|est|pas|ce|cette|au|aux|doit|ne|en|et|ou|"
    r"votre|vous|aucun|aucune|choix|valeur|saisissez|indiquez|colonne|ligne|fichier|"
    r"obligatoire|absente?|inconnue?|montant|date|sans|pour|par|sur|dans|plus|trop)\b",
    re.IGNORECASE,
)


def _en_francais(message: str, soumis: list[str]) -> bool:
    """Le message, sans les valeurs saisies qu'il cite, est du français et pas de l'anglais."""
    texte = str(message)
    for valeur in sorted(soumis, key=len, reverse=True):
        texte = texte.replace(valeur, " ")
    texte = re.sub(r"«[^»]*»", " ", texte)
    return bool(FRANCAIS.search(texte)) and not ANGLAIS.search(texte)


def _erreurs(reponse) -> list[str]:
    """Messages d'erreur et d'avertissement, et erreurs des formulaires de la page."""
    erreurs = [
        str(m.message) for m in get_messages(reponse.wsgi_request) if m.level >= messages.WARNING
    ]
    if reponse.context is not None:
        vus = set()
        for cle in reponse.context.keys():
            valeur = reponse.context[cle]
            if isinstance(valeur, forms.BaseForm) and valeur.is_bound and id(valeur) not in vus:
                vus.add(id(valeur))
                erreurs += [str(e) for liste in valeur.errors.values() for e in liste]
        rapport = reponse.context.get("rapport")
        if rapport is not None:
            erreurs += [e.message for e in rapport.erreurs]
    return erreurs


def _accepte(reponse) -> bool:
    return any(m.level == messages.SUCCESS for m in get_messages(reponse.wsgi_request))


PAGES_D_ERREUR = {403: "Accès refusé", 404: "Page introuvable", 400: "Requête invalide"}


def verifier(reponse, avant: dict, paires) -> bool:
    """Pas de 5xx ; refus : base inchangée et raison en français ; accord : lignes cohérentes.

    Renvoie vrai si la soumission a été acceptée.
    """
    assert reponse.status_code < 500, reponse.status_code
    if _accepte(reponse):
        _verifier_lignes_ecrites(avant)
        _verifier_invariants_des_fonds()
        return True
    assert _etat() == avant, "soumission refusée, mais la base a changé"
    soumis = _valeurs_texte(paires)
    if reponse.status_code in PAGES_D_ERREUR:
        assert PAGES_D_ERREUR[reponse.status_code] in reponse.content.decode()
        return False
    assert reponse.status_code in (200, 302), reponse.status_code
    erreurs = _erreurs(reponse)
    assert erreurs, "soumission refusée sans explication"
    for erreur in erreurs:
        assert _en_francais(erreur, soumis), erreur
    if reponse.status_code == 200:
        page = reponse.content.decode()
        assert any(escape(e) in page or e in page for e in erreurs), erreurs
    return False


def _poster(client, url: str, paires):
    client.cookies.pop("messages", None)
    return client.post(url, _corps(paires), content_type="application/x-www-form-urlencoded")


def essai(client, url: str, paires) -> bool:
    """Une soumission dans un point de sauvegarde annulé : les tirages restent indépendants."""
    with transaction.atomic():
        avant = _etat()
        accepte = verifier(_poster(client, url, paires), avant, paires)
        transaction.set_rollback(True)
    return accepte


def _connecte(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Projets : saisie et modification -------------------------------------------------------------


def _projet(jeu) -> dict:
    """Un projet plausible d'un territoire de la région 84."""
    investissement = st.decimals(min_value=Decimal("1"), max_value=Decimal("50000000"), places=2)
    montants = st.tuples(investissement, st.integers(0, 100)).map(
        lambda c: (c[0], (c[0] * c[1] / 100).quantize(Decimal("0.01")))
    )
    return {
        "intitule": texte_libre,
        "description": st.one_of(st.just(""), texte_libre),
        "territoire": st.just(jeu.t84.pk),
        "commune": st.sampled_from([c.code_insee for c in jeu.communes_84]),
        "porteur_raison_sociale": texte_libre,
        "porteur": st.integers(0, 999_999).map(siren_et_siret),
        "porteur_taille": st.sampled_from(Taille.values),
        "enjeu": st.sampled_from(Enjeu.values),
        "filiere": st.sampled_from(Filiere.values),
        "annee": st.integers(2018, 2030).map(str),
        "montants": montants,
        "emplois_crees": st.integers(0, 100_000).map(str),
        "emplois_maintenus": st.integers(0, 100_000).map(str),
        "dates": st.lists(
            st.dates(datetime.date(2018, 1, 1), datetime.date(2035, 1, 1)), min_size=2, max_size=2
        ).map(sorted),
        "action": st.sampled_from(["brouillon", "deposer"]),
    }


@st.composite
def projet_soumis(draw, jeu, *, avec_version=None):
    """Le formulaire du projet : une saisie plausible, puis quelques champs hostiles."""
    brut = {cle: draw(s) for cle, s in _projet(jeu).items()}
    siren, siret = brut.pop("porteur")
    investissement, aide = brut.pop("montants")
    debut, fin = brut.pop("dates")
    base = {
        **{cle: st.just(valeur) for cle, valeur in brut.items()},
        "porteur_siren": st.just(siren),
        "siret": st.sampled_from(["", siret]),
        "montant_investissement": montant_ecrit(investissement),
        "aide_sollicitee": montant_ecrit(aide),
        "date_debut": st.sampled_from([debut.isoformat(), debut.strftime("%d/%m/%Y")]),
        "date_fin": st.sampled_from([fin.isoformat(), fin.strftime("%d/%m/%Y")]),
    }
    if avec_version is not None:
        base["version"] = st.just(str(avec_version))
    return draw(
        soumission(
            base,
            {
                "territoire": identifiants_hostiles(jeu.t32.pk, "8401", "XXXX"),
                "commune": st.sampled_from(
                    [jeu.c32.code_insee, jeu.commune_hors_territoire.code_insee, "2A004", "7408"]
                ),
                "porteur_siren": SIREN_HOSTILES,
                "siret": st.one_of(SIRET_HOSTILES, st.just(siren + "00000")),
                "version": identifiants_hostiles(),
                "montant_investissement": MONTANTS_HOSTILES,
                "aide_sollicitee": MONTANTS_HOSTILES,
                "date_debut": DATES_HOSTILES,
                "date_fin": DATES_HOSTILES,
                "annee": ENTIERS_HOSTILES,
                "emplois_crees": ENTIERS_HOSTILES,
                "emplois_maintenus": ENTIERS_HOSTILES,
            },
        )
    )


def test_saisie_d_un_projet(jeu):
    client = _connecte(jeu.pref84)
    acceptes = []

    @reglages(60)
    @given(paires=projet_soumis(jeu))
    def soumettre(paires):
        acceptes.append(essai(client, "/projets/nouveau/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_modification_d_un_projet(jeu):
    client = _connecte(jeu.pref84)
    url = f"/projets/{jeu.brouillon.pk}/modifier/"
    acceptes = []

    @reglages(40)
    @given(paires=projet_soumis(jeu, avec_version=jeu.brouillon.version))
    def soumettre(paires):
        acceptes.append(essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Projets : transitions et avis ----------------------------------------------------------------


def test_transitions(jeu):
    """Un agent demande un statut pour un projet : permis, interdit, inconnu, mal écrit."""
    clients = {"prefecture": _connecte(jeu.pref84), "region": _connecte(jeu.reg84)}
    permises = [
        (jeu.brouillon, Statut.DEPOSE),
        (jeu.brouillon, Statut.ABANDONNE),
        (jeu.instruction[0], Statut.ABANDONNE),
        (jeu.a_engager, Statut.ABANDONNE),
        (jeu.engagement.projet, Statut.EN_COURS),
        (jeu.engagement.projet, Statut.ABANDONNE),
    ]
    acceptes = []

    @reglages(40)
    @given(
        qui=st.sampled_from(sorted(clients)),
        cas=st.sampled_from(permises).flatmap(
            lambda cas: st.tuples(
                st.just(cas[0]),
                soumission(
                    {"vers": st.just(cas[1]), "commentaire": texte_libre},
                    {"vers": st.sampled_from([*Statut.values, "BROUILLON", " depose"])},
                ),
            )
        ),
    )
    def soumettre(qui, cas):
        projet, paires = cas
        acceptes.append(essai(clients[qui], f"/projets/{projet.pk}/transition/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_avis_sur_un_projet(jeu):
    clients = {"prefecture": _connecte(jeu.pref84), "region": _connecte(jeu.reg84)}
    projets = [*jeu.instruction, jeu.brouillon, jeu.a_engager]
    acceptes = []

    @reglages(40)
    @given(
        qui=st.sampled_from(sorted(clients)),
        projet=st.sampled_from(projets),
        paires=soumission(
            {"sens": st.sampled_from(SensAvis.values), "commentaire": texte_libre},
            {"sens": st.sampled_from(["FAVORABLE", "neutre", "favorable "])},
        ),
    )
    def soumettre(qui, projet, paires):
        acceptes.append(essai(clients[qui], f"/projets/{projet.pk}/avis/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_avis_en_lot_sur_la_preselection(jeu):
    """Les cases cochées : projets de la région, d'une autre région, inconnus, mal formés."""
    clients = {"prefecture": _connecte(jeu.pref84), "region": _connecte(jeu.reg84)}
    ids = [str(p.pk) for p in jeu.instruction]
    acceptes = []

    @reglages(40)
    @given(
        qui=st.sampled_from(sorted(clients)),
        paires=soumission(
            {
                "projets": st.lists(st.sampled_from(ids), min_size=1, max_size=3),
                "sens": st.sampled_from(SensAvis.values),
                "commentaire": texte_libre,
            },
            {
                "projets": identifiants_hostiles(
                    jeu.instruction_32.pk, jeu.a_engager.pk, jeu.brouillon.pk
                ),
                "sens": st.sampled_from(["FAVORABLE", "neutre"]),
            },
        ),
    )
    def soumettre(qui, paires):
        acceptes.append(essai(clients[qui], "/projets/preselection/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Fonds : engagement, versement, mouvements, répartition, anticipation -------------------------


def test_engagement_de_credits(jeu):
    client = _connecte(jeu.pref84)
    url = f"/fonds/engagements/nouveau/?projet={jeu.a_engager.pk}"
    acceptes = []

    @reglages(40)
    @given(
        paires=soumission(
            {
                "enveloppe": st.just(str(jeu.r84.pk)),
                "montant": montant("0.01", "12000000"),
                "date_engagement": date_ecrite(),
                "commentaire": st.one_of(st.just(""), texte_libre),
            },
            {
                "enveloppe": identifiants_hostiles(jeu.r32.pk, jeu.nationale.pk),
                "montant": MONTANTS_HOSTILES,
                "date_engagement": DATES_HOSTILES,
            },
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_versement(jeu):
    client = _connecte(jeu.pref84)
    url = f"/fonds/engagements/{jeu.engagement.pk}/versement/"
    acceptes = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "montant": montant("0.01", "1600000"),
                "date_versement": date_ecrite(datetime.date(2020, 10, 1)),
                "reference": st.one_of(st.just(""), texte_libre),
            },
            {"montant": MONTANTS_HOSTILES, "date_versement": DATES_HOSTILES},
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_mouvements_et_repartition_d_une_enveloppe(jeu):
    """Les deux formulaires de la page d'une enveloppe, et une action inconnue."""
    client = _connecte(jeu.admin)
    enveloppes = [jeu.nationale, jeu.r84, jeu.nationale_2021]
    regions = ["84", "32", "11", "44"]
    mouvement = {
        "action": st.just("mouvement"),
        "mouvement-type": st.sampled_from(sorted(TYPES_MOUVEMENT_SAISIS)),
        "mouvement-montant": montant("0.01", "200000000"),
        "mouvement-date_effet": date_ecrite(),
        "mouvement-motif": texte_libre,
    }
    repartition = {
        "action": st.just("repartition"),
        **{f"repartition-region_{code}": st.one_of(st.just(""), montant()) for code in regions},
        "repartition-date_effet": date_ecrite(),
        "repartition-motif": texte_libre,
    }
    hostiles = {
        "action": st.sampled_from(["", "supprimer", "MOUVEMENT"]),
        "mouvement-type": st.sampled_from(
            [TypeMouvement.ANTICIPATION, TypeMouvement.REPARTITION, TypeMouvement.REDEPLOIEMENT]
        ),
        "mouvement-montant": MONTANTS_HOSTILES,
        "repartition-region_84": MONTANTS_HOSTILES,
        "mouvement-date_effet": DATES_HOSTILES,
    }
    acceptes = []

    @reglages(50)
    @given(
        enveloppe=st.sampled_from(enveloppes),
        paires=st.one_of(soumission(mouvement, hostiles), soumission(repartition, hostiles)),
    )
    def soumettre(enveloppe, paires):
        acceptes.append(essai(client, f"/fonds/enveloppes/{enveloppe.pk}/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_anticipation(jeu):
    client = _connecte(jeu.admin)
    acceptes = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "dispositif": st.just(str(jeu.fonds.pk)),
                "annee_source": st.just("2021"),
                "annee_cible": st.just("2020"),
                "montant": montant("0.01", "260000000"),
                "date_effet": date_ecrite(),
                "motif": texte_libre,
            },
            {
                "dispositif": identifiants_hostiles(),
                "annee_source": st.one_of(ENTIERS_HOSTILES, st.sampled_from(["2020", "2022"])),
                "annee_cible": st.one_of(ENTIERS_HOSTILES, st.sampled_from(["2021", "2017"])),
                "montant": MONTANTS_HOSTILES,
                "date_effet": DATES_HOSTILES,
            },
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, "/fonds/anticipation/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Pilotage : valeur d'un indicateur ------------------------------------------------------------


def test_saisie_d_une_valeur_d_indicateur(jeu):
    client = _connecte(jeu.admin)
    hier = datetime.date.today() - datetime.timedelta(days=1)
    acceptes = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "indicateur": st.sampled_from([str(pk) for pk in jeu.indicateurs]),
                "valeur": montant("0", "500000000"),
                "date": date_ecrite(datetime.date(2019, 1, 1), hier),
                "source": texte_libre,
            },
            {
                "indicateur": identifiants_hostiles(),
                "valeur": MONTANTS_HOSTILES,
                "date": st.one_of(DATES_HOSTILES, st.just("2099-01-01")),
            },
        )
    )
    def soumettre(paires):
        acceptes.append(essai(client, "/pilotage/indicateurs/saisir/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Import d'un tableur ----------------------------------------------------------------------

CELLULES_HOSTILES = st.one_of(
    st.sampled_from(
        [
            "x" * 140_000,  # au-delà de la limite du module csv (131 072 caractères)
            '"guillemet jamais refermé',
            '=HYPERLINK("http://exemple.invalid")',
            "ligne\nsur\r\ndeux",
            "a;b,c\td",
            "9" * 40,
            "1e309",
            "-0,01",
            "31/02/2021",
            "\x00",
            "٠" * 9,
        ]
    ),
    st.sampled_from(HOSTILES),
    st.text(max_size=12),
)
ENCODAGES = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32", "mac_roman"]
SEPARATEURS = [";", ",", "\t", "|", ":"]
# Ce qu'un classeur falsifié peut mettre dans une cellule numérique (`<v>…</v>`).
NOMBRES_XML_HOSTILES = ["NaN", "inf", "-inf", "1E999", "-1E999", "9" * 40, "1e-999", "", "abc"]
SERIE_2020_01_01 = "43831"  # 1er janvier 2020 en numéro de série Excel
EMPLOIS_TEMOIN = "424242"


def _csv(lignes: list[dict], separateur: str, encodage: str) -> bytes:
    tampon = io.StringIO(newline="")
    ecrivain = __import__("csv").writer(tampon, delimiter=separateur, lineterminator="\r\n")
    ecrivain.writerow(NOMS_COLONNES)
    for ligne in lignes:
        ecrivain.writerow([ligne.get(colonne, "") for colonne in NOMS_COLONNES])
    erreurs = "surrogatepass" if encodage.startswith("utf") else "replace"
    return tampon.getvalue().encode(encodage, erreurs)


def _xlsx(lignes: list[dict], remplacements: dict[str, str] | None = None) -> bytes:
    """Le classeur des lignes, octet pour octet le même d'un tirage à l'autre (dates de
    l'archive et des propriétés fixées) ; les caractères qu'Excel refuse sont retirés.

    `remplacements` réécrit des valeurs numériques de la feuille (`<v>…</v>`) sans passer
    par openpyxl, comme le ferait un classeur falsifié.
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    propres = []
    for ligne in lignes:
        propre = {}
        for colonne, valeur in ligne.items():
            if isinstance(valeur, str):
                valeur = ILLEGAL_CHARACTERS_RE.sub("", valeur)
                valeur = valeur.encode("utf-8", "replace").decode("utf-8")
            propre[colonne] = valeur
        propres.append(propre)
    entree, sortie = zipfile.ZipFile(io.BytesIO(fichier_xlsx(propres))), io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for membre in entree.infolist():
            texte = entree.read(membre.filename).decode("utf-8")
            texte = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "2020-01-01T00:00:00Z", texte)
            if membre.filename.startswith("xl/worksheets/"):
                for avant, apres in (remplacements or {}).items():
                    texte = texte.replace(f"<v>{avant}</v>", f"<v>{apres}</v>")
            info = zipfile.ZipInfo(membre.filename, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, texte.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return sortie.getvalue()


@st.composite
def fichier_importe(draw):
    """(nom, contenu, cellules) : un tableur de une à trois lignes, abîmé de diverses façons."""
    nombre = draw(st.integers(1, 3))
    debut = draw(st.integers(0, 10_000))
    lignes = []
    for rang in range(nombre):
        siren, siret = siren_et_siret(900_000 + debut + rang)
        lignes.append(
            ligne_import(
                intitule=f"Projet importé {debut}-{rang}",
                porteur_siren=siren,
                porteur_raison_sociale=f"Entreprise {debut}-{rang}",
                siret=draw(st.sampled_from(["", siret])),
                deposer=draw(st.sampled_from(["oui", "non"])),
            )
        )
    for _ in range(draw(st.sampled_from([0, 0, 1, 2, 3]))):
        ligne = draw(st.sampled_from(lignes))
        valeur = draw(CELLULES_HOSTILES)
        if isinstance(valeur, bytes):
            valeur = valeur.decode("latin-1")
        ligne[draw(st.sampled_from(NOMS_COLONNES))] = valeur
    cellules = [str(v) for ligne in lignes for v in ligne.values()]
    forme = draw(
        st.sampled_from(["csv", "csv", "xlsx", "xlsx falsifié", "tronqué", "octets", "vide"])
    )
    if forme == "csv":
        contenu = _csv(lignes, draw(st.sampled_from(SEPARATEURS)), draw(st.sampled_from(ENCODAGES)))
        nom = draw(st.sampled_from(["projets.csv", "projets.txt", "projets", "projets.CSV"]))
    elif forme == "xlsx":
        contenu, nom = _xlsx(lignes), draw(st.sampled_from(["projets.xlsx", "projets.csv"]))
    elif forme == "xlsx falsifié":
        for ligne in lignes:
            ligne.update(date_debut=datetime.date(2020, 1, 1), emplois_crees=int(EMPLOIS_TEMOIN))
        remplacements = {
            SERIE_2020_01_01: draw(st.sampled_from(NOMBRES_XML_HOSTILES)),
            EMPLOIS_TEMOIN: draw(st.sampled_from(NOMBRES_XML_HOSTILES)),
        }
        contenu, nom = _xlsx(lignes, remplacements), "projets.xlsx"
        cellules += list(remplacements.values())
    elif forme == "tronqué":
        complet = _xlsx(lignes) if draw(st.booleans()) else _csv(lignes, ";", "utf-8")
        coupe = draw(st.integers(1, len(complet) - 1))
        if draw(st.booleans()):
            contenu = complet[:coupe]
        else:  # quelques octets changés au milieu de l'archive
            contenu = (
                complet[:coupe] + draw(st.binary(min_size=1, max_size=8)) + complet[coupe + 8 :]
            )
        nom = "projets.xlsx" if complet.startswith(b"PK") else "projets.csv"
    elif forme == "octets":
        contenu = draw(st.binary(min_size=1, max_size=2_000))
        nom = draw(st.sampled_from(["projets.csv", "projets.xlsx", "projets.xls", "projets.pdf"]))
    else:
        contenu, nom = draw(st.sampled_from([b"", b" \r\n", b"\xef\xbb\xbf"])), "projets.csv"
    return nom, contenu, cellules


def test_import_d_un_tableur(jeu):
    """Tout ou rien, avec un rapport en français ; une ligne en erreur est citée par son numéro."""
    client = _connecte(jeu.pref84)
    resultats = []

    @reglages(50)
    @given(
        fichier=fichier_importe(),
        action=st.sampled_from(["importer", "importer", "verifier", "autre"]),
    )
    def soumettre(fichier, action):
        nom, contenu, cellules = fichier
        with transaction.atomic():
            avant = _etat()
            client.cookies.pop("messages", None)
            reponse = client.post(
                "/projets/importer/",
                {"fichier": SimpleUploadedFile(nom, contenu), "action": action},
            )
            assert reponse.status_code < 500
            if _accepte(reponse):
                assert action == "importer"
                nouveaux = Projet.objects.filter(pk__gt=avant["projets.Projet"][1] or 0).count()
                assert nouveaux >= 1
                _verifier_lignes_ecrites(avant)
                resultats.append("importé")
            else:
                assert reponse.status_code == 200
                assert _etat() == avant, "import refusé ou vérifié, mais la base a changé"
                rapport = reponse.context.get("rapport")
                erreurs = _erreurs(reponse)
                if rapport is not None and rapport.valide:
                    resultats.append("vérifié")
                else:
                    resultats.append("refusé")
                    assert erreurs
                    soumis = _valeurs_texte([("", c) for c in cellules + [nom]])
                    for erreur in erreurs:
                        assert _en_francais(erreur, soumis), erreur
                    page = reponse.content.decode()
                    for ligne, _intitule, _erreurs_ligne in (
                        rapport.erreurs_par_ligne() if rapport else []
                    ):
                        assert re.search(rf'<th scope="row"[^>]*>{ligne}</th>', page), ligne
            transaction.set_rollback(True)

    soumettre()
    assert {"importé", "refusé"} <= set(resultats)


# --- Connexion -----------------------------------------------------------------------------------


def test_formulaire_de_connexion(jeu):
    """Jamais de 500 ; un échec dit pourquoi en français et n'ouvre pas de session."""
    client = Client()
    comptes = ["prefecture-84-fuzz", "admin-national-fuzz"]
    resultats = []

    @reglages(30)
    @given(
        paires=soumission(
            {
                "username": st.sampled_from(comptes),
                "password": st.sampled_from([MOT_DE_PASSE, MOT_DE_PASSE, MOT_DE_PASSE.upper()]),
                "next": st.sampled_from(["", "/projets/", "//exemple.invalid/", "javascript:1"]),
            },
            {"username": st.sampled_from([c.upper() for c in comptes] + [" " + comptes[0]])},
        )
    )
    def soumettre(paires):
        cache.clear()  # compteurs d'échecs : chaque tirage part sans verrou
        client.logout()
        with transaction.atomic():
            avant = _etat()
            reponse = _poster(client, "/comptes/connexion/", paires)
            assert reponse.status_code < 500
            if reponse.status_code == 302:
                assert "_auth_user_id" in client.session
                cible = reponse["Location"]
                assert cible.startswith("/") and not cible.startswith("//"), cible
                resultats.append("connecté")
            else:
                assert reponse.status_code == 200
                assert "_auth_user_id" not in client.session
                erreurs = _erreurs(reponse)
                assert erreurs
                for erreur in erreurs:
                    assert _en_francais(erreur, _valeurs_texte(paires)), erreur
                resultats.append("refusé")
            # Connexion : rien d'écrit dans les données du programme (le journal d'audit
            # peut, lui, noter les connexions).
            for nom in MODELES_SUIVIS[:-1]:
                assert _etat()[nom] == avant[nom]
            transaction.set_rollback(True)

    soumettre()
    assert set(resultats) == {"connecté", "refusé"}


# --- Listes et tableaux de bord : paramètres d'adresse générés ---------------------------------

PARAMETRES_COMMUNS = {
    "page": st.sampled_from(["1", "2", "-1", "0", "abc", "9" * 30, "1e309", "1.5", "last"]),
    "format": st.sampled_from(["csv", "xlsx", "pdf", "CSV", "", "json"]),
    "tri": st.sampled_from(
        ["intitule", "-investissement", "nom", "-population", "code", "zzz", "-", "--nom"]
    ),
}


@st.composite
def adresse(draw, chemin: str, plausibles: dict):
    """Le chemin et une chaîne de requête : filtres plausibles ou hostiles, clés doublées."""
    tous = {**PARAMETRES_COMMUNS, **plausibles}
    noms = draw(st.lists(st.sampled_from([*sorted(tous), "inconnu"]), max_size=5))
    paires = [
        (nom, draw(st.one_of(tous.get(nom, hostile), hostile) if nom in tous else hostile))
        for nom in noms
    ]
    return f"{chemin}?{_corps(paires)}" if paires else chemin, paires


def _listes(jeu) -> list:
    """(compte, chemin, filtres plausibles) des pages qui lisent des paramètres d'adresse."""
    regions = st.sampled_from(["84", "32", "11", "XX", "2A"])
    annees = st.sampled_from(["2020", "2021", "1999", "0", "-2020"])
    projets = {
        "q": st.sampled_from(["usinage", "732829320", "²", "٣", "Vallée", "%", "_"]),
        "region": regions,
        "departement": st.sampled_from(["74", "2A", "60", "999"]),
        "territoire": st.sampled_from([jeu.t84.pk, jeu.t32.pk, "0000"]),
        "epci": st.sampled_from(["200033116", "²" * 9, "1" * 20]),
        "statut": st.sampled_from(Statut.values),
        "enjeu": st.sampled_from(Enjeu.values),
        "taille": st.sampled_from(Taille.values),
        "annee": annees,
    }
    tableau = {
        "dispositif": st.sampled_from(["fonds-acceleration", "inconnu", ""]),
        "annee": annees,
        "carte": st.sampled_from(["investissement", "montant_engage", "inconnue"]),
        "table": st.sampled_from(["regions", "territoires", "indicateurs", "engagements", "x"]),
    }
    return [
        ("pref84", "/projets/", projets),
        ("ministere", "/projets/", projets),
        ("reg84", "/projets/preselection/", {}),
        (None, "/territoires/", {**projets, "type_epci": st.sampled_from(["CC", "CA", "XX"])}),
        ("pref84", "/fonds/", {"annee": annees, "region": regions}),
        ("admin", "/pilotage/", tableau),
        ("pref84", "/pilotage/", tableau),
        ("pref84", "/pilotage/regions/84/", tableau),
        ("ministere", "/pilotage/indicateurs/", {"table": tableau["table"]}),
        ("admin", "/pilotage/indicateurs/saisir/", {"indicateur": st.sampled_from(["", "x"])}),
        (
            "admin",
            "/comptes/journal/",
            {
                "modele": st.sampled_from(["projets.Projet", "fonds.Engagement", "x" * 100]),
                "objet": st.sampled_from(["1", str(jeu.a_engager.pk), "-1", "abc"]),
                "action": st.sampled_from(["creation", "modification", "suppression", "x"]),
            },
        ),
        ("pref84", "/comptes/journal/", {"objet": st.sampled_from(["1", "2"])}),
        (
            "pref84",
            "/fonds/engagements/nouveau/",
            {"projet": st.sampled_from([str(jeu.a_engager.pk), str(jeu.a_engager_32.pk), "²"])},
        ),
    ]


TYPES_EXPORT = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def test_listes_et_tableaux_de_bord_avec_des_parametres_generes(jeu):
    """Un filtre invalide est ignoré et signalé en français ; une lecture n'écrit rien."""
    clients = {
        nom: _connecte(getattr(jeu, nom)) for nom in ("pref84", "reg84", "ministere", "admin")
    }
    clients[None] = Client()
    pages = _listes(jeu)
    vues = []

    @reglages(120)
    @given(
        page=st.sampled_from(pages).flatmap(lambda p: st.tuples(st.just(p[0]), adresse(p[1], p[2])))
    )
    def lire(page):
        compte, (url, paires) = page
        client = clients[compte]
        client.cookies.pop("messages", None)
        avant = _etat()
        reponse = client.get(url)
        assert reponse.status_code < 500, url
        assert _etat() == avant, f"{url} a écrit en base"
        vues.append(reponse.status_code)
        if reponse.status_code == 404:
            assert "Page introuvable" in reponse.content.decode()
        elif reponse.status_code == 400:
            # Seul motif d'un 400 sur une lecture : un caractère nul dans l'adresse.
            assert "%00" in url and "caractère nul" in reponse.content.decode(), url
        elif reponse.status_code == 200:
            if reponse["Content-Type"].startswith(TYPES_EXPORT):
                return
            assert reponse["Content-Type"].startswith("text/html"), reponse["Content-Type"]
            soumis = _valeurs_texte(paires)
            for erreur in _erreurs(reponse):
                assert _en_francais(erreur, soumis), (url, erreur)
        else:
            assert reponse.status_code == 302, (url, reponse.status_code)

    lire()
    assert 200 in vues


# --- Identifiants inconnus ou mal formés dans l'adresse : 404 ---------------------------------


def _adresses_introuvables(jeu) -> list[tuple[str | None, str]]:
    return [
        ("pref84", "/projets/abc/"),
        ("pref84", "/projets/0/"),
        ("pref84", "/projets/999999999/"),
        ("pref84", "/projets/99999999999999999999999/"),
        ("pref84", "/projets/-1/"),
        ("pref84", "/projets/1.0/"),
        ("pref84", "/projets/999999999/modifier/"),
        ("pref84", "/projets/%C2%B2/"),
        ("admin", "/fonds/enveloppes/0/"),
        ("admin", "/fonds/enveloppes/abc/"),
        ("admin", "/fonds/enveloppes/99999999999999999999999/"),
        ("pref84", "/fonds/engagements/0/versement/"),
        ("pref84", f"/fonds/engagements/{jeu.engagement_32.pk}/versement/"),
        ("pref84", "/fonds/engagements/nouveau/"),
        ("pref84", "/fonds/engagements/nouveau/?projet=abc"),
        ("pref84", "/fonds/engagements/nouveau/?projet=%C2%B2"),
        ("pref84", "/fonds/engagements/nouveau/?projet=-1"),
        ("pref84", "/fonds/engagements/nouveau/?projet=99999999999999999999999"),
        (None, "/territoires/XXXX/"),
        (None, "/territoires/0000/"),
        (None, "/intercommunalites/123/"),
        (None, "/intercommunalites/abc/"),
        ("admin", "/pilotage/regions/XX/"),
        ("admin", "/pilotage/regions/00/"),
        ("admin", "/pilotage/regions/%C2%B2/"),
        ("pref84", "/pilotage/regions/32/"),
        ("admin", "/pilotage/?format=csv&table=inconnu"),
    ]


def test_identifiants_inconnus_ou_mal_formes_404(jeu):
    clients = {"pref84": _connecte(jeu.pref84), "admin": _connecte(jeu.admin), None: Client()}
    for compte, url in _adresses_introuvables(jeu):
        reponse = clients[compte].get(url)
        assert reponse.status_code == 404, (url, reponse.status_code)
        assert "Page introuvable" in reponse.content.decode(), url


@pytest.mark.parametrize(
    ("compte", "url"),
    [
        (None, "/territoires/%00/"),
        (None, "/intercommunalites/%00/"),
        ("admin", "/comptes/journal/?objet=%00"),
        ("pref84", "/fonds/engagements/nouveau/?projet=%00"),
        ("admin", "/pilotage/regions/%00/"),
        ("admin", "/projets/?q=a%00b"),
        ("admin", "/api/v1/territoires/?q=%00"),
    ],
)
def test_caractere_nul_dans_l_adresse(jeu, compte, url):
    """PostgreSQL refuse le caractère nul : l'adresse est refusée avant d'atteindre la base."""
    client = _connecte(jeu.admin) if compte else Client()
    reponse = client.get(url)
    assert reponse.status_code == 400
    if url.startswith("/api/"):
        assert reponse.json()["code"] == "requete_invalide"
    else:
        assert "caractère nul" in reponse.content.decode()


# --- Corps démesurés, trop de champs, fichier trop gros, jeton CSRF absent --------------------


def test_corps_de_requete_demesure_refuse_en_francais(jeu, settings):
    """Au-delà de DATA_UPLOAD_MAX_MEMORY_SIZE, Django refuse de lire le formulaire : 400."""
    client = _connecte(jeu.pref84)
    paires = [("intitule", "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))]
    avant = _etat()
    reponse = _poster(client, "/projets/nouveau/", paires)
    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Requête invalide" in page and "Bad Request" not in page
    assert _etat() == avant


def test_trop_de_champs_refuse_en_francais(jeu, settings):
    client = _connecte(jeu.pref84)
    paires = [(f"champ{rang}", "1") for rang in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)]
    avant = _etat()
    reponse = _poster(client, f"/projets/{jeu.instruction[0].pk}/avis/", paires)
    assert reponse.status_code == 400
    assert "Requête invalide" in reponse.content.decode()
    assert _etat() == avant


def test_fichier_trop_gros_refuse_par_la_page_d_import(jeu):
    """Le fichier réellement envoyé (et non un seuil abaissé) : 413 et la raison en français."""
    from projets.importation import TAILLE_MAX

    client = _connecte(jeu.pref84)
    contenu = _csv([ligne_import()], ";", "utf-8")
    contenu += b"\r\n" * ((TAILLE_MAX + 1 - len(contenu)) // 2 + 1)
    avant = _etat()
    reponse = client.post(
        "/projets/importer/",
        {"fichier": SimpleUploadedFile("projets.csv", contenu), "action": "importer"},
    )
    assert reponse.status_code == 413
    assert "Le fichier dépasse la taille maximale de 5 Mo" in reponse.content.decode()
    assert _etat() == avant


def test_formulaire_sans_jeton_csrf_refuse(jeu):
    client = Client(enforce_csrf_checks=True)
    client.force_login(jeu.pref84)
    avant = _etat()
    reponse = client.post(
        f"/projets/{jeu.instruction[0].pk}/avis/", {"sens": "favorable", "commentaire": "ok"}
    )
    assert reponse.status_code == 403
    page = reponse.content.decode()
    assert "Formulaire expiré" in page and "Forbidden" not in page
    # La page d'erreur est celle du portail, avec l'agent connecté dans l'en-tête.
    assert 'action="/comptes/deconnexion/"' in page
    assert _etat() == avant
