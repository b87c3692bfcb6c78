"""Les actions sur une simulation : une ligne (en place, sans recharger la page si le
navigateur exécute `js/programmation.js`), la copie, l'application, les nouveaux candidats.

Chaque action est un formulaire qui marche sans JavaScript : envoyé, il revient à la
page de la simulation (avec un message, ou la saisie refusée et son erreur). Envoyé par
le script (`X-Requested-With: fetch`), il rend en JSON la ligne et les totaux à jour.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from programmation import permissions, selectors, services
from programmation.forms import DuplicationForm, LigneForm, VersionForm
from programmation.models import LigneSimulation
from programmation.views import page_simulation, rendu_ligne, rendu_totaux, simulation_ou_404
from socle.format_fr import format_euros
from socle.pages import erreurs_metier, refuser_si, signaler_erreurs_du_formulaire


def _par_script(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _retour(simulation, ancre: str = ""):
    return redirect(reverse("programmation:simulation", args=[simulation.pk]) + ancre)


def _simulation(request, pk: int):
    refuser_si(permissions.peut_programmer(request.user))
    return simulation_ou_404(request.user, pk)


@login_required
@require_POST
def ligne(request, pk: int, ligne_pk: int):
    simulation = _simulation(request, pk)
    try:
        ligne = selectors.ligne_detail(simulation, ligne_pk)
    except LigneSimulation.DoesNotExist as exc:
        raise Http404("Cette ligne n'est pas dans la simulation.") from exc
    form = LigneForm(request.POST, prefix=f"ligne-{ligne_pk}")
    if form.is_valid():
        with erreurs_metier(request, form) as resultat:
            services.modifier_ligne(
                ligne_id=ligne.pk,
                auteur=request.user,
                version_attendue=form.cleaned_data["version"],
                montant=form.cleaned_data["montant"],
                incluse=form.cleaned_data["incluse"],
            )
        ok = resultat.ok
    else:
        ok = False
    intitule = ligne.projet.intitule
    message = (
        f"Ligne « {intitule} » enregistrée." if ok else f"Ligne « {intitule} » non enregistrée."
    )
    # La ligne à jour (la valeur d'un autre agent, si elle a changé) ; la saisie refusée
    # reste dans son champ quand c'est le montant qui est en cause.
    simulation = simulation_ou_404(request.user, pk)
    ligne = selectors.ligne_detail(simulation, ligne_pk)
    actions = permissions.actions_possibles(request.user, simulation)
    if _par_script(request):
        return JsonResponse(
            {
                "ok": ok,
                "message": message,
                "ligne": rendu_ligne(request, simulation, ligne, actions, None if ok else form),
                "totaux": rendu_totaux(request, simulation),
            },
            status=200 if ok else 400,
        )
    if ok:
        messages.success(request, message)
        return _retour(simulation, f"#ligne-{ligne_pk}")
    messages.error(request, f"{message} Voyez l'erreur sur la ligne.")
    return page_simulation(request, simulation, formulaires={"ligne": (ligne_pk, form)})


@login_required
@require_POST
def dupliquer(request, pk: int):
    simulation = _simulation(request, pk)
    form = DuplicationForm(request.POST)
    if form.is_valid():
        with erreurs_metier(request, form) as resultat:
            copie = services.dupliquer(
                simulation_id=simulation.pk, auteur=request.user, nom=form.cleaned_data["nom"]
            )
        if resultat.ok:
            messages.success(
                request, f"Copie « {copie.nom} » créée : modifiez-la sans toucher à l'originale."
            )
            return redirect("programmation:simulation", pk=copie.pk)
    messages.error(request, "La copie n'a pas été créée : corrigez le nom.")
    return page_simulation(request, simulation, formulaires={"duplication": form})


@login_required
@require_POST
def appliquer(request, pk: int):
    refuser_si(permissions.peut_appliquer_des_simulations(request.user))
    simulation = _simulation(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        signaler_erreurs_du_formulaire(request, form, "Simulation non appliquée : ")
        return _retour(simulation)
    with erreurs_metier(request, prefixe="Simulation non appliquée, rien n'a été engagé. ") as r:
        engagements = services.appliquer(
            simulation_id=simulation.pk,
            auteur=request.user,
            version_attendue=form.cleaned_data["version"],
        )
    if r.ok:
        total = sum(e.montant for e in engagements)
        nombre = len(engagements)
        pluriel = "s" if nombre > 1 else ""
        messages.success(
            request,
            f"Simulation appliquée : {nombre} engagement{pluriel} pour {format_euros(total)}. "
            f"Le{pluriel} projet{pluriel} {'sont' if pluriel else 'est'} engagé{pluriel} ; "
            "la Région est prévenue.",
        )
    return _retour(simulation)


@login_required
@require_POST
def candidats(request, pk: int):
    simulation = _simulation(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        signaler_erreurs_du_formulaire(request, form, "Aucun projet ajouté : ")
        return _retour(simulation)
    with erreurs_metier(request, prefixe="Aucun projet ajouté : ") as resultat:
        nombre = services.ajouter_candidats(
            simulation_id=simulation.pk,
            auteur=request.user,
            version_attendue=form.cleaned_data["version"],
        )
    if resultat.ok:
        pluriel = "s" if nombre > 1 else ""
        messages.success(
            request,
            f"{nombre} projet{pluriel} ajouté{pluriel}, non inclu{pluriel} : cochez ceux à "
            "financer."
            if nombre
            else "Aucun nouveau projet candidat.",
        )
    return _retour(simulation)
