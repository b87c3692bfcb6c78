"""Les pages des documents d'un projet : joindre, télécharger, remplacer, supprimer, produire
les lettres. La liste est sur la fiche du projet (`documents/_projet.html`).

Un projet ou un document que l'agent ne voit pas n'existe pas pour lui (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from documents import lettres, permissions, selectors, services
from documents.forms import DocumentForm, LettreForm, RemplacementForm
from projets import views as projets_views
from socle.pages import erreurs_metier, refuser_si, signaler_erreurs_du_formulaire


def _vers_la_fiche(projet_pk: int):
    return redirect(reverse("projets:detail", args=[projet_pk]) + "#documents")


def _document_ou_404(user, projet_pk: int, pk: int):
    document = selectors.document_ou_none(user, projet_id=projet_pk, pk=pk)
    if document is None:
        raise Http404("Ce document n'existe pas ou n'est pas dans votre périmètre.")
    return document


def _contenu(form) -> tuple[str, bytes]:
    fichier = form.cleaned_data["fichier"]
    return fichier.name, fichier.read()


@login_required
def ajouter(request, projet_pk):
    refuser_si(permissions.peut_deposer_des_documents(request.user))
    projet = projets_views.projet_ou_404(request.user, projet_pk)
    refuser_si(permissions.peut_deposer(request.user, projet))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        nom, contenu = _contenu(form)
        with erreurs_metier(request, form) as resultat:
            document = services.deposer(
                projet_id=projet.pk,
                auteur=request.user,
                type=form.cleaned_data["type"],
                titre=form.cleaned_data["titre"],
                nom=nom,
                contenu=contenu,
            )
        if resultat.ok:
            messages.success(request, f"Le document « {document.titre} » est joint au projet.")
            return _vers_la_fiche(projet.pk)
    return render(request, "documents/ajouter.html", {"projet": projet, "form": form})


@login_required
@require_GET
def fichier(request, projet_pk, pk):
    """Le fichier, en pièce jointe, après la vérification du droit ; la consultation est
    tracée."""
    document = _document_ou_404(request.user, projet_pk, pk)
    refuser_si(permissions.peut_telecharger(request.user, document))
    flux = services.consulter(document=document, auteur=request.user)
    reponse = FileResponse(
        flux, as_attachment=True, filename=document.nom_fichier, content_type=document.type_mime
    )
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_required
def remplacer(request, projet_pk, pk):
    document = _document_ou_404(request.user, projet_pk, pk)
    refuser_si(permissions.peut_modifier(request.user, document))
    form = RemplacementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        nom, contenu = _contenu(form)
        with erreurs_metier(request, form) as resultat:
            nouveau = services.remplacer(
                document_id=document.pk,
                auteur=request.user,
                titre=form.cleaned_data["titre"],
                nom=nom,
                contenu=contenu,
            )
        if resultat.ok:
            messages.success(request, f"Nouvelle version de « {nouveau.titre} » jointe.")
            return _vers_la_fiche(projet_pk)
    return render(
        request,
        "documents/remplacer.html",
        {"projet": document.projet, "document": document, "form": form},
    )


@login_required
def supprimer(request, projet_pk, pk):
    """Une page de confirmation ; le formulaire confirmé supprime le document."""
    document = _document_ou_404(request.user, projet_pk, pk)
    refuser_si(permissions.peut_modifier(request.user, document))
    if request.method == "POST" and request.POST.get("confirmer") == "oui":
        with erreurs_metier(request, prefixe="Document non supprimé : ") as resultat:
            services.supprimer(document_id=document.pk, auteur=request.user)
        if resultat.ok:
            messages.success(request, f"Le document « {document.titre} » est supprimé.")
        return _vers_la_fiche(projet_pk)
    return render(
        request,
        "documents/supprimer.html",
        {"projet": document.projet, "document": document, "versions": document_versions(document)},
    )


def document_versions(document) -> list:
    versions, precedent = [], document.precedent
    while precedent is not None:
        versions.append(precedent)
        precedent = precedent.precedent
    return versions


@login_required
@require_POST
def produire_lettre(request, projet_pk):
    refuser_si(permissions.peut_produire_des_lettres(request.user))
    projet = projets_views.projet_ou_404(request.user, projet_pk)
    form = LettreForm(request.POST)
    if not form.is_valid():
        signaler_erreurs_du_formulaire(request, form, "Aucun document produit : ")
        return _vers_la_fiche(projet.pk)
    with erreurs_metier(request, prefixe="Aucun document produit : ") as resultat:
        document = lettres.produire(
            projet_id=projet.pk, auteur=request.user, modele=form.cleaned_data["modele"]
        )
    if resultat.ok:
        messages.success(request, f"« {document.titre} » est produite et jointe au projet.")
    return _vers_la_fiche(projet.pk)


def contexte_fiche(user, projet) -> dict:
    """La section « Documents » de la fiche d'un projet (`documents/_projet.html`) : trois
    requêtes (documents et auteurs, signature), quel que soit le nombre de documents."""
    documents = selectors.documents_du_projet(projet)
    for document in documents:
        document.projet = projet
        document.modifiable = bool(permissions.peut_modifier(user, document))
    return {
        "documents": documents,
        "signature": selectors.signature_du_projet(projet),
        "documents_actions": permissions.actions_possibles(user, projet),
        "document_form": DocumentForm(),
        "antivirus_configure": services.antivirus.configure(),
    }
