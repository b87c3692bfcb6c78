"""Projets industriels des Territoires d'industrie, leurs avis et leur historique."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from territoires.validators import forme_de_recherche


def champ_montant(verbose_name, **kwargs):
    """Un montant en euros, au centime. Ses règles de saisie sont dans `projets.saisie`."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class Taille(models.TextChoices):
    PME = "PME", "PME"
    ETI = "ETI", "ETI"
    GE = "GE", "Grande entreprise"


class Entreprise(models.Model):
    """Porteur d'un projet. Une entreprise de démonstration est marquée `fictive`."""

    siren = models.CharField("SIREN", max_length=9, unique=True)
    raison_sociale = models.CharField("raison sociale", max_length=200)
    # Forme de recherche (sans accents ni casse), tenue à jour par la base elle-même.
    recherche = models.GeneratedField(
        expression=forme_de_recherche("raison_sociale"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
    )
    taille = models.CharField("taille", max_length=3, choices=Taille.choices)
    fictive = models.BooleanField(
        "fictive", default=False, help_text="Entreprise inventée pour les données de démonstration."
    )

    class Meta:
        verbose_name = "entreprise"
        verbose_name_plural = "entreprises"
        ordering = ["raison_sociale"]

    def __str__(self):
        return f"{self.raison_sociale} ({self.siren})"


class Enjeu(models.TextChoices):
    RECRUTER = "recruter", "Recruter"
    INNOVER = "innover", "Innover"
    ATTIRER = "attirer", "Attirer"
    SIMPLIFIER = "simplifier", "Simplifier"


class Filiere(models.TextChoices):
    """Filières des comités stratégiques du Conseil national de l'industrie."""

    AERONAUTIQUE = "aeronautique", "Aéronautique"
    AGROALIMENTAIRE = "agroalimentaire", "Industries agroalimentaires"
    AUTOMOBILE = "automobile", "Automobile"
    BOIS = "bois", "Bois"
    CHIMIE = "chimie", "Chimie et matériaux"
    CONSTRUCTION = "construction", "Industries pour la construction"
    DECHETS = "dechets", "Transformation et valorisation des déchets"
    EAU = "eau", "Eau"
    ELECTRONIQUE = "electronique", "Industries électroniques"
    ENERGIE = "energie", "Nouveaux systèmes énergétiques"
    FERROVIAIRE = "ferroviaire", "Ferroviaire"
    INDUSTRIE_DU_FUTUR = "industrie_du_futur", "Solutions industrie du futur"
    MER = "mer", "Industries de la mer"
    METALLURGIE = "metallurgie", "Mines et métallurgie"
    MODE_LUXE = "mode_luxe", "Mode et luxe"
    NUCLEAIRE = "nucleaire", "Nucléaire"
    SANTE = "sante", "Industries et technologies de santé"
    AUTRE = "autre", "Autre"


class Statut(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    DEPOSE = "depose", "Déposé"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    PRESELECTIONNE = "preselectionne", "Présélectionné"
    NON_RETENU = "non_retenu", "Non retenu"
    ENGAGE = "engage", "Engagé"
    EN_COURS = "en_cours", "En cours"
    REALISE = "realise", "Réalisé"
    ABANDONNE = "abandonne", "Abandonné"


class Cote(models.TextChoices):
    ETAT = "etat", "État"
    REGION = "region", "Région"


class SensAvis(models.TextChoices):
    FAVORABLE = "favorable", "Favorable"
    DEFAVORABLE = "defavorable", "Défavorable"


class Projet(models.Model):
    """Un projet industriel porté par une entreprise dans un Territoire d'industrie.

    Les règles de saisie (champs obligatoires, montants, dates, commune du territoire…)
    sont dans `projets.saisie` ; la base garantit les invariants d'une ligne (montants
    positifs, aide au plus égale à l'investissement, dates ordonnées, statut connu).

    `region` et `departement` sont ceux de la commune du site ; ils sont fixés
    par le service d'écriture et servent au périmètre des agents et aux filtres.
    `avis_etat` et `avis_region` recopient l'avis en cours de chaque côté.
    """

    intitule = models.CharField("intitulé", max_length=200)
    # Forme de recherche de l'intitulé (sans accents ni casse), tenue à jour par la base.
    recherche = models.GeneratedField(
        expression=forme_de_recherche("intitule"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
    )
    description = models.TextField("description", blank=True)
    territoire = models.ForeignKey(
        "territoires.TerritoireIndustrie",
        on_delete=models.PROTECT,
        related_name="projets",
        verbose_name="Territoire d'industrie",
    )
    commune = models.ForeignKey(
        "territoires.Commune",
        on_delete=models.PROTECT,
        related_name="projets",
        verbose_name="commune du site",
    )
    epci = models.ForeignKey(
        "territoires.Intercommunalite",
        on_delete=models.PROTECT,
        related_name="projets",
        verbose_name="intercommunalité du site",
    )
    departement = models.ForeignKey(
        "territoires.Departement",
        on_delete=models.PROTECT,
        related_name="projets",
        verbose_name="département",
    )
    region = models.ForeignKey(
        "territoires.Region",
        on_delete=models.PROTECT,
        related_name="projets",
        verbose_name="région",
    )
    porteur = models.ForeignKey(
        Entreprise, on_delete=models.PROTECT, related_name="projets", verbose_name="porteur"
    )
    siret = models.CharField("SIRET de l'établissement", max_length=14, blank=True)
    enjeu = models.CharField("enjeu", max_length=10, choices=Enjeu.choices)
    filiere = models.CharField("filière", max_length=20, choices=Filiere.choices)
    annee = models.PositiveSmallIntegerField("année de programmation")
    montant_investissement = champ_montant("investissement productif (€)")
    emplois_crees = models.PositiveIntegerField("emplois créés")
    emplois_maintenus = models.PositiveIntegerField("emplois maintenus")
    aide_sollicitee = champ_montant("aide sollicitée (€)")
    date_debut = models.DateField("début des travaux")
    date_fin = models.DateField("fin prévue")
    statut = models.CharField(
        "statut", max_length=15, choices=Statut.choices, default=Statut.BROUILLON
    )
    avis_etat = models.CharField(
        "avis de l'État", max_length=11, choices=SensAvis.choices, blank=True
    )
    avis_region = models.CharField(
        "avis de la Région", max_length=11, choices=SensAvis.choices, blank=True
    )
    motif_non_retenu = models.TextField("motif de non-retenue", blank=True)
    date_limite_avis = models.DateField(
        "date limite des avis",
        null=True,
        blank=True,
        help_text="Fixée à la mise en instruction ; la préfecture peut la changer (motif).",
    )
    version = models.PositiveIntegerField(
        "version",
        default=1,
        help_text="Incrémentée à chaque écriture (refus des formulaires périmés).",
    )
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projets_crees",
        null=True,
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "projet"
        verbose_name_plural = "projets"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(montant_investissement__gte=0), name="projet_investissement_positif"
            ),
            models.CheckConstraint(
                condition=Q(aide_sollicitee__gte=0), name="projet_aide_positive"
            ),
            models.CheckConstraint(
                condition=Q(aide_sollicitee__lte=F("montant_investissement")),
                name="projet_aide_inferieure_investissement",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__gte=F("date_debut")), name="projet_dates_ordonnees"
            ),
            models.CheckConstraint(
                condition=Q(statut__in=Statut.values), name="projet_statut_connu"
            ),
        ]
        # Les listes (pages et API) trient par « -updated_at, -id » et paginent par 50 :
        # un index dans cet ordre, précédé des filtres d'égalité courants, lit les 50
        # lignes de la page au lieu de trier toute la sélection (banc : tests/bench/).
        indexes = [
            # Liste nationale (ministère, équipe nationale) sans filtre, ou filtrée par
            # enjeu, année… : parcours dans l'ordre de la page.
            models.Index(fields=["-updated_at", "-id"], name="projet_liste_idx"),
            # Liste d'une région (toute préfecture ou conseil régional, filtre région).
            models.Index(fields=["region", "-updated_at", "-id"], name="projet_region_liste_idx"),
            # Région et statut (présélection, « en instruction dans ma région ») ; sert
            # aussi les recherches par région seule ou région et statut sans tri.
            models.Index(
                fields=["region", "statut", "-updated_at", "-id"],
                name="projet_region_statut_liste_idx",
            ),
            # Recalcul des totaux d'un territoire (`pilotage.moteur`, filtre par
            # territoire, groupement par région, statut et enjeu) : index couvrant, lu
            # sans visiter la table (PostgreSQL ; ailleurs, index simple).
            models.Index(
                fields=["territoire", "region", "statut", "enjeu"],
                include=[
                    "id",
                    "montant_investissement",
                    "emplois_crees",
                    "emplois_maintenus",
                    "aide_sollicitee",
                ],
                name="projet_totaux_idx",
            ),
            models.Index(fields=["departement", "statut"]),
            models.Index(fields=["statut", "-updated_at"]),
            models.Index(fields=["annee", "region"]),
            # Avis attendus d'une région, les plus en retard d'abord (`/mon-espace/`).
            models.Index(
                fields=["region", "statut", "date_limite_avis"], name="projet_delai_avis_idx"
            ),
        ]

    def __str__(self):
        return self.intitule

    @property
    def avis_en_retard(self) -> bool:
        """En instruction, un avis manque encore et la date limite des avis est passée."""
        return bool(
            self.statut == Statut.EN_INSTRUCTION
            and self.date_limite_avis
            and self.date_limite_avis < timezone.localdate()
            and not (self.avis_etat and self.avis_region)
        )


class Avis(models.Model):
    """Avis de l'État ou de la Région sur un projet ; les avis remplacés restent."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="avis")
    cote = models.CharField("côté", max_length=6, choices=Cote.choices)
    sens = models.CharField("avis", max_length=11, choices=SensAvis.choices)
    commentaire = models.TextField("commentaire", blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    created_at = models.DateTimeField("donné le", auto_now_add=True)
    en_cours = models.BooleanField("avis en cours", default=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["projet", "cote"],
                condition=Q(en_cours=True),
                name="avis_un_seul_en_cours_par_cote",
            ),
            models.CheckConstraint(
                condition=~Q(sens="defavorable") | ~Q(commentaire=""),
                name="avis_defavorable_motive",
            ),
        ]

    def __str__(self):
        return f"Avis {self.get_cote_display()} {self.get_sens_display().lower()} – {self.projet}"


class TypeEvenement(models.TextChoices):
    CREATION = "creation", "Création"
    MODIFICATION = "modification", "Modification"
    TRANSITION = "transition", "Changement de statut"
    AVIS = "avis", "Avis"
    ENGAGEMENT = "engagement", "Engagement"
    VERSEMENT = "versement", "Versement"
    IMPORT = "import", "Import"
    DELAI = "delai", "Date limite des avis"


class Evenement(models.Model):
    """Une ligne de l'historique d'un projet : qui, quand, quoi."""

    projet = models.ForeignKey(Projet, on_delete=models.CASCADE, related_name="evenements")
    type = models.CharField("type", max_length=12, choices=TypeEvenement.choices)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="auteur",
    )
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)
    statut_avant = models.CharField("statut avant", max_length=15, blank=True)
    statut_apres = models.CharField("statut après", max_length=15, blank=True)
    commentaire = models.TextField("commentaire", blank=True)
    changements = models.JSONField(
        "champs modifiés", default=dict, blank=True, help_text="{champ: [avant, après]}"
    )

    class Meta:
        verbose_name = "événement de projet"
        verbose_name_plural = "historique des projets"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["projet", "-created_at"])]

    def __str__(self):
        return f"{self.get_type_display()} – {self.projet_id} – {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def libelle_avant(self) -> str:
        return Statut(self.statut_avant).label if self.statut_avant in Statut.values else ""

    @property
    def libelle_apres(self) -> str:
        return Statut(self.statut_apres).label if self.statut_apres in Statut.values else ""
