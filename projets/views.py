"""Pages des projets : minces, elles appellent sélecteurs, permissions et services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from comptes.scoping import portee_de
from config.filtres import signaler_filtres_invalides
from projets import permissions, selectors, services
from projets.exports import exporter_projets
from projets.filters import ProjetFilter
from projets.forms import AvisEnLotForm, AvisForm, ProjetForm, TransitionForm
from projets.models import Projet

PROJETS_PAR_PAGE = 50
FORMATS_EXPORT = ("csv", "xlsx")


def _refuser_si(decision):
    if not decision:
        raise PermissionDenied(decision.raison)


def _projet_ou_404(user, pk) -> Projet:
    try:
        return selectors.projet_detail(user, pk)
    except Projet.DoesNotExist as exc:
        raise Http404("Ce projet n'existe pas ou n'est pas dans votre périmètre.") from exc


def _erreurs_vers_formulaire(form, erreur: ValidationError):
    if hasattr(erreur, "error_dict"):
        for champ, liste in erreur.message_dict.items():
            cible = champ if champ in form.fields else None
            if champ == "porteur":
                cible = "porteur_siren"
            for message in liste:
                form.add_error(cible, message)
    else:
        for message in erreur.messages:
            form.add_error(None, message)


@login_required
def liste(request):
    _refuser_si(permissions.peut_lister(request.user))
    parametres = request.GET.copy()
    format_export = parametres.pop("format", [""])[-1]
    filtre = ProjetFilter(parametres or None, queryset=selectors.projets_visibles_par(request.user))
    qs = filtre.qs
    if not filtre.form.is_bound or not filtre.form.cleaned_data.get("tri"):
        qs = qs.order_by("-updated_at", "-id")
    if format_export in FORMATS_EXPORT:
        return exporter_projets(qs, format_export)
    signaler_filtres_invalides(request, filtre)
    page = Paginator(selectors.pour_page_de_liste(qs), PROJETS_PAR_PAGE).get_page(
        request.GET.get("page")
    )
    page.pages_list = list(page.paginator.get_elided_page_range(page.number))
    parametres.pop("page", None)
    return render(
        request,
        "projets/liste.html",
        {
            "filtre": filtre,
            "page_obj": page,
            "parametres": parametres.urlencode(),
            "peut_creer": bool(permissions.peut_creer(request.user)),
            "filtre_actif": any(v for k, v in parametres.items() if k != "tri" and v),
        },
    )


@login_required
def detail(request, pk):
    projet = _projet_ou_404(request.user, pk)
    return render(
        request,
        "projets/detail.html",
        {
            "projet": projet,
            "actions": permissions.actions_possibles(request.user, projet),
            "historique": selectors.historique(projet),
            "avis": selectors.avis_du_projet(projet),
            "avis_form": AvisForm(),
            "transition_form": TransitionForm(),
        },
    )


@login_required
def nouveau(request):
    _refuser_si(permissions.peut_creer(request.user))
    form = ProjetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        deposer = request.POST.get("action") == "deposer"
        try:
            projet = services.creer_projet(
                auteur=request.user, donnees=form.cleaned_data, deposer=deposer
            )
        except ValidationError as exc:
            _erreurs_vers_formulaire(form, exc)
        except services.ErreurProjet as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                "Projet déposé."
                if deposer
                else "Brouillon enregistré. Complétez-le puis déposez-le.",
            )
            return redirect("projets:detail", pk=projet.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, "Le projet n'a pas été enregistré : corrigez les champs signalés.")
    return render(request, "projets/formulaire.html", {"form": form, "projet": None})


@login_required
def modifier(request, pk):
    projet = _projet_ou_404(request.user, pk)
    _refuser_si(
        permissions.peut_creer(
            request.user, region_code=projet.region_id, departement_code=projet.departement_id
        )
    )
    decision = permissions.peut_modifier(request.user, projet)
    if not decision:
        messages.error(request, decision.raison)
        return redirect("projets:detail", pk=pk)
    if request.method == "POST":
        form = ProjetForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.modifier_projet(
                    projet_id=projet.pk,
                    auteur=request.user,
                    donnees=form.cleaned_data,
                    version_attendue=form.cleaned_data.get("version") or 0,
                )
            except ValidationError as exc:
                _erreurs_vers_formulaire(form, exc)
            except services.ErreurProjet as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Modifications enregistrées.")
                return redirect("projets:detail", pk=pk)
        messages.error(request, "Les modifications n'ont pas été enregistrées.")
    else:
        form = ProjetForm(initial=ProjetForm.initial_depuis(projet), user=request.user)
    return render(request, "projets/formulaire.html", {"form": form, "projet": projet})


@login_required
@require_POST
def transition(request, pk):
    projet = _projet_ou_404(request.user, pk)
    _refuser_si(permissions.peut_changer_de_statut(request.user))
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.changer_statut(
                projet_id=projet.pk,
                auteur=request.user,
                vers=form.cleaned_data["vers"],
                commentaire=form.cleaned_data["commentaire"],
            )
        except services.ErreurProjet as exc:
            messages.error(request, exc.message)
        else:
            projet.refresh_from_db(fields=["statut"])
            messages.success(
                request, f"Le projet est maintenant « {projet.get_statut_display()} »."
            )
    else:
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, f"Statut inchangé : {erreur}")
    return redirect("projets:detail", pk=pk)


@login_required
@require_POST
def avis(request, pk):
    projet = _projet_ou_404(request.user, pk)
    _refuser_si(permissions.peut_donner_des_avis(request.user))
    form = AvisForm(request.POST)
    if not form.is_valid():
        for erreurs in form.errors.values():
            for erreur in erreurs:
                messages.error(request, f"Avis non enregistré : {erreur}")
        return redirect("projets:detail", pk=pk)
    try:
        services.donner_avis(
            projet_id=projet.pk,
            auteur=request.user,
            sens=form.cleaned_data["sens"],
            commentaire=form.cleaned_data["commentaire"],
        )
    except services.ErreurProjet as exc:
        messages.error(request, exc.message)
    else:
        projet.refresh_from_db(fields=["statut"])
        messages.success(
            request, f"Avis enregistré. Statut du projet : « {projet.get_statut_display()} »."
        )
    return redirect("projets:detail", pk=pk)


@login_required
def preselection(request):
    """La présélection de la région : avis côte à côte, totaux, avis en lot."""
    _refuser_si(permissions.peut_lister(request.user))
    projets = list(selectors.preselection(request.user))
    cote = permissions.cote_de(request.user)
    form = AvisEnLotForm(request.POST or None, projets_ids=[p.pk for p in projets])
    if request.method == "POST":
        if cote is None:
            raise PermissionDenied("Votre rôle ne donne pas d'avis.")
        if form.is_valid():
            try:
                nombre = services.donner_avis_en_lot(
                    projet_ids=form.cleaned_data["projets"],
                    auteur=request.user,
                    sens=form.cleaned_data["sens"],
                    commentaire=form.cleaned_data["commentaire"],
                )
            except services.ErreurProjet as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"{nombre} avis enregistré{'s' if nombre > 1 else ''}.")
                return redirect(reverse("projets:preselection"))
        else:
            messages.error(request, "Aucun avis enregistré : corrigez les champs signalés.")
    totaux = selectors.totaux_selection(selectors.preselection(request.user))
    return render(
        request,
        "projets/preselection.html",
        {
            "projets": projets,
            "totaux": totaux,
            "form": form,
            "cote": cote,
            "decisions": selectors.decisions_recentes(request.user),
            "portee": portee_de(request.user),
        },
    )
