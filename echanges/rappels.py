"""Les rappels de date limite des avis : sept jours avant, puis une fois passée.

Chaque matin (beat), les projets en instruction dont un avis manque et dont la date
limite approche (dans `JOURS_AVANT` jours au plus) ou est passée reçoivent un rappel,
publié comme fait du programme (`delai_proche`, `delai_depasse`) aux côtés dont l'avis
manque. Une ligne `Rappel` par projet, genre et date limite, écrite avec le fait : la
tâche rejouée le même jour (ou deux beats simultanés) ne publie rien de plus.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from echanges.models import Rappel
from projets.models import Projet, Statut
from socle import evenements

JOURS_AVANT = 7


def _cotes_attendus(projet: Projet) -> list[str]:
    return [
        cote
        for cote, avis in (("etat", projet.avis_etat), ("region", projet.avis_region))
        if not avis
    ]


def publier_rappels(*, aujourdhui: datetime.date | None = None) -> int:
    aujourdhui = aujourdhui or timezone.localdate()
    projets = (
        Projet.objects.filter(
            statut=Statut.EN_INSTRUCTION,
            date_limite_avis__lte=aujourdhui + datetime.timedelta(days=JOURS_AVANT),
        )
        .filter(Q(avis_etat="") | Q(avis_region=""))
        .only("pk", "intitule", "region_id", "date_limite_avis", "avis_etat", "avis_region")
        .order_by("pk")
    )
    publies = 0
    for projet in projets.iterator(chunk_size=500):
        genre = "delai_depasse" if projet.date_limite_avis < aujourdhui else "delai_proche"
        try:
            with transaction.atomic():
                _rappel, cree = Rappel.objects.get_or_create(
                    projet=projet, genre=genre, date_limite=projet.date_limite_avis
                )
                if not cree:
                    continue
                evenements.publier(
                    genre,
                    projet_id=projet.pk,
                    region=projet.region_id,
                    intitule=projet.intitule,
                    cotes=_cotes_attendus(projet),
                    date_limite=projet.date_limite_avis.isoformat(),
                    date_limite_lisible=f"{projet.date_limite_avis:%d/%m/%Y}",
                )
        except IntegrityError:
            continue  # un autre passage l'a publié au même instant
        publies += 1
    return publies
