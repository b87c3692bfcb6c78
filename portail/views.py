"""Les pages qui réunissent plusieurs domaines.

Chaque page assemble ce que lui donnent les applications d'en dessous, sans règle
propre : la fiche d'un projet (le projet et ses avis, `projets` ; ses crédits, `fonds` ;
ses documents, `documents`), ses changements de statut (un abandon rend les crédits :
`fonds`), la page d'un territoire (son référentiel, `territoires` ; ses chiffres et
projets, `pilotage`), le journal d'audit (les objets masqués viennent de `projets`, de
`fonds` et de `documents`), la présélection (la liste de `projets`, l'enveloppe de la
région lue par `programmation`), l'accueil.
Elles gardent l'adresse et le nom de leur domaine (`config/urls.py`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from comptes.models import Action
from comptes.permissions import peut_lire_le_journal
from documents import views as documents_views
from echanges import views as echanges_views
from fonds import selectors as fonds_selectors
from fonds import services as fonds_services
from pilotage import graphiques
from pilotage import selectors as pilotage_selectors
from portail.journal import traces_visibles_par
from programmation import permissions as programmation_permissions
from programmation import selectors as programmation_selectors
from projets import delais
from projets import permissions as projets_permissions
from projets import views as projets_views
from projets.forms import DateLimiteForm
from socle.exports import FORMATS, TypeColonne
from socle.pages import erreurs_metier, refuser_si
from socle.tableaux import Colonne, Tableau, exporter
from territoires import selectors as territoires_selectors
from territoires import views as territoires_views
from territoires.models import PHASE_EN_COURS, Intercommunalite, TerritoireIndustrie

MODELES_SUIVIS = [
    "projets.Projet",
    "projets.Avis",
    "fonds.Enveloppe",
    "fonds.Mouvement",
    "fonds.Engagement",
    "fonds.Versement",
    "programmation.Simulation",
    "programmation.LigneSimulation",
    "documents.Document",
    "documents.Signature",
    "echanges.Commentaire",
    "pilotage.Indicateur",
    "pilotage.ValeurIndicateur",
    "comptes.Profil",
]


def accueil(request):
    return render(
        request,
        "portail/accueil.html",
        {
            "nb_territoires": TerritoireIndustrie.objects.filter(phase=PHASE_EN_COURS).count(),
            "nb_intercommunalites": Intercommunalite.objects.filter(
                territoires__phase=PHASE_EN_COURS
            )
            .distinct()
            .count(),
        },
    )


def _fiche(request, projet, *, date_limite_form=None, commentaire_form=None):
    contexte = projets_views.contexte_fiche(request, projet, date_limite_form=date_limite_form)
    contexte.update(fonds_selectors.credits_du_projet(request.user, projet))
    contexte.update(documents_views.contexte_fiche(request.user, projet))
    contexte.update(
        echanges_views.contexte_discussion(request, projet, commentaire_form=commentaire_form)
    )
    return render(request, "portail/fiche_projet.html", contexte)


@login_required
def fiche_projet(request, pk):
    return _fiche(request, projets_views.projet_ou_404(request.user, pk))


@login_required
@require_POST
def date_limite(request, pk):
    """Une autre date limite des avis ; en erreur, la fiche revient avec la saisie gardée."""
    projet = projets_views.projet_ou_404(request.user, pk)
    refuser_si(projets_permissions.peut_changer_date_limite(request.user, projet))
    form = DateLimiteForm(request.POST)
    if form.is_valid():
        with erreurs_metier(request, form) as resultat:
            delais.changer_date_limite(
                projet_id=projet.pk,
                auteur=request.user,
                date_limite=form.cleaned_data["date_limite"],
                motif=form.cleaned_data["motif"],
            )
        if resultat.ok:
            messages.success(request, "Date limite des avis enregistrée.")
            return redirect("projets:detail", pk=pk)
    messages.error(request, "Date limite inchangée : corrigez les champs signalés.")
    return _fiche(request, projet, date_limite_form=form)


@login_required
@require_POST
def commenter(request, pk):
    """Un message dans la discussion du projet ; en erreur, la fiche revient avec la saisie."""
    projet = projets_views.projet_ou_404(request.user, pk)
    form = echanges_views.lire_commentaire(request, projet)
    if form is None:
        return redirect(reverse("projets:detail", args=[pk]) + "#discussion")
    return _fiche(request, projet, commentaire_form=form)


@login_required
@require_POST
def transition(request, pk):
    """Un changement de statut demandé sur la fiche ; l'abandon rend les crédits non versés."""
    refuser_si(projets_permissions.peut_changer_de_statut(request.user))
    projet = projets_views.projet_ou_404(request.user, pk)
    form = projets_views.lire_transition(request)
    if form is not None:
        with erreurs_metier(request, prefixe="Statut inchangé : ") as resultat:
            projet = fonds_services.changer_statut_du_projet(
                projet_id=projet.pk,
                auteur=request.user,
                vers=form.cleaned_data["vers"],
                commentaire=form.cleaned_data["commentaire"],
            )
        if resultat.ok:
            messages.success(
                request, f"Le projet est maintenant « {projet.get_statut_display()} »."
            )
    return redirect("projets:detail", pk=pk)


@login_required
def preselection(request):
    """La présélection de la région (`projets`), avec l'enveloppe de l'année choisie et ce
    que ses demandes y prendraient (`programmation`)."""
    reponse = projets_views.preselection(request)
    if isinstance(reponse, TemplateResponse):
        contexte = reponse.context_data
        reponse.template_name = "portail/preselection.html"
        contexte["bandeau"] = programmation_selectors.bandeau_enveloppe(
            request.user,
            region_code=contexte["region_code"],
            annee=contexte["annee"],
            territoire=contexte["territoire"],
        )
        contexte["peut_programmer"] = bool(programmation_permissions.peut_programmer(request.user))
    return reponse


def fiche_territoire(request, code):
    contexte = territoires_views.contexte_territoire(code)
    contexte.update(pilotage_selectors.chiffres_du_territoire(contexte["territoire"], request.user))
    contexte["carte_du_territoire"] = _carte_du_territoire(contexte["territoire"])
    return render(request, "portail/fiche_territoire.html", contexte)


def _carte_du_territoire(territoire):
    """Le contour d'un territoire de la phase 2 sur les départements voisins (None sans
    contour : la liste d'octobre 2020 n'en a pas)."""
    fond = territoires_selectors.fond_de_carte(territoire)
    if fond is None:
        return None
    voisins, cadre = fond
    noms = ", ".join(nom for _code, nom, _trace in voisins)
    return graphiques.carte_d_un_territoire(
        id="graphique-territoire",
        titre=f"Carte du territoire {territoire.nom}",
        description=(
            f"Contour simplifié du Territoire d'industrie {territoire.nom} ({territoire.code}), "
            f"en couleur, sur les départements qui l'entourent : {noms}. Ses communes et ses "
            "intercommunalités sont listées plus bas."
        ),
        territoire=graphiques.Trace(territoire.code, territoire.nom, territoire.contour),
        fond=[graphiques.Trace(*voisin) for voisin in voisins],
        cadre=cadre,
    )


def _changements_lisibles(changements: dict) -> str:
    return " ; ".join(
        f"{champ} : {avant} → {apres}" for champ, (avant, apres) in changements.items()
    )


# L'export du journal : une trace par ligne.
COLONNES_JOURNAL = [
    Colonne("date", "Date", lambda t: t.created_at, TypeColonne.DATE_HEURE),
    Colonne("auteur", "Auteur", lambda t: t.auteur.username if t.auteur else ""),
    Colonne("action", "Action", lambda t: t.get_action_display()),
    Colonne("objet", "Objet", lambda t: t.modele),
    Colonne("identifiant", "Identifiant", lambda t: t.objet_id),
    Colonne("libelle", "Libellé", lambda t: t.libelle, largeur=40),
    Colonne("region", "Région", lambda t: t.region),
    Colonne(
        "changements",
        "Changements (avant → après)",
        lambda t: _changements_lisibles(t.changements),
        largeur=60,
    ),
    Colonne("requete", "Requête", lambda t: t.requete, largeur=34),
]


@login_required
def journal(request):
    """Le journal d'audit : l'équipe nationale voit tout, les agents régionaux leur région."""
    refuser_si(peut_lire_le_journal(request.user))
    traces = traces_visibles_par(request.user)
    filtres = {cle: request.GET.get(cle, "").strip() for cle in ("modele", "objet", "action")}
    if filtres["modele"]:
        traces = traces.filter(modele=filtres["modele"])
    if filtres["objet"]:
        traces = traces.filter(objet_id=filtres["objet"])
    if filtres["action"] in Action.values:
        traces = traces.filter(action=filtres["action"])
    format_export = request.GET.get("format")
    if format_export in FORMATS:
        tableau = Tableau(
            "journal", "Journal d'audit", COLONNES_JOURNAL, traces.iterator(chunk_size=2000)
        )
        return exporter(tableau, format=format_export, nom="journal-audit")
    page = Paginator(traces, 50).get_page(request.GET.get("page"))
    page.pages_list = list(page.paginator.get_elided_page_range(page.number))
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return render(
        request,
        "portail/journal.html",
        {
            "page_obj": page,
            "modeles": MODELES_SUIVIS,
            "actions": Action.choices,
            "filtres": filtres,
            "parametres": parametres.urlencode(),
        },
    )
