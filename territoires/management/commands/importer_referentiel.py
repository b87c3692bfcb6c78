import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from socle.progression import barre_de_progression
from territoires.referentiel import ErreurReferentiel
from territoires.services import DATE_EFFET_PERIMETRES, NB_ETAPES_IMPORT, importer_referentiel


class Command(BaseCommand):
    help = (
        "Charge le référentiel (régions, départements, EPCI, communes, Territoires "
        "d'industrie) depuis fixtures/referentiel/. Idempotent et tout-ou-rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dossier",
            type=Path,
            default=settings.REFERENTIEL_DIR,
            help="Dossier des fichiers CSV (défaut : fixtures/referentiel/).",
        )
        parser.add_argument(
            "--date-effet",
            type=datetime.date.fromisoformat,
            default=DATE_EFFET_PERIMETRES,
            help="Date d'effet des adhésions nouvelles (AAAA-MM-JJ, défaut : %(default)s).",
        )
        parser.add_argument(
            "--sans-progression", action="store_true", help="N'affiche pas la barre de progression."
        )

    def handle(self, *args, dossier, date_effet, sans_progression, **options):
        barre = barre_de_progression(
            total=NB_ETAPES_IMPORT,
            desc="Référentiel",
            unit="étape",
            file=self.stderr._out,
            disable=sans_progression or options["verbosity"] == 0,
        )

        def progression(libelle):
            barre.set_postfix_str(libelle)
            barre.update(1)

        try:
            rapport = importer_referentiel(
                dossier=dossier, date_effet=date_effet, progression=progression
            )
        except ErreurReferentiel as exc:
            raise CommandError(f"Référentiel rejeté, rien n'a été modifié. {exc}") from exc
        finally:
            barre.close()

        if options["verbosity"] == 0:
            return
        if not rapport.change:
            self.stdout.write("Aucun changement : le référentiel est déjà à jour.")
            return
        for ligne in rapport.lignes():
            self.stdout.write(ligne)
        self.stdout.write(self.style.SUCCESS("Référentiel chargé."))
