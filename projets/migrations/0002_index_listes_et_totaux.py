"""Index des listes de projets et du recalcul des totaux (banc de performance, tests/bench/).

- `projet_liste_idx`, `projet_region_liste_idx`, `projet_region_statut_liste_idx` :
  les listes (pages et API) trient par « -updated_at, -id » et paginent par 50 ; ces
  index lisent les lignes de la page dans l'ordre au lieu de trier toute la sélection
  (à 100 000 projets, la liste nationale passe d'un tri de 95 000 lignes à 50 lectures).
  Le dernier remplace l'index (région, statut), dont il prolonge les colonnes.
- `projet_totaux_idx` : le recalcul incrémental des totaux relit les projets d'un
  territoire groupés par région, statut et enjeu ; l'index couvrant (PostgreSQL :
  colonnes sommées en INCLUDE) évite de visiter la table. Il remplace l'index
  (territoire, statut), dont il commence par la même colonne.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projets", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="projet",
            index=models.Index(fields=["-updated_at", "-id"], name="projet_liste_idx"),
        ),
        migrations.AddIndex(
            model_name="projet",
            index=models.Index(
                fields=["region", "-updated_at", "-id"], name="projet_region_liste_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="projet",
            index=models.Index(
                fields=["region", "statut", "-updated_at", "-id"],
                name="projet_region_statut_liste_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="projet",
            index=models.Index(
                fields=["territoire", "region", "statut", "enjeu"],
                include=(
                    "id",
                    "montant_investissement",
                    "emplois_crees",
                    "emplois_maintenus",
                    "aide_sollicitee",
                ),
                name="projet_totaux_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="projet", name="projets_pro_region__9ad974_idx"),
        migrations.RemoveIndex(model_name="projet", name="projets_pro_territo_bb3b36_idx"),
    ]
