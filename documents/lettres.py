"""Les lettres d'un projet engagé, produites en PDF : la lettre de notification et le projet
de convention.

Chacune est un gabarit HTML (`templates/documents/lettres/`) rempli des données du
programme (porteur, SIREN, montants en chiffres et en lettres, enveloppe, dates, avis de
l'État et de la Région), converti en PDF par WeasyPrint, puis joint au projet comme un
document (`services`), sans analyse : le portail l'a produit lui-même.
"""

import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from documents import permissions, services
from documents.en_lettres import euros_en_lettres
from documents.models import Document, TypeDocument
from fonds.models import Engagement, StatutEngagement
from projets.models import Avis, Cote, Projet
from socle.erreurs import Conflit

MODELES = {
    TypeDocument.LETTRE_NOTIFICATION: (
        "documents/lettres/notification.html",
        "lettre-notification",
    ),
    TypeDocument.PROJET_CONVENTION: ("documents/lettres/convention.html", "projet-convention"),
}


def donnees_du_projet(projet: Projet, *, le: datetime.date) -> dict:
    """Ce que disent les lettres : le projet, son porteur, ses engagements, les deux avis."""
    engagements = list(
        Engagement.objects.filter(projet=projet)
        .exclude(statut=StatutEngagement.ANNULE)
        .select_related("enveloppe__dispositif", "enveloppe__region")
        .order_by("date_engagement", "pk")
    )
    if not engagements:
        raise Conflit("Aucun crédit n'est engagé sur ce projet : rien à notifier.")
    total = sum((e.montant - e.montant_libere for e in engagements), start=0)
    avis = {
        a.cote: a
        for a in Avis.objects.filter(projet=projet, en_cours=True).select_related("auteur")
    }
    return {
        "projet": projet,
        "porteur": projet.porteur,
        "engagements": engagements,
        "total": total,
        "total_en_lettres": euros_en_lettres(total),
        "aide_en_lettres": euros_en_lettres(projet.aide_sollicitee),
        "avis_etat": avis.get(Cote.ETAT),
        "avis_region": avis.get(Cote.REGION),
        "date_lettre": le,
    }


def rendre_pdf(gabarit: str, contexte: dict) -> bytes:
    from weasyprint import HTML  # chargée à la demande : bibliothèques du système (pango)

    return HTML(string=render_to_string(gabarit, contexte)).write_pdf()


def produire(*, projet_id: int, auteur, modele: str) -> Document:
    """Produit la lettre `modele` d'un projet engagé et la joint au projet."""
    services.exiger(permissions.peut_produire_des_lettres(auteur))
    with transaction.atomic():
        projet = services.projet_verrouille(auteur, projet_id)
        services.exiger(permissions.peut_produire_les_lettres(auteur, projet))
        projet = Projet.objects.select_related("porteur", "region", "territoire", "commune").get(
            pk=projet.pk
        )
        gabarit, nom = MODELES[TypeDocument(modele)]
        le = timezone.localdate()
        contenu = rendre_pdf(gabarit, donnees_du_projet(projet, le=le))
        titre = f"{TypeDocument(modele).label} du {le:%d/%m/%Y}"
        return services.ecrire(
            projet=projet,
            auteur=auteur,
            type=modele,
            titre=titre,
            nom=f"{nom}-projet-{projet.pk}-{le:%Y-%m-%d}.pdf",
            contenu=contenu,
            genere=True,
        )
