"""Totaux précalculés : une ligne par périmètre, lue par les tableaux de bord.

Les tableaux de bord, l'API `totaux` et l'administration ne comptent jamais les
projets à la demande : ils lisent ces lignes, recalculées par
`pilotage.moteur` (chaque nuit, à la demande et après chaque changement).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from projets.models import Enjeu, Statut

# Valeurs de la clé qui désignent « tous les dispositifs » et « toutes les années ».
TOUS_DISPOSITIFS = ""
TOUTES_ANNEES = 0


class Niveau(models.TextChoices):
    NATIONAL = "national", "National"
    REGION = "region", "Région"
    TERRITOIRE = "territoire", "Territoire d'industrie"


def _somme(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, **kwargs)


class Calcul(models.Model):
    """Un recalcul des totaux : quand, complet ou limité à des périmètres, ce qu'il a écrit.

    La date des chiffres (« données au … ») est celle du dernier recalcul, complet ou
    non, et non une date par ligne : chaque changement d'un projet, d'un avis, d'une
    enveloppe ou d'un engagement programme le recalcul des périmètres qu'il touche,
    si bien qu'après un recalcul toutes les lignes valent pour cet instant. Une ligne
    dont aucun chiffre ne change n'est donc pas réécrite. Le recalcul écrit sa ligne
    dans la même transaction que les totaux : chiffres et date changent ensemble.
    """

    calcule_le = models.DateTimeField("calculé le", db_index=True)
    complet = models.BooleanField("recalcul complet", default=False)
    territoires = models.JSONField(
        "territoires recalculés", default=list, blank=True, help_text="Vide : tous."
    )
    regions = models.JSONField("régions recalculées", default=list, blank=True)
    lignes_ecrites = models.PositiveIntegerField("lignes écrites", default=0)
    lignes_supprimees = models.PositiveIntegerField("lignes supprimées", default=0)
    duree_ms = models.PositiveIntegerField("durée (ms)", default=0)

    class Meta:
        verbose_name = "recalcul des totaux"
        verbose_name_plural = "recalculs des totaux"
        ordering = ["-calcule_le", "-id"]
        get_latest_by = ["calcule_le", "id"]

    def __str__(self):
        genre = "complet" if self.complet else "des périmètres touchés"
        return f"Recalcul {genre} du {self.calcule_le:%d/%m/%Y %H:%M:%S}"


class TotauxQuerySet(models.QuerySet):
    def avec_dates(self) -> "TotauxQuerySet":
        """Chaque ligne porte `calcule_le` (dernier recalcul) et `calcule_complet_le`
        (dernier recalcul complet), lus par deux sous-requêtes non corrélées que la
        base n'évalue qu'une fois : aucune requête de plus pour les pages."""
        recalculs = Calcul.objects.order_by("-calcule_le", "-id").values("calcule_le")
        return self.annotate(
            calcule_le=models.Subquery(recalculs[:1]),
            calcule_complet_le=models.Subquery(recalculs.filter(complet=True)[:1]),
        )


class Totaux(models.Model):
    """Les chiffres d'un périmètre (national, une région, un territoire) × dispositif × année.

    Règles de calcul (voir `pilotage.moteur`) :

    - sans dispositif ni année, les chiffres des projets portent sur tous les
      projets du périmètre ; avec un dispositif et/ou une année, sur les projets
      qui ont un engagement non annulé sur une enveloppe de ce dispositif et/ou
      de cette année (l'année de l'enveloppe) ;
    - `nb_projets_par_statut` compte tous les statuts, et `nb_projets` tous les projets,
      brouillons compris ;
    - `nb_projets_par_enjeu` répartit entre les enjeux les projets comptés dans
      `nb_projets` ;
    - l'investissement, les emplois et l'aide sollicitée ne retiennent que les
      projets vivants : ni brouillon, ni non retenu, ni abandonné ;
    - `effet_levier` = investissement des projets financés / montant engagé, pour une ligne
      d'un dispositif seulement (vide sur « tous les dispositifs », qui additionnerait des
      instruments différents, et quand rien n'est engagé) ;
    - enveloppes : au niveau national, le montant des enveloppes nationales (à
      défaut, la somme des enveloppes régionales) et les montants engagés et
      versés de toutes les enveloppes ; au niveau régional, les enveloppes de la
      région ; un territoire n'a pas d'enveloppe (`montant_enveloppe` et
      `montant_disponible` vides) : ses montants engagés et versés sont ceux des
      engagements de ses projets ;
    - `nb_territoires` et `nb_intercommunalites` décrivent le référentiel du
      périmètre (territoires pilotés par la région, EPCI de leurs périmètres en
      vigueur), identiques pour tous les dispositifs et toutes les années.
    """

    niveau = models.CharField("niveau", max_length=10, choices=Niveau.choices)
    code = models.CharField(
        "code",
        max_length=7,
        blank=True,
        help_text="Vide au niveau national ; code de la région ou du territoire sinon.",
    )
    dispositif = models.CharField(
        "dispositif", max_length=40, blank=True, help_text="Code du dispositif ; vide : tous."
    )
    annee = models.PositiveSmallIntegerField(
        "année", default=TOUTES_ANNEES, help_text="0 : toutes les années."
    )
    libelle = models.CharField("périmètre", max_length=200)
    dispositif_nom = models.CharField("nom du dispositif", max_length=200)
    code_region = models.CharField(
        "région de rattachement",
        max_length=3,
        blank=True,
        help_text="La région elle-même, ou la région de pilotage d'un territoire.",
    )

    nb_territoires = models.PositiveIntegerField("Territoires d'industrie", default=0)
    nb_intercommunalites = models.PositiveIntegerField("intercommunalités", default=0)
    nb_projets = models.PositiveIntegerField("projets", default=0)
    nb_projets_par_statut = models.JSONField(
        "projets par statut", default=dict, blank=True, help_text="{statut: nombre}"
    )
    nb_projets_par_enjeu = models.JSONField(
        "projets par enjeu",
        default=dict,
        blank=True,
        help_text="{enjeu: nombre} ; les mêmes projets que `nb_projets`.",
    )
    nb_engagements = models.PositiveIntegerField("engagements", default=0)
    investissement = _somme("investissement productif (€)", default=0)
    emplois_crees = models.PositiveBigIntegerField("emplois créés", default=0)
    emplois_maintenus = models.PositiveBigIntegerField("emplois maintenus", default=0)
    aide_sollicitee = _somme("aide sollicitée (€)", default=0)
    montant_enveloppe = _somme("enveloppe (€)", null=True, blank=True)
    montant_engage = _somme("engagé (€)", default=0)
    montant_verse = _somme("versé (€)", default=0)
    montant_disponible = _somme("disponible (€)", null=True, blank=True)
    effet_levier = _somme("effet de levier", null=True, blank=True)
    modifie_le = models.DateTimeField(
        "chiffres modifiés le",
        help_text="Le recalcul qui a changé un chiffre de la ligne pour la dernière fois.",
    )
    empreinte = models.CharField(
        "empreinte des chiffres", max_length=32, blank=True, editable=False
    )

    objects = TotauxQuerySet.as_manager()

    class Meta:
        verbose_name = "totaux d'un périmètre"
        verbose_name_plural = "totaux des périmètres"
        ordering = ["niveau", "code", "dispositif", "annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["niveau", "code", "dispositif", "annee"], name="totaux_perimetre_unique"
            ),
            models.CheckConstraint(
                condition=Q(niveau__in=Niveau.values), name="totaux_niveau_connu"
            ),
            models.CheckConstraint(
                condition=Q(niveau=Niveau.NATIONAL, code="")
                | (~Q(niveau=Niveau.NATIONAL) & ~Q(code="")),
                name="totaux_code_selon_niveau",
            ),
        ]
        indexes = [
            models.Index(fields=["niveau", "dispositif", "annee"]),
            models.Index(fields=["code_region", "niveau"]),
        ]

    def __str__(self):
        annee = self.annee or "toutes années"
        return f"{self.libelle} – {self.dispositif_nom} – {annee}"

    @property
    def toutes_annees(self) -> bool:
        return self.annee == TOUTES_ANNEES

    def projets_par_statut(self) -> list[tuple[str, str, int]]:
        """(statut, libellé, nombre) dans l'ordre du cycle de vie, zéros compris."""
        comptes = self.nb_projets_par_statut or {}
        return [(statut, libelle, comptes.get(statut, 0)) for statut, libelle in Statut.choices]

    def projets_par_enjeu(self) -> list[tuple[str, str, int]]:
        """(enjeu, libellé, nombre) dans l'ordre des enjeux du programme, zéros compris."""
        comptes = self.nb_projets_par_enjeu or {}
        return [(enjeu, libelle, comptes.get(enjeu, 0)) for enjeu, libelle in Enjeu.choices]


class TotauxPartiels(models.Model):
    """Les chiffres des projets d'un territoire situés dans une région (× dispositif × année).

    Table de travail du recalcul : chaque projet appartient à un seul couple
    (territoire, région du site), si bien que la ligne d'un territoire est la somme
    de ses couples, celle d'une région la somme des couples de la région. Après un
    changement, le recalcul incrémental ne relit que les projets des territoires
    touchés (colonne indexée) et reprend ces sommes, au lieu de relire tous les
    projets d'une région. Jamais lue par les tableaux de bord.
    """

    territoire = models.CharField("territoire", max_length=7)
    region = models.CharField("région du site", max_length=3)
    dispositif = models.CharField("dispositif", max_length=40, blank=True)
    annee = models.PositiveSmallIntegerField("année", default=TOUTES_ANNEES)
    nb_projets_par_statut = models.JSONField("projets par statut", default=dict, blank=True)
    nb_projets_par_enjeu = models.JSONField("projets par enjeu", default=dict, blank=True)
    investissement = _somme("investissement productif (€)", default=0)
    emplois_crees = models.PositiveBigIntegerField("emplois créés", default=0)
    emplois_maintenus = models.PositiveBigIntegerField("emplois maintenus", default=0)
    aide_sollicitee = _somme("aide sollicitée (€)", default=0)
    nb_engagements = models.PositiveIntegerField("engagements", default=0)
    montant_engage = _somme("engagé (€)", default=0)
    montant_verse = _somme("versé (€)", default=0)
    empreinte = models.CharField(
        "empreinte des chiffres", max_length=32, blank=True, editable=False
    )

    class Meta:
        verbose_name = "totaux partiels (territoire × région)"
        verbose_name_plural = "totaux partiels (territoire × région)"
        ordering = ["territoire", "region", "dispositif", "annee"]
        constraints = [
            models.UniqueConstraint(
                fields=["territoire", "region", "dispositif", "annee"],
                name="totaux_partiels_unique",
            ),
        ]
        indexes = [models.Index(fields=["region"])]

    def __str__(self):
        return f"{self.territoire} × {self.region} – {self.dispositif or 'tous'} – {self.annee}"


class Unite(models.TextChoices):
    NOMBRE = "nombre", "Nombre"
    EUROS = "euros", "Euros"
    POURCENTAGE = "pourcentage", "Pourcentage"


class Indicateur(models.Model):
    """Un indicateur du programme et sa cible, tels que le comité de pilotage les annonce.

    La cible est facultative : un engagement sans chiffre (l'appel à candidatures
    « sites clés en main ») se suit par ses valeurs, sans barre de progression.
    Les valeurs ne s'écrasent jamais : chacune est une ligne datée et sourcée.
    """

    code = models.SlugField("code", max_length=60, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    unite = models.CharField("unité", max_length=12, choices=Unite.choices, default=Unite.NOMBRE)
    cible = _somme(
        "cible",
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Vide : pas de cible chiffrée. En euros pour un montant, en % pour une part.",
    )
    date_cible = models.DateField("échéance de la cible", null=True, blank=True)
    description = models.TextField("description", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    dispositif = models.ForeignKey(
        "fonds.Dispositif",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicateurs",
        verbose_name="instrument suivi",
        help_text=(
            "L'instrument dont l'indicateur mesure les crédits mobilisés (DSIL, Banque des "
            "Territoires…). Sa cible est alors l'enveloppe de l'instrument, lue dans ses "
            "mouvements : elle ne se saisit pas une seconde fois ici."
        ),
    )

    class Meta:
        verbose_name = "indicateur du programme"
        verbose_name_plural = "indicateurs du programme"
        ordering = ["ordre", "libelle"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cible__isnull=True) | Q(cible__gte=0), name="indicateur_cible_positive"
            ),
            models.CheckConstraint(
                condition=Q(unite__in=Unite.values), name="indicateur_unite_connue"
            ),
            # Une seule source pour la cible d'un instrument : son enveloppe.
            models.CheckConstraint(
                condition=Q(dispositif__isnull=True)
                | ~Q(unite=Unite.EUROS)
                | Q(cible__isnull=True),
                name="indicateur_cible_d_un_instrument_lue_dans_son_enveloppe",
            ),
        ]

    def __str__(self):
        return self.libelle


class ValeurIndicateur(models.Model):
    """Une valeur mesurée d'un indicateur, à une date, avec sa source (jamais modifiée)."""

    indicateur = models.ForeignKey(
        Indicateur, on_delete=models.PROTECT, related_name="valeurs", verbose_name="indicateur"
    )
    valeur = _somme("valeur", validators=[MinValueValidator(0)])
    date = models.DateField("date de la mesure")
    source = models.CharField(
        "source",
        max_length=300,
        help_text="D'où vient le chiffre : rapport, tableau de suivi, opérateur…",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("saisie le", auto_now_add=True)

    class Meta:
        verbose_name = "valeur d'un indicateur"
        verbose_name_plural = "valeurs des indicateurs"
        ordering = ["indicateur", "-date", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=""), name="valeur_indicateur_sourcee"),
            models.CheckConstraint(condition=Q(valeur__gte=0), name="valeur_indicateur_positive"),
        ]
        indexes = [models.Index(fields=["indicateur", "-date", "-created_at"])]

    def __str__(self):
        return f"{self.indicateur} : {self.valeur} au {self.date:%d/%m/%Y}"
