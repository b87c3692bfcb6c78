"""La progression d'une commande longue : une barre dans un terminal, des lignes ailleurs.

Dans un terminal, `tqdm` redessine sa barre sur place (retours chariot). Hors d'un terminal
(journal de `make run` redirigé, CI, `docker logs`), ces retours chariot laissent des
lignes illisibles : la progression s'écrit alors en lignes simples, une par étape, au plus
une par dixième du travail pour un long travail.
"""

from typing import TextIO

from tqdm import tqdm


class ProgressionEnLignes:
    """Même usage qu'une barre `tqdm` (`update`, `set_postfix_str`, `total`, `n`, `close`)."""

    ETAPES_AU_PLUS = 20  # au-delà, une ligne par dixième

    def __init__(self, *, total: int | None, desc: str, unit: str, file: TextIO):
        self.total, self.desc, self.unit, self.file = total, desc, unit, file
        self.n = 0
        self.postfix = ""
        self._dixieme = -1

    def set_postfix_str(self, texte: str) -> None:
        self.postfix = texte

    def update(self, n: int = 1) -> None:
        self.n += n
        if self.total and self.total > self.ETAPES_AU_PLUS and self.n < self.total:
            dixieme = self.n * 10 // self.total
            if dixieme == self._dixieme:
                return
            self._dixieme = dixieme
        total = f"/{self.total}" if self.total else ""
        suite = f" — {self.postfix}" if self.postfix else ""
        self.file.write(f"{self.desc} : {self.n}{total} {self.unit}{suite}\n")
        self.file.flush()

    def close(self) -> None:
        """Rien à effacer : chaque ligne est déjà écrite."""


def barre_de_progression(*, total: int | None, desc: str, unit: str, file: TextIO, disable: bool):
    """Une barre `tqdm` si `file` est un terminal, sinon une `ProgressionEnLignes`."""
    if disable or getattr(file, "isatty", lambda: False)():
        return tqdm(total=total, desc=desc, unit=unit, file=file, disable=disable)
    return ProgressionEnLignes(total=total, desc=desc, unit=unit, file=file)
