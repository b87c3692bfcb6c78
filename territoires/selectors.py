"""Lectures du référentiel pour les pages et, plus tard, l'API."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from territoires.models import (
    Commune,
    Intercommunalite,
    Perimetre,
    TerritoireIndustrie,
)
from territoires.validators import normaliser


def territoires_liste() -> QuerySet[TerritoireIndustrie]:
    return TerritoireIndustrie.objects.select_related("region")


def filtrer_par_region(qs, code):
    return qs.filter(region_id=code)


def filtrer_par_departement(qs, code):
    """Territoires dont au moins une commune est dans le département."""
    communes = TerritoireIndustrie.communes.through.objects.filter(
        territoireindustrie_id=OuterRef("pk"), commune__departement_id=code
    )
    return qs.filter(Exists(communes))


def filtrer_par_type_epci(qs, type_epci):
    """Territoires comptant au moins un EPCI de ce type parmi leurs adhésions en vigueur."""
    adhesions = Perimetre.objects.en_vigueur().filter(
        territoire_id=OuterRef("pk"), epci__type=type_epci
    )
    return qs.filter(Exists(adhesions))


def rechercher_territoires(qs, texte):
    """Recherche par nom ou code du territoire, SIREN ou nom d'un EPCI, nom ou code d'une commune.

    La recherche ignore les accents et la casse (« vallee de l arve »).
    """
    forme = normaliser(texte)
    if not forme:
        return qs
    adhesions = Perimetre.objects.en_vigueur().filter(territoire_id=OuterRef("pk"))
    communes = TerritoireIndustrie.communes.through.objects.filter(
        territoireindustrie_id=OuterRef("pk")
    )
    condition = Q(recherche__contains=forme) | Exists(
        adhesions.filter(epci__recherche__contains=forme)
    )
    if texte.strip().isdigit():
        code = texte.strip()
        condition |= Q(code=code) | Exists(communes.filter(commune_id=code))
    else:
        condition |= Exists(communes.filter(commune__recherche__contains=forme))
    return qs.filter(condition)


def territoire_detail(code: str) -> TerritoireIndustrie:
    adhesions = Perimetre.objects.en_vigueur().select_related("epci").order_by("epci__nom")
    return (
        TerritoireIndustrie.objects.select_related("region")
        .prefetch_related(Prefetch("perimetres", queryset=adhesions, to_attr="adhesions"))
        .get(code=code)
    )


def communes_du_territoire(territoire: TerritoireIndustrie) -> QuerySet[Commune]:
    return territoire.communes.select_related("departement", "epci").order_by("nom")


def intercommunalite_detail(siren: str) -> Intercommunalite:
    adhesions = Perimetre.objects.select_related("territoire").order_by("-valide_du")
    return Intercommunalite.objects.prefetch_related(
        "departements",
        "regions",
        Prefetch("perimetres", queryset=adhesions, to_attr="adhesions"),
    ).get(siren=siren)


def communes_de_l_epci(epci: Intercommunalite) -> QuerySet[Commune]:
    return epci.communes.select_related("departement").order_by("nom")


def communes_par_nom(code_territoire: str, texte: str, *, limite: int = 20) -> list[Commune]:
    """Les communes d'un territoire dont le nom contient `texte` (sans accents ni casse) ou
    dont le code INSEE commence par `texte` : celles dont le nom commence par le texte
    d'abord, puis par ordre alphabétique."""
    forme = normaliser(texte)
    if not forme or not code_territoire:
        return []
    code = texte.strip().upper()
    condition = Q(recherche__contains=forme)
    if len(code) <= 5 and code.isalnum():
        condition |= Q(code_insee__startswith=code)
    communes = (
        Commune.objects.filter(condition, territoires=code_territoire)
        .select_related("departement")
        .order_by("nom", "code_insee")[:200]
    )
    return sorted(communes, key=lambda c: not c.recherche.startswith(forme))[:limite]


def communes_de_ce_nom(code_territoire: str, texte: str) -> list[Commune]:
    """Les communes d'un territoire qui portent exactement ce nom (sans accents ni casse)."""
    forme = normaliser(texte)
    if not forme or not code_territoire:
        return []
    return list(
        Commune.objects.filter(recherche=forme, territoires=code_territoire).order_by("code_insee")
    )
