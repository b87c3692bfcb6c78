from django.core.management.base import BaseCommand

from pilotage.models import Niveau
from pilotage.moteur import NB_ETAPES, recalculer_tout
from socle.progression import barre_de_progression


class Command(BaseCommand):
    help = (
        "Recalcule tous les totaux (national, régions, territoires ; par dispositif et par "
        "année) lus par les tableaux de bord. Idempotent et tout-ou-rien."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sans-progression", action="store_true", help="N'affiche pas la barre de progression."
        )

    def handle(self, *args, sans_progression, **options):
        barre = barre_de_progression(
            total=NB_ETAPES,
            desc="Totaux",
            unit="étape",
            file=self.stderr._out,
            disable=sans_progression or options["verbosity"] == 0,
        )

        def progression(libelle):
            barre.set_postfix_str(libelle)
            barre.update(1)

        try:
            rapport = recalculer_tout(progression=progression)
        finally:
            barre.close()

        for niveau, libelle in Niveau.choices:
            self.stdout.write(f"{libelle} : {rapport.lignes.get(niveau, 0)} ligne(s)")
        self.stdout.write(
            f"Lignes nouvelles ou modifiées : {rapport.ecrites} ; "
            f"lignes de périmètres disparus supprimées : {rapport.supprimees}"
        )
        duree = f"{rapport.duree:.2f}".replace(".", ",")
        self.stdout.write(
            self.style.SUCCESS(
                f"Totaux recalculés en {duree} s ({sum(rapport.lignes.values())} lignes)."
            )
        )
