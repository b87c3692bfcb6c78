"""Formulaires des projets : ils lisent la saisie (texte à la française), sans règle.

Les règles d'un projet sont dans `projets.saisie` : `ProjetForm` ne fait que lire ses
champs en valeurs typées (`saisie()`), et rapporter les erreurs de `saisie.valider`
à leurs champs, avec les mêmes mots que l'API et l'import de tableurs.
"""

import re

from django import forms
from django.db.models import Exists, OuterRef

from comptes.scoping import portee_de
from projets import saisie
from projets.models import Enjeu, Filiere, SensAvis, Taille
from projets.saisie import LIBELLES, SaisieInvalide, SaisieProjet
from socle.saisie_fr import ChampMontant
from territoires.models import ANNEES_DES_PHASES, PHASE_EN_COURS, Phase, TerritoireIndustrie
from territoires.selectors import communes_de_ce_nom

# « Cluses (74081) », tel que la liste des communes le remplit, ou un code INSEE seul.
COMMUNE_CHOISIE = re.compile(r"\((?P<code>[0-9][0-9AB][0-9]{3})\)\s*$", re.IGNORECASE)
CODE_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$", re.IGNORECASE)


def territoires_saisissables(user):
    """Territoires où l'utilisateur peut saisir : ceux qui ont une commune dans sa région."""
    portee = portee_de(user)
    qs = TerritoireIndustrie.objects.select_related("region").order_by("nom")
    if portee.regionale:
        communes = TerritoireIndustrie.communes.through.objects.filter(
            territoireindustrie_id=OuterRef("pk"),
            commune__departement__region_id=portee.region_code,
        )
        if portee.departement_code:
            communes = communes.filter(commune__departement_id=portee.departement_code)
        qs = qs.filter(Exists(communes))
    return qs


def _obligatoire(champ: forms.Field) -> forms.Field:
    """Un champ que la saisie exige : marqué d'un astérisque, vérifié par `saisie.valider`."""
    champ.obligatoire = True
    return champ


def _liste(libelle, choix, vide: str) -> forms.CharField:
    """Une liste déroulante dont la valeur est vérifiée par la saisie, pas par le champ."""
    return _obligatoire(
        forms.CharField(
            label=libelle, required=False, widget=forms.Select(choices=[("", vide), *choix])
        )
    )


class ProjetForm(forms.Form):
    intitule = _obligatoire(
        forms.CharField(
            label=LIBELLES["intitule"],
            required=False,
            widget=forms.TextInput(attrs={"maxlength": saisie.INTITULE_MAX}),
        )
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    territoire = _liste(LIBELLES["territoire"], [], "Choisir un territoire")
    commune = _obligatoire(
        forms.CharField(
            label="Commune du site",
            required=False,
            help_text="Tapez son nom et choisissez-la parmi les communes du territoire, "
            "ou tapez son code INSEE (par exemple 74081 pour Cluses).",
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        )
    )
    porteur_raison_sociale = _obligatoire(
        forms.CharField(label="Raison sociale du porteur", required=False)
    )
    porteur_siren = _obligatoire(
        forms.CharField(
            label="SIREN du porteur", required=False, help_text="9 chiffres, sans espace."
        )
    )
    porteur_taille = _liste("Taille de l'entreprise", Taille.choices, "Choisir une taille")
    siret = forms.CharField(
        label="SIRET de l'établissement",
        required=False,
        help_text="Facultatif : 14 chiffres, commençant par le SIREN.",
    )
    enjeu = _liste(LIBELLES["enjeu"], Enjeu.choices, "Choisir un enjeu")
    filiere = _liste(LIBELLES["filiere"], Filiere.choices, "Choisir une filière")
    annee = _obligatoire(
        forms.IntegerField(
            label=LIBELLES["annee"],
            required=False,
            widget=forms.NumberInput(attrs={"min": saisie.ANNEE_MIN, "max": saisie.ANNEE_MAX}),
        )
    )
    montant_investissement = _obligatoire(
        ChampMontant(label=LIBELLES["montant_investissement"], required=False)
    )
    aide_sollicitee = _obligatoire(ChampMontant(label=LIBELLES["aide_sollicitee"], required=False))
    emplois_crees = _obligatoire(
        forms.IntegerField(
            label=LIBELLES["emplois_crees"],
            required=False,
            widget=forms.NumberInput(attrs={"min": 0}),
        )
    )
    emplois_maintenus = _obligatoire(
        forms.IntegerField(
            label=LIBELLES["emplois_maintenus"],
            required=False,
            widget=forms.NumberInput(attrs={"min": 0}),
        )
    )
    date_debut = _obligatoire(
        forms.DateField(
            label=LIBELLES["date_debut"],
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    )
    date_fin = _obligatoire(
        forms.DateField(
            label=LIBELLES["date_fin"],
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Un groupe par phase, la phase en cours d'abord : le territoire doit être de la
        # phase de l'année de programmation (2018-2022 ou 2023-2027).
        territoires = list(territoires_saisissables(user))
        self.fields["territoire"].widget.choices = [
            ("", "Choisir un territoire"),
            *(
                (
                    f"{Phase(phase).label} : pour un projet programmé de "
                    f"{ANNEES_DES_PHASES[phase][0]} à {ANNEES_DES_PHASES[phase][-1]}",
                    [(t.code, str(t)) for t in territoires if t.phase == phase],
                )
                for phase in (PHASE_EN_COURS, *(p for p in Phase if p != PHASE_EN_COURS))
            ),
        ]

    def clean_commune(self) -> str:
        """Le code INSEE de la commune écrite : un code, « Nom (code) » choisi dans la liste,
        ou le nom seul d'une commune du territoire choisi (sans accents ni casse)."""
        ecrit = " ".join((self.cleaned_data.get("commune") or "").split())
        if not ecrit:
            return ""
        if CODE_INSEE.match(ecrit.replace(" ", "")):
            return ecrit.replace(" ", "").upper()
        if choisie := COMMUNE_CHOISIE.search(ecrit):
            return choisie["code"].upper()
        territoire = self.cleaned_data.get("territoire")
        if not territoire:
            raise forms.ValidationError(
                "Choisissez d'abord le territoire : la commune se cherche parmi les siennes "
                "(ou tapez son code INSEE)."
            )
        communes = communes_de_ce_nom(territoire, ecrit)
        if len(communes) == 1:
            return communes[0].code_insee
        if communes:
            codes = ", ".join(f"{c.nom} ({c.code_insee})" for c in communes)
            raise forms.ValidationError(
                f"Plusieurs communes du territoire s'appellent « {ecrit} » : {codes}. "
                "Choisissez-la dans la liste ou tapez son code INSEE."
            )
        raise forms.ValidationError(
            f"Aucune commune du territoire choisi ne s'appelle « {ecrit} » : choisissez-la "
            "dans la liste ou tapez son code INSEE."
        )

    def saisie(self) -> SaisieProjet:
        """Les valeurs lues, typées ; `None` pour un champ vide ou illisible."""
        donnees = getattr(self, "cleaned_data", {})

        def texte(champ):
            valeur = (donnees.get(champ) or "").strip()
            return valeur or None

        def code(champ):
            valeur = texte(champ)
            return valeur.replace(" ", "").upper() if valeur else None

        return SaisieProjet(
            intitule=texte("intitule"),
            description=(donnees.get("description") or "").strip(),
            territoire=texte("territoire"),
            commune=code("commune"),
            porteur_siren=code("porteur_siren"),
            porteur_raison_sociale=texte("porteur_raison_sociale"),
            porteur_taille=texte("porteur_taille"),
            siret=code("siret") or "",
            enjeu=texte("enjeu"),
            filiere=texte("filiere"),
            annee=donnees.get("annee"),
            montant_investissement=donnees.get("montant_investissement"),
            emplois_crees=donnees.get("emplois_crees"),
            emplois_maintenus=donnees.get("emplois_maintenus"),
            aide_sollicitee=donnees.get("aide_sollicitee"),
            date_debut=donnees.get("date_debut"),
            date_fin=donnees.get("date_fin"),
        )

    def clean(self):
        """Des champs illisibles : les règles de ce qui a pu être lu, pour tout dire d'un coup.

        Sinon, le service valide la saisie en l'enregistrant (une seule validation).
        """
        donnees = super().clean()
        if self.errors:
            try:
                saisie.valider(self.saisie(), deja_en_erreur=self.errors.keys())
            except SaisieInvalide as exc:
                for champ, messages in exc.erreurs.items():
                    for message in messages:
                        self.add_error(champ if champ in self.fields else None, message)
        return donnees

    @classmethod
    def initial_depuis(cls, projet) -> dict:
        initial = saisie.saisie_du_projet(projet).__dict__.copy()
        initial["version"] = projet.version
        initial["commune"] = f"{projet.commune.nom} ({projet.commune_id})"
        return initial


class TransitionForm(forms.Form):
    vers = forms.CharField(widget=forms.HiddenInput)
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AvisForm(forms.Form):
    sens = forms.ChoiceField(label="Avis", choices=SensAvis.choices, widget=forms.RadioSelect)
    commentaire = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour un avis défavorable : il sera le motif communiqué.",
    )


class AvisEnLotForm(AvisForm):
    projets = forms.TypedMultipleChoiceField(
        label="Projets",
        coerce=int,
        choices=(),
        error_messages={"required": "Cochez au moins un projet."},
    )

    def __init__(self, *args, projets_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projets"].choices = [(pk, pk) for pk in projets_ids]


class DateLimiteForm(forms.Form):
    date_limite = forms.DateField(
        label="Nouvelle date limite des avis",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Indiquez une date valide (jj/mm/aaaa)."},
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    motif = forms.CharField(
        label="Motif du changement",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Indiquez pourquoi la date limite change."},
    )
