"""Référentiel : découpage administratif et Territoires d'industrie.

Les codes officiels (code INSEE, SIREN, code de territoire) servent de clé
primaire : ce sont des chaînes qui gardent leurs zéros de tête, et une clé
étrangère porte directement le code (``territoire.region_id == "84"``).
"""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from territoires.validators import valider_siren


class Zone(models.TextChoices):
    METRO = "metro", "Métropole"
    DROM = "drom", "Département ou région d'outre-mer"
    COM = "com", "Collectivité d'outre-mer"


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    contour = models.TextField("contour (tracé SVG simplifié)", blank=True, editable=False)

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Departement(models.Model):
    code = models.CharField("code INSEE", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name="région"
    )
    zone = models.CharField("zone", max_length=5, choices=Zone.choices)
    chef_lieu = models.CharField("chef-lieu (code INSEE)", max_length=5, blank=True)
    contour = models.TextField("contour (tracé SVG simplifié)", blank=True, editable=False)

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.nom}"


class TypeEpci(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"


class Intercommunalite(models.Model):
    """EPCI à fiscalité propre (périmètres en vigueur au 1er janvier 2025)."""

    siren = models.CharField(
        "SIREN",
        max_length=9,
        primary_key=True,
        validators=[valider_siren],
    )
    nom = models.CharField("nom", max_length=200)
    type = models.CharField("type", max_length=5, choices=TypeEpci.choices)
    mode_financement = models.CharField("mode de financement", max_length=3, blank=True)
    departements = models.ManyToManyField(
        Departement, related_name="intercommunalites", verbose_name="départements"
    )
    regions = models.ManyToManyField(
        Region, related_name="intercommunalites", verbose_name="régions"
    )
    nb_communes = models.PositiveIntegerField("nombre de communes", default=0)
    population = models.PositiveIntegerField("population totale", default=0)
    population_municipale = models.PositiveIntegerField("population municipale", default=0)
    recherche = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = "intercommunalité"
        verbose_name_plural = "intercommunalités"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(siren__regex=r"^[0-9]{9}$"), name="epci_siren_9_chiffres"
            ),
        ]

    def __str__(self):
        return self.nom


class Commune(models.Model):
    code_insee = models.CharField("code INSEE", max_length=5, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    epci = models.ForeignKey(
        Intercommunalite,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name="intercommunalité",
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    recherche = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.code_insee})"


class Ept(models.Model):
    """Établissement public territorial de la Métropole du Grand Paris (pas un EPCI à
    fiscalité propre) : membre possible d'un territoire de la phase 2, avec ses communes."""

    siren = models.CharField("SIREN", max_length=9, primary_key=True, validators=[valider_siren])
    nom = models.CharField("nom", max_length=200)
    communes = models.ManyToManyField(Commune, related_name="epts", verbose_name="communes")

    class Meta:
        verbose_name = "établissement public territorial"
        verbose_name_plural = "établissements publics territoriaux"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Phase(models.TextChoices):
    PHASE_1 = "2018-2022", "Phase 1 (2018-2022)"
    PHASE_2 = "2023-2027", "Phase 2 (2023-2027)"


# La phase en cours du programme : celle que les listes montrent d'abord.
PHASE_EN_COURS = Phase.PHASE_2
# Années de programmation de chaque phase (une seule définition, lue par la saisie des projets).
ANNEES_DES_PHASES = {Phase.PHASE_1: range(2018, 2023), Phase.PHASE_2: range(2023, 2028)}
# Les codes de la phase 2 sont publiés par l'ANCT avec ce préfixe (« ti-8413 ») : ceux
# des deux listes restent distincts, bien que 145 chiffres soient repris d'une phase à l'autre.
PREFIXE_PHASE_2 = "ti-"


def code_publie(texte: str) -> str:
    """Le code d'un territoire tel que publié, quelle que soit la casse du préfixe saisi
    (« TI-8413 » -> « ti-8413 »)."""
    if texte[: len(PREFIXE_PHASE_2)].lower() == PREFIXE_PHASE_2:
        return PREFIXE_PHASE_2 + texte[len(PREFIXE_PHASE_2) :]
    return texte


def phase_du_code(code: str) -> str:
    """La phase d'un territoire d'après son code publié (« ti-… » : phase 2)."""
    return Phase.PHASE_2 if code.startswith(PREFIXE_PHASE_2) else Phase.PHASE_1


def phase_de_l_annee(annee: int) -> str | None:
    """La phase du programme d'une année de programmation (None hors programme)."""
    for phase, annees in ANNEES_DES_PHASES.items():
        if annee in annees:
            return phase
    return None


class TerritoireIndustrie(models.Model):
    """Un Territoire d'industrie : un ensemble de communes, porté par des EPCI.

    Le périmètre est une liste de communes (liste d'octobre 2020) ; un EPCI
    peut donc n'y être que partiellement. `nb_communes`, `population` et
    `nb_intercommunalites` sont calculés par `importer_referentiel` à partir
    des communes et des adhésions en vigueur.
    """

    code = models.CharField(
        "code",
        max_length=7,
        primary_key=True,
        validators=[
            RegexValidator(
                r"^(ti-)?[0-9]{4}$",
                "Le code est composé de 4 chiffres, précédés de « ti- » en phase 2.",
            )
        ],
    )
    nom = models.CharField("nom", max_length=200)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="territoires",
        verbose_name="région de pilotage",
    )
    phase = models.CharField("phase", max_length=9, choices=Phase.choices, default=Phase.PHASE_1)
    binome_elu = models.CharField("binôme : élu", max_length=200, blank=True)
    binome_industriel = models.CharField("binôme : industriel", max_length=200, blank=True)
    chef_de_projet = models.CharField("chef de projet", max_length=200, blank=True)
    communes = models.ManyToManyField(
        Commune, related_name="territoires", blank=True, verbose_name="communes"
    )
    epts = models.ManyToManyField(
        "Ept",
        related_name="territoires",
        blank=True,
        verbose_name="établissements publics territoriaux",
    )
    intercommunalites = models.ManyToManyField(
        Intercommunalite,
        through="Perimetre",
        related_name="territoires",
        verbose_name="intercommunalités",
    )
    nb_communes = models.PositiveIntegerField(
        "nombre de communes", default=0, validators=[MinValueValidator(0)]
    )
    nb_intercommunalites = models.PositiveIntegerField("nombre d'intercommunalités", default=0)
    population = models.PositiveIntegerField("population", default=0)
    contour = models.TextField("contour (tracé SVG simplifié)", blank=True, editable=False)
    recherche = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = "Territoire d'industrie"
        verbose_name_plural = "Territoires d'industrie"
        ordering = ["nom"]

    def __str__(self):
        return f"{self.nom} ({self.code})"

    @property
    def numero_de_phase(self) -> int:
        return 2 if self.phase == Phase.PHASE_2 else 1


class TypePerimetre(models.TextChoices):
    COMPLET = "complet", "Périmètre complet"
    PARTIEL = "partiel", "Périmètre partiel"


class PerimetreQuerySet(models.QuerySet):
    def en_vigueur(self, le=None):
        """Adhésions valides à la date `le` (aujourd'hui par défaut)."""
        from django.utils import timezone

        le = le or timezone.localdate()
        return self.filter(Q(valide_du__lte=le), Q(valide_au__isnull=True) | Q(valide_au__gte=le))


class Perimetre(models.Model):
    """Adhésion d'un EPCI à un territoire, datée pour garder l'historique.

    Quand des EPCI fusionnent ou se scindent, l'ancienne ligne est close
    (`valide_au`) et une nouvelle est ouverte : l'historique reste lisible.
    """

    territoire = models.ForeignKey(
        TerritoireIndustrie, on_delete=models.CASCADE, related_name="perimetres"
    )
    epci = models.ForeignKey(
        Intercommunalite,
        on_delete=models.PROTECT,
        related_name="perimetres",
        verbose_name="intercommunalité",
    )
    perimetre = models.CharField("périmètre", max_length=7, choices=TypePerimetre.choices)
    nb_communes = models.PositiveIntegerField("communes de l'EPCI dans le territoire")
    valide_du = models.DateField("valide du")
    valide_au = models.DateField("valide au", null=True, blank=True)

    objects = PerimetreQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion d'un EPCI"
        verbose_name_plural = "adhésions des EPCI"
        ordering = ["territoire", "epci__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["territoire", "epci", "valide_du"], name="perimetre_unique_par_date"
            ),
            models.CheckConstraint(
                condition=Q(valide_au__isnull=True) | Q(valide_au__gte=models.F("valide_du")),
                name="perimetre_dates_ordonnees",
            ),
        ]
        indexes = [models.Index(fields=["epci", "territoire"])]

    def __str__(self):
        return f"{self.epci} dans {self.territoire} ({self.get_perimetre_display()})"
