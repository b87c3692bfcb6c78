"""Pages des projets : minces, elles appellent sélecteurs, permissions et services.

La fiche d'un projet et ses actions de cycle de vie montrent aussi ses crédits : elles
sont assemblées par `portail` avec le fonds ; ce module leur donne la partie projet
(`contexte_fiche`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from comptes.scoping import portee_de
from projets import permissions, selectors, services
from projets.exports import exporter_projets
from projets.filters import FiltrePreselection, ProjetFilter
from projets.forms import AvisEnLotForm, AvisForm, DateLimiteForm, ProjetForm, TransitionForm
from projets.models import Projet
from socle.exports import FORMATS
from socle.pages import (
    erreurs_metier,
    refuser_si,
    signaler_erreurs_du_formulaire,
    signaler_filtres_invalides,
)

PROJETS_PAR_PAGE = 50


def projet_ou_404(user, pk) -> Projet:
    try:
        return selectors.projet_detail(user, pk)
    except Projet.DoesNotExist as exc:
        raise Http404("Ce projet n'existe pas ou n'est pas dans votre périmètre.") from exc


def contexte_fiche(request, projet: Projet, *, avis_form=None, date_limite_form=None) -> dict:
    """La partie projet de sa fiche : actions permises, historique, avis, formulaires."""
    return {
        "projet": projet,
        "actions": permissions.actions_possibles(request.user, projet),
        "historique": selectors.historique(projet),
        "avis": selectors.avis_du_projet(projet),
        "avis_form": avis_form or AvisForm(),
        "transition_form": TransitionForm(),
        "date_limite_form": date_limite_form
        or DateLimiteForm(initial={"date_limite": projet.date_limite_avis}),
    }


@login_required
def liste(request):
    refuser_si(permissions.peut_lister(request.user))
    parametres = request.GET.copy()
    format_export = parametres.pop("format", [""])[-1]
    filtre = ProjetFilter(parametres or None, queryset=selectors.projets_visibles_par(request.user))
    qs = filtre.qs
    if not filtre.form.is_bound or not filtre.form.cleaned_data.get("tri"):
        qs = qs.order_by("-updated_at", "-id")
    if format_export in FORMATS:
        return exporter_projets(qs, format_export)
    signaler_filtres_invalides(request, filtre)
    page = Paginator(selectors.pour_page_de_liste(qs), PROJETS_PAR_PAGE).get_page(
        request.GET.get("page")
    )
    page.pages_list = list(page.paginator.get_elided_page_range(page.number))
    parametres.pop("page", None)
    filtre_actif = any(v for k, v in parametres.items() if k != "tri" and v)
    return render(
        request,
        "projets/liste.html",
        {
            "filtre": filtre,
            "page_obj": page,
            "parametres": parametres.urlencode(),
            "peut_creer": bool(permissions.peut_creer(request.user)),
            "filtre_actif": filtre_actif,
            "brouillons_hors_liste": 0
            if filtre_actif
            else selectors.nb_brouillons_hors_liste(request.user),
        },
    )


@login_required
def nouveau(request):
    refuser_si(permissions.peut_creer(request.user))
    form = ProjetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        deposer = request.POST.get("action") == "deposer"
        with erreurs_metier(request, form) as resultat:
            projet = services.creer_projet(
                auteur=request.user, saisie=form.saisie(), deposer=deposer
            )
        if resultat.ok:
            messages.success(
                request,
                "Projet déposé."
                if deposer
                else "Brouillon enregistré. Complétez-le puis déposez-le.",
            )
            return redirect("projets:detail", pk=projet.pk)
    if request.method == "POST":
        messages.error(request, "Le projet n'a pas été enregistré : corrigez les champs signalés.")
    return render(request, "projets/formulaire.html", {"form": form, "projet": None})


@login_required
def modifier(request, pk):
    """Un rôle qui ne saisit jamais de projet reçoit 403. Sinon, un projet qu'il ne peut
    pas modifier (statut, périmètre) est expliqué avant d'afficher le formulaire ; à
    l'envoi, c'est le service qui refuse, en erreur du formulaire."""
    projet = projet_ou_404(request.user, pk)
    refuser_si(permissions.peut_creer(request.user))
    if request.method == "POST":
        form = ProjetForm(request.POST, user=request.user)
        if form.is_valid():
            with erreurs_metier(request, form) as resultat:
                services.modifier_projet(
                    projet_id=projet.pk,
                    auteur=request.user,
                    saisie=form.saisie(),
                    version_attendue=form.cleaned_data.get("version") or 0,
                )
            if resultat.ok:
                messages.success(request, "Modifications enregistrées.")
                return redirect("projets:detail", pk=pk)
        messages.error(request, "Les modifications n'ont pas été enregistrées.")
    else:
        if not (decision := permissions.peut_modifier(request.user, projet)):
            messages.error(request, decision.raison)
            return redirect("projets:detail", pk=pk)
        form = ProjetForm(initial=ProjetForm.initial_depuis(projet), user=request.user)
    return render(request, "projets/formulaire.html", {"form": form, "projet": projet})


def lire_transition(request) -> TransitionForm | None:
    """Le formulaire d'un bouton de changement de statut ; `None` (et un message) s'il est
    incomplet."""
    form = TransitionForm(request.POST)
    if form.is_valid():
        return form
    signaler_erreurs_du_formulaire(request, form, "Statut inchangé : ")
    return None


@login_required
@require_POST
def avis(request, pk):
    projet = projet_ou_404(request.user, pk)
    refuser_si(permissions.peut_donner_des_avis(request.user))
    form = AvisForm(request.POST)
    if not form.is_valid():
        signaler_erreurs_du_formulaire(request, form, "Avis non enregistré : ")
        return redirect("projets:detail", pk=pk)
    with erreurs_metier(request, prefixe="Avis non enregistré : ") as resultat:
        services.donner_avis(
            projet_id=projet.pk,
            auteur=request.user,
            sens=form.cleaned_data["sens"],
            commentaire=form.cleaned_data["commentaire"],
        )
    if resultat.ok:
        projet.refresh_from_db(fields=["statut"])
        messages.success(
            request, f"Avis enregistré. Statut du projet : « {projet.get_statut_display()} »."
        )
    return redirect("projets:detail", pk=pk)


@login_required
def preselection(request):
    """La présélection de la région : avis côte à côte, totaux, avis en lot."""
    refuser_si(permissions.peut_lister(request.user))
    portee = portee_de(request.user)
    filtre = FiltrePreselection(
        request.GET,
        portee=portee,
        annee_par_defaut=selectors.annee_de_la_preselection(request.user),
    )
    signaler_filtres_invalides(request, filtre)
    selection = filtre.filtrer(selectors.preselection(request.user))
    projets = list(selection)
    cote = permissions.cote_de(request.user)
    form = AvisEnLotForm(request.POST or None, projets_ids=[p.pk for p in projets])
    if request.method == "POST":
        refuser_si(permissions.peut_donner_des_avis(request.user))
        if form.is_valid():
            with erreurs_metier(request, form) as resultat:
                nombre = services.donner_avis_en_lot(
                    projet_ids=form.cleaned_data["projets"],
                    auteur=request.user,
                    sens=form.cleaned_data["sens"],
                    commentaire=form.cleaned_data["commentaire"],
                )
            if resultat.ok:
                messages.success(request, f"{nombre} avis enregistré{'s' if nombre > 1 else ''}.")
                return redirect(reverse("projets:preselection"))
        messages.error(request, "Aucun avis enregistré : corrigez les champs signalés.")
    totaux = selectors.totaux_selection(selection)
    # Une réponse dont le contexte reste ouvert : `portail` y ajoute l'enveloppe de la région.
    return TemplateResponse(
        request,
        "projets/preselection.html",
        {
            "projets": projets,
            "totaux": totaux,
            "form": form,
            "cote": cote,
            "decisions": selectors.decisions_recentes(request.user),
            "filtre": filtre,
            "annee": filtre.cleaned_data.get("annee"),
            "territoire": filtre.cleaned_data.get("territoire"),
            "region_code": filtre.region_code(portee),
        },
    )
