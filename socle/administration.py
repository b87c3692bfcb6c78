"""Ce que partagent les administrations des applications."""

import contextvars
from collections.abc import Callable

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from socle.format_fr import format_euros


class LectureSeule:
    """Consultation seulement : ni ajout, ni modification, ni suppression.

    Les écritures passent par les services (permissions, historique, journal d'audit),
    ou sont des calculs (totaux, journal des recalculs) : jamais par l'administration.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Les tables de libellés (code -> nom) lues une fois par page, pas une fois par ligne.
_tables_de_la_page: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "tables_de_la_page", default=None
)

VIDE = "—"


def annee_lisible(annee) -> str:
    """« 2021 », jamais « 2 021 » ; l'année 0 des totaux veut dire toutes les années."""
    if annee is None or annee == "":
        return VIDE
    return str(annee) if annee else "Toutes années"


def _valeur_lisible(valeur, libelles: dict) -> str:
    if valeur is None or valeur == "":
        return VIDE
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, list):
        return ", ".join(_valeur_lisible(v, libelles) for v in valeur) or VIDE
    return str(libelles.get(str(valeur), valeur))


def json_lisible(valeur, libelles: dict | None = None):
    """Une liste ou un dictionnaire JSON en mots : « Engagé : 179 » par ligne, « avant →
    après » pour un changement, des noms à la place des codes connus de `libelles`."""
    libelles = libelles or {}
    if valeur in (None, "", [], {}):
        return VIDE
    if isinstance(valeur, list):
        return _valeur_lisible(valeur, libelles)
    if not isinstance(valeur, dict):
        return _valeur_lisible(valeur, libelles)

    def ligne(cle, contenu):
        if isinstance(contenu, list) and len(contenu) == 2:
            avant, apres = (_valeur_lisible(v, {}) for v in contenu)
            return f"{avant} → {apres}"
        if isinstance(contenu, int) and not isinstance(contenu, bool):
            return f"{contenu:,}".replace(",", "\u202f")
        return _valeur_lisible(contenu, {})

    return format_html_join(
        mark_safe("<br>"),  # noqa: S308 (balise fixe)
        "{} : {}",
        ((libelles.get(cle, cle), ligne(cle, contenu)) for cle, contenu in valeur.items()),
    )


class Lisible:
    """Listes et fiches lisibles : montants en euros à la française, années sans séparateur,
    listes JSON en mots, noms à la place des codes.

    Chaque champ de `list_display` et de la fiche (ses champs en lecture seule) qui est un
    montant (`DecimalField`, sauf `chiffres_non_monetaires`), une année (`annee`) ou du
    JSON est remplacé par une colonne qui le met en forme ; `libelles` donne, pour un
    champ, la table de ses libellés (code -> nom), lue une fois par page.
    """

    chiffres_non_monetaires: tuple[str, ...] = ()
    libelles: dict[str, Callable[[], dict]] = {}

    def _table(self, nom: str) -> dict:
        if nom not in self.libelles:
            return {}
        tables = _tables_de_la_page.get()
        if tables is None:
            return self.libelles[nom]()
        if nom not in tables:
            tables[nom] = self.libelles[nom]()
        return tables[nom]

    def _colonne(self, nom):
        """La colonne lisible d'un champ du modèle, ou le nom tel quel."""
        if not isinstance(nom, str):
            return nom
        colonnes = self.__dict__.setdefault("_colonnes_lisibles", {})
        if nom in colonnes:
            return colonnes[nom]
        try:
            champ = self.model._meta.get_field(nom)
        except FieldDoesNotExist:
            colonnes[nom] = nom
            return nom
        mise_en_forme = None
        if isinstance(champ, models.DecimalField) and nom not in self.chiffres_non_monetaires:
            mise_en_forme, genre = format_euros, "euros"
        elif isinstance(champ, models.AutoField):
            mise_en_forme, genre = str, "numero"
        elif nom == "annee":
            mise_en_forme, genre = annee_lisible, "annee"
        elif isinstance(champ, models.JSONField):
            mise_en_forme, genre = (lambda v: json_lisible(v, self._table(nom))), "texte"
        elif nom in self.libelles and not champ.is_relation:
            mise_en_forme = lambda v: self._table(nom).get(v, v) if v else VIDE  # noqa: E731
            genre = "nom"
        if mise_en_forme is None:
            colonnes[nom] = nom
            return nom

        def colonne(obj):
            return mise_en_forme(getattr(obj, nom))

        colonne.__name__ = f"{nom}_{genre}"
        colonnes[nom] = admin.display(description=champ.verbose_name, ordering=nom)(colonne)
        return colonnes[nom]

    def get_list_display(self, request):
        return [self._colonne(nom) for nom in super().get_list_display(request)]

    def get_readonly_fields(self, request, obj=None):
        return [self._colonne(nom) for nom in super().get_readonly_fields(request, obj)]

    def get_fieldsets(self, request, obj=None):
        """Sur une fiche en consultation, tous les champs ; sinon, ceux en lecture seule."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        if self.has_change_permission(request, obj):
            a_lire = set(super().get_readonly_fields(request, obj))
        else:
            a_lire = None

        def lisible(nom):
            if isinstance(nom, list | tuple):
                return type(nom)(lisible(n) for n in nom)
            return self._colonne(nom) if a_lire is None or nom in a_lire else nom

        return [
            (titre, {**options, "fields": [lisible(nom) for nom in options["fields"]]})
            for titre, options in fieldsets
        ]

    def _page(self, vue, *args, **kwargs):
        jeton = _tables_de_la_page.set({})
        try:
            reponse = vue(*args, **kwargs)
            if hasattr(reponse, "render") and not getattr(reponse, "is_rendered", True):
                reponse.render()
            return reponse
        finally:
            _tables_de_la_page.reset(jeton)

    def changelist_view(self, request, extra_context=None):
        return self._page(super().changelist_view, request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._page(super().changeform_view, request, object_id, form_url, extra_context)


class FiltreAnnee(admin.SimpleListFilter):
    """Filtre par année : « 2021 » et non « 2 021 », « Toutes années » pour l'année 0."""

    title = "année"
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        annees = (
            model_admin.get_queryset(request)
            .order_by("annee")
            .values_list("annee", flat=True)
            .distinct()
        )
        return [(str(annee), annee_lisible(annee)) for annee in annees]

    def queryset(self, request, queryset):
        valeur = self.value()
        if valeur is None:
            return queryset
        if not (valeur.isascii() and valeur.isdigit()):
            return queryset.none()
        return queryset.filter(annee=int(valeur))


def filtre_par_nom(champ: str, titre: str, noms: Callable[[], dict]) -> type:
    """Un filtre sur un code (région, modèle) qui affiche les noms, triés, pas les codes."""

    class FiltreParNom(admin.SimpleListFilter):
        title = titre
        parameter_name = champ

        def lookups(self, request, model_admin):
            table = noms()
            codes = (
                model_admin.get_queryset(request)
                .exclude(**{champ: ""})
                .order_by()
                .values_list(champ, flat=True)
                .distinct()
            )
            return sorted(((c, table.get(c, c)) for c in codes), key=lambda paire: str(paire[1]))

        def queryset(self, request, queryset):
            if self.value() is None:
                return queryset
            return queryset.filter(**{champ: self.value()})

    return FiltreParNom
