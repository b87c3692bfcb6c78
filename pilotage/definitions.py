"""Les chiffres du programme : une définition écrite pour chacun, la même partout.

Chaque chiffre que montrent les tableaux de bord, leurs exports et l'API a ici son
libellé, son unité et sa définition. Les pages les affichent à côté des chiffres (section
« Définitions » et bulles d'aide), les exports les reprennent dans leurs en-têtes et dans
une feuille « Définitions », le schéma de l'API dans la description de ses champs, et
`docs/glossaire.md` les recopie (un test vérifie qu'ils y sont mot pour mot).

Règle du programme : l'argent d'instruments différents ne s'additionne jamais en un seul
chiffre. Les montants (enveloppe, engagé, versé, disponible, effet de levier) se lisent
pour un dispositif ; « tous les dispositifs » ne montre que des projets et des emplois.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    cle: str  # le champ des totaux (ou le nom du tableau)
    libelle: str
    unite: str  # « € », « projets », « emplois », « × »… ; vide pour un nombre sans unité
    texte: str

    @property
    def titre_export(self) -> str:
        """« Enveloppe (€) » : le libellé et son unité, pour l'en-tête d'un export."""
        return f"{self.libelle} ({self.unite})" if self.unite in ("€", "×") else self.libelle


_DEFINITIONS = [
    Definition(
        "nb_territoires",
        "Territoires d'industrie",
        "",
        "Territoires d'industrie du périmètre : tous pour la France, ceux que la région pilote "
        "pour une région ; ceux de la phase de l'année choisie (2018-2022 : liste d'octobre "
        "2020 ; 2023-2027 : liste de la phase 2), ceux de la phase 1 toutes années confondues.",
    ),
    Definition(
        "nb_intercommunalites",
        "Intercommunalités",
        "",
        "Intercommunalités (EPCI) membres des Territoires d'industrie du périmètre, selon "
        "leurs adhésions en vigueur ; un EPCI membre de deux territoires compte une fois. Même "
        "phase que les territoires.",
    ),
    Definition(
        "nb_projets",
        "Projets",
        "projets",
        "Projets du périmètre à tous les stades, brouillons compris. Pour un dispositif ou une "
        "année : les projets qui y ont au moins un engagement non annulé.",
    ),
    Definition(
        "investissement",
        "Investissement productif",
        "€",
        "Investissement productif déclaré par les porteurs des projets en vie (ni brouillon, "
        "ni non retenu, ni abandonné). Pour un dispositif ou une année : des seuls projets "
        "qui y ont un engagement.",
    ),
    Definition(
        "emplois_crees",
        "Emplois créés",
        "emplois",
        "Emplois que les projets en vie prévoient de créer, selon leurs porteurs. Pour un "
        "dispositif ou une année : des seuls projets qui y ont un engagement.",
    ),
    Definition(
        "emplois_maintenus",
        "Emplois maintenus",
        "emplois",
        "Emplois que les projets en vie prévoient de maintenir, selon leurs porteurs. Pour "
        "un dispositif ou une année : des seuls projets qui y ont un engagement.",
    ),
    Definition(
        "aide_sollicitee",
        "Aide sollicitée",
        "€",
        "Aide demandée par les porteurs des projets en vie : une demande, pas une aide "
        "accordée (ce qui est accordé est engagé).",
    ),
    Definition(
        "nb_engagements",
        "Engagements",
        "",
        "Engagements de crédits non annulés sur les enveloppes du dispositif.",
    ),
    Definition(
        "montant_enveloppe",
        "Enveloppe",
        "€",
        "Crédits ouverts au dispositif : la somme de tous les mouvements de ses enveloppes "
        "(dotations, abondements, annulations, anticipations, répartitions, "
        "redéploiements). Pour la France, les enveloppes nationales ; pour une région, les "
        "siennes.",
    ),
    Definition(
        "montant_engage",
        "Engagé",
        "€",
        "Crédits réservés pour des projets sur les enveloppes du dispositif, nets de la part "
        "rendue à l'enveloppe quand un projet est abandonné.",
    ),
    Definition(
        "montant_verse",
        "Versé",
        "€",
        "Paiements effectués aux porteurs au titre des engagements du dispositif.",
    ),
    Definition(
        "montant_disponible",
        "Disponible",
        "€",
        "Enveloppe moins engagé : les crédits du dispositif qui peuvent encore être engagés.",
    ),
    Definition(
        "effet_levier",
        "Effet de levier",
        "×",
        "Euros d'investissement productif pour un euro engagé : investissement des projets "
        "qui ont un engagement sur le dispositif, divisé par le montant engagé sur ce "
        "dispositif. Calculé pour un dispositif seulement.",
    ),
    Definition(
        "statuts",
        "Projets par statut actuel",
        "projets",
        "Chaque projet compte une fois, dans le statut où il est aujourd'hui ; la somme des "
        "statuts est le nombre de projets.",
    ),
    Definition(
        "entonnoir",
        "Entonnoir des projets (cumulatif)",
        "projets",
        "Chaque étape compte les projets qui l'ont atteinte au moins, qu'ils y soient encore "
        "ou l'aient dépassée : un projet réalisé compte aussi comme déposé, instruit, "
        "présélectionné, engagé et en cours ; un projet non retenu, comme déposé et instruit. "
        "Brouillons et projets abandonnés n'y figurent pas.",
    ),
    Definition(
        "mobilise",
        "Mobilisé",
        "€",
        "Pour un instrument qui ne finance pas ses projets par le portail (DSIL, Banque des "
        "Territoires, transition collective…) : les crédits que ses gestionnaires déclarent "
        "avoir mobilisés, dernière valeur datée et sourcée de son indicateur.",
    ),
    Definition(
        "part_mobilisee",
        "Part de l'enveloppe",
        "%",
        "Pour un instrument suivi par un indicateur en euros : le mobilisé divisé par "
        "l'enveloppe de ce même instrument, deux chiffres d'une seule source ; sans objet "
        "quand l'indicateur compte autre chose que des euros.",
    ),
]

DEFINITIONS: dict[str, Definition] = {d.cle: d for d in _DEFINITIONS}

# Les chiffres qui additionnent de l'argent : ils ne se montrent que pour un dispositif.
MONTANTS_D_UN_DISPOSITIF = (
    "montant_enveloppe",
    "montant_engage",
    "montant_verse",
    "montant_disponible",
    "effet_levier",
)


def definition(cle: str) -> Definition:
    return DEFINITIONS[cle]


def texte(cle: str) -> str:
    return DEFINITIONS[cle].texte
