import pytest

from tests.echanges import smtp


@pytest.fixture
def serveur_smtp(settings):
    """Un vrai serveur SMTP local ; le portail y envoie par `EMAIL_URL`."""
    controleur, boite = smtp.demarrer()
    for cle, valeur in smtp.reglages_smtp(controleur.port).items():
        setattr(settings, cle, valeur)
    settings.EMAIL_TIMEOUT = 5
    settings.PORTAIL_URL = "https://portail.exemple.gouv.fr"
    try:
        yield boite
    finally:
        controleur.stop()
