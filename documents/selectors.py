"""Lectures des documents : ceux des projets qu'un agent voit, et rien d'autre."""

from django.db.models import QuerySet

from documents.models import Document, Signature
from projets.selectors import projets_masques_dans_la_region, projets_visibles_par


def documents_visibles_par(user) -> QuerySet[Document]:
    return Document.objects.filter(projet__in=projets_visibles_par(user).values("pk"))


def document_ou_none(user, *, projet_id: int, pk: int) -> Document | None:
    return (
        documents_visibles_par(user)
        .select_related("projet", "auteur")
        .filter(projet_id=projet_id, pk=pk)
        .first()
    )


def documents_du_projet(projet) -> list[Document]:
    """Les documents actuels du projet (les plus récents d'abord), chacun avec ses versions
    précédentes dans `versions` (deux requêtes)."""
    tous = list(
        Document.objects.filter(projet=projet)
        .select_related("auteur")
        .order_by("-created_at", "-pk")
    )
    par_pk = {d.pk: d for d in tous}
    remplaces = {d.precedent_id for d in tous if d.precedent_id}
    actuels = [d for d in tous if d.pk not in remplaces]
    for document in actuels:
        document.versions = []
        precedent = par_pk.get(document.precedent_id)
        while precedent is not None:
            document.versions.append(precedent)
            precedent = par_pk.get(precedent.precedent_id)
    return actuels


def signature_du_projet(projet) -> Signature | None:
    return Signature.objects.filter(projet=projet).select_related("document").first()


def documents_masques_dans_la_region(user) -> QuerySet[Document]:
    """Les documents des projets de sa région qu'un agent ne voit pas (journal d'audit)."""
    return Document.objects.filter(projet__in=projets_masques_dans_la_region(user).values("pk"))


def signatures_masquees_dans_la_region(user) -> QuerySet[Signature]:
    return Signature.objects.filter(projet__in=projets_masques_dans_la_region(user).values("pk"))
