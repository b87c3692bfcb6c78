import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pilotage.demo import DemoExistante, generer_demo
from socle.format_fr import format_euros
from socle.progression import barre_de_progression

ETAPES = 6


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration fictives (1 600 projets, le Fonds d'accélération "
        "et ses enveloppes, les comptes de démonstration). Refuse de tourner quand DEBUG est "
        "désactivé, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2020, help="Graine (défaut : 2020).")
        parser.add_argument(
            "--reinitialiser",
            action="store_true",
            help="Remplace les données de démonstration existantes.",
        )
        parser.add_argument(
            "--si-vide",
            action="store_true",
            help="Ne fait rien (sans erreur) si des données de démonstration existent déjà.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Accepte de tourner avec DEBUG désactivé."
        )
        parser.add_argument(
            "--sans-progression", action="store_true", help="N'affiche pas la barre de progression."
        )

    def handle(self, *args, seed, reinitialiser, si_vide, force, sans_progression, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Données fictives refusées avec DEBUG désactivé (base de production ?). "
                "Ajoutez --force si c'est bien voulu."
            )
        from pilotage.demo import donnees_demo_presentes

        if si_vide and donnees_demo_presentes():
            self.stdout.write("Des données de démonstration existent déjà : rien à faire.")
            return
        mot_de_passe = os.environ.get("DEMO_PASSWORD") or "territoires2020"
        barre = barre_de_progression(
            total=ETAPES,
            desc="Démonstration",
            unit="étape",
            file=self.stderr._out,
            disable=sans_progression or options["verbosity"] == 0,
        )

        def progression(libelle):
            barre.set_postfix_str(libelle)
            barre.update(1)

        try:
            rapport = generer_demo(
                graine=seed,
                mot_de_passe=mot_de_passe,
                reinitialiser=reinitialiser,
                progression=progression,
            )
            from pilotage.moteur import recalculer_tout

            recalculer_tout()
            progression("totaux recalculés")
        except DemoExistante as exc:
            raise CommandError(str(exc)) from exc
        finally:
            barre.close()

        total = sum(rapport.projets_par_statut.values())
        self.stdout.write(f"{total} projets fictifs, dont :")
        for statut, nombre in rapport.projets_par_statut.items():
            self.stdout.write(f"  {statut} : {nombre}")
        self.stdout.write(
            f"{rapport.engagements_2020} projets financés en 2020 pour "
            f"{format_euros(rapport.montant_engage_2020)} sur le Fonds d'accélération."
        )
        self.stdout.write(
            "Comptes de démonstration (mot de passe : variable DEMO_PASSWORD, "
            "défaut « territoires2020 ») : " + ", ".join(rapport.comptes)
        )
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
