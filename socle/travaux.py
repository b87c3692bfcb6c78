"""Les travaux de fond : ce qu'une page lance sans l'attendre, et qu'elle montre avancer.

Un import de 50 000 lignes, une mise à jour en masse, un export de 100 000 projets
dépassent ce qu'une requête web peut attendre (gunicorn coupe à 60 s). La page appelle
`lancer(genre, auteur=…, parametres=…)` : une ligne `Travail` est écrite et, après
validation de la transaction, la tâche Celery du genre est envoyée par son nom,
`travaux.<genre>`. L'application qui possède le genre déclare cette tâche avec le
décorateur `tache` (dans son `tasks.py`) : le socle ne connaît que son nom.

La fonction du genre reçoit le `Travail` ; elle dit où elle en est (`avancer`, peu
coûteux : une écriture au plus toutes les demi-secondes, visible de la page même
pendant une longue transaction) et rend son résultat (un dictionnaire JSON) ou
appelle `terminer` avec un fichier produit. Une erreur métier (`socle.erreurs`) la fait
échouer avec son message ; toute autre, avec un message général (le détail va au
journal du serveur). À la fin, réussie ou non, le fait `travail_termine` est publié
(`socle.evenements`) : l'auteur en est prévenu.

Sans courtier (`make run`, tests), la tâche s'exécute dans le processus, à la
validation de la transaction qui a lancé le travail.
"""

import datetime
import logging
import threading
import time
from collections.abc import Callable
from pathlib import PurePath

from celery import current_app, shared_task
from django.core.files import File
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.utils import timezone

from socle.erreurs import ErreurMetier
from socle.evenements import publier
from socle.models import EtatTravail, Travail

logger = logging.getLogger(__name__)

PREFIXE_TACHE = "travaux."
INTERVALLE_AVANCEMENT = 0.5  # secondes entre deux écritures de l'avancement
# Au-delà, un travail « en cours » est tenu pour interrompu (worker arrêté en chemin) :
# sa tâche, rendue à la file, le reprend ; la page le dit interrompu.
DUREE_MAX = datetime.timedelta(minutes=15)
CONSERVATION = datetime.timedelta(days=30)  # les travaux et leurs fichiers, puis effacés
LIMITES = {"soft_time_limit": 840, "time_limit": 900}  # sous la visibilité de Redis (960 s)

MESSAGE_ERREUR_INATTENDUE = (
    "Le travail s'est arrêté sur une erreur inattendue ; rien n'a été enregistré. "
    "Relancez-le ; si l'erreur persiste, signalez-la à l'équipe nationale du programme "
    "(l'erreur est inscrite au journal du serveur)."
)


def nom_de_tache(genre: str) -> str:
    return f"{PREFIXE_TACHE}{genre}"


def lancer(
    genre: str,
    *,
    auteur,
    libelle: str,
    parametres: dict | None = None,
    entree: File | None = None,
    nom_entree: str = "",
) -> Travail:
    """Inscrit le travail et demande son exécution après validation de la transaction.

    `entree` : le fichier reçu (un import), gardé par le stockage le temps du travail.
    """
    travail = Travail(
        genre=genre, libelle=libelle[:200], auteur=auteur, parametres=parametres or {}
    )
    if entree is not None:
        nom = PurePath(nom_entree or getattr(entree, "name", "") or "fichier").name
        travail.entree.save(nom, entree, save=False)
    travail.save()
    transaction.on_commit(lambda: envoyer(travail.pk, genre))
    return travail


def lancer_sur_fichier(
    genre: str,
    *,
    auteur,
    libelle: Callable[[str], str],
    verifier: bool,
    fichier: File | None = None,
    nom_fichier: str = "",
    depuis: Travail | None = None,
) -> Travail:
    """Inscrit la vérification (`verifier=True`) ou l'application d'un fichier reçu.

    `depuis` : le travail qui a vérifié ce même fichier (`verification_reussie`), gardé
    sur le serveur : il est appliqué sans être envoyé une seconde fois. `libelle(nom du
    fichier)` : le libellé du travail.
    """
    if depuis is not None:
        nom_fichier = depuis.parametres.get("nom_fichier", "")
    travail = lancer(
        genre,
        auteur=auteur,
        libelle=libelle(nom_fichier),
        parametres={"verifier": verifier, "nom_fichier": nom_fichier},
        entree=fichier,
        nom_entree=nom_fichier,
    )
    if depuis is not None:
        travail.entree.name = depuis.entree.name
        travail.parametres["depuis"] = depuis.pk
        travail.save(update_fields=["entree", "parametres"])
    return travail


def verification_reussie(auteur, genre: str, pk: int) -> Travail | None:
    """Le travail `pk` de l'agent qui a vérifié un fichier sans erreur, s'il l'a gardé."""
    verification = Travail.objects.filter(
        pk=pk, auteur=auteur, genre=genre, etat=EtatTravail.TERMINE, parametres__verifier=True
    ).first()
    if verification is None or not verification.entree:
        return None
    return verification


def envoyer(travail_id: int, genre: str) -> None:
    tache = current_app.tasks.get(nom_de_tache(genre))
    if tache is None:
        logger.error("Tâche %s absente : le travail %s ne peut pas s'exécuter.", genre, travail_id)
        Travail.objects.filter(pk=travail_id, etat=EtatTravail.EN_ATTENTE).update(
            etat=EtatTravail.ECHOUE,
            message="Ce genre de travail n'est pas disponible sur ce serveur.",
            finished_at=timezone.now(),
        )
        return
    tache.delay(travail_id)


def tache(genre: str, **options) -> Callable:
    """Déclare la fonction qui exécute les travaux d'un genre : `fonction(travail) -> dict`.

    Elle devient la tâche Celery `travaux.<genre>` ; le décorateur en tient l'état (en
    cours, terminé, échoué), les dates et la publication de la fin.
    """

    def declarer(fonction: Callable[[Travail], dict | None]):
        @shared_task(name=nom_de_tache(genre), acks_late=True, **{**LIMITES, **options})
        def executer_travail(travail_id: int):
            executer(travail_id, fonction)

        executer_travail.fonction = fonction
        return executer_travail

    return declarer


def _prendre(travail_id: int) -> Travail | None:
    """Passe le travail « en cours », s'il attend (ou s'il a été interrompu) ; sinon `None`
    (une tâche livrée deux fois ne l'exécute qu'une fois)."""
    maintenant = timezone.now()
    pris = Travail.objects.filter(pk=travail_id, etat=EtatTravail.EN_ATTENTE).update(
        etat=EtatTravail.EN_COURS, started_at=maintenant
    ) or (
        Travail.objects.filter(
            pk=travail_id, etat=EtatTravail.EN_COURS, started_at__lt=maintenant - DUREE_MAX
        ).update(started_at=maintenant, fait=0)
    )
    return Travail.objects.select_related("auteur").get(pk=travail_id) if pris else None


def executer(travail_id: int, fonction: Callable[[Travail], dict | None]) -> Travail | None:
    travail = _prendre(travail_id)
    if travail is None:
        return None
    try:
        resultat = fonction(travail)
    except ErreurMetier as exc:
        echouer(travail, exc.message)
    except Exception:
        logger.exception("Le travail %s (%s) a échoué.", travail.pk, travail.genre)
        echouer(travail, MESSAGE_ERREUR_INATTENDUE)
    else:
        if not travail.fini:
            terminer(travail, resultat=resultat or {})
    finally:
        _fermer_connexion_a_part()
    return travail


# --- Avancement ------------------------------------------------------------------------------

_a_part = threading.local()
horloge = time.monotonic


def _connexion_a_part():
    """Une seconde connexion à la base, en validation automatique : l'avancement qu'elle
    écrit se voit de la page pendant que le travail tient sa propre transaction ouverte."""
    if getattr(_a_part, "connexion", None) is None:
        principale = connections[DEFAULT_DB_ALIAS]
        _a_part.connexion = type(principale)(
            dict(principale.settings_dict), alias="travaux-avancement"
        )
    return _a_part.connexion


def _fermer_connexion_a_part() -> None:
    if (autre := getattr(_a_part, "connexion", None)) is not None:
        autre.close()
        _a_part.connexion = None


def _ecrire_avancement(travail: Travail) -> None:
    champs = {"fait": travail.fait, "total": travail.total, "etape": travail.etape}
    if connection.in_atomic_block and connection.vendor == "postgresql":
        try:
            autre = _connexion_a_part()
            with autre.cursor() as curseur:
                # Jamais d'attente : au pire, l'avancement s'écrit à la validation.
                curseur.execute("SET lock_timeout = '200ms'")
                curseur.execute(
                    f"UPDATE {Travail._meta.db_table} SET fait = %s, total = %s, etape = %s "  # noqa: S608
                    "WHERE id = %s",
                    [champs["fait"], champs["total"], champs["etape"], travail.pk],
                )
                if curseur.rowcount:
                    return
        except DatabaseError:
            logger.warning("Avancement du travail %s non écrit à part.", travail.pk)
            _fermer_connexion_a_part()
    # La ligne n'est pas encore visible d'une autre connexion (lancée dans la même
    # transaction, ou dans un test) : l'avancement s'écrit dans la transaction en cours.
    Travail.objects.filter(pk=travail.pk).update(**champs)


def avancer(travail: Travail, fait: int, total: int | None = None, *, etape: str | None = None):
    """`fait` sur `total` ; écrit au plus toutes les `INTERVALLE_AVANCEMENT` secondes (et à
    chaque changement d'étape), si bien qu'un appel par ligne ne coûte presque rien."""
    travail.fait = fait
    if total is not None:
        travail.total = total
    nouvelle_etape = etape is not None and etape != travail.etape
    if nouvelle_etape:
        travail.etape = etape[:100]
    maintenant = horloge()
    if not nouvelle_etape and maintenant - getattr(travail, "_ecrit_a", 0.0) < (
        INTERVALLE_AVANCEMENT
    ):
        return
    travail._ecrit_a = maintenant
    _ecrire_avancement(travail)


# --- Fin ---------------------------------------------------------------------------------------


def _finir(travail: Travail, etat: str, *, message: str) -> None:
    travail.etat = etat
    travail.message = message
    travail.finished_at = timezone.now()
    with transaction.atomic():
        travail.save()
        publier(
            "travail_termine",
            acteur=travail.auteur,
            travail_id=travail.pk,
            genre_travail=travail.genre,
            etat=etat,
            libelle=travail.libelle,
            message=message,
        )


def terminer(
    travail: Travail,
    *,
    resultat: dict | None = None,
    message: str = "",
    fichier: File | None = None,
    nom_fichier: str = "",
) -> None:
    """Le travail a réussi : son résultat (JSON) et, s'il en produit un, son fichier."""
    if fichier is not None:
        travail.fichier.save(nom_fichier or "resultat", fichier, save=False)
    if resultat is not None:
        travail.resultat = resultat
    if travail.total:
        travail.fait = travail.total
    travail.etape = ""
    _finir(travail, EtatTravail.TERMINE, message=message)


def echouer(travail: Travail, message: str, *, resultat: dict | None = None) -> None:
    """Le travail a échoué : la raison, en français, pour son auteur."""
    if resultat is not None:
        travail.resultat = resultat
    travail.etape = ""
    _finir(travail, EtatTravail.ECHOUE, message=message)


def interrompu(travail: Travail) -> bool:
    """En cours (ou en attente) depuis plus longtemps que ne dure aucun travail."""
    if travail.fini:
        return False
    depuis = travail.started_at or travail.created_at
    return depuis is not None and timezone.now() - depuis > DUREE_MAX


def purger(*, avant: datetime.datetime | None = None) -> int:
    """Efface les travaux demandés avant `avant` (il y a `CONSERVATION`) et leurs fichiers."""
    limite = avant or timezone.now() - CONSERVATION
    efface = 0
    for travail in Travail.objects.filter(created_at__lt=limite).iterator():
        for champ in (travail.entree, travail.fichier):
            if champ:
                champ.delete(save=False)
        travail.delete()
        efface += 1
    return efface
