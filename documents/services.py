"""Toutes les écritures des documents : joindre, remplacer, supprimer, consulter, analyser.

Chaque écriture vérifie le droit (`permissions`), contrôle le fichier (`controle`), range
le fichier sous une clé aléatoire (`stockage`), écrit la ligne, sa trace d'audit et le fait
publié (`document_ajoute`, `document_supprime`, `document_en_quarantaine`,
`convention_signee` ; données : `document_id`, `nom`, `type`), dans une transaction. Un
fichier rangé dont l'écriture échoue est effacé : rien n'est gardé à moitié.

Quand un antivirus est configuré (`CLAMD_URL`), le document reste « analyse en cours »
jusqu'au verdict de la tâche `documents.analyser` ; sinon il est disponible aussitôt.
"""

import hashlib
import logging
from contextlib import contextmanager

from celery import current_app
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from comptes import audit
from comptes.models import Action
from documents import antivirus, controle, permissions, stockage
from documents.models import TYPES_GENERES, Document, EtatDocument, Signature, TypeDocument
from projets.models import Projet
from socle import evenements
from socle.erreurs import Conflit, Invalide, Refus

logger = logging.getLogger(__name__)

TACHE_ANALYSE = "documents.analyser"
SANS_ANTIVIRUS = "Aucun antivirus configuré : document non analysé."
PRODUIT_PAR_LE_PORTAIL = "Produit par le portail."
CHAMPS_SUIVIS = ["type", "titre", "nom_fichier", "taille", "empreinte", "etat", "precedent"]


def exiger(decision) -> None:
    if not decision:
        raise Refus(decision.raison)


def projet_verrouille(user, projet_id: int) -> Projet:
    projet = Projet.objects.select_for_update(of=("self",)).filter(pk=projet_id).first()
    if projet is None or not permissions.peut_voir(user, projet):
        raise Refus("Ce projet n'existe pas ou n'est pas dans votre périmètre.")
    return projet


@contextmanager
def _fichier_range(cle: str, contenu: bytes):
    """Range le fichier ; l'efface si l'écriture qui suit échoue."""
    cle = stockage.enregistrer(cle, contenu)
    try:
        yield cle
    except BaseException:
        stockage.effacer(cle)
        raise


def _publier(genre: str, document: Document, *, acteur) -> None:
    evenements.publier(
        genre,
        acteur=acteur,
        projet_id=document.projet_id,
        region=document.projet.region_id,
        document_id=document.pk,
        nom=document.titre,
        type=document.type,
    )


def _tracer_creation(document: Document, *, auteur) -> None:
    audit.tracer(
        objet=document,
        action=Action.CREATION,
        auteur=auteur,
        changements=audit.differences({}, audit.instantane(document, CHAMPS_SUIVIS)),
        region=document.projet.region_id,
    )


def _tracer_suppression(document: Document, *, auteur) -> None:
    avant = audit.instantane(document, CHAMPS_SUIVIS)
    audit.tracer(
        objet=document,
        action=Action.SUPPRESSION,
        auteur=auteur,
        changements={champ: [valeur, None] for champ, valeur in avant.items()},
        region=document.projet.region_id,
    )


def ecrire(
    *, projet: Projet, auteur, type: str, titre: str, nom: str, contenu: bytes, precedent=None,
    genere: bool = False,
) -> Document:  # fmt: skip
    """Contrôle, range et écrit un document (dans la transaction de l'appelant)."""
    fichier = controle.controler(nom=nom, contenu=contenu)
    titre = (titre or "").strip() or fichier.nom
    if len(titre) > 200:
        raise Invalide("Le titre compte au plus 200 caractères.", champ="titre")
    extension = fichier.nom.rsplit(".", 1)[1]
    if genere:
        etat, analyse = EtatDocument.DISPONIBLE, PRODUIT_PAR_LE_PORTAIL
    elif antivirus.configure():
        etat, analyse = EtatDocument.ANALYSE_EN_COURS, ""
    else:
        etat, analyse = EtatDocument.DISPONIBLE, SANS_ANTIVIRUS
    cle = stockage.nouvelle_cle(projet.pk, extension)
    with _fichier_range(cle, contenu) as cle:
        document = Document.objects.create(
            projet=projet,
            type=type,
            titre=titre,
            nom_fichier=fichier.nom,
            cle=cle,
            type_mime=fichier.format.type_mime,
            taille=fichier.taille,
            empreinte=hashlib.sha256(contenu).hexdigest(),
            etat=etat,
            analyse=analyse,
            precedent=precedent,
            auteur=auteur,
        )
        document.projet = projet
        _tracer_creation(document, auteur=auteur)
        _publier("document_ajoute", document, acteur=auteur)
        if type == TypeDocument.CONVENTION_SIGNEE:
            _signer(projet, document, auteur=auteur)
    if etat == EtatDocument.ANALYSE_EN_COURS:
        transaction.on_commit(lambda: envoyer_analyse(document.pk))
    return document


def _signer(projet: Projet, document: Document, *, auteur) -> None:
    """La convention signée jointe : le projet engagé est signé."""
    if projet.statut not in permissions.STATUTS_ENGAGES:
        raise Invalide(
            "Une convention signée se joint à un projet engagé (ce projet est "
            f"« {projet.get_statut_display().lower()} »).",
            champ="type",
        )
    signature, creee = Signature.objects.get_or_create(
        projet=projet, defaults={"document": document, "auteur": auteur}
    )
    avant = {} if creee else {"document": str(signature.document_id)}
    if not creee:
        signature.document = document
        signature.save(update_fields=["document"])
    audit.tracer(
        objet=signature,
        action=Action.CREATION if creee else Action.MODIFICATION,
        auteur=auteur,
        changements=audit.differences(avant, {"document": str(document.pk)}),
        region=projet.region_id,
    )
    _publier("convention_signee", document, acteur=auteur)


@transaction.atomic
def deposer(*, projet_id: int, auteur, type: str, titre: str, nom: str, contenu: bytes) -> Document:
    """Joint un fichier envoyé par un agent à un projet qu'il voit."""
    exiger(permissions.peut_deposer_des_documents(auteur))
    projet = projet_verrouille(auteur, projet_id)
    exiger(permissions.peut_deposer(auteur, projet))
    if type not in TypeDocument.values or type in TYPES_GENERES:
        raise Invalide("Choisissez le type du document.", champ="type")
    return ecrire(projet=projet, auteur=auteur, type=type, titre=titre, nom=nom, contenu=contenu)


def _document_verrouille(auteur, document_id: int) -> Document:
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("projet")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not permissions.peut_voir(auteur, document.projet):
        raise Refus("Ce document n'existe pas ou n'est pas dans votre périmètre.")
    if hasattr(document, "suivant"):
        raise Conflit("Ce document a déjà été remplacé : agissez sur sa dernière version.")
    return document


@transaction.atomic
def remplacer(*, document_id: int, auteur, titre: str, nom: str, contenu: bytes) -> Document:
    """Une nouvelle version du document ; la précédente reste listée avec lui."""
    ancien = _document_verrouille(auteur, document_id)
    exiger(permissions.peut_modifier(auteur, ancien))
    if ancien.genere:
        raise Conflit(
            "Un document produit par le portail ne se remplace pas : produisez-le à nouveau."
        )
    return ecrire(
        projet=ancien.projet,
        auteur=auteur,
        type=ancien.type,
        titre=titre or ancien.titre,
        nom=nom,
        contenu=contenu,
        precedent=ancien,
    )


@transaction.atomic
def supprimer(*, document_id: int, auteur) -> None:
    """Supprime le document et ses versions précédentes ; le journal d'audit les garde."""
    document = _document_verrouille(auteur, document_id)
    exiger(permissions.peut_modifier(auteur, document))
    chaine = [document]
    while chaine[-1].precedent_id:
        chaine.append(Document.objects.select_related("projet").get(pk=chaine[-1].precedent_id))
    if Signature.objects.filter(document__in=chaine).exists():
        raise Conflit(
            "La convention signée d'un projet ne se supprime pas : joignez-en une nouvelle "
            "version pour la remplacer."
        )
    cles = [d.cle for d in chaine]
    _publier("document_supprime", document, acteur=auteur)
    for version in chaine:
        _tracer_suppression(version, auteur=auteur)
        version.delete()
    transaction.on_commit(lambda: [stockage.effacer(cle) for cle in cles])


def consulter(*, document: Document, auteur):
    """Le fichier à télécharger (ouvert), après la vérification du droit, et sa trace."""
    exiger(permissions.peut_telecharger(auteur, document))
    audit.tracer(
        objet=document, action=Action.CONSULTATION, auteur=auteur, region=document.projet.region_id
    )
    return stockage.ouvrir(document.cle)


# --- Antivirus -------------------------------------------------------------------------------


def envoyer_analyse(document_id: int) -> None:
    """Envoie l'analyse ; tâches exécutées dans le processus (sans courtier), un clamd
    injoignable laisse le document « analyse en cours », repris par `reprendre_analyses`."""
    try:
        current_app.tasks[TACHE_ANALYSE].delay(document_id)
    except (antivirus.AntivirusInjoignable, Retry) as exc:
        logger.warning("Document %s non analysé : %s", document_id, exc)


def analyser(document_id: int) -> Document | None:
    """Fait analyser le fichier par clamd et enregistre le verdict.

    Sain : disponible. Infecté : en quarantaine (jamais servi), et le fait
    `document_en_quarantaine` est publié. clamd injoignable : `AntivirusInjoignable`
    (la tâche reprend plus tard ; le document reste « analyse en cours »).
    """
    document = Document.objects.filter(pk=document_id).select_related("projet").first()
    if document is None or document.etat != EtatDocument.ANALYSE_EN_COURS:
        return document
    verdict = antivirus.analyser(stockage.lire(document.cle))
    with transaction.atomic():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("projet")
            .get(pk=document_id)
        )
        avant = audit.instantane(document, ["etat", "analyse"])
        document.analyse_le = timezone.now()
        if verdict.sain:
            document.etat, document.analyse = (
                EtatDocument.DISPONIBLE,
                "ClamAV : aucun virus trouvé.",
            )
        else:
            document.etat = EtatDocument.QUARANTAINE
            document.analyse = f"ClamAV : {verdict.signature}"[:200]
        document.save(update_fields=["etat", "analyse", "analyse_le"])
        audit.tracer(
            objet=document,
            action=Action.MODIFICATION,
            auteur=None,
            changements=audit.differences(avant, audit.instantane(document, ["etat", "analyse"])),
            region=document.projet.region_id,
        )
        if not verdict.sain:
            _publier("document_en_quarantaine", document, acteur=None)
    return document
