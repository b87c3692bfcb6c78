"""Pages des simulations : l'enveloppe et ses simulations, une simulation, la comparaison.

Minces : les sélecteurs lisent (et décident de la visibilité), `permissions` dit qui
peut agir, les services écrivent ; un refus métier devient une erreur du formulaire ou
un message (`socle.pages.erreurs_metier`). Les actions sur une simulation (ligne,
copie, application, nouveaux candidats) sont dans `actions.py`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from comptes.scoping import portee_de
from programmation import exports, permissions, selectors, services
from programmation.forms import (
    DuplicationForm,
    FiltreProgrammationForm,
    LigneForm,
    NouvelleSimulationForm,
)
from programmation.models import Simulation
from socle.exports import FORMATS
from socle.format_fr import nombre_decimal
from socle.pages import erreurs_metier, refuser_si, signaler_filtres_invalides


def simulation_ou_404(user, pk: int) -> Simulation:
    try:
        return selectors.simulation_detail(user, pk)
    except Simulation.DoesNotExist as exc:
        raise Http404("Cette simulation n'existe pas ou n'est pas dans votre périmètre.") from exc


def url_programmation(enveloppe) -> str:
    """La page de l'enveloppe (ses simulations)."""
    parametres = urlencode(
        {
            "region": enveloppe.region_id,
            "annee": enveloppe.annee,
            "dispositif": enveloppe.dispositif.code,
        }
    )
    return f"{reverse('programmation:index')}?{parametres}"


def taux_texte(ligne) -> str:
    investissement = ligne.projet.montant_investissement
    if not investissement:
        return "—"
    return f"{nombre_decimal(ligne.montant / investissement * 100, 1)}\u00a0%"


def contexte_ligne(simulation, ligne, actions: dict, form: LigneForm | None = None) -> dict:
    """Une ligne du tableau ; `form` : la saisie refusée, montrée telle que l'agent l'a tapée."""
    ligne.taux = taux_texte(ligne)
    contexte = {
        "simulation": simulation,
        "ligne": ligne,
        "modifiable": actions["modifier"],
        "montant_saisi": LigneForm.base_fields["montant"].prepare_value(ligne.montant),
        "incluse_saisie": ligne.incluse,
        "erreurs": [],
    }
    if form is not None and form.errors:
        contexte["erreurs"] = [e for erreurs in form.errors.values() for e in erreurs]
        if form["montant"].errors:  # la saisie refusée reste dans le champ
            contexte["montant_saisi"] = form["montant"].value()
            contexte["incluse_saisie"] = bool(form["incluse"].value())
    return contexte


def rendu_ligne(request, simulation, ligne, actions, form=None) -> str:
    return render_to_string(
        "programmation/_ligne.html", contexte_ligne(simulation, ligne, actions, form), request
    )


def rendu_totaux(request, simulation) -> str:
    return render_to_string(
        "programmation/_totaux.html",
        {"simulation": simulation, "totaux": selectors.totaux(simulation)},
        request,
    )


# --- L'enveloppe et ses simulations --------------------------------------------------


@login_required
def index(request):
    refuser_si(permissions.peut_programmer(request.user))
    portee = portee_de(request.user)
    dispositifs = list(selectors.dispositifs_programmables())
    code = request.GET.get("dispositif") or selectors.FONDS
    annees = selectors.annees_programmables(code)
    region_code = portee.region_code if portee.regionale else request.GET.get("region") or None
    filtre = FiltreProgrammationForm(
        request.GET,
        regional=portee.regionale,
        annees=annees,
        dispositifs=dispositifs,
        annee_par_defaut=selectors.annee_par_defaut(request.user, annees, region_code),
    )
    signaler_filtres_invalides(request, filtre)
    choix = filtre.cleaned_data
    annee, code = choix.get("annee"), choix.get("dispositif") or selectors.FONDS
    if not portee.regionale:
        region_code = choix["region"].pk if choix.get("region") else None
    enveloppe = None
    if region_code and annee:
        enveloppe = selectors.enveloppe_regionale(
            region_code=region_code, annee=annee, dispositif=code
        )
    form = NouvelleSimulationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            simulation = services.creer_simulation(
                auteur=request.user,
                region=request.POST.get("region", ""),
                annee=request.POST.get("annee", ""),
                dispositif=request.POST.get("dispositif", ""),
                nom=form.cleaned_data["nom"],
            )
        if resultat.ok:
            messages.success(
                request,
                f"Simulation « {simulation.nom} » créée : ses lignes sont les projets "
                "candidats, présélectionnés inclus.",
            )
            return redirect("programmation:simulation", pk=simulation.pk)
    if request.method == "POST":
        messages.error(request, "La simulation n'a pas été créée : corrigez les champs signalés.")
    simulations = selectors.avec_totaux(
        selectors.pour_affichage(selectors.simulations_visibles_par(request.user))
    ).filter(enveloppe__dispositif__code=code)
    if annee:
        simulations = simulations.filter(enveloppe__annee=annee)
    if region_code:
        simulations = simulations.filter(enveloppe__region_id=region_code)
    simulations = list(simulations.order_by("-appliquee_le", "-updated_at", "-pk")[:200])
    for simulation in simulations:
        simulation.reste_apres = simulation.enveloppe.montant_disponible - simulation.propose
    candidats = selectors.demandes(selectors.candidats(region_code, annee)) if enveloppe else None
    return render(
        request,
        "programmation/index.html",
        {
            "filtre": filtre,
            "enveloppe": enveloppe,
            "region_code": region_code,
            "annee": annee,
            "dispositif": code,
            "candidats": candidats,
            "reste_si_tout": enveloppe.montant_disponible - candidats.selection
            if enveloppe
            else None,
            "simulations": simulations,
            "form": form,
        },
    )


# --- Une simulation ----------------------------------------------------------------------


def page_simulation(request, simulation, *, formulaires: dict | None = None, status=200):
    """La page d'une simulation ; `formulaires` : une saisie refusée à remontrer
    (`{"ligne": (pk, form)}`, `{"duplication": form}`)."""
    actions = permissions.actions_possibles(request.user, simulation)
    formulaires = formulaires or {}
    en_erreur = formulaires.get("ligne")
    lignes = [
        contexte_ligne(
            simulation,
            ligne,
            actions,
            en_erreur[1] if en_erreur and en_erreur[0] == ligne.pk else None,
        )
        for ligne in selectors.lignes_de(simulation)
    ]
    return render(
        request,
        "programmation/simulation.html",
        {
            "simulation": simulation,
            "enveloppe": simulation.enveloppe,
            "url_programmation": url_programmation(simulation.enveloppe),
            "lignes": lignes,
            "totaux": selectors.totaux(simulation),
            "actions": actions,
            "nb_nouveaux": selectors.nouveaux_candidats(simulation).count()
            if actions["modifier"]
            else 0,
            "autres": list(selectors.autres_simulations(simulation)[:50]),
            "form_duplication": formulaires.get("duplication")
            or DuplicationForm(initial={"nom": f"Copie de {simulation.nom}"[:120]}),
        },
        status=status,
    )


@login_required
def simulation(request, pk: int):
    refuser_si(permissions.peut_programmer(request.user))
    simulation = simulation_ou_404(request.user, pk)
    format_export = request.GET.get("format", "")
    if format_export in FORMATS:
        return exports.exporter_simulation(simulation, format_export)
    return page_simulation(request, simulation)


# --- Comparaison -------------------------------------------------------------------------


def _simulation_choisie(request, cle: str) -> Simulation | None:
    valeur = request.GET.get(cle, "")
    if not valeur.isdigit():
        return None
    return simulation_ou_404(request.user, int(valeur))


@login_required
def comparer(request):
    """Deux simulations côte à côte : montants proposés par projet, totaux, écarts."""
    refuser_si(permissions.peut_programmer(request.user))
    a, b = _simulation_choisie(request, "a"), _simulation_choisie(request, "b")
    if a is not None and b is not None and a.pk == b.pk:
        messages.warning(request, "Choisissez deux simulations différentes.")
        b = None
    choix = selectors.pour_affichage(selectors.simulations_visibles_par(request.user))
    if a is not None:
        choix = choix.filter(enveloppe_id=a.enveloppe_id)
    contexte = {
        "a": a,
        "b": b,
        "choix": list(choix.order_by("-updated_at", "-pk")[:200]),
        "champs": [("a", a, "Simulation de référence"), ("b", b, "Comparée à")],
        "lignes": None,
    }
    if a is not None and b is not None:
        totaux = selectors.totaux_de([a, b])
        contexte.update(
            lignes=selectors.comparaison(a, b),
            totaux_a=totaux[a.pk],
            totaux_b=totaux[b.pk],
            ecart=totaux[b.pk].propose - totaux[a.pk].propose,
        )
    return render(request, "programmation/comparer.html", contexte)
