"""Les courriels passent par un vrai serveur SMTP local (aiosmtpd), configuré par EMAIL_URL."""

import datetime
import re

import pytest
from django.utils import timezone

from echanges import courriels, rappels, tasks
from echanges.models import Courriel, EtatCourriel, Mode, Notification, Preference
from projets import services
from projets.models import SensAvis, Statut
from tests.echanges import smtp
from tests.echanges.smtp import html, sujet, texte
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def test_la_region_recoit_par_smtp_l_avis_de_l_etat(
    comptes, serveur_smtp, django_capture_on_commit_callbacks
):
    # Tout s'exécute après validation, comme dans une requête (`publier` envoie la
    # distribution une fois par transaction).
    with django_capture_on_commit_callbacks(execute=True):
        projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
        services.donner_avis(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
        )

    [message] = serveur_smtp.pour("region-84@exemple.gouv.fr")
    assert sujet(message) == (
        f"[Territoires d'industrie] Avis favorable de l'État : {projet.intitule}"
    )
    lien = f"https://portail.exemple.gouv.fr/projets/{projet.pk}/"
    assert lien in texte(message)
    assert f'href="{lien}"' in html(message)
    assert "Bonjour" in texte(message)
    # L'auteur de l'avis et les agents d'une autre région n'en reçoivent rien.
    assert serveur_smtp.pour("prefecture-84@exemple.gouv.fr") == []
    assert serveur_smtp.pour("region-32@exemple.gouv.fr") == []
    assert Courriel.objects.get(adresse="region-84@exemple.gouv.fr").etat == EtatCourriel.ENVOYE


def test_rappels_et_recapitulatif_envoyes_une_fois_par_beat(
    comptes, serveur_smtp, django_capture_on_commit_callbacks
):
    region = comptes["region-84"]
    Preference.objects.create(user=region, genre="delai_proche", mode=Mode.QUOTIDIEN)
    proche = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    passe = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    aujourdhui = timezone.localdate()
    services.Projet.objects.filter(pk=proche.pk).update(
        date_limite_avis=aujourdhui + datetime.timedelta(days=5)
    )
    services.Projet.objects.filter(pk=passe.pk).update(
        date_limite_avis=aujourdhui - datetime.timedelta(days=1)
    )

    for _passage in range(2):  # beat qui tourne deux fois le même jour
        with django_capture_on_commit_callbacks(execute=True):
            tasks.envoyer_rappels.delay()
            tasks.envoyer_recapitulatifs.delay()

    prefecture = serveur_smtp.pour("prefecture-84@exemple.gouv.fr")
    assert sorted(sujet(m) for m in prefecture) == sorted(
        [
            "[Territoires d'industrie] Avis attendu avant le "
            f"{aujourdhui + datetime.timedelta(days=5):%d/%m/%Y} : {proche.intitule}",
            "[Territoires d'industrie] Date limite des avis passée "
            f"({aujourdhui - datetime.timedelta(days=1):%d/%m/%Y}) : {passe.intitule}",
        ]
    )
    # La Région : le rappel passé tout de suite, celui qui approche dans le récapitulatif.
    recus = serveur_smtp.pour("region-84@exemple.gouv.fr")
    sujets = sorted(sujet(m) for m in recus)
    assert sujets == sorted(
        [
            "[Territoires d'industrie] Date limite des avis passée "
            f"({aujourdhui - datetime.timedelta(days=1):%d/%m/%Y}) : {passe.intitule}",
            "[Territoires d'industrie] Récapitulatif du jour : 1 notification",
        ]
    )
    [recapitulatif] = [m for m in recus if "Récapitulatif" in sujet(m)]
    assert proche.intitule in texte(recapitulatif)
    assert Notification.objects.filter(destinataire=region, genre="delai_proche").count() == 1


def test_un_rappel_attend_le_seul_cote_dont_l_avis_manque(comptes, serveur_smtp):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(projet_id=projet.pk, auteur=comptes["region-84"], sens=SensAvis.FAVORABLE)
    services.Projet.objects.filter(pk=projet.pk).update(date_limite_avis=timezone.localdate())
    assert rappels.publier_rappels() == 1
    tasks.distribuer_evenements()
    assert list(
        Notification.objects.filter(genre="delai_proche").values_list(
            "destinataire__username", flat=True
        )
    ) == ["prefecture-84"]


def test_serveur_injoignable_reessaye_puis_echoue_sans_faire_echouer_l_avis(
    client, comptes, settings, django_capture_on_commit_callbacks
):
    for cle, valeur in smtp.reglages_smtp(smtp.port_libre()).items():  # personne n'écoute
        setattr(settings, cle, valeur)
    with django_capture_on_commit_callbacks(execute=True):
        projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
        avis = services.donner_avis(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
        )

    assert avis.pk is not None
    courriel = Courriel.objects.get(adresse="region-84@exemple.gouv.fr")
    assert courriel.etat == EtatCourriel.ECHOUE
    assert courriel.tentatives == courriels.TENTATIVES_MAX
    assert "ConnectionRefusedError" in courriel.erreur
    # La notification dans le portail, elle, est là.
    assert Notification.objects.filter(destinataire=comptes["region-84"]).count() == 1
    # L'équipe nationale voit l'échec.
    client.force_login(comptes["admin-national"])
    espace = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/mon-espace/").content.decode())
    )
    assert "Courriels en échec 1" in espace


def test_pas_de_courriel_pour_qui_a_choisi_jamais(comptes, serveur_smtp):
    Preference.objects.create(user=comptes["region-84"], genre="avis_donne", mode=Mode.JAMAIS)
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(
        projet_id=projet.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
    )
    tasks.distribuer_evenements()
    assert Notification.objects.filter(destinataire=comptes["region-84"]).count() == 1
    assert not Courriel.objects.filter(adresse="region-84@exemple.gouv.fr").exists()
