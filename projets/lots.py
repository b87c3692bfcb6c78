"""Créer d'un coup les projets d'un tableur importé : les écritures de `creer_projet`, par lots.

Chaque ligne arrive validée (`saisie.ProjetValide`, rendu par
`services.verifier_creation` lors du contrôle du fichier) ; le périmètre de l'auteur et
le dépôt (transition de « brouillon » à « déposé ») sont vérifiés de nouveau ici, par
les mêmes règles (`permissions`, `workflow`). Puis, dans une transaction, tout ou rien :
les entreprises porteuses (lues en une requête, créées ou mises à jour par lots), les
projets, leur historique (« Projet importé. », puis le dépôt) et leur journal d'audit,
par lots de `TAILLE_LOT` lignes, et une seule demande de recalcul pour tous les
territoires et régions touchés. Le nombre de requêtes dépend du nombre de lots, pas du
nombre de lignes.
"""

from collections.abc import Callable, Sequence

from django.db import transaction

from comptes import audit
from comptes.models import Action
from projets import permissions, workflow
from projets.models import Entreprise, Evenement, Projet, Statut, TypeEvenement
from projets.saisie import ProjetValide
from projets.services import CHAMPS_SUIVIS, _exiger, _placer
from socle.erreurs import Invalide
from socle.recalcul import demander_recalcul

TAILLE_LOT = 1000


class LigneRefusee(Exception):
    """Une ligne refusée à l'écriture : son rang dans le lot et l'erreur métier."""

    def __init__(self, rang: int, erreur: Exception):
        super().__init__(str(erreur))
        self.rang = rang
        self.erreur = erreur


def _verifier(auteur, lignes: Sequence[tuple[ProjetValide, bool]]) -> None:
    depot = workflow.transition_permise(Statut.BROUILLON, Statut.DEPOSE)
    for rang, (valide, deposer) in enumerate(lignes):
        try:
            _exiger(
                permissions.peut_creer(
                    auteur, region_code=valide.region_id, departement_code=valide.departement_id
                )
            )
            if deposer and not depot:
                raise Invalide(depot.raison, champ="vers")
        except Exception as exc:
            raise LigneRefusee(rang, exc) from exc


def _porteurs(lignes: Sequence[tuple[ProjetValide, bool]]) -> dict[str, Entreprise]:
    """Les entreprises des lignes, par SIREN : créées si nouvelles, raison sociale et taille
    mises à jour si elles ont changé (comme `creer_projet`)."""
    voulues: dict[str, tuple[str, str]] = {}
    for valide, _ in lignes:
        saisie = valide.saisie
        voulues[saisie.porteur_siren] = (saisie.porteur_raison_sociale, saisie.porteur_taille)
    existantes = Entreprise.objects.in_bulk(list(voulues), field_name="siren")
    changees = []
    for siren, entreprise in existantes.items():
        if (entreprise.raison_sociale, entreprise.taille) != voulues[siren]:
            entreprise.raison_sociale, entreprise.taille = voulues[siren]
            changees.append(entreprise)
    Entreprise.objects.bulk_update(changees, ["raison_sociale", "taille"], batch_size=TAILLE_LOT)
    nouvelles = [
        Entreprise(siren=siren, raison_sociale=raison_sociale, taille=taille)
        for siren, (raison_sociale, taille) in voulues.items()
        if siren not in existantes
    ]
    # Une entreprise créée entre-temps par une autre écriture n'est pas une erreur.
    Entreprise.objects.bulk_create(nouvelles, batch_size=TAILLE_LOT, ignore_conflicts=True)
    if nouvelles:
        existantes = Entreprise.objects.in_bulk(list(voulues), field_name="siren")
    return existantes


def _projet(valide: ProjetValide, porteur: Entreprise, auteur) -> Projet:
    projet = Projet(porteur=porteur, cree_par=auteur, statut=Statut.BROUILLON)
    _placer(projet, valide)
    return projet


# Les champs suivis lus sans requête : une clé étrangère par son identifiant (le même texte
# que `audit.instantane`, qui lirait l'objet lié en base pour chaque projet).
_ATTRIBUTS_SUIVIS = [
    (champ, Projet._meta.get_field(champ).attname, Projet._meta.get_field(champ).is_relation)
    for champ in CHAMPS_SUIVIS
]


def _instantane(projet: Projet) -> dict:
    return {
        champ: [None, str(getattr(projet, attribut)) if relation else getattr(projet, attribut)]
        for champ, attribut, relation in _ATTRIBUTS_SUIVIS
    }


def _ecrire_lot(auteur, lot: list[tuple[Projet, bool]], source: str) -> None:
    projets = [projet for projet, _ in lot]
    creations = [(p, _instantane(p), p.region_id) for p in projets]
    for projet, deposer in lot:
        if deposer:
            projet.statut = Statut.DEPOSE
            projet.version += 1
    Projet.objects.bulk_create(projets)
    commentaire = "Projet créé." if source == TypeEvenement.CREATION else "Projet importé."
    evenements = [
        Evenement(
            projet=projet,
            type=source,
            auteur=auteur,
            statut_apres=Statut.BROUILLON,
            commentaire=commentaire,
        )
        for projet in projets
    ]
    deposes = [projet for projet, deposer in lot if deposer]
    evenements += [
        Evenement(
            projet=projet,
            type=TypeEvenement.TRANSITION,
            auteur=auteur,
            statut_avant=Statut.BROUILLON,
            statut_apres=Statut.DEPOSE,
        )
        for projet in deposes
    ]
    Evenement.objects.bulk_create(evenements)
    audit.tracer_en_lot(creations, action=Action.CREATION, auteur=auteur)
    audit.tracer_en_lot(
        ((p, {"statut": [Statut.BROUILLON, Statut.DEPOSE]}, p.region_id) for p in deposes),
        action=Action.MODIFICATION,
        auteur=auteur,
    )


@transaction.atomic
def creer_projets_en_lot(
    *,
    auteur,
    lignes: Sequence[tuple[ProjetValide, bool]],
    source: str = TypeEvenement.IMPORT,
    progression: Callable[[int, int], None] | None = None,
    recalcul: bool = True,
) -> list[Projet]:
    """Crée les projets `(projet validé, déposer)`, tous ou aucun, dans l'ordre des lignes.

    Un refus (périmètre, dépôt) lève `LigneRefusee` avec le rang de la ligne : rien n'est
    écrit. `progression(faites, total)` est appelée après chaque lot. `recalcul=False` :
    l'appelant demande lui-même le recalcul (un import écrit en plusieurs appels).
    """
    _verifier(auteur, lignes)
    porteurs = _porteurs(lignes)
    crees: list[Projet] = []
    for debut in range(0, len(lignes), TAILLE_LOT):
        lot = [
            (_projet(valide, porteurs[valide.saisie.porteur_siren], auteur), deposer)
            for valide, deposer in lignes[debut : debut + TAILLE_LOT]
        ]
        _ecrire_lot(auteur, lot, source)
        crees += [projet for projet, _ in lot]
        if progression:
            progression(len(crees), len(lignes))
    if crees and recalcul:
        demander_recalcul(
            territoires={p.territoire_id for p in crees}, regions={p.region_id for p in crees}
        )
    return crees
