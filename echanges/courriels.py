"""Les courriels des notifications : préparés dans la transaction, envoyés après.

Chaque courriel est une ligne `Courriel` (texte et HTML en français, lien vers la page)
écrite avec sa notification ; après validation, la tâche `echanges.envoyer_courriel`
l'envoie par le serveur configuré (`EMAIL_URL`). Un serveur injoignable : le courriel est
réessayé (`TENTATIVES_MAX` fois en tout, de plus en plus tard), puis inscrit « échoué »
avec l'erreur, visible de l'équipe nationale. L'action de l'agent n'en échoue jamais :
l'envoi n'a lieu qu'après la validation de son écriture, et ses erreurs sont retenues ici.
"""

import datetime
import logging
from collections import defaultdict

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from echanges.models import Courriel, EtatCourriel, Mode, Notification

logger = logging.getLogger(__name__)

TACHE_ENVOI = "echanges.envoyer_courriel"
TENTATIVES_MAX = 4
PREFIXE_SUJET = "[Territoires d'industrie] "


def adresse_absolue(chemin: str) -> str:
    return settings.PORTAIL_URL.rstrip("/") + chemin if chemin else settings.PORTAIL_URL


def _rendu(gabarit: str, contexte: dict) -> tuple[str, str]:
    contexte = {
        **contexte,
        "PORTAIL_NOM": settings.PORTAIL_NOM,
        "url_preferences": adresse_absolue(reverse("echanges:preferences")),
        "url_notifications": adresse_absolue(reverse("echanges:notifications")),
    }
    texte = render_to_string(f"echanges/courriels/{gabarit}.txt", contexte)
    html = render_to_string(f"echanges/courriels/{gabarit}.html", contexte)
    return texte, html


def _courriel(destinataire, sujet: str, gabarit: str, contexte: dict, **champs) -> Courriel:
    texte, html = _rendu(gabarit, {"destinataire": destinataire, **contexte})
    return Courriel(
        destinataire=destinataire,
        adresse=destinataire.email,
        sujet=(PREFIXE_SUJET + sujet)[:250],
        texte=texte,
        html=html,
        **champs,
    )


def planifier(ids: list[int]) -> None:
    """Après validation de la transaction en cours, une tâche d'envoi par courriel."""

    def envoyer_tout():
        tache = current_app.tasks.get(TACHE_ENVOI)
        for courriel_id in ids:
            try:
                tache.delay(courriel_id)
            except Exception:  # un courtier injoignable : la reprise de beat les enverra
                logger.exception("Envoi du courriel %s non planifié.", courriel_id)

    if ids:
        transaction.on_commit(envoyer_tout)


def preparer(notifications: list[Notification], *, faits=()) -> list[Courriel]:
    """Un courriel par notification « tout de suite » dont l'agent a une adresse."""
    courriels = [
        _courriel(
            n.destinataire,
            n.titre,
            "notification",
            {"notification": n, "url": adresse_absolue(n.lien)},
        )
        for n in notifications
        if n.destinataire.email
    ]
    Courriel.objects.bulk_create(courriels)
    planifier([c.pk for c in courriels])
    return courriels


def envoyer(courriel_id: int) -> bool | None:
    """Une tentative d'envoi. `True` : envoyé ; `False` : échec, à réessayer ; `None` : rien à
    faire (déjà envoyé, ou tentatives épuisées : inscrit « échoué »)."""
    with transaction.atomic():
        courriel = (
            Courriel.objects.select_for_update(skip_locked=True)
            .filter(pk=courriel_id, etat=EtatCourriel.A_ENVOYER)
            .first()
        )
        if courriel is None:
            return None
        message = EmailMultiAlternatives(
            subject=courriel.sujet,
            body=courriel.texte,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[courriel.adresse],
        )
        message.attach_alternative(courriel.html, "text/html")
        courriel.tentatives += 1
        try:
            message.send()
        except Exception as exc:  # serveur injoignable, refus, délai dépassé…
            courriel.erreur = f"{type(exc).__name__} : {exc}"[:2000]
            epuise = courriel.tentatives >= TENTATIVES_MAX
            if epuise:
                courriel.etat = EtatCourriel.ECHOUE
            courriel.save(update_fields=["tentatives", "erreur", "etat"])
            logger.warning("Courriel %s non envoyé (%s).", courriel.pk, courriel.erreur)
            return None if epuise else False
        courriel.etat = EtatCourriel.ENVOYE
        courriel.envoye_le = timezone.now()
        courriel.save(update_fields=["tentatives", "etat", "envoye_le", "erreur"])
        return True


def envoyer_recapitulatifs() -> int:
    """Le récapitulatif du jour : un courriel par agent, de ses notifications « récapitulatif »
    non encore récapitulées et non lues ; toutes sont marquées, si bien qu'un second passage
    le même jour n'envoie rien. Rend le nombre de courriels préparés."""
    with transaction.atomic():
        attente = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(mode=Mode.QUOTIDIEN, recapitulee_le__isnull=True)
            .select_related("destinataire")
            .order_by("destinataire_id", "created_at", "id")
        )
        if not attente:
            return 0
        par_agent = defaultdict(list)
        for notification in attente:
            if notification.lue_le is None and notification.destinataire.email:
                par_agent[notification.destinataire].append(notification)
        courriels = [
            _courriel(
                agent,
                f"Récapitulatif du jour : {len(liste)} notification{'s' if len(liste) > 1 else ''}",
                "recapitulatif",
                {
                    "notifications": [(n, adresse_absolue(n.lien)) for n in liste],
                    "url": adresse_absolue(reverse("echanges:notifications")),
                },
                recapitulatif=True,
            )
            for agent, liste in par_agent.items()
        ]
        Courriel.objects.bulk_create(courriels)
        Notification.objects.filter(pk__in=[n.pk for n in attente]).update(
            recapitulee_le=timezone.now()
        )
        planifier([c.pk for c in courriels])
        return len(courriels)


def reprendre_en_attente() -> int:
    """Les courriels restés « à envoyer » (tâche perdue) : replanifiés."""
    avant = timezone.now() - datetime.timedelta(minutes=15)  # après les nouvelles tentatives
    ids = list(
        Courriel.objects.filter(etat=EtatCourriel.A_ENVOYER, created_at__lt=avant).values_list(
            "pk", flat=True
        )[:1000]
    )
    with transaction.atomic():
        planifier(ids)
    return len(ids)
