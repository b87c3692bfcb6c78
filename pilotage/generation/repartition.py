"""Répartir un nombre ou un montant au prorata de poids, sans rien perdre ni ajouter."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

MILLIER = Decimal("1000")


def repartir_entier(total: int, poids: dict, minimum: int = 0) -> dict:
    """Un entier au prorata des poids (méthode des plus forts restes), avec un plancher."""
    cles = sorted(poids)
    resultat = dict.fromkeys(cles, minimum)
    reste = total - minimum * len(cles)
    if reste < 0:
        raise ValueError(
            f"{total} ne suffit pas à donner {minimum} à chacune des {len(cles)} parts."
        )
    somme = sum(poids.values())
    parts = {c: reste * poids[c] / somme for c in cles}
    for c in cles:
        resultat[c] += int(parts[c])
    manque = total - sum(resultat.values())
    for c in sorted(cles, key=lambda c: (-(parts[c] - int(parts[c])), c))[:manque]:
        resultat[c] += 1
    return resultat


def repartir_montant(total: Decimal, poids: dict, pas: Decimal = MILLIER) -> dict:
    """Un montant au prorata, chaque part arrondie au pas, le reliquat à la plus grosse part."""
    cles = sorted(poids)
    somme = sum(poids.values())
    resultat = {
        c: (total * Decimal(poids[c]) / Decimal(somme) / pas).quantize(Decimal(1), ROUND_DOWN) * pas
        for c in cles
    }
    plus_grosse = max(cles, key=lambda c: (resultat[c], c))
    resultat[plus_grosse] += total - sum(resultat.values())
    return resultat


def au_millier(montant, arrondi: str = ROUND_HALF_UP) -> Decimal:
    """Un montant en euros arrondi au millier (au plus proche, ou `ROUND_DOWN`)."""
    return (Decimal(montant) / MILLIER).quantize(Decimal(1), arrondi) * MILLIER
