"""Application Celery du portail (aucun état métier ici).

Sans `CELERY_BROKER_URL` (le défaut embarqué), les tâches s'exécutent
immédiatement dans le processus appelant : `make run` n'a besoin que de Python.
Les écritures demandent le recalcul des totaux par `socle.recalcul`.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Tâches périodiques, lancées par `celery -A config beat` (fuseau : CELERY_TIMEZONE, Paris).
app.conf.beat_schedule = {
    # Chaque nuit à 2 h 30, heure de Paris : recalcul complet de tous les totaux.
    "recalculer-totaux-chaque-nuit": {
        "task": "pilotage.recalculer_tout",
        "schedule": crontab(hour=2, minute=30),
    },
    # Toutes les deux minutes : les demandes de recalcul restées en attente (tâche perdue,
    # worker tué en chemin) sont traitées ; sans demande, une seule requête.
    "recalculer-demandes-en-attente": {
        "task": "pilotage.recalculer_demandes",
        "schedule": crontab(minute="*/2"),
    },
    # Chaque nuit à 3 h 15 : les travaux de fond de plus de trente jours et leurs fichiers
    # (imports reçus, exports produits) sont effacés.
    "purger-travaux-de-fond": {
        "task": "socle.purger_travaux",
        "schedule": crontab(hour=3, minute=15),
    },
    # Toutes les cinq minutes : les documents restés « analyse en cours » (clamd arrêté, tâche
    # perdue) sont renvoyés à l'antivirus ; sans document en attente, une seule requête.
    "reprendre-analyses-antivirus": {
        "task": "documents.reprendre_analyses",
        "schedule": crontab(minute="*/5"),
    },
    # Toutes les deux minutes : les faits du programme restés non distribués (tâche perdue)
    # deviennent des notifications.
    "distribuer-evenements-en-attente": {
        "task": "echanges.distribuer_evenements",
        "schedule": crontab(minute="*/2"),
    },
    # Chaque matin à 7 h : rappels des dates limites d'avis (7 jours avant, puis passée),
    # une fois chacun.
    "rappels-dates-limites-avis": {
        "task": "echanges.envoyer_rappels",
        "schedule": crontab(hour=7, minute=0),
    },
    # Chaque matin à 7 h 30 : le récapitulatif du jour de chaque agent qui l'a choisi.
    "recapitulatif-du-jour": {
        "task": "echanges.envoyer_recapitulatifs",
        "schedule": crontab(hour=7, minute=30),
    },
    # Toutes les dix minutes : les courriels restés à envoyer (tâche perdue) sont replanifiés.
    "reprendre-courriels": {
        "task": "echanges.reprendre_courriels",
        "schedule": crontab(minute="*/10"),
    },
}
