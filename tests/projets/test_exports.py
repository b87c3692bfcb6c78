import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from comptes.models import Role
from projets import services
from projets.exports import COLONNES, exporter_projets
from projets.models import Entreprise, Projet, SensAvis, Statut
from socle.exports import Colonne, FormatInconnu, TypeColonne, reponse_export
from tests.comptes.factories import agent
from tests.projets.factories import CLUSES, creer_projet, projet_au_statut, siren_valide

pytestmark = pytest.mark.django_db

AUJOURDHUI = timezone.localdate().isoformat()


def _contenu(reponse) -> bytes:
    return b"".join(reponse.streaming_content) if reponse.streaming else reponse.content


def _lire_csv(reponse, contenu: bytes | None = None):
    texte = (contenu or _contenu(reponse)).decode("utf-8")
    assert texte.startswith("\ufeff"), "le BOM UTF-8 manque : Excel lirait mal les accents"
    return list(csv.reader(io.StringIO(texte[1:], newline=""), delimiter=";"))


def _lire_xlsx(reponse):
    classeur = load_workbook(io.BytesIO(reponse.content))
    return classeur.worksheets[0]


def _rang(titre):
    return [colonne.titre for colonne in COLONNES].index(titre)


def _montant_csv(texte):
    return Decimal(texte.replace(",", "."))


@pytest.fixture
def prefecture(referentiel):
    return agent("prefecture-84", Role.PREFECTURE, "84")


@pytest.fixture
def projets(prefecture):
    # Une entreprise de démonstration, marquée fictive comme le fait `generer_demo`.
    fictive = Entreprise.objects.create(
        siren=siren_valide(500_000),
        raison_sociale="Décolletage Fictif (démo)",
        taille="PME",
        fictive=True,
    )
    depose = projet_au_statut(
        Statut.DEPOSE,
        prefecture=prefecture,
        commune=CLUSES,
        porteur_siren=fictive.siren,
        porteur_raison_sociale=fictive.raison_sociale,
        porteur_taille=fictive.taille,
        annee=2021,
        montant_investissement=Decimal("1500000.50"),
        aide_sollicitee=Decimal("300000.25"),
        emplois_crees=12,
        emplois_maintenus=1234,
        siret="",
        date_debut=datetime.date(2021, 3, 1),
        date_fin=datetime.date(2022, 12, 31),
    )
    en_instruction = projet_au_statut(
        Statut.EN_INSTRUCTION,
        prefecture=prefecture,
        intitule='=HYPERLINK("http://exemple.invalid")',
        annee=2021,
        montant_investissement=Decimal("9876543210.99"),
        aide_sollicitee=Decimal("0.01"),
        emplois_crees=0,
        emplois_maintenus=7,
    )
    services.donner_avis(projet_id=en_instruction.pk, auteur=prefecture, sens=SensAvis.FAVORABLE)
    return [depose, en_instruction]


def test_csv_pour_excel_en_francais(projets):
    reponse = exporter_projets(Projet.objects.order_by("id"), "csv")

    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    assert reponse["Content-Disposition"] == f'attachment; filename="projets-{AUJOURDHUI}.csv"'
    lignes = _lire_csv(reponse)
    assert lignes[0] == [colonne.titre for colonne in COLONNES]
    assert len(lignes) == 3
    premiere, seconde = lignes[1], lignes[2]
    assert premiere[_rang("N°")] == str(projets[0].pk)
    assert premiere[_rang("Statut")] == "Déposé"
    assert premiere[_rang("Région")] == "Auvergne-Rhône-Alpes"
    assert premiere[_rang("Code territoire")] == "8414"
    assert premiere[_rang("Territoire d'industrie")] == "Vallée de l'Arve"
    assert premiere[_rang("Code INSEE commune")] == "74081"
    assert premiere[_rang("Commune")] == "Cluses"
    assert premiere[_rang("SIREN EPCI")] == projets[0].epci_id
    assert premiere[_rang("Données fictives")] == "Oui"
    assert seconde[_rang("Données fictives")] == "Non"
    # Virgule décimale, aucun séparateur de milliers, dates JJ/MM/AAAA.
    assert premiere[_rang("Investissement productif (€)")] == "1500000,50"
    assert premiere[_rang("Aide sollicitée (€)")] == "300000,25"
    assert premiere[_rang("Emplois maintenus")] == "1234"
    assert premiere[_rang("Début des travaux")] == "01/03/2021"
    assert premiere[_rang("Fin prévue")] == "31/12/2022"
    assert seconde[_rang("Avis de l'État")] == "Favorable"
    assert seconde[_rang("Statut")] == "En instruction"
    # Une formule dans un intitulé reste du texte dans le tableur.
    assert seconde[_rang("Intitulé")] == '\'=HYPERLINK("http://exemple.invalid")'


def test_csv_memes_montants_que_la_base(projets):
    lignes = _lire_csv(exporter_projets(Projet.objects.order_by("id"), "csv"))[1:]
    en_base = list(
        Projet.objects.order_by("id").values_list(
            "montant_investissement", "aide_sollicitee", "emplois_crees", "emplois_maintenus"
        )
    )
    lus = [
        (
            _montant_csv(ligne[_rang("Investissement productif (€)")]),
            _montant_csv(ligne[_rang("Aide sollicitée (€)")]),
            int(ligne[_rang("Emplois créés")]),
            int(ligne[_rang("Emplois maintenus")]),
        )
        for ligne in lignes
    ]
    assert lus == en_base


def test_xlsx_nombres_formats_et_mise_en_forme(projets):
    reponse = exporter_projets(Projet.objects.order_by("id"), "xlsx")

    assert reponse["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert reponse["Content-Disposition"] == f'attachment; filename="projets-{AUJOURDHUI}.xlsx"'
    feuille = _lire_xlsx(reponse)
    assert feuille.title == "Projets"
    assert [c.value for c in feuille[1]] == [colonne.titre for colonne in COLONNES]
    assert all(c.font.b for c in feuille[1])
    assert feuille.freeze_panes == "A2"
    assert feuille.auto_filter.ref == f"A1:AC{len(projets) + 1}"
    assert feuille.column_dimensions["B"].width == 45

    en_base = Projet.objects.order_by("id").values_list(
        "id", "montant_investissement", "aide_sollicitee", "emplois_crees", "date_debut"
    )
    for numero_ligne, (pk, investissement, aide, emplois, debut) in enumerate(en_base, start=2):
        ligne = feuille[numero_ligne]
        montant = ligne[_rang("Investissement productif (€)")]
        assert isinstance(montant.value, int | float)
        assert Decimal(str(montant.value)).quantize(Decimal("0.01")) == investissement
        assert montant.number_format == '#,##0.00 "€"'
        aide_lue = ligne[_rang("Aide sollicitée (€)")].value
        assert Decimal(str(aide_lue)).quantize(Decimal("0.01")) == aide
        assert ligne[_rang("Emplois créés")].value == emplois
        assert ligne[_rang("Emplois créés")].number_format == "#,##0"
        assert ligne[_rang("N°")].value == pk
        date = ligne[_rang("Début des travaux")]
        assert date.value.date() == debut
        assert date.number_format == "dd/mm/yyyy"
        assert ligne[_rang("Année")].value == 2021
        assert ligne[_rang("Année")].number_format == "0"
    assert feuille.cell(2, _rang("Données fictives") + 1).value == "Oui"
    # La formule d'un intitulé n'est pas exécutée : c'est une chaîne.
    intitule = feuille.cell(3, _rang("Intitulé") + 1)
    assert intitule.data_type == "s"
    assert intitule.value == '=HYPERLINK("http://exemple.invalid")'
    modification = feuille.cell(2, _rang("Dernière modification") + 1).value
    assert isinstance(modification, datetime.datetime)
    assert modification.tzinfo is None


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_selection_vide_donne_l_en_tete(referentiel, format):
    reponse = exporter_projets(Projet.objects.none(), format)
    assert reponse.status_code == 200
    if format == "csv":
        assert _lire_csv(reponse) == [[colonne.titre for colonne in COLONNES]]
    else:
        feuille = _lire_xlsx(reponse)
        assert feuille.max_row == 1
        assert [c.value for c in feuille[1]] == [colonne.titre for colonne in COLONNES]


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("nombre", [2, 30])
def test_nombre_de_requetes_constant(prefecture, django_assert_num_queries, format, nombre):
    for _ in range(nombre):
        creer_projet(prefecture)
    qs = Projet.objects.filter(region_id="84")
    # 1 : les projets avec région, département, territoire, EPCI, commune et porteur (jointures).
    # Le CSV est lu au fil de l'envoi : la requête part quand le fichier est lu.
    with django_assert_num_queries(1):
        reponse = exporter_projets(qs, format)
        contenu = _contenu(reponse)
    if format == "csv":
        assert len(_lire_csv(reponse, contenu)) == nombre + 1
    else:
        assert _lire_xlsx(reponse).max_row == nombre + 1


def test_format_inconnu(referentiel):
    with pytest.raises(FormatInconnu, match="ods"):
        exporter_projets(Projet.objects.all(), "ods")


def test_mecanisme_commun_pourcentage_date_et_vides():
    colonnes = [
        Colonne("Libellé"),
        Colonne("Taux", TypeColonne.POURCENTAGE),
        Colonne("Montant", TypeColonne.MONTANT),
        Colonne("Le", TypeColonne.DATE),
        Colonne("Nombre", TypeColonne.ENTIER),
    ]
    lignes = [
        (
            "Effet de levier",
            Decimal("0.2575"),
            Decimal("150000000"),
            datetime.date(2020, 9, 3),
            179,
        ),
        ("Sans valeurs", None, None, None, None),
    ]
    texte = _contenu(
        reponse_export(format="csv", titre="Indicateurs : 2020", colonnes=colonnes, lignes=lignes)
    ).decode("utf-8")
    assert texte.splitlines()[1] == "Effet de levier;25,75 %;150000000,00;03/09/2020;179"
    assert texte.splitlines()[2] == "Sans valeurs;;;;"

    reponse = reponse_export(
        format="xlsx", titre="Indicateurs : 2020", colonnes=colonnes, lignes=lignes
    )
    assert f'filename="indicateurs-2020-{AUJOURDHUI}.xlsx"' in reponse["Content-Disposition"]
    feuille = _lire_xlsx(reponse)
    assert feuille.title == "Indicateurs 2020"
    taux = feuille["B2"]
    assert taux.value == pytest.approx(0.2575)
    assert taux.number_format == "0.00 %"
    assert feuille["C2"].value == 150000000
    assert [c.value for c in feuille[3]][1:] == [None, None, None, None]


def test_le_csv_part_au_fil_des_lignes():
    """Le CSV n'est jamais construit en entier : chaque paquet part dès qu'il est prêt."""
    lues = []

    def lignes():
        for rang in range(2000):
            lues.append(rang)
            yield (rang, "x")

    reponse = reponse_export(
        format="csv", titre="Essai", colonnes=[Colonne("N°", TypeColonne.ENTIER), Colonne("X")],
        lignes=lignes(),
    )  # fmt: skip
    assert reponse.streaming
    morceaux = iter(reponse.streaming_content)
    assert next(morceaux).decode() == "\ufeffN°;X\r\n"
    assert next(morceaux).decode().startswith("0;x\r\n1;x\r\n")
    assert len(lues) < 600
    assert sum(1 for _ in morceaux) == 3 and len(lues) == 2000
