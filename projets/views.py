"""Pages des projets : minces, elles appellent sélecteurs, permissions et services.

La fiche d'un projet et ses actions de cycle de vie montrent aussi ses crédits : elles
sont assemblées par `portail` avec le fonds ; ce module leur donne la partie projet
(`contexte_fiche`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from comptes.scoping import portee_de
from projets import permissions, selectors, services
from projets.filters import FiltrePreselection, ProjetFilter
from projets.forms import AvisEnLotForm, AvisForm, DateLimiteForm, ProjetForm, TransitionForm
from projets.models import Projet
from socle.pages import (
    Resultat,
    erreurs_metier,
    garder_saisie,
    refuser_si,
    reprendre_saisie,
    signaler_erreurs_du_formulaire,
    signaler_filtres_invalides,
)
from territoires.selectors import communes_par_nom

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
        "avis_form": avis_form
        or reprendre_saisie(request, f"avis-{projet.pk}", AvisForm)
        or AvisForm(),
        "transition_form": TransitionForm(),
        "date_limite_form": date_limite_form
        or DateLimiteForm(initial={"date_limite": projet.date_limite_avis}),
    }


def selection(user, parametres) -> tuple[ProjetFilter, QuerySet[Projet]]:
    """Les projets de la liste : ceux que l'agent voit, filtrés et triés par `parametres`
    (la page, son export et l'export en travail de fond lisent la même sélection)."""
    filtre = ProjetFilter(
        parametres or None, queryset=selectors.projets_visibles_par(user), user=user
    )
    qs = filtre.qs
    if not filtre.form.is_bound or not filtre.form.cleaned_data.get("tri"):
        qs = qs.order_by("-updated_at", "-id")
    return filtre, qs


@login_required
def liste(request):
    """La liste ; ses exports (`?format=csv|xlsx`) sont assemblés par `portail.exports`."""
    refuser_si(permissions.peut_lister(request.user))
    parametres = request.GET.copy()
    parametres.pop("format", None)
    filtre, qs = selection(request.user, parametres)
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
            for avertissement in projet.avertissements:
                messages.warning(request, avertissement)
            return redirect("projets:detail", pk=projet.pk)
    return render(request, "projets/formulaire.html", {"form": form, "projet": None})


@login_required
@require_GET
def communes(request):
    """Les communes du territoire choisi dont le nom contient le texte tapé (ou dont le code
    INSEE commence par lui) : la liste de suggestions du champ « Commune du site »."""
    refuser_si(permissions.peut_creer(request.user))
    trouvees = communes_par_nom(request.GET.get("territoire", ""), request.GET.get("q", ""))
    return JsonResponse(
        {
            "communes": [
                {"code": c.code_insee, "nom": c.nom, "departement": c.departement.nom}
                for c in trouvees
            ]
        }
    )


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
                modifie = services.modifier_projet(
                    projet_id=projet.pk,
                    auteur=request.user,
                    saisie=form.saisie(),
                    version_attendue=form.cleaned_data.get("version") or 0,
                )
            if resultat.ok:
                messages.success(request, "Modifications enregistrées.")
                for avertissement in modifie.avertissements:
                    messages.warning(request, avertissement)
                return redirect("projets:detail", pk=pk)
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
    resultat = Resultat(ok=form.is_valid())
    if resultat.ok:
        with erreurs_metier(request, form) as resultat:
            services.donner_avis(
                projet_id=projet.pk,
                auteur=request.user,
                sens=form.cleaned_data["sens"],
                commentaire=form.cleaned_data["commentaire"],
            )
    if not resultat.ok:
        for message in form.non_field_errors() or ["corrigez les champs signalés."]:
            messages.error(request, f"Avis non enregistré : {message}")
        garder_saisie(request, f"avis-{projet.pk}", form)
    else:
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
    totaux = selectors.totaux_selection(selection)
    # Une réponse dont le contexte reste ouvert : `portail` y ajoute l'enveloppe de la région.
    return TemplateResponse(
        request,
        "projets/preselection.html",
        {
            "projets": projets,
            "totaux": totaux,
            "form": form,
            # Après une erreur, les projets cochés le restent.
            "coches": set(form["projets"].value() or ()) if form.is_bound else set(),
            "cote": cote,
            "decisions": selectors.decisions_recentes(request.user),
            "filtre": filtre,
            "annee": filtre.cleaned_data.get("annee"),
            "territoire": filtre.cleaned_data.get("territoire"),
            "region_code": filtre.region_code(portee),
        },
    )
