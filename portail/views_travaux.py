"""Les travaux de fond d'un agent : leur avancement, leur compte rendu, leur fichier.

Un travail (`socle.models.Travail`) n'est visible que de son auteur et de l'équipe
nationale ; pour tout autre, il n'existe pas (404). La page d'un travail en cours se
recharge seule (sans JavaScript, par `<meta http-equiv="refresh">` ; avec, en ne
remplaçant que le bloc de l'avancement) ; terminé, elle montre le compte rendu du genre
(`GABARITS_DE_RESULTAT`) et le fichier produit à télécharger.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from comptes.scoping import a_un_profil, est_admin_national
from socle import travaux
from socle.models import Travail
from socle.pages import refuser_si

TRAVAUX_LISTES = 50
RECHARGEMENT_SECONDES = 2

# Le compte rendu d'un travail terminé, selon son genre (par défaut : son message).
GABARITS_DE_RESULTAT: dict[str, str] = {
    "import_projets": "projets/_resultat_import.html",
    "mise_a_jour_fonds": "fonds/_resultat_mise_a_jour.html",
}
GABARIT_PAR_DEFAUT = "portail/_resultat_travail.html"


def travaux_visibles_par(user) -> QuerySet[Travail]:
    """Les siens ; tous pour l'équipe nationale."""
    qs = Travail.objects.select_related("auteur")
    return qs if est_admin_national(user) else qs.filter(auteur=user)


def _travail_ou_404(user, pk) -> Travail:
    try:
        return travaux_visibles_par(user).get(pk=pk)
    except Travail.DoesNotExist as exc:
        raise Http404("Ce travail n'existe pas ou n'est pas le vôtre.") from exc


def contexte_du_travail(travail: Travail) -> dict:
    return {
        "travail": travail,
        "interrompu": travaux.interrompu(travail),
        "gabarit_resultat": GABARITS_DE_RESULTAT.get(travail.genre, GABARIT_PAR_DEFAUT),
        "rechargement": RECHARGEMENT_SECONDES,
    }


@login_required
@require_GET
def liste(request):
    refuser_si(a_un_profil(request.user))
    travaux_lances = Travail.objects.filter(auteur=request.user)[:TRAVAUX_LISTES]
    return render(request, "portail/travaux.html", {"travaux": travaux_lances})


@login_required
@require_GET
def detail(request, pk):
    """La page du travail ; `?partiel=1` : le seul bloc de l'avancement (rechargé par le
    script de la page)."""
    travail = _travail_ou_404(request.user, pk)
    contexte = contexte_du_travail(travail)
    if request.GET.get("partiel"):
        return render(request, "portail/_etat_travail.html", contexte)
    return render(request, "portail/travail.html", contexte)


@login_required
@require_GET
def fichier(request, pk):
    """Le fichier produit par le travail, téléchargé après vérification du droit."""
    travail = _travail_ou_404(request.user, pk)
    if not travail.fichier:
        raise Http404("Ce travail n'a pas produit de fichier.")
    nom = travail.resultat.get("nom_fichier") or travail.fichier.name.rsplit("/", 1)[-1]
    return FileResponse(travail.fichier.open("rb"), as_attachment=True, filename=nom)
