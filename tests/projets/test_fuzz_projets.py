"""Saisies générées sur les formulaires des projets : saisie, modification, changements
de statut, avis, avis en lot, import d'un tableur (banc d'essai : `tests/fuzz.py`)."""

import datetime
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from projets.importation import NOMS_COLONNES
from projets.models import Enjeu, Filiere, Projet, SensAvis, Statut, Taille
from tests import fuzz
from tests.fuzz import (  # noqa: F401 (fixtures)
    ANGLAIS,
    CELLULES_HOSTILES,
    DATES_HOSTILES,
    EMPLOIS_TEMOIN,
    ENCODAGES,
    ENTIERS_HOSTILES,
    FRANCAIS,
    HOSTILES,
    MODELES_SUIVIS,
    MONTANTS_HOSTILES,
    MOT_DE_PASSE,
    NOMBRES_XML_HOSTILES,
    PAGES_D_ERREUR,
    SEPARATEURS,
    SERIE_2020_01_01,
    SIREN_HOSTILES,
    SIRET_HOSTILES,
    M,
    _accepte,
    _connecte,
    _corps,
    _csv,
    _en_francais,
    _encoder,
    _erreurs,
    _etat,
    _lignes_nouvelles,
    _poster,
    _refuser_nul,
    _valeurs_texte,
    _verifier_invariants_des_fonds,
    _verifier_lignes_ecrites,
    _xlsx,
    date_ecrite,
    essai,
    hostile,
    identifiants_hostiles,
    montant,
    montant_ecrit,
    reglages,
    siren_et_siret,
    soumission,
    texte_libre,
    verifier,
)
from tests.projets.factories import ligne_import

pytestmark = fuzz.MARQUES


# --- Projets : saisie et modification -------------------------------------------------------------


def _projet(banc) -> dict:
    """Un projet plausible d'un territoire de la région 84."""
    investissement = st.decimals(min_value=Decimal("1"), max_value=Decimal("50000000"), places=2)
    montants = st.tuples(investissement, st.integers(0, 100)).map(
        lambda c: (c[0], (c[0] * c[1] / 100).quantize(Decimal("0.01")))
    )
    return {
        "intitule": texte_libre,
        "description": st.one_of(st.just(""), texte_libre),
        "territoire": st.just(banc.t84.pk),
        "commune": st.sampled_from([c.code_insee for c in banc.communes_84]),
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
def projet_soumis(draw, banc, *, avec_version=None):
    """Le formulaire du projet : une saisie plausible, puis quelques champs hostiles."""
    brut = {cle: draw(s) for cle, s in _projet(banc).items()}
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
                "territoire": identifiants_hostiles(banc.t32.pk, "8401", "XXXX"),
                "commune": st.sampled_from(
                    [banc.c32.code_insee, banc.commune_hors_territoire.code_insee, "2A004", "7408"]
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


def test_saisie_d_un_projet(banc):
    client = _connecte(banc.pref84)
    acceptes = []

    @reglages(60)
    @given(paires=projet_soumis(banc))
    def soumettre(paires):
        acceptes.append(essai(client, "/projets/nouveau/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_modification_d_un_projet(banc):
    client = _connecte(banc.pref84)
    url = f"/projets/{banc.brouillon.pk}/modifier/"
    acceptes = []

    @reglages(40)
    @given(paires=projet_soumis(banc, avec_version=banc.brouillon.version))
    def soumettre(paires):
        acceptes.append(essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Projets : transitions et avis ----------------------------------------------------------------


def test_transitions(banc):
    """Un agent demande un statut pour un projet : permis, interdit, inconnu, mal écrit."""
    clients = {"prefecture": _connecte(banc.pref84), "region": _connecte(banc.reg84)}
    permises = [
        (banc.brouillon, Statut.DEPOSE),
        (banc.brouillon, Statut.ABANDONNE),
        (banc.instruction[0], Statut.ABANDONNE),
        (banc.a_engager, Statut.ABANDONNE),
        (banc.engagement.projet, Statut.EN_COURS),
        (banc.engagement.projet, Statut.ABANDONNE),
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


def test_avis_sur_un_projet(banc):
    clients = {"prefecture": _connecte(banc.pref84), "region": _connecte(banc.reg84)}
    projets = [*banc.instruction, banc.brouillon, banc.a_engager]
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


def test_avis_en_lot_sur_la_preselection(banc):
    """Les cases cochées : projets de la région, d'une autre région, inconnus, mal formés."""
    clients = {"prefecture": _connecte(banc.pref84), "region": _connecte(banc.reg84)}
    ids = [str(p.pk) for p in banc.instruction]
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
                    banc.instruction_32.pk, banc.a_engager.pk, banc.brouillon.pk
                ),
                "sens": st.sampled_from(["FAVORABLE", "neutre"]),
            },
        ),
    )
    def soumettre(qui, paires):
        acceptes.append(essai(clients[qui], "/projets/preselection/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Import d'un tableur ----------------------------------------------------------------------


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


def test_import_d_un_tableur(banc):
    """Tout ou rien, avec un rapport en français ; une ligne en erreur est citée par son numéro."""
    client = _connecte(banc.pref84)
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
