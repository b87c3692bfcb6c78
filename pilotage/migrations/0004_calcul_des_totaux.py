"""Date des totaux : un journal des recalculs au lieu d'une date réécrite sur chaque ligne.

`Totaux.calcule_le` devient `modifie_le` (le recalcul qui a changé la ligne) ; la
date des chiffres est celle du dernier `Calcul`. Les totaux déjà calculés reçoivent
un premier recalcul, complet, à la date de leur ligne la plus récente. L'empreinte
des chiffres d'une ligne (voir `pilotage.services.empreinte`) évite de réécrire une
ligne inchangée.
"""

from django.db import migrations, models
from django.db.models import Max


def journal_initial(apps, schema_editor):
    Totaux = apps.get_model("pilotage", "Totaux")
    Calcul = apps.get_model("pilotage", "Calcul")
    plus_recent = Totaux.objects.aggregate(date=Max("modifie_le"))["date"]
    if plus_recent is not None:
        Calcul.objects.create(calcule_le=plus_recent, complet=True)


class Migration(migrations.Migration):
    dependencies = [
        ("pilotage", "0003_libelle_nb_projets"),
    ]

    operations = [
        migrations.CreateModel(
            name="Calcul",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("calcule_le", models.DateTimeField(db_index=True, verbose_name="calculé le")),
                ("complet", models.BooleanField(default=False, verbose_name="recalcul complet")),
                (
                    "territoires",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Vide : tous.",
                        verbose_name="territoires recalculés",
                    ),
                ),
                (
                    "regions",
                    models.JSONField(blank=True, default=list, verbose_name="régions recalculées"),
                ),
                (
                    "lignes_ecrites",
                    models.PositiveIntegerField(default=0, verbose_name="lignes écrites"),
                ),
                (
                    "lignes_supprimees",
                    models.PositiveIntegerField(default=0, verbose_name="lignes supprimées"),
                ),
                ("duree_ms", models.PositiveIntegerField(default=0, verbose_name="durée (ms)")),
            ],
            options={
                "verbose_name": "recalcul des totaux",
                "verbose_name_plural": "recalculs des totaux",
                "ordering": ["-calcule_le", "-id"],
                "get_latest_by": ["calcule_le", "id"],
            },
        ),
        migrations.RenameField(model_name="totaux", old_name="calcule_le", new_name="modifie_le"),
        migrations.AlterField(
            model_name="totaux",
            name="modifie_le",
            field=models.DateTimeField(
                help_text="Le recalcul qui a changé un chiffre de la ligne pour la dernière fois.",
                verbose_name="chiffres modifiés le",
            ),
        ),
        # Vide : chaque ligne existante sera réécrite une fois par le prochain recalcul.
        migrations.AddField(
            model_name="totaux",
            name="empreinte",
            field=models.CharField(
                blank=True, editable=False, max_length=32, verbose_name="empreinte des chiffres"
            ),
        ),
        migrations.AddField(
            model_name="totauxpartiels",
            name="empreinte",
            field=models.CharField(
                blank=True, editable=False, max_length=32, verbose_name="empreinte des chiffres"
            ),
        ),
        migrations.RunPython(journal_initial, migrations.RunPython.noop),
    ]
