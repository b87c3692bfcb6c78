from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from socle.pages import signaler_filtres_invalides
from territoires import selectors
from territoires.filters import TerritoireFilter
from territoires.models import Intercommunalite, TerritoireIndustrie

TERRITOIRES_PAR_PAGE = 25


def territoires_liste(request):
    filtre = TerritoireFilter(request.GET, queryset=selectors.territoires_liste())
    qs = filtre.qs
    if not filtre.form.cleaned_data.get("tri"):
        qs = qs.order_by("nom")
    signaler_filtres_invalides(request, filtre)
    page = Paginator(qs, TERRITOIRES_PAR_PAGE).get_page(request.GET.get("page"))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "territoires/liste.html",
        {
            "filtre": filtre,
            "page_obj": page,
            "parametres": parametres.urlencode(),
            "filtre_actif": any(
                v for k, v in request.GET.items() if k not in ("page", "tri", "phase") and v
            ),
            "phases": selectors.phases_et_nombres(),
            "phase_choisie": filtre.phase_choisie,
        },
    )


def contexte_territoire(code) -> dict:
    """La page d'un territoire : son référentiel (ses chiffres s'y ajoutent, `portail`)."""
    try:
        territoire = selectors.territoire_detail(code)
    except TerritoireIndustrie.DoesNotExist as exc:
        raise Http404(f"Aucun Territoire d'industrie n'a le code « {code} ».") from exc
    return {
        "territoire": territoire,
        "communes": selectors.communes_du_territoire(territoire),
        "recouvrements": selectors.territoires_de_l_autre_phase(territoire),
    }


def intercommunalite_detail(request, siren):
    try:
        epci = selectors.intercommunalite_detail(siren)
    except Intercommunalite.DoesNotExist as exc:
        raise Http404(f"Aucune intercommunalité n'a le SIREN « {siren} ».") from exc
    return render(
        request,
        "territoires/intercommunalite.html",
        {"epci": epci, "communes": selectors.communes_de_l_epci(epci)},
    )
