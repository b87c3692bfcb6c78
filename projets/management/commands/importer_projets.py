from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from projets import importation, permissions


class Command(BaseCommand):
    help = (
        "Importe des projets depuis un fichier XLSX ou CSV (voir le modèle sur "
        "/projets/importer/modele.xlsx). Tout ou rien : à la moindre erreur, rien n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="Fichier .xlsx ou .csv à importer.")
        parser.add_argument(
            "--utilisateur",
            required=True,
            help="Identifiant de l'auteur de l'import (préfecture ou équipe nationale).",
        )
        parser.add_argument(
            "--verifier",
            action="store_true",
            help="Contrôle le fichier et affiche les erreurs sans rien enregistrer.",
        )
        parser.add_argument(
            "--sans-progression", action="store_true", help="N'affiche pas la barre de progression."
        )

    def handle(self, *args, fichier, utilisateur, verifier, sans_progression, **options):
        User = get_user_model()
        try:
            auteur = User.objects.get(**{User.USERNAME_FIELD: utilisateur})
        except User.DoesNotExist as exc:
            raise CommandError(f"Utilisateur « {utilisateur} » introuvable.") from exc
        decision = permissions.peut_importer(auteur)
        if not decision:
            raise CommandError(
                f"L'utilisateur « {utilisateur} » ne peut pas importer : {decision.raison}"
            )
        if not fichier.is_file():
            raise CommandError(f"Fichier introuvable : {fichier}")

        barre = tqdm(
            desc="Projets",
            unit="ligne",
            file=self.stderr._out,
            disable=sans_progression or options["verbosity"] == 0,
        )

        etapes = []

        def progression(faites, total, etape):
            if etape not in etapes:  # lecture du fichier, puis contrôle (et enregistrement)
                etapes.append(etape)
                barre.set_description(etape)
                barre.reset(total=total or None)
            barre.total = total or None
            barre.update(faites - barre.n)

        try:
            with fichier.open("rb") as flux:
                rapport = importation.importer_projets(
                    auteur=auteur,
                    fichier=flux,
                    nom_fichier=fichier.name,
                    verifier=verifier,
                    progression=progression,
                )
        finally:
            barre.close()

        if not rapport.valide:
            for erreur in rapport.erreurs:
                self.stderr.write(str(erreur))
            nb = len(rapport.erreurs)
            raise CommandError(
                f"{nb} erreur{'s' if nb > 1 else ''} sur {rapport.nb_lignes_en_erreur} "
                f"ligne{'s' if rapport.nb_lignes_en_erreur > 1 else ''} : "
                "aucun projet n'a été importé."
            )
        nb = rapport.nb_lignes
        pluriel = "s" if nb > 1 else ""
        if verifier:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Fichier valide : {nb} projet{pluriel} prêt{pluriel} à être importé{pluriel}. "
                    "Rien n'a été enregistré (--verifier)."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{nb} projet{pluriel} importé{pluriel} par {utilisateur}, dont "
                f"{rapport.nb_deposes} déposé{'s' if rapport.nb_deposes > 1 else ''}."
            )
        )
