"""Les crédits des tests : dispositifs, enveloppes dotées et réparties, projets engagés.

Tout passe par les services (création, dotation, répartition ; engagement, versement) :
les tests partent d'états que l'application sait produire.
"""

import datetime
from decimal import Decimal

import factory

from fonds import services
from fonds.models import Dispositif, Engagement, Enveloppe, TypeMouvement
from projets import services as projets_services
from projets.models import Projet, Statut
from tests.projets.factories import projet_au_statut

M = Decimal("1000000")


class DispositifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispositif
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"dispositif-{n}")
    nom = factory.LazyAttribute(lambda o: f"Dispositif {o.code}")
    finance_projets = True
    ordre = factory.Sequence(lambda n: n)


def fonds_acceleration() -> Dispositif:
    return DispositifFactory(
        code="fonds-acceleration",
        nom="Fonds d'accélération des investissements industriels dans les territoires",
        montant_annonce=400 * M,
        finance_projets=True,
        ordre=1,
    )


def enveloppe_nationale(*, auteur, dispositif, annee: int, montant: Decimal) -> Enveloppe:
    enveloppe = services.creer_enveloppe(dispositif=dispositif, annee=annee, auteur=auteur)
    if montant:
        services.ajouter_mouvement(
            enveloppe_id=enveloppe.pk,
            type=TypeMouvement.DOTATION,
            montant=montant,
            date_effet=datetime.date(annee, 1, 1),
            motif=f"Loi de finances initiale {annee}",
            auteur=auteur,
        )
    enveloppe.refresh_from_db()
    return enveloppe


def fonds_reparti(
    *, auteur, dispositif, annee: int, national: Decimal, regions: dict[str, Decimal]
) -> tuple[Enveloppe, dict[str, Enveloppe]]:
    """Une enveloppe nationale dotée puis répartie : (nationale, {code région: régionale})."""
    nationale = enveloppe_nationale(
        auteur=auteur, dispositif=dispositif, annee=annee, montant=national
    )
    if regions:
        services.repartir(
            enveloppe_nationale_id=nationale.pk,
            montants_par_region=regions,
            date_effet=datetime.date(annee, 2, 1),
            motif="Répartition entre les régions",
            auteur=auteur,
        )
    regionales = {
        e.region_id: e
        for e in Enveloppe.objects.filter(dispositif=dispositif, annee=annee, region__isnull=False)
    }
    return nationale, regionales


def fonds_2020(
    *,
    auteur,
    dispositif: Dispositif | None = None,
    regions: dict[str, Decimal] | None = None,
) -> tuple[Enveloppe, dict[str, Enveloppe]]:
    """Le fonds d'accélération 2020 des tests : 150 M€, dont 10 M€ pour la région 84 et
    5 M€ pour la 32 (ou `regions`) : (nationale, {code région: régionale})."""
    return fonds_reparti(
        auteur=auteur,
        dispositif=dispositif or fonds_acceleration(),
        annee=2020,
        national=150 * M,
        regions={"84": 10 * M, "32": 5 * M} if regions is None else regions,
    )


def projet_preselectionne(*, prefecture, conseil, **valeurs) -> Projet:
    """Un projet créé, déposé, instruit puis présélectionné par deux avis favorables."""
    return projet_au_statut(
        Statut.PRESELECTIONNE, prefecture=prefecture, conseil=conseil, **valeurs
    )


def engager(projet: Projet, enveloppe: Enveloppe, montant: Decimal, *, auteur) -> Engagement:
    return services.engager(
        projet_id=projet.pk,
        enveloppe_id=enveloppe.pk,
        montant=montant,
        date_engagement=datetime.date(enveloppe.annee, 10, 1),
        auteur=auteur,
    )


def verser(engagement: Engagement, montant: Decimal, *, auteur, reference: str = ""):
    return services.verser(
        engagement_id=engagement.pk,
        montant=montant,
        date_versement=engagement.date_engagement + datetime.timedelta(days=30),
        reference=reference or f"Mandat {engagement.pk}",
        auteur=auteur,
    )


def projet_engage(
    statut: str = Statut.ENGAGE,
    *,
    prefecture,
    conseil,
    enveloppe: Enveloppe,
    montant: Decimal | None = None,
    verse: Decimal | None = None,
    **valeurs,
) -> Projet:
    """Un projet présélectionné puis engagé sur `enveloppe` (régionale, de son année).

    `statut` : `engage`, `en_cours` (travaux déclarés, et `verse` payé s'il est donné) ou
    `realise` (tout payé). `montant` : l'aide sollicitée par défaut.
    """
    valeurs.setdefault("annee", enveloppe.annee)
    projet = projet_preselectionne(prefecture=prefecture, conseil=conseil, **valeurs)
    engagement = engager(projet, enveloppe, montant or projet.aide_sollicitee, auteur=prefecture)
    if statut in (Statut.EN_COURS, Statut.REALISE):
        projets_services.changer_statut(
            projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_COURS
        )
    if statut == Statut.REALISE:
        verse = engagement.montant
    if verse:
        verser(engagement, verse, auteur=prefecture)
    if statut == Statut.REALISE:
        projets_services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.REALISE)
    return Projet.objects.select_related("porteur", "territoire").get(pk=projet.pk)
