"""Les lignes d'un plan de génération : ce qui sera écrit, table par table.

Une ligne est un `NamedTuple` dont les champs portent les noms des attributs du modèle
(`territoire_id`, `created_at`…) : l'écriture les passe tels quels. Seuls les renvois
vers une autre ligne du même plan font exception : `porteur`, `projet`, `engagement`
sont des rangs dans les listes du plan, `enveloppe` une `CleEnveloppe`, `dispositif`
un code ; l'écriture les remplace par les identifiants attribués. Le référentiel et
les agents, qui existent déjà, sont désignés par leur clé en base. Les dates
`created_at` / `updated_at` sont celles du récit, pas celles de l'écriture.
"""

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple


class CleEnveloppe(NamedTuple):
    dispositif: str
    annee: int
    region: str | None  # None : l'enveloppe nationale


class LigneDispositif(NamedTuple):
    code: str
    nom: str
    montant_annonce: Decimal | None
    finance_projets: bool
    ordre: int


class LigneEntreprise(NamedTuple):
    siren: str
    raison_sociale: str
    taille: str
    fictive: bool = True


class LigneProjet(NamedTuple):
    intitule: str
    description: str
    territoire_id: str
    commune_id: str
    epci_id: str
    departement_id: str
    region_id: str
    porteur: int
    enjeu: str
    filiere: str
    annee: int
    montant_investissement: Decimal
    emplois_crees: int
    emplois_maintenus: int
    aide_sollicitee: Decimal
    date_debut: datetime.date
    date_fin: datetime.date
    statut: str
    avis_etat: str
    avis_region: str
    motif_non_retenu: str
    cree_par_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    date_limite_avis: datetime.date | None = None


class LigneAvis(NamedTuple):
    projet: int
    cote: str
    sens: str
    commentaire: str
    auteur_id: int
    created_at: datetime.datetime


class LigneEvenement(NamedTuple):
    projet: int
    type: str
    auteur_id: int
    statut_avant: str
    statut_apres: str
    commentaire: str
    created_at: datetime.datetime


class LigneEnveloppe(NamedTuple):
    dispositif: str
    annee: int
    region_id: str | None
    montant: Decimal
    montant_engage: Decimal
    montant_verse: Decimal
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @property
    def cle(self) -> CleEnveloppe:
        return CleEnveloppe(self.dispositif, self.annee, self.region_id)


class LigneMouvement(NamedTuple):
    enveloppe: CleEnveloppe
    type: str
    montant: Decimal
    date_effet: datetime.date
    motif: str
    operation: uuid.UUID | None
    auteur_id: int
    created_at: datetime.datetime


class LigneEngagement(NamedTuple):
    projet: int
    enveloppe: CleEnveloppe
    montant: Decimal
    montant_verse: Decimal
    montant_libere: Decimal
    statut: str
    date_engagement: datetime.date
    commentaire: str
    auteur_id: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class LigneVersement(NamedTuple):
    engagement: int
    montant: Decimal
    date_versement: datetime.date
    reference: str
    auteur_id: int
    created_at: datetime.datetime


@dataclass
class Plan:
    """Toutes les lignes d'une génération, dans l'ordre où elles s'écrivent."""

    dispositifs: list[LigneDispositif] = field(default_factory=list)
    entreprises: list[LigneEntreprise] = field(default_factory=list)
    projets: list[LigneProjet] = field(default_factory=list)
    avis: list[LigneAvis] = field(default_factory=list)
    evenements: list[LigneEvenement] = field(default_factory=list)
    enveloppes: list[LigneEnveloppe] = field(default_factory=list)
    mouvements: list[LigneMouvement] = field(default_factory=list)
    engagements: list[LigneEngagement] = field(default_factory=list)
    versements: list[LigneVersement] = field(default_factory=list)

    def par_statut(self) -> dict[str, int]:
        return dict(Counter(projet.statut for projet in self.projets))
