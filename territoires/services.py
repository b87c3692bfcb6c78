"""Écritures du référentiel : chargement idempotent des fichiers officiels."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from territoires.models import (
    Commune,
    Departement,
    Ept,
    Intercommunalite,
    Perimetre,
    Region,
    TerritoireIndustrie,
)
from territoires.referentiel import Referentiel, lire_referentiel
from territoires.validators import normaliser

# Date d'effet des périmètres d'EPCI des fichiers livrés (millésime 2025, valable en 2026).
DATE_EFFET_PERIMETRES = datetime.date(2025, 1, 1)
TAILLE_LOT = 2000


@dataclass
class RapportImport:
    crees: Counter = field(default_factory=Counter)
    modifies: Counter = field(default_factory=Counter)
    supprimes: Counter = field(default_factory=Counter)

    @property
    def change(self) -> bool:
        return bool(+self.crees or +self.modifies or +self.supprimes)

    def lignes(self) -> list[str]:
        noms = sorted(set(self.crees) | set(self.modifies) | set(self.supprimes))
        return [
            f"{nom} : {self.crees[nom]} créé(s), {self.modifies[nom]} modifié(s), "
            f"{self.supprimes[nom]} retiré(s)"
            for nom in noms
            if self.crees[nom] or self.modifies[nom] or self.supprimes[nom]
        ]


def _synchroniser(modele, libelle, voulus: dict, champs: list[str], rapport: RapportImport):
    """Crée les lignes absentes et met à jour celles qui diffèrent, par lots.

    Les lignes présentes en base mais absentes du fichier sont conservées : des
    projets peuvent y faire référence.
    """
    cle = modele._meta.pk.attname
    existants = {
        valeurs[0]: valeurs[1:] for valeurs in modele.objects.values_list(cle, *champs).iterator()
    }
    a_creer, a_modifier = [], []
    for code, attributs in voulus.items():
        valeurs = tuple(attributs[c] for c in champs)
        if code not in existants:
            a_creer.append(modele(**{cle: code}, **attributs))
        elif existants[code] != valeurs:
            a_modifier.append(modele(**{cle: code}, **attributs))
    modele.objects.bulk_create(a_creer, batch_size=TAILLE_LOT)
    modele.objects.bulk_update(a_modifier, champs, batch_size=TAILLE_LOT)
    rapport.crees[libelle] += len(a_creer)
    rapport.modifies[libelle] += len(a_modifier)


def _synchroniser_liens(champ_m2m, voulus: set[tuple[str, str]], libelle, rapport):
    """Aligne une table de liaison plusieurs-à-plusieurs sur les paires voulues."""
    lien = champ_m2m.through
    source = champ_m2m.field.m2m_field_name() + "_id"
    cible = champ_m2m.field.m2m_reverse_field_name() + "_id"
    existants = set(lien.objects.values_list(source, cible).iterator())
    a_creer = voulus - existants
    a_retirer = existants - voulus
    lien.objects.bulk_create(
        [lien(**{source: a, cible: b}) for a, b in sorted(a_creer)], batch_size=TAILLE_LOT
    )
    if a_retirer:
        par_source = defaultdict(list)
        for a, b in a_retirer:
            par_source[a].append(b)
        for a, cibles in par_source.items():
            lien.objects.filter(**{source: a, f"{cible}__in": cibles}).delete()
    rapport.crees[libelle] += len(a_creer)
    rapport.supprimes[libelle] += len(a_retirer)


def _synchroniser_perimetres(ref: Referentiel, date_effet: datetime.date, rapport):
    """Ouvre les adhésions nouvelles, clôt celles qui ont disparu ou changé.

    Une adhésion n'est jamais réécrite : un changement de périmètre ferme la
    ligne en vigueur la veille de la date d'effet et en ouvre une nouvelle.
    """
    en_cours = {
        (p.territoire_id, p.epci_id): p for p in Perimetre.objects.filter(valide_au__isnull=True)
    }
    veille = date_effet - datetime.timedelta(days=1)
    a_fermer, a_ouvrir = [], []
    for cle, attributs in ref.perimetres.items():
        actuel = en_cours.get(cle)
        if actuel and (actuel.perimetre, actuel.nb_communes) == (
            attributs["perimetre"],
            attributs["nb_communes"],
        ):
            continue
        if actuel:
            a_fermer.append(actuel)
        a_ouvrir.append(
            Perimetre(territoire_id=cle[0], epci_id=cle[1], valide_du=date_effet, **attributs)
        )
    for cle, actuel in en_cours.items():
        if cle not in ref.perimetres:
            a_fermer.append(actuel)
    for perimetre in a_fermer:
        perimetre.valide_au = max(veille, perimetre.valide_du)
    Perimetre.objects.bulk_update(a_fermer, ["valide_au"], batch_size=TAILLE_LOT)
    Perimetre.objects.bulk_create(a_ouvrir, batch_size=TAILLE_LOT)
    rapport.crees["Adhésions d'EPCI"] += len(a_ouvrir)
    rapport.supprimes["Adhésions d'EPCI"] += len(a_fermer)


def _chiffres_territoires(ref: Referentiel) -> dict[str, dict]:
    """Nombre de communes, population et nombre d'EPCI de chaque territoire."""
    communes = Counter()
    population = Counter()
    for code, commune in ref.communes_territoires:
        communes[code] += 1
        population[code] += ref.communes[commune]["population"] or 0
    epci = Counter(code for code, _ in ref.perimetres)
    return {
        code: {
            **attributs,
            "nb_communes": communes[code],
            "population": population[code],
            "nb_intercommunalites": epci[code],
            "recherche": normaliser(f"{code} {attributs['nom']}"),
        }
        for code, attributs in ref.territoires.items()
    }


def importer_referentiel(
    *,
    dossier: Path,
    date_effet: datetime.date = DATE_EFFET_PERIMETRES,
    progression=None,
) -> RapportImport:
    """Charge le référentiel du dossier : tout ou rien, et sans effet s'il est à jour."""
    etape = progression or (lambda _libelle: None)
    ref = lire_referentiel(dossier, progression=etape)
    rapport = RapportImport()
    with transaction.atomic():
        _synchroniser(
            Region, "Régions", ref.regions, ["nom", "zone", "chef_lieu", "contour"], rapport
        )
        etape("régions écrites")
        _synchroniser(
            Departement,
            "Départements",
            ref.departements,
            ["nom", "region_id", "zone", "chef_lieu", "contour"],
            rapport,
        )
        etape("départements écrits")
        epci = {
            siren: {**attributs, "recherche": normaliser(f"{siren} {attributs['nom']}")}
            for siren, attributs in ref.epci.items()
        }
        _synchroniser(
            Intercommunalite,
            "Intercommunalités",
            epci,
            [
                "nom",
                "type",
                "mode_financement",
                "nb_communes",
                "population",
                "population_municipale",
                "recherche",
            ],
            rapport,
        )
        _synchroniser_liens(
            Intercommunalite.departements,
            ref.epci_departements,
            "Départements des intercommunalités",
            rapport,
        )
        _synchroniser_liens(
            Intercommunalite.regions, ref.epci_regions, "Régions des intercommunalités", rapport
        )
        etape("intercommunalités écrites")
        communes = {
            code: {**attributs, "recherche": normaliser(attributs["nom"])}
            for code, attributs in ref.communes.items()
        }
        _synchroniser(
            Commune,
            "Communes",
            communes,
            ["nom", "departement_id", "epci_id", "population", "recherche"],
            rapport,
        )
        etape("communes écrites")
        _synchroniser(
            TerritoireIndustrie,
            "Territoires d'industrie",
            _chiffres_territoires(ref),
            [
                "nom",
                "region_id",
                "phase",
                "nb_communes",
                "population",
                "nb_intercommunalites",
                "contour",
                "recherche",
            ],
            rapport,
        )
        _synchroniser(Ept, "Établissements publics territoriaux", ref.epts, ["nom"], rapport)
        _synchroniser_liens(Ept.communes, ref.ept_communes, "Communes des EPT", rapport)
        _synchroniser_liens(
            TerritoireIndustrie.epts, ref.ept_territoires, "EPT des territoires", rapport
        )
        _synchroniser_liens(
            TerritoireIndustrie.communes,
            ref.communes_territoires,
            "Communes des territoires",
            rapport,
        )
        _synchroniser_perimetres(ref, date_effet, rapport)
        etape("territoires écrits")
    return rapport


NB_ETAPES_IMPORT = 8 + 5
