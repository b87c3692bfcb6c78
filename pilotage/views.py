"""Tableaux de bord (national et régional) et indicateurs du programme.

Les pages ne lisent que les lignes de totaux précalculées (`selectors.totaux_visibles_par`)
et les indicateurs : leur nombre de requêtes ne dépend pas du nombre de projets. Un
tableau de la page se télécharge aussi (`?format=xlsx&table=regions`, mêmes filtres).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from comptes.scoping import portee_de
from pilotage import (
    cache_tableau_de_bord,
    indicateurs,
    permissions,
    selectors,
    services,
    tableau_de_bord,
)
from pilotage.colonnes import COLONNES_INDICATEURS
from pilotage.forms import ValeurIndicateurForm
from pilotage.models import Indicateur, Niveau
from socle.exports import FORMATS
from socle.pages import erreurs_metier, refuser_si
from socle.tableaux import Tableau, exporter_ou_rendre, parametres_de_la_page

GABARIT = "pilotage/tableau_de_bord.html"


def _tableau_des_indicateurs(avancements) -> Tableau:
    return Tableau("indicateurs", "Indicateurs du programme", COLONNES_INDICATEURS, avancements)


def _rendre(request, page: dict, portee: str, construire_contexte):
    """Un tableau de bord : l'export d'un de ses tableaux (`?format=`), ou la page, dont le
    corps vient du cache tant que les chiffres n'ont pas changé (`corps_en_cache`)."""
    if request.GET.get("format", "") in FORMATS:
        return exporter_ou_rendre(request, GABARIT, construire_contexte())
    if format_export := request.GET.get("format"):
        messages.warning(
            request, f"Format d'export inconnu « {format_export} » : choisissez CSV ou XLSX."
        )
    corps = cache_tableau_de_bord.corps_en_cache(
        request, portee=portee, construire_contexte=construire_contexte
    )
    return render(request, GABARIT, {**page, "corps": corps})


@login_required
def national(request):
    """Le tableau de bord national. Requêtes (hors session et utilisateur) : le profil, la
    version des chiffres, puis, si le corps de la page n'est pas en cache, les lignes
    nationales, les lignes des régions du dispositif choisi, les indicateurs."""
    region = permissions.region_de_l_utilisateur(request.user)
    if region:
        url = reverse("pilotage:region", args=[region])
        parametres = parametres_de_la_page(request)
        parametres.pop("carte", None)
        return redirect(f"{url}?{parametres.urlencode()}" if parametres else url)
    refuser_si(permissions.peut_voir_tableau_national(request.user))

    peut_saisir = permissions.peut_saisir_indicateur(request.user).ok

    def construire_contexte() -> dict:
        visibles = selectors.totaux_visibles_par(request.user)
        lignes = list(visibles.filter(niveau=Niveau.NATIONAL).order_by("dispositif", "annee"))
        contexte = tableau_de_bord.construire(
            request,
            echelle=tableau_de_bord.NATIONALE,
            lignes=lignes,
            parties=visibles.filter(niveau=Niveau.REGION),
            nom="France",
        )
        avancements = indicateurs.avancements(indicateurs.indicateurs_avec_derniere_valeur())
        contexte["tableaux"]["indicateurs"] = _tableau_des_indicateurs(avancements)
        contexte.update(
            avancements=avancements,
            autres_instruments=selectors.autres_instruments(
                contexte["instruments"], lignes, avancements
            ),
            peut_saisir=peut_saisir,
            **page,
        )
        return contexte

    page = {
        "titre": "Tableau de bord national",
        "niveau": Niveau.NATIONAL,
        "nom_fichier": "pilotage-national",
    }
    return _rendre(request, page, f"national:{peut_saisir}", construire_contexte)


@login_required
def region(request, code: str):
    """Le tableau de bord d'une région. Requêtes (hors session et utilisateur) : le profil,
    les lignes de la région, les lignes de ses territoires pour le dispositif choisi."""
    if portee_de(request.user).aucune:
        raise PermissionDenied(permissions.SANS_PROFIL)
    # Un code de région est fait de chiffres : tout autre texte (y compris un caractère
    # nul, que PostgreSQL refuse dans une requête) est une région inconnue.
    if not (code.isascii() and code.isdigit()) or not permissions.peut_voir_region(
        request.user, code
    ):
        # La région d'un autre agent régional : comme une région inconnue, sans rien en dire.
        raise Http404("Cette région n'existe pas ou n'est pas dans votre périmètre.")
    visibles = selectors.totaux_visibles_par(request.user)
    lignes = list(visibles.filter(niveau=Niveau.REGION, code=code).order_by("dispositif", "annee"))
    if not lignes:
        raise Http404(
            f"Aucun tableau de bord pour la région « {code} » : code inconnu, ou totaux pas "
            "encore calculés."
        )
    nom_region = lignes[0].libelle
    page = {
        "titre": f"Tableau de bord – {nom_region}",
        "niveau": Niveau.REGION,
        "nom_region": nom_region,
        "code_region": code,
        "nom_fichier": f"pilotage-region-{code}",
        "est_national": permissions.peut_voir_tableau_national(request.user).ok,
    }

    def construire_contexte() -> dict:
        contexte = tableau_de_bord.construire(
            request,
            echelle=tableau_de_bord.REGIONALE,
            lignes=lignes,
            parties=visibles.filter(niveau=Niveau.TERRITOIRE, code_region=code),
            nom=nom_region,
        )
        return {**contexte, **page}

    return _rendre(request, page, f"region:{code}", construire_contexte)


# --- Indicateurs -------------------------------------------------------------------------------


@login_required
def indicateurs_liste(request):
    """Les indicateurs, leur valeur la plus récente et l'historique de leurs valeurs."""
    refuser_si(permissions.peut_voir_indicateurs(request.user))
    avancements = indicateurs.avancements(indicateurs.indicateurs_avec_derniere_valeur())
    historique: dict[int, list] = {}
    unites = {a.indicateur.pk: a.indicateur.unite for a in avancements}
    for valeur in indicateurs.historique_des_valeurs():
        valeur.affichee = indicateurs.formater(unites.get(valeur.indicateur_id), valeur.valeur)
        historique.setdefault(valeur.indicateur_id, []).append(valeur)
    contexte = {
        "avancements": [(a, historique.get(a.indicateur.pk, [])) for a in avancements],
        "peut_saisir": permissions.peut_saisir_indicateur(request.user).ok,
        "tableaux": {"indicateurs": _tableau_des_indicateurs(avancements)},
        "nom_fichier": "pilotage",
        "parametres": "",
    }
    return exporter_ou_rendre(request, "pilotage/indicateurs.html", contexte)


@login_required
def saisir_valeur(request):
    """Une valeur datée et sourcée pour un indicateur : l'équipe nationale seulement (403)."""
    refuser_si(permissions.peut_saisir_indicateur(request.user))
    initial = {}
    if (code := request.GET.get("indicateur")) and "\x00" not in code:
        initial["indicateur"] = (
            Indicateur.objects.filter(code=code).values_list("pk", flat=True).first()
        )
    form = ValeurIndicateurForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with erreurs_metier(request, form) as resultat:
            valeur = services.enregistrer_valeur(
                indicateur_id=form.cleaned_data["indicateur"].pk,
                auteur=request.user,
                valeur=form.cleaned_data["valeur"],
                date=form.cleaned_data["date"],
                source=form.cleaned_data["source"],
            )
        if resultat.ok:
            messages.success(
                request,
                f"Valeur enregistrée pour « {valeur.indicateur.libelle} » : "
                f"{indicateurs.formater(valeur.indicateur.unite, valeur.valeur)} au "
                f"{valeur.date:%d/%m/%Y}.",
            )
            return redirect("pilotage:indicateurs")
    if request.method == "POST" and form.errors:
        messages.error(request, "La valeur n'a pas été enregistrée : corrigez les champs signalés.")
    return render(request, "pilotage/saisir_valeur.html", {"form": form})
