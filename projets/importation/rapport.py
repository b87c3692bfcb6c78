"""Le rapport d'un import : les erreurs (ligne, colonne, valeur, message) et ce qui a été écrit.

Un import lancé de la page s'exécute en travail de fond : son rapport est gardé avec le
travail (`vers_json`) et montré par la page du travail.
"""

import re
from dataclasses import asdict, dataclass, field

# Au-delà, les erreurs ne sont pas toutes gardées avec le travail (leur nombre, si).
ERREURS_GARDEES = 5000
_CONTROLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _propre(valeur):
    """Un texte sans caractère de contrôle (PostgreSQL refuse le caractère nul en JSON)."""
    return _CONTROLE.sub("\ufffd", valeur) if isinstance(valeur, str) else valeur


@dataclass(frozen=True)
class ErreurImport:
    """Une erreur : ligne du fichier (1 = en-tête, None = le fichier entier), colonne, message,
    et la valeur de la cellule en cause quand il y en a une."""

    ligne: int | None
    colonne: str
    message: str
    valeur: str = ""

    def __str__(self):
        if self.ligne is None:
            return f"Fichier : {self.message}"
        if self.colonne:
            return f"Ligne {self.ligne}, colonne « {self.colonne} » : {self.message}"
        return f"Ligne {self.ligne} : {self.message}"


@dataclass
class RapportImport:
    verification: bool
    nb_lignes: int = 0
    erreurs: list[ErreurImport] = field(default_factory=list)
    intitules: dict[int, str] = field(default_factory=dict)
    projets: list[int] = field(default_factory=list)
    nb_deposes: int = 0

    @property
    def valide(self) -> bool:
        return not self.erreurs

    @property
    def nb_erreurs(self) -> int:
        return len(self.erreurs)

    @property
    def nb_lignes_en_erreur(self) -> int:
        return len({e.ligne for e in self.erreurs if e.ligne and e.ligne > 1})

    @property
    def nb_lignes_valides(self) -> int:
        return self.nb_lignes - self.nb_lignes_en_erreur

    @property
    def erreurs_de_fichier(self) -> list[ErreurImport]:
        return [e for e in self.erreurs if e.ligne is None or e.ligne == 1]

    def erreurs_par_ligne(self) -> list[tuple[int, str, list[ErreurImport]]]:
        """(ligne, intitulé, erreurs) pour chaque ligne de projet en erreur, dans l'ordre."""
        par_ligne: dict[int, list[ErreurImport]] = {}
        for erreur in self.erreurs:
            if erreur.ligne and erreur.ligne > 1:
                par_ligne.setdefault(erreur.ligne, []).append(erreur)
        return [
            (ligne, self.intitules.get(ligne, ""), erreurs)
            for ligne, erreurs in sorted(par_ligne.items())
        ]

    def ajouter(self, ligne: int | None, colonne: str, message: str, valeur: str = "") -> None:
        self.erreurs.append(ErreurImport(ligne, colonne, message, valeur))

    def vers_json(self) -> dict:
        """Le rapport à garder avec le travail (page du travail) : les nombres et les
        `ERREURS_GARDEES` premières erreurs, chacune avec l'intitulé de sa ligne."""
        return {
            "verification": self.verification,
            "nb_lignes": self.nb_lignes,
            "nb_lignes_en_erreur": self.nb_lignes_en_erreur,
            "nb_erreurs": len(self.erreurs),
            "erreurs": [
                {
                    cle: _propre(valeur)
                    for cle, valeur in {
                        **asdict(e),
                        "intitule": self.intitules.get(e.ligne, ""),
                    }.items()
                }
                for e in self.erreurs[:ERREURS_GARDEES]
            ],
            "nb_importes": len(self.projets),
            "nb_deposes": self.nb_deposes,
        }
