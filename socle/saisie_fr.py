"""Lire un montant écrit à la française : dans un formulaire comme dans un tableur.

« 1 500 000,50 », « 1500000.50 », « 1.500.000,50 », « 1,500,000.50 », « 2 000 € » : les
espaces (insécables et fines comprises), l'apostrophe et le point ou la virgule par
groupes de trois chiffres séparent les milliers ; le dernier séparateur, les centimes.
« 1.500 » reste illisible : 1 500 € écrits à l'anglaise, ou 1,50 € ? On ne devine pas.

Seule la lecture est ici : le signe, les centimes et les plafonds sont des règles de
ceux qui reçoivent le montant (`projets.saisie`, les services du fonds).
"""

import re
from decimal import Decimal

from django import forms

EXEMPLES = "« 1 500 000,50 » ou « 1500000.50 »"
AMBIGUITE = (
    "le séparateur sépare-t-il les milliers ou les centimes ? Écrivez le montant sans "
    "séparateur de milliers (« 1500 ») ou avec deux décimales au plus (« 1,50 »)."
)


class MontantIllisible(ValueError):
    """Un texte qui n'est pas un montant ; `code` : `invalide` ou `ambigu`.

    `message` cite le texte lu (un rapport d'import dit de quelle cellule il parle).
    """

    def __init__(self, ecrit: str, code: str):
        if code == "ambigu":
            message = f"« {ecrit} » est ambigu : {AMBIGUITE}"
        else:
            message = f"« {ecrit} » n'est pas un montant en euros (exemples : {EXEMPLES})."
        super().__init__(message)
        self.message = message
        self.code = code


def lire_montant(ecrit: str) -> Decimal:
    """Le montant écrit, tel quel (signe et décimales compris) ; `MontantIllisible` sinon."""
    texte = re.sub(r"[\s']|€|(?i:eur)", "", ecrit)
    signe = ""
    if texte[:1] in ("+", "-"):
        signe, texte = texte[0], texte[1:]
    virgules, points = texte.count(","), texte.count(".")
    decimal = milliers = None
    if virgules and points:
        # Le dernier des deux sépare les décimales, l'autre les milliers.
        decimal = "," if texte.rfind(",") > texte.rfind(".") else "."
        milliers = "." if decimal == "," else ","
    elif virgules == 1 or points == 1:
        decimal = "," if virgules else "."
    elif virgules > 1 or points > 1:
        milliers = "," if virgules else "."
    entier, _, decimales = texte.partition(decimal) if decimal else (texte, "", "")
    if milliers:
        if not re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(milliers)}[0-9]{{3}})+", entier):
            raise MontantIllisible(ecrit, "invalide")
        entier = entier.replace(milliers, "")
    if not re.fullmatch(r"[0-9]+", entier) or not re.fullmatch(r"[0-9]*", decimales):
        raise MontantIllisible(ecrit, "invalide")
    if not milliers and re.fullmatch(r"[1-9][0-9]{0,2}", entier) and len(decimales) == 3:
        raise MontantIllisible(ecrit, "ambigu")
    return Decimal(f"{signe}{entier}.{decimales or '0'}")


class ChampMontant(forms.DecimalField):
    """Un montant en euros saisi à la française, lu par `lire_montant`.

    Ses messages ne citent pas la saisie : le champ la montre déjà.
    """

    default_error_messages = {
        "invalid": f"Saisissez un montant en euros, par exemple {EXEMPLES}.",
        "ambigu": f"Montant ambigu : {AMBIGUITE}",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if not isinstance(value, str):
            return super().to_python(value)
        if not value.strip():
            return None
        try:
            return lire_montant(value)
        except MontantIllisible as exc:
            code = "ambigu" if exc.code == "ambigu" else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code) from exc

    def prepare_value(self, value):
        """Un montant connu (valeur initiale) s'affiche comme on l'écrit : « 1 500 000,00 »."""
        if isinstance(value, Decimal):
            return f"{value:,.2f}".replace(",", " ").replace(".", ",")
        return value
