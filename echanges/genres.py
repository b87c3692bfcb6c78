"""Les genres de faits que le portail notifie : libellé, destinataires, lien.

Une ligne par genre publié par les services (`socle.evenements.publier`). Un genre absent
de cette table n'est notifié à personne : le fait est marqué distribué et le journal du
serveur le signale (une application peut publier un genre avant que sa notification soit
décrite ici, sans rien casser).

Les destinataires se disent par rôle : les agents de ce rôle dans la région du fait (les
préfectures, les conseils régionaux), l'équipe nationale, l'auteur du fait, ou des agents
nommés (mentions). Parmi eux, `distribution` ne garde que ceux qui voient le projet.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from comptes.models import Role

PREFECTURE, REGION, NATIONAL = Role.PREFECTURE, Role.REGION, Role.ADMIN_NATIONAL
ROLE_DU_COTE = {"etat": PREFECTURE, "region": REGION}
COTES = {"etat": "l'État", "region": "la Région"}
SENS = {"favorable": "favorable", "defavorable": "défavorable"}


def _avis(d: dict) -> str:
    cote = COTES.get(d.get("cote"), "un côté")
    return f"Avis {SENS.get(d.get('sens'), '')} de {cote} : {d.get('intitule', '')}"


def _cote_oppose(d: dict) -> tuple:
    return (REGION,) if d.get("cote") == "etat" else (PREFECTURE,)


def _cotes_attendus(d: dict) -> tuple:
    return tuple(ROLE_DU_COTE[c] for c in d.get("cotes", []) if c in ROLE_DU_COTE)


def _travail(d: dict) -> str:
    etat = "terminé" if d.get("etat") == "termine" else "échoué"
    return f"Travail de fond {etat} : {d.get('libelle', '')}"


@dataclass(frozen=True)
class Genre:
    libelle: str  # ce que l'agent choisit sur `/comptes/notifications/`
    titre: Callable[[dict], str]
    roles: Callable[[dict], tuple] = lambda d: ()
    auteur: bool = False  # l'auteur du fait est le destinataire (fin d'un travail de fond)
    mentionnes: bool = False  # les agents nommés dans `donnees["mentionnes"]`
    lien: str = "projet"  # « projet », « travail », « simulation »
    exemple: dict = field(default_factory=dict)


def _intitule(prefixe: str) -> Callable[[dict], str]:
    return lambda d: f"{prefixe} : {d.get('intitule', '')}"


GENRES: dict[str, Genre] = {
    "projet_depose": Genre(
        "Un projet de ma région est déposé", _intitule("Projet déposé"), lambda d: (PREFECTURE,)
    ),
    "avis_donne": Genre("L'autre côté a donné son avis", _avis, _cote_oppose),
    "projet_preselectionne": Genre(
        "Un projet est présélectionné",
        _intitule("Projet présélectionné"),
        lambda d: (PREFECTURE, REGION),
    ),
    "desaccord": Genre(
        "L'État et la Région sont en désaccord",
        _intitule("Désaccord entre l'État et la Région"),
        lambda d: (PREFECTURE, REGION, NATIONAL),
    ),
    "engagement_enregistre": Genre(
        "Des crédits sont engagés",
        lambda d: f"Crédits engagés ({d.get('montant_lisible', '')}) : {d.get('intitule', '')}",
        lambda d: (PREFECTURE, REGION),
    ),
    "versement_enregistre": Genre(
        "Un versement est enregistré",
        lambda d: f"Versement de {d.get('montant_lisible', '')} : {d.get('intitule', '')}",
        lambda d: (PREFECTURE, REGION),
    ),
    "mention": Genre(
        "On me mentionne dans une discussion",
        lambda d: f"{d.get('par', 'Un agent')} vous mentionne : {d.get('intitule', '')}",
        mentionnes=True,
    ),
    "delai_proche": Genre(
        "Une date limite d'avis approche (7 jours)",
        lambda d: (
            f"Avis attendu avant le {d.get('date_limite_lisible', '')} : {d.get('intitule', '')}"
        ),
        _cotes_attendus,
    ),
    "delai_depasse": Genre(
        "Une date limite d'avis est passée",
        lambda d: (
            f"Date limite des avis passée ({d.get('date_limite_lisible', '')}) : "
            f"{d.get('intitule', '')}"
        ),
        _cotes_attendus,
    ),
    "travail_termine": Genre(
        "Un travail de fond que j'ai lancé est fini", _travail, auteur=True, lien="travail"
    ),
    "simulation_appliquee": Genre(
        "Une simulation de programmation est appliquée",
        lambda d: (
            f"Simulation appliquée : {d.get('nom', '')} ({d.get('nb_engagements', 0)} engagements)"
        ),
        lambda d: (PREFECTURE, REGION),
        lien="simulation",
    ),
    "document_ajoute": Genre(
        "Un document est ajouté à un projet",
        lambda d: f"Document ajouté ({d.get('nom', '')}) : {d.get('intitule', 'un projet')}",
        lambda d: (PREFECTURE, REGION),
    ),
    "document_supprime": Genre(
        "Un document est retiré d'un projet",
        lambda d: f"Document retiré ({d.get('nom', '')}) : {d.get('intitule', 'un projet')}",
        lambda d: (PREFECTURE, REGION),
    ),
    "document_en_quarantaine": Genre(
        "Un document est mis en quarantaine",
        lambda d: (
            f"Document mis en quarantaine ({d.get('nom', '')}) : {d.get('intitule', 'un projet')}"
        ),
        lambda d: (PREFECTURE, REGION, NATIONAL),
    ),
    "convention_signee": Genre(
        "Une convention signée est déposée",
        lambda d: (
            f"Convention signée déposée ({d.get('nom', '')}) : {d.get('intitule', 'un projet')}"
        ),
        lambda d: (PREFECTURE, REGION),
    ),
}


def libelles() -> list[tuple[str, str]]:
    return [(code, genre.libelle) for code, genre in GENRES.items()]
