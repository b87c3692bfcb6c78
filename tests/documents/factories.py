"""Fichiers de test (vrais formats, produits ici) et projets pour les documents."""

import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook

from projets.models import Statut
from tests.fonds.factories import fonds_2020, projet_engage
from tests.projets.factories import projet_au_statut
from tests.territoires.factories import TERRITOIRE_32

M = Decimal("1000000")

# La chaîne de test EICAR : reconnue par tout antivirus, inoffensive.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def pdf(texte: str = "Devis") -> bytes:
    """Un PDF minimal valide d'une page."""
    flux = f"BT /F1 12 Tf 72 720 Td ({texte}) Tj ET".encode()
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(flux) + flux + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    sortie = io.BytesIO()
    sortie.write(b"%PDF-1.4\n")
    positions = []
    for numero, corps in enumerate(objets, start=1):
        positions.append(sortie.tell())
        sortie.write(b"%d 0 obj\n" % numero + corps + b"\nendobj\n")
    debut_table = sortie.tell()
    sortie.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1))
    for position in positions:
        sortie.write(b"%010d 00000 n \n" % position)
    sortie.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objets) + 1, debut_table)
    )
    return sortie.getvalue()


def xlsx() -> bytes:
    classeur = Workbook()
    classeur.active.append(["Poste", "Montant"])
    classeur.active.append(["Machine", 150000])
    sortie = io.BytesIO()
    classeur.save(sortie)
    return sortie.getvalue()


def executable() -> bytes:
    """Un en-tête d'exécutable Windows (MZ … PE)."""
    return b"MZ\x90\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200


def bombe_docx(octets: int = 20 * 1024 * 1024) -> bytes:
    """Un « document Word » dont une partie se décompresse en `octets` zéros."""
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * octets)
    return sortie.getvalue()


def projet_visible(comptes, statut=Statut.EN_INSTRUCTION, **valeurs):
    return projet_au_statut(statut, prefecture=comptes["prefecture-84"], **valeurs)


def projet_32(comptes):
    return projet_au_statut(
        Statut.EN_INSTRUCTION, prefecture=comptes["prefecture-32"], territoire=TERRITOIRE_32
    )


def un_projet_engage(comptes, montant=Decimal("1500000.50")):
    """Un projet de la région 84, présélectionné par deux avis favorables et engagé."""
    _nationale, regionales = fonds_2020(auteur=comptes["admin-national"])
    return projet_engage(
        prefecture=comptes["prefecture-84"],
        conseil=comptes["region-84"],
        enveloppe=regionales["84"],
        montant=montant,
        aide_sollicitee=2 * M,
        montant_investissement=10 * M,
    )
