"""Saisies générées sur les formulaires des projets : saisie, modification, changements
de statut, avis, avis en lot, import d'un tableur (banc d'essai : `tests/fuzz.py`)."""

import datetime
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from projets import tasks
from projets.importation import NOMS_COLONNES
from projets.models import Enjeu, Filiere, Projet, SensAvis, Statut, Taille
from socle import travaux
from socle.models import EtatTravail, Travail
from tests import fuzz
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
        "intitule": fuzz.texte_libre,
        "description": st.one_of(st.just(""), fuzz.texte_libre),
        "territoire": st.just(banc.t84.pk),
        "commune": st.sampled_from([c.code_insee for c in banc.communes_84]),
        "porteur_raison_sociale": fuzz.texte_libre,
        "porteur": st.integers(0, 999_999).map(fuzz.siren_et_siret),
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
        "montant_investissement": fuzz.montant_ecrit(investissement),
        "aide_sollicitee": fuzz.montant_ecrit(aide),
        "date_debut": st.sampled_from([debut.isoformat(), debut.strftime("%d/%m/%Y")]),
        "date_fin": st.sampled_from([fin.isoformat(), fin.strftime("%d/%m/%Y")]),
    }
    if avec_version is not None:
        base["version"] = st.just(str(avec_version))
    return draw(
        fuzz.soumission(
            base,
            {
                "territoire": fuzz.identifiants_hostiles(banc.t32.pk, "8401", "XXXX"),
                "commune": st.sampled_from(
                    [banc.c32.code_insee, banc.commune_hors_territoire.code_insee, "2A004", "7408"]
                ),
                "porteur_siren": fuzz.SIREN_HOSTILES,
                "siret": st.one_of(fuzz.SIRET_HOSTILES, st.just(siren + "00000")),
                "version": fuzz.identifiants_hostiles(),
                "montant_investissement": fuzz.MONTANTS_HOSTILES,
                "aide_sollicitee": fuzz.MONTANTS_HOSTILES,
                "date_debut": fuzz.DATES_HOSTILES,
                "date_fin": fuzz.DATES_HOSTILES,
                "annee": fuzz.ENTIERS_HOSTILES,
                "emplois_crees": fuzz.ENTIERS_HOSTILES,
                "emplois_maintenus": fuzz.ENTIERS_HOSTILES,
            },
        )
    )


def test_saisie_d_un_projet(banc):
    client = fuzz._connecte(banc.pref84)
    acceptes = []

    @fuzz.reglages(60)
    @given(paires=projet_soumis(banc))
    def soumettre(paires):
        acceptes.append(fuzz.essai(client, "/projets/nouveau/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_modification_d_un_projet(banc):
    client = fuzz._connecte(banc.pref84)
    url = f"/projets/{banc.brouillon.pk}/modifier/"
    acceptes = []

    @fuzz.reglages(40)
    @given(paires=projet_soumis(banc, avec_version=banc.brouillon.version))
    def soumettre(paires):
        acceptes.append(fuzz.essai(client, url, paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


# --- Projets : transitions et avis ----------------------------------------------------------------


def test_transitions(banc):
    """Un agent demande un statut pour un projet : permis, interdit, inconnu, mal écrit."""
    clients = {"prefecture": fuzz._connecte(banc.pref84), "region": fuzz._connecte(banc.reg84)}
    permises = [
        (banc.brouillon, Statut.DEPOSE),
        (banc.brouillon, Statut.ABANDONNE),
        (banc.instruction[0], Statut.ABANDONNE),
        (banc.a_engager, Statut.ABANDONNE),
        (banc.engagement.projet, Statut.EN_COURS),
        (banc.engagement.projet, Statut.ABANDONNE),
    ]
    acceptes = []

    @fuzz.reglages(40)
    @given(
        qui=st.sampled_from(sorted(clients)),
        cas=st.sampled_from(permises).flatmap(
            lambda cas: st.tuples(
                st.just(cas[0]),
                fuzz.soumission(
                    {"vers": st.just(cas[1]), "commentaire": fuzz.texte_libre},
                    {"vers": st.sampled_from([*Statut.values, "BROUILLON", " depose"])},
                ),
            )
        ),
    )
    def soumettre(qui, cas):
        projet, paires = cas
        acceptes.append(fuzz.essai(clients[qui], f"/projets/{projet.pk}/transition/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_avis_sur_un_projet(banc):
    clients = {"prefecture": fuzz._connecte(banc.pref84), "region": fuzz._connecte(banc.reg84)}
    projets = [*banc.instruction, banc.brouillon, banc.a_engager]
    acceptes = []

    @fuzz.reglages(40)
    @given(
        qui=st.sampled_from(sorted(clients)),
        projet=st.sampled_from(projets),
        paires=fuzz.soumission(
            {"sens": st.sampled_from(SensAvis.values), "commentaire": fuzz.texte_libre},
            {"sens": st.sampled_from(["FAVORABLE", "neutre", "favorable "])},
        ),
    )
    def soumettre(qui, projet, paires):
        acceptes.append(fuzz.essai(clients[qui], f"/projets/{projet.pk}/avis/", paires))

    soumettre()
    assert any(acceptes) and not all(acceptes)


def test_avis_en_lot_sur_la_preselection(banc):
    """Les cases cochées : projets de la région, d'une autre région, inconnus, mal formés."""
    clients = {"prefecture": fuzz._connecte(banc.pref84), "region": fuzz._connecte(banc.reg84)}
    ids = [str(p.pk) for p in banc.instruction]
    acceptes = []

    @fuzz.reglages(40)
    @given(
        qui=st.sampled_from(sorted(clients)),
        paires=fuzz.soumission(
            {
                "projets": st.lists(st.sampled_from(ids), min_size=1, max_size=3),
                "sens": st.sampled_from(SensAvis.values),
                "commentaire": fuzz.texte_libre,
            },
            {
                "projets": fuzz.identifiants_hostiles(
                    banc.instruction_32.pk, banc.a_engager.pk, banc.brouillon.pk
                ),
                "sens": st.sampled_from(["FAVORABLE", "neutre"]),
            },
        ),
    )
    def soumettre(qui, paires):
        acceptes.append(fuzz.essai(clients[qui], "/projets/preselection/", paires))

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
        siren, siret = fuzz.siren_et_siret(900_000 + debut + rang)
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
        valeur = draw(fuzz.CELLULES_HOSTILES)
        if isinstance(valeur, bytes):
            valeur = valeur.decode("latin-1")
        ligne[draw(st.sampled_from(NOMS_COLONNES))] = valeur
    cellules = [str(v) for ligne in lignes for v in ligne.values()]
    forme = draw(
        st.sampled_from(["csv", "csv", "xlsx", "xlsx falsifié", "tronqué", "octets", "vide"])
    )
    if forme == "csv":
        contenu = fuzz._csv(
            lignes, draw(st.sampled_from(fuzz.SEPARATEURS)), draw(st.sampled_from(fuzz.ENCODAGES))
        )
        nom = draw(st.sampled_from(["projets.csv", "projets.txt", "projets", "projets.CSV"]))
    elif forme == "xlsx":
        contenu, nom = fuzz._xlsx(lignes), draw(st.sampled_from(["projets.xlsx", "projets.csv"]))
    elif forme == "xlsx falsifié":
        for ligne in lignes:
            ligne.update(
                date_debut=datetime.date(2020, 1, 1), emplois_crees=int(fuzz.EMPLOIS_TEMOIN)
            )
        remplacements = {
            fuzz.SERIE_2020_01_01: draw(st.sampled_from(fuzz.NOMBRES_XML_HOSTILES)),
            fuzz.EMPLOIS_TEMOIN: draw(st.sampled_from(fuzz.NOMBRES_XML_HOSTILES)),
        }
        contenu, nom = fuzz._xlsx(lignes, remplacements), "projets.xlsx"
        cellules += list(remplacements.values())
    elif forme == "tronqué":
        complet = fuzz._xlsx(lignes) if draw(st.booleans()) else fuzz._csv(lignes, ";", "utf-8")
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
    """Tout ou rien, avec un rapport en français ; une ligne en erreur est citée par son numéro.

    Le fichier accepté par la page part en travail de fond, exécuté ici sur-le-champ."""
    client = fuzz._connecte(banc.pref84)
    resultats = []

    @fuzz.reglages(50)
    @given(
        fichier=fichier_importe(),
        action=st.sampled_from(["importer", "importer", "verifier", "autre"]),
    )
    def soumettre(fichier, action):
        nom, contenu, cellules = fichier
        soumis = fuzz._valeurs_texte([("", c) for c in cellules + [nom]])
        with transaction.atomic():
            avant = fuzz._etat()
            reponse = client.post(
                "/projets/importer/",
                {"fichier": SimpleUploadedFile(nom, contenu), "action": action},
            )
            assert reponse.status_code < 500
            if reponse.status_code != 302:  # le fichier n'est pas parti : le formulaire dit non
                assert reponse.status_code in (200, 413)
                assert fuzz._etat() == avant
                erreurs = fuzz._erreurs(reponse)
                assert erreurs
                for erreur in erreurs:
                    assert fuzz._en_francais(erreur, soumis), erreur
                resultats.append("refusé")
                transaction.set_rollback(True)
                return
            travail = Travail.objects.get(pk=int(reponse["Location"].strip("/").split("/")[-1]))
            travaux.executer(travail.pk, tasks.importer.fonction)
            travail.refresh_from_db()
            rapport = travail.resultat
            if travail.etat == EtatTravail.TERMINE and not rapport["verification"]:
                assert action == "importer"
                nouveaux = Projet.objects.filter(pk__gt=avant["projets.Projet"][1] or 0).count()
                assert nouveaux >= 1
                fuzz._verifier_lignes_ecrites(avant)
                resultats.append("importé")
            else:
                assert fuzz._etat() == avant, "import refusé ou vérifié, mais la base a changé"
                if travail.etat == EtatTravail.TERMINE:
                    resultats.append("vérifié")
                else:
                    resultats.append("refusé")
                    assert travail.etat == EtatTravail.ECHOUE and rapport["erreurs"]
                    for erreur in rapport["erreurs"]:
                        assert fuzz._en_francais(erreur["message"], soumis), erreur
                    page = client.get(reponse["Location"]).content.decode()
                    for ligne in {e["ligne"] for e in rapport["erreurs"] if e["ligne"]} - {1}:
                        assert re.search(rf'<th scope="row"[^>]*>{ligne}</th>', page), ligne
            transaction.set_rollback(True)

    soumettre()
    assert {"importé", "refusé"} <= set(resultats)
