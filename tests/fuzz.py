"""Le banc d'essai commun des tests de saisies générées (Hypothesis) : jamais de 500.

Les tests eux-mêmes sont rangés par application (`tests/<app>/test_fuzz_<app>.py`, et
`tests/test_fuzz_adresses.py` pour les paramètres d'adresse) ; ce module leur donne le banc
de données (`banc`), les valeurs hostiles, la construction des soumissions et les
vérifications faites à chaque tirage.

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
indépendants et partent du même banc de données. SQLite accepte le caractère nul dans une
requête, PostgreSQL le refuse (« A string literal cannot contain NUL ») : un crochet
d'exécution le refuse ici aussi, pour que la suite sur SQLite trouve les mêmes erreurs.

Reproductibilité : `derandomize=True` (tirages déterminés par le code du test) et
`database=None` (pas d'exemples rejoués depuis `.hypothesis/`) ; comme pour
`tests/api/test_schemathesis.py`, Hypothesis puise aussi dans les constantes des modules
chargés, si bien que le fichier lancé seul ou avec toute la suite ne tire pas exactement
les mêmes cas. Le nombre de tirages de chaque formulaire (`reglages(n)`, de 30 à 120)
garde l'ensemble sous une minute et demie sur SQLite ; chaque test vérifie aussi que ses
tirages comptent des soumissions acceptées et refusées. La fonction `@given` est définie
dans le test : la connexion des comptes et le banc de données sont faits une fois par test,
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
from django.db import connection, models, transaction
from django.db.models import Sum
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from comptes.models import Role
from fonds.models import Engagement, Enveloppe
from pilotage.models import Indicateur
from pilotage.moteur import recalculer_tout
from pilotage.services import charger_indicateurs_du_programme
from projets.importation import NOMS_COLONNES
from projets.models import Projet, Statut
from territoires.models import Commune
from territoires.validators import cle_luhn_valide
from tests.comptes.factories import agent
from tests.fonds.factories import (
    DispositifFactory,
    engager,
    enveloppe_nationale,
    fonds_2020,
    projet_preselectionne,
)
from tests.projets.factories import creer_projet, fichier_xlsx, projet_au_statut
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84, siren_fictif, territoire_reel

# À reprendre dans chaque module de tests (`pytestmark = fuzz.MARQUES`).
MARQUES = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("nul_refuse_comme_par_postgresql"),
    # Les classeurs falsifiés ont des dates hors limites : openpyxl le signale, puis les ignore.
    pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning"),
]

M = Decimal("1000000")
MOT_DE_PASSE = "mot-de-passe-de-test"  # celui de `tests.comptes.factories.UserFactory`


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
def banc(referentiel) -> SimpleNamespace:
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
    nationale, regionales = fonds_2020(auteur=admin, dispositif=fonds)
    nationale_2021 = enveloppe_nationale(
        auteur=admin, dispositif=fonds, annee=2021, montant=250 * M
    )
    t84, _c84 = territoire_reel(TERRITOIRE_84)
    t32, c32 = territoire_reel(TERRITOIRE_32)
    grand = {"montant_investissement": 50 * M, "aide_sollicitee": 20 * M}
    a_engager = projet_preselectionne(prefecture=pref84, conseil=reg84, **grand)
    engage = projet_preselectionne(prefecture=pref84, conseil=reg84, **grand)
    a_engager_32 = projet_preselectionne(
        prefecture=pref32, conseil=reg32, territoire=TERRITOIRE_32, **grand
    )
    engagement = engager(engage, regionales["84"], Decimal("1500000.00"), auteur=admin)
    engagement_32 = engager(a_engager_32, regionales["32"], Decimal("1000000.00"), auteur=admin)
    brouillon = creer_projet(pref84, **grand)
    brouillon_32 = creer_projet(pref32, territoire=TERRITOIRE_32, **grand)
    instruction = [
        projet_au_statut(Statut.EN_INSTRUCTION, prefecture=pref84, **grand) for _ in range(2)
    ]
    instruction_32 = projet_au_statut(
        Statut.EN_INSTRUCTION, prefecture=pref32, territoire=TERRITOIRE_32, **grand
    )
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


@pytest.fixture
def nul_refuse_comme_par_postgresql(db):
    """Demandée par chaque module de tests de saisies générées (`MARQUES`)."""
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


# --- Tableurs générés ------------------------------------------------------------------------

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
