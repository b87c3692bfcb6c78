"""Les pages sous charge : gunicorn (4 processus) servant la base du banc, des requêtes
envoyées sur la boucle locale à cadence fixe (boucle ouverte), puis le débit de saturation.

- boucle ouverte : `CADENCE` requêtes par seconde pendant `DUREE_S` secondes, réparties
  tour à tour sur `/projets/`, `/pilotage/` et `/api/v1/projets/`, chacune partant à son
  heure prévue même si les précédentes n'ont pas répondu ; la latence est comptée depuis
  l'heure prévue (une file d'attente du serveur se voit donc dans les centiles) ;
- saturation : `CLIENTS` clients qui enchaînent les mêmes requêtes sans pause, au plus
  `SATURATION_REQUETES` requêtes ou `SATURATION_S` secondes : requêtes servies par seconde.

Les agents sont connectés par une session en base (le cookie de session d'un ministère,
qui voit tout le programme).
"""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from tests.bench.mesures import centile

PROCESSUS = 4
CADENCE = 20  # requêtes par seconde
DUREE_S = 30
CLIENTS = 8
SATURATION_REQUETES = 2000
SATURATION_S = 20
DELAI_S = 30  # au-delà, une requête compte comme échouée
P95_MAX_MS = 200.0
PAGES = ("/projets/", "/pilotage/", "/api/v1/projets/")


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cookie_de_session(username: str) -> str:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class Gunicorn:
    def __init__(self):
        self.port = _port_libre()
        self.processus = subprocess.Popen(  # noqa: S603 (gunicorn du projet)
            [
                sys.executable, "-m", "gunicorn", "config.wsgi",
                "--workers", str(PROCESSUS), "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "60", "--log-level", "warning",
            ],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            try:
                if self.obtenir("/healthz", "")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn n'a pas démarré")

    def obtenir(self, chemin: str, cookie: str) -> tuple[int, float]:
        debut = time.perf_counter()
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DELAI_S)
        try:
            connexion.request("GET", chemin, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            reponse = connexion.getresponse()
            reponse.read()
            return reponse.status, time.perf_counter() - debut
        finally:
            connexion.close()

    def arreter(self) -> None:
        self.processus.terminate()
        self.processus.wait(timeout=30)


def _boucle_ouverte(serveur: Gunicorn, cookie: str) -> dict:
    prevues = [(i / CADENCE, PAGES[i % len(PAGES)]) for i in range(CADENCE * DUREE_S)]
    resultats: dict[str, list] = {page: [] for page in PAGES}
    verrou = threading.Lock()
    depart = time.perf_counter()

    def envoyer(heure: float, page: str) -> None:
        try:
            statut, _duree = serveur.obtenir(page, cookie)
        except OSError:
            statut = 0
        latence = (time.perf_counter() - depart - heure) * 1000
        with verrou:
            resultats[page].append((statut, latence))

    with ThreadPoolExecutor(max_workers=64) as executeur:
        for heure, page in prevues:
            attente = depart + heure - time.perf_counter()
            if attente > 0:
                time.sleep(attente)
            executeur.submit(envoyer, heure, page)
    par_page = {}
    for page, mesures in resultats.items():
        latences = [ms for _s, ms in mesures]
        par_page[page] = {
            "requetes": len(mesures),
            "erreurs": sum(1 for statut, _ms in mesures if statut != 200),
            "p50_ms": centile(latences, 50),
            "p95_ms": centile(latences, 95),
            "p99_ms": centile(latences, 99),
        }
    return par_page


def _saturation(serveur: Gunicorn, cookie: str) -> dict:
    servies, erreurs = [0], [0]
    verrou = threading.Lock()
    fin = time.perf_counter() + SATURATION_S

    def client(rang: int) -> None:
        i = rang
        while time.perf_counter() < fin:
            with verrou:
                if servies[0] + erreurs[0] >= SATURATION_REQUETES:
                    return
            try:
                statut, _ = serveur.obtenir(PAGES[i % len(PAGES)], cookie)
            except OSError:
                statut = 0
            with verrou:
                if statut == 200:
                    servies[0] += 1
                else:
                    erreurs[0] += 1
            i += 1

    debut = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as executeur:
        list(executeur.map(client, range(CLIENTS)))
    duree = time.perf_counter() - debut
    return {
        "requetes": servies[0],
        "erreurs": erreurs[0],
        "secondes": duree,
        "par_seconde": servies[0] / duree,
    }


def mesurer_charge() -> dict:
    cookie = _cookie_de_session("banc-ministere")
    serveur = Gunicorn()
    try:
        for page in PAGES:  # échauffement de chaque processus
            for _ in range(PROCESSUS):
                serveur.obtenir(page, cookie)
        ouverte = _boucle_ouverte(serveur, cookie)
        saturation = _saturation(serveur, cookie)
    finally:
        serveur.arreter()
    return {"boucle_ouverte": ouverte, "saturation": saturation, "cadence": CADENCE}
