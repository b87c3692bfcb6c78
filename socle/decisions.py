"""`Decision` : la réponse de toute règle de permission, avec la raison d'un refus.

Chaque application pose ses questions dans son `permissions.py` (« peut-il… ? ») et
répond par une `Decision`. Les pages, l'API, les exports et l'administration lisent
la même réponse ; la raison est le message montré à l'agent.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    ok: bool
    raison: str = ""

    def __bool__(self):
        return self.ok


OUI = Decision(True)


def non(raison: str) -> Decision:
    return Decision(False, raison)
