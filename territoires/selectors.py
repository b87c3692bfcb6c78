"""Lectures du référentiel pour les pages et, plus tard, l'API."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value

from territoires import contours
from territoires.models import (
    PHASE_EN_COURS,
    PREFIXE_PHASE_2,
    Commune,
    Departement,
    Intercommunalite,
    Perimetre,
    Phase,
    Region,
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
    if texte.strip().lower().startswith(PREFIXE_PHASE_2):
        condition |= Q(code=texte.strip().lower())
    if texte.strip().isdigit():
        code = texte.strip()
        condition |= (
            Q(code=code) | Q(code=PREFIXE_PHASE_2 + code) | Exists(communes.filter(commune_id=code))
        )
    else:
        condition |= Exists(communes.filter(commune__recherche__contains=forme))
    return qs.filter(condition)


def phases_et_nombres() -> list[dict]:
    """Les deux phases, la phase en cours d'abord, avec leur nombre de territoires."""
    nombres = dict(
        TerritoireIndustrie.objects.order_by().values_list("phase").annotate(n=Count("code"))
    )
    ordre = [PHASE_EN_COURS, *[p for p in Phase.values if p != PHASE_EN_COURS]]
    return [{"valeur": p, "libelle": Phase(p).label, "nombre": nombres.get(p, 0)} for p in ordre]


def territoires_de_l_autre_phase(territoire: TerritoireIndustrie) -> QuerySet:
    """Les territoires de l'autre phase qui ont des communes en commun avec celui-ci, le
    plus grand recouvrement d'abord (`communes_en_commun`)."""
    communes = TerritoireIndustrie.communes.through.objects.filter(
        territoireindustrie_id=territoire.pk
    ).values("commune_id")
    return (
        TerritoireIndustrie.objects.exclude(phase=territoire.phase)
        .filter(communes__in=communes)
        .annotate(communes_en_commun=Count("communes"))
        .order_by("-communes_en_commun", "nom")
    )


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


def contours_de_la_carte() -> dict[str, list[tuple[str, str, str]]]:
    """Les tracés de la carte nationale : (code, nom, tracé) des régions, départements et
    territoires de la phase en cours ; une requête, quelles que soient les données."""
    regions = Region.objects.exclude(contour="").annotate(couche=Value("regions"))
    departements = Departement.objects.exclude(contour="").annotate(couche=Value("departements"))
    territoires = (
        TerritoireIndustrie.objects.filter(phase=PHASE_EN_COURS)
        .exclude(contour="")
        .annotate(couche=Value("territoires"))
    )
    champs = ("couche", "code", "nom", "contour")
    # Sans ordre dans les parties (SQLite le refuse dans une union) ; l'union est ordonnée.
    lignes = (
        regions.order_by()
        .values_list(*champs)
        .union(
            departements.order_by().values_list(*champs),
            territoires.order_by().values_list(*champs),
            all=True,
        )
        .order_by("couche", "code")
    )
    couches = {"regions": [], "departements": [], "territoires": []}
    for couche, code, nom, trace in lignes:
        couches[couche].append((code, nom, trace))
    return couches


def fond_de_carte(territoire: TerritoireIndustrie) -> tuple[list, tuple] | None:
    """Les départements autour d'un territoire qui a un contour, et le cadre (x, y,
    largeur, hauteur) de sa carte ; None sans contour."""
    cadre = contours.emprise(territoire.contour)
    if cadre is None:
        return None
    x0, y0, x1, y1 = cadre
    marge = max(x1 - x0, y1 - y0) // 6 + 20
    x0, y0, x1, y1 = x0 - marge, y0 - marge, x1 + marge, y1 + marge
    voisins = []
    for code, nom, trace in Departement.objects.exclude(contour="").values_list(
        "code", "nom", "contour"
    ):
        e = contours.emprise(trace)
        if e and e[0] <= x1 and e[2] >= x0 and e[1] <= y1 and e[3] >= y0:
            voisins.append((code, nom, trace))
    return voisins, (x0, y0, x1 - x0, y1 - y0)
