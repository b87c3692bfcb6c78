"""Chaque indicateur d'un instrument (DSIL, Banque des Territoires…) suit cet instrument ;
sa cible en euros est l'enveloppe de l'instrument, plus une seconde saisie."""

import django.db.models.deletion
from django.db import migrations, models

# Les indicateurs du communiqué et l'instrument que chacun suit (mêmes codes que
# `pilotage.indicateurs.INDICATEURS_DU_PROGRAMME`, figés ici comme il se doit).
INSTRUMENTS = {
    "accompagnements-industrie-du-futur": "industrie-du-futur",
    "transition-collective": "transition-collective",
    "dsil-territoires-industrie": "dsil",
    "banque-des-territoires": "banque-des-territoires",
    "sites-cles-en-main-candidatures": "sites-cles-en-main",
}


def relier(apps, schema_editor):
    Indicateur = apps.get_model("pilotage", "Indicateur")
    Dispositif = apps.get_model("fonds", "Dispositif")
    dispositifs = dict(Dispositif.objects.values_list("code", "pk"))
    for indicateur in Indicateur.objects.filter(code__in=INSTRUMENTS, dispositif__isnull=True):
        dispositif = dispositifs.get(INSTRUMENTS[indicateur.code])
        if dispositif is None:
            continue
        indicateur.dispositif_id = dispositif
        if indicateur.unite == "euros":
            indicateur.cible = None
        indicateur.save(update_fields=["dispositif", "cible"])


class Migration(migrations.Migration):
    dependencies = [
        ("fonds", "0001_initial"),
        ("pilotage", "0004_calcul_des_totaux"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicateur",
            name="dispositif",
            field=models.ForeignKey(
                blank=True,
                help_text="L'instrument dont l'indicateur mesure les crédits mobilisés (DSIL, Banque des Territoires…). Sa cible est alors l'enveloppe de l'instrument, lue dans ses mouvements : elle ne se saisit pas une seconde fois ici.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="indicateurs",
                to="fonds.dispositif",
                verbose_name="instrument suivi",
            ),
        ),
        migrations.RunPython(relier, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="indicateur",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("dispositif__isnull", True),
                    models.Q(("unite", "euros"), _negated=True),
                    ("cible__isnull", True),
                    _connector="OR",
                ),
                name="indicateur_cible_d_un_instrument_lue_dans_son_enveloppe",
            ),
        ),
    ]
