"""Pages du fonds : tableau des enveloppes, détail d'une enveloppe, engagements, versements.

Les vues sont minces : les sélecteurs lisent (et décident de la visibilité),
`permissions` dit qui peut agir, les services écrivent ; un refus métier
(`socle.erreurs`) devient une erreur du formulaire (`socle.pages.erreurs_metier`),
avec la saisie conservée.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fonds import permissions, selectors, services
from fonds.forms import (
    AnticipationForm,
    EngagementForm,
    FiltreFondsForm,
    MouvementForm,
    RedeploiementForm,
    RepartitionForm,
    VersementForm,
)
from fonds.models import ZERO, Engagement, Enveloppe
from fonds.templatetags.fonds_format import adresse_projet
from projets import selectors as projets_selectors
from projets.models import Projet
from socle.format_fr import format_euros
from socle.pages import erreurs_metier, signaler_filtres_invalides
from territoires.models import Region, Zone


def _interdit(request, raison: str):
    return render(request, "fonds/interdit.html", {"raison": raison}, status=403)


def _regions() -> list[tuple[str, str]]:
    """Les 18 régions (métropole et outre-mer) ; les collectivités d'outre-mer n'ont pas
    d'enveloppe."""
    return list(Region.objects.exclude(zone=Zone.COM).order_by("nom").values_list("code", "nom"))


@login_required
def index(request):
    decision = permissions.peut_consulter(request.user)
    if not decision:
        return _interdit(request, decision.raison)
    filtre = FiltreFondsForm(
        request.GET or None, annees=selectors.annees_des_enveloppes(), regions=_regions()
    )
    annee = region_code = None
    if filtre.is_bound:
        filtre.is_valid()
        annee = filtre.cleaned_data.get("annee")
        region_code = filtre.cleaned_data.get("region") or None
        signaler_filtres_invalides(request, filtre)
    return render(
        request,
        "fonds/index.html",
        {
            "filtre": filtre,
            "tableaux": selectors.tableau_des_fonds(
                request.user, annee=annee, region_code=region_code
            ),
            "region_nom": dict(filtre.fields["region"].choices).get(region_code),
            "annee": annee,
            "peut_gerer": bool(permissions.peut_gerer_enveloppes(request.user)),
            "peut_mettre_a_jour": bool(permissions.peut_engager_des_credits(request.user)),
        },
    )


@login_required
def enveloppe(request, pk: int):
    decision = permissions.peut_consulter(request.user)
    if not decision:
        return _interdit(request, decision.raison)
    try:
        env = selectors.enveloppe_detail(request.user, pk)
    except Enveloppe.DoesNotExist as exc:
        raise Http404(f"Aucune enveloppe n'a le numéro {pk}.") from exc
    peut_gerer = permissions.peut_gerer_enveloppes(request.user)
    regions = _regions() if peut_gerer and env.est_nationale else []
    form_mouvement = MouvementForm(prefix="mouvement")
    form_repartition = RepartitionForm(prefix="repartition", regions=regions) if regions else None
    if request.method == "POST":
        if not peut_gerer:
            return _interdit(request, peut_gerer.raison)
        action = request.POST.get("action")
        if action == "mouvement":
            form_mouvement = MouvementForm(request.POST, prefix="mouvement")
            if form_mouvement.is_valid():
                with erreurs_metier(request, form_mouvement) as resultat:
                    mouvement = services.ajouter_mouvement(
                        enveloppe_id=env.pk, auteur=request.user, **form_mouvement.cleaned_data
                    )
                if resultat.ok:
                    messages.success(
                        request,
                        f"Mouvement enregistré : {mouvement.get_type_display().lower()} de "
                        f"{format_euros(abs(mouvement.montant))}.",
                    )
                    return redirect("fonds:enveloppe", pk=env.pk)
        elif action == "repartition" and form_repartition is not None:
            form_repartition = RepartitionForm(request.POST, prefix="repartition", regions=regions)
            if form_repartition.is_valid():
                with erreurs_metier(request, form_repartition) as resultat:
                    mouvements = services.repartir(
                        enveloppe_nationale_id=env.pk,
                        montants_par_region=form_repartition.montants(),
                        date_effet=form_repartition.cleaned_data["date_effet"],
                        motif=form_repartition.cleaned_data["motif"],
                        auteur=request.user,
                    )
                if resultat.ok:
                    total = sum(m.montant for m in mouvements)
                    messages.success(
                        request,
                        f"Répartition enregistrée : {format_euros(total)} entre "
                        f"{len(mouvements)} région{'s' if len(mouvements) > 1 else ''}.",
                    )
                    return redirect("fonds:enveloppe", pk=env.pk)
        else:
            messages.error(request, "Action inconnue : rien n'a été enregistré.")
            return redirect("fonds:enveloppe", pk=env.pk)
    regionales = list(selectors.enveloppes_regionales_de(env)) if env.est_nationale else []
    reparti = sum((e.montant for e in regionales), ZERO)
    return render(
        request,
        "fonds/enveloppe.html",
        {
            "enveloppe": env,
            "mouvements": selectors.mouvements_de(env),
            "engagements": selectors.engagements_de_l_enveloppe(request.user, env),
            "regionales": regionales,
            "reparti": reparti,
            "reste_a_repartir": env.montant - reparti,
            "peut_gerer": bool(peut_gerer),
            "form_mouvement": form_mouvement,
            "form_repartition": form_repartition,
        },
    )


@login_required
def anticipation(request):
    decision = permissions.peut_gerer_enveloppes(request.user)
    if not decision:
        return _interdit(request, decision.raison)
    form = AnticipationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            _sortie, entree = services.anticiper(auteur=request.user, **form.cleaned_data)
        if resultat.ok:
            messages.success(
                request,
                f"Anticipation enregistrée : {format_euros(entree.montant)} de crédits "
                f"{form.cleaned_data['annee_source']} avancés sur "
                f"{form.cleaned_data['annee_cible']}.",
            )
            return redirect("fonds:index")
    return render(request, "fonds/anticipation.html", {"form": form})


def _source_demandee(request) -> dict:
    """`?enveloppe=<id>` : une enveloppe régionale choisie comme source (depuis la page d'une
    enveloppe ou l'administration) préremplit le dispositif, l'année et la région."""
    valeur = request.GET.get("enveloppe", "")
    if not (valeur.isascii() and valeur.isdigit()):
        return {}
    source = (
        Enveloppe.objects.filter(pk=int(valeur), region__isnull=False)
        .select_related("dispositif", "region")
        .first()
    )
    if source is None:
        return {}
    return {
        "dispositif": source.dispositif,
        "annee": source.annee,
        "region_source": source.region_id,
        "source": source,
    }


@login_required
def redeploiement(request):
    """Redéploie des crédits non engagés d'une région vers une autre (`services.redeployer` :
    les deux enveloppes verrouillées, tout ou rien, tracé, jamais sous les engagements)."""
    decision = permissions.peut_gerer_enveloppes(request.user)
    if not decision:
        return _interdit(request, decision.raison)
    initial = _source_demandee(request)
    source = initial.pop("source", None)
    form = RedeploiementForm(request.POST or None, initial=initial, regions=_regions())
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            _sortie, entree = services.redeployer(auteur=request.user, **form.cleaned_data)
        if resultat.ok:
            noms = dict(form.fields["region_source"].choices)
            messages.success(
                request,
                f"Redéploiement enregistré : {format_euros(entree.montant)} de "
                f"{noms[form.cleaned_data['region_source']]} vers "
                f"{noms[form.cleaned_data['region_cible']]} ({form.cleaned_data['annee']}).",
            )
            return redirect("fonds:enveloppe", pk=entree.enveloppe_id)
    return render(request, "fonds/redeploiement.html", {"form": form, "source": source})


def _projet_demande(request) -> Projet:
    """Le projet de `?projet=<id>`, s'il est visible de l'utilisateur ; 404 sinon."""
    valeur = request.GET.get("projet", "")
    if not (valeur.isascii() and valeur.isdigit()):
        raise Http404("Indiquez le projet pour lequel engager des crédits.")
    try:
        return projets_selectors.projet_detail(request.user, int(valeur))
    except Projet.DoesNotExist as exc:
        raise Http404(f"Aucun projet n° {valeur} dans votre périmètre.") from exc


@login_required
def engager(request):
    projet = _projet_demande(request)
    decision = permissions.peut_engager(request.user, projet) and permissions.projet_engageable(
        projet
    )
    if not decision:
        return _interdit(request, decision.raison)
    enveloppes = selectors.enveloppes_eligibles(projet)
    form = EngagementForm(request.POST or None, enveloppes=enveloppes)
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            engagement = services.engager(
                projet_id=projet.pk,
                enveloppe_id=form.cleaned_data["enveloppe"].pk,
                montant=form.cleaned_data["montant"],
                date_engagement=form.cleaned_data["date_engagement"],
                commentaire=form.cleaned_data["commentaire"],
                auteur=request.user,
            )
        if resultat.ok:
            messages.success(
                request,
                f"Crédits engagés : {format_euros(engagement.montant)} pour « {projet.intitule} ».",
            )
            return redirect(adresse_projet(projet.pk))
    return render(
        request,
        "fonds/engager.html",
        {
            "projet": projet,
            "form": form,
            "aucune_enveloppe": not enveloppes.exists(),
            "url_projet": adresse_projet(projet.pk),
        },
    )


@login_required
def versement(request, pk: int):
    try:
        engagement = selectors.engagement_detail(request.user, pk)
    except Engagement.DoesNotExist as exc:
        raise Http404(f"Aucun engagement n° {pk} dans votre périmètre.") from exc
    decision = permissions.peut_verser(request.user, engagement) and permissions.engagement_payable(
        engagement
    )
    if not decision:
        return _interdit(request, decision.raison)
    form = VersementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            versement = services.verser(
                engagement_id=engagement.pk, auteur=request.user, **form.cleaned_data
            )
        if resultat.ok:
            messages.success(
                request,
                f"Versement de {format_euros(versement.montant)} enregistré"
                f" pour « {engagement.projet.intitule} ».",
            )
            return redirect(adresse_projet(engagement.projet_id))
    return render(
        request,
        "fonds/versement.html",
        {
            "engagement": engagement,
            "reste": engagement.montant_net - engagement.montant_verse,
            "form": form,
            "url_projet": adresse_projet(engagement.projet_id),
            "url_enveloppe": reverse("fonds:enveloppe", args=[engagement.enveloppe_id]),
        },
    )
