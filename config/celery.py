"""Application Celery du portail.

Sans `CELERY_BROKER_URL` (le défaut embarqué), les tâches s'exécutent
immédiatement dans le processus appelant : `make run` n'a besoin que de Python.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
