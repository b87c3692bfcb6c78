"""Un montant en euros écrit en toutes lettres, comme dans une lettre ou une convention.

Règles de l'orthographe de 1990 (traits d'union entre tous les mots numéraux) :
« deux-cent-mille euros », « quatre-vingts euros », « un million cinq-cent-mille euros ».
`million` et `milliard` sont des noms : ils prennent un « s » et ne sont pas liés.
"""

from decimal import ROUND_HALF_UP, Decimal

UNITES = (
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
    "quinze seize dix-sept dix-huit dix-neuf"
).split()
DIZAINES = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _moins_de_cent(n: int) -> str:
    if n < 20:
        return UNITES[n]
    dizaine, unite = divmod(n, 10)
    if dizaine in (7, 9):  # soixante-dix…, quatre-vingt-dix…
        base = "soixante" if dizaine == 7 else "quatre-vingt"
        return f"{base}-{'et-' if n == 71 else ''}{UNITES[10 + unite]}"
    if dizaine == 8:
        return "quatre-vingts" if unite == 0 else f"quatre-vingt-{UNITES[unite]}"
    if unite == 0:
        return DIZAINES[dizaine]
    if unite == 1:
        return f"{DIZAINES[dizaine]}-et-un"
    return f"{DIZAINES[dizaine]}-{UNITES[unite]}"


def _moins_de_mille(n: int, *, final: bool = True) -> str:
    """`final` : le nombre n'est pas suivi de « mille » (« deux-cents », « deux-cent-mille »)."""
    centaines, reste = divmod(n, 100)
    if centaines == 0:
        mots = _moins_de_cent(reste)
    else:
        cent = "cent" if centaines == 1 else f"{UNITES[centaines]}-cent"
        if reste:
            mots = f"{cent}-{_moins_de_cent(reste)}"
        else:
            mots = cent + ("s" if centaines > 1 and final else "")
    if not final and mots.endswith("quatre-vingts"):
        mots = mots[:-1]
    return mots


def entier_en_lettres(n: int) -> str:
    if n < 0:
        return f"moins {entier_en_lettres(-n)}"
    if n == 0:
        return "zéro"
    mots = []
    for valeur, nom in ((10**9, "milliard"), (10**6, "million")):
        nombre, n = divmod(n, valeur)
        if nombre:
            mots.append(f"{entier_en_lettres(nombre)} {nom}{'s' if nombre > 1 else ''}")
    milliers, n = divmod(n, 1000)
    if milliers:
        mots.append("mille" if milliers == 1 else f"{_moins_de_mille(milliers, final=False)}-mille")
    if n:
        mots.append(_moins_de_mille(n))
    texte = " ".join(mots)
    # Les mots numéraux se lient entre eux : « deux-cent-mille-trois ».
    return texte.replace("mille ", "mille-") if not texte.endswith("mille") else texte


def euros_en_lettres(montant: Decimal) -> str:
    """« 1 500 000,50 » → « un million cinq-cent-mille euros et cinquante centimes »."""
    montant = Decimal(montant).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    euros = int(montant)
    centimes = int((montant - euros) * 100)
    liaison = " d'euros" if euros and euros % 10**6 == 0 else " euros"
    texte = entier_en_lettres(euros) + (" euro" if euros == 1 else liaison)
    if centimes:
        texte += f" et {entier_en_lettres(centimes)} centime{'s' if centimes > 1 else ''}"
    return texte
