"""Mise à jour en masse depuis un tableur : engagements, versements et statuts des projets.

Le tableur que les préfectures tiennent déjà (une ligne par projet, son numéro dans la
colonne `projet`) dit, pour chaque projet, les crédits à engager, le versement à
enregistrer, le nouveau statut. Le fichier se lit comme un import de projets
(`projets.importation.lecture` : formats, taille, encodage, nombre de lignes) ; chaque
ligne passe par les services du fonds et des projets (`engager`, `verser`,
`changer_statut_du_projet`), avec leurs règles et leurs mots : jamais au-delà du
disponible de l'enveloppe ni du reste à verser, transitions du cycle de vie, périmètre
de l'agent, journal d'audit. Tout ou rien : une ligne refusée et rien n'est écrit ; la
vérification fait tout puis annule.

- `colonnes` : les colonnes du fichier et le classeur modèle ;
- `application` : la lecture des lignes, les verrous, l'application tout ou rien.
"""

from fonds.mise_a_jour.application import RapportMiseAJour, mettre_a_jour
from fonds.mise_a_jour.colonnes import COLONNES, modele_xlsx

__all__ = ["COLONNES", "RapportMiseAJour", "mettre_a_jour", "modele_xlsx"]
