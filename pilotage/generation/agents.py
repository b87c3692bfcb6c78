"""Les agents d'une génération (comptes fictifs) et les auteurs des lignes du plan."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from comptes.models import Profil, Role


@dataclass(frozen=True)
class Agent:
    nom: str
    role: str
    region: str | None
    organisme: str


@dataclass(frozen=True)
class Auteurs:
    """Qui écrit quoi dans le plan : la préfecture de la région du projet (projet, avis de
    l'État, crédits), son conseil régional (avis de la Région) ; l'équipe nationale pour
    les enveloppes, et à défaut d'agent dans la région."""

    admin: int
    prefectures: dict[str, int]
    conseils: dict[str, int]

    def prefecture(self, region: str) -> int:
        return self.prefectures.get(region, self.admin)

    def conseil(self, region: str) -> int:
        return self.conseils.get(region, self.admin)

    @classmethod
    def des_agents(cls, agents: Iterable[Agent], utilisateurs: dict) -> "Auteurs":
        par_role: dict[str, dict] = {Role.PREFECTURE: {}, Role.REGION: {}, Role.ADMIN_NATIONAL: {}}
        for agent in agents:
            if agent.role in par_role:
                par_role[agent.role][agent.region] = utilisateurs[agent.nom].pk
        return cls(
            admin=par_role[Role.ADMIN_NATIONAL][None],
            prefectures=par_role[Role.PREFECTURE],
            conseils=par_role[Role.REGION],
        )


def creer_agents(agents: Iterable[Agent], *, mot_de_passe: str | None, domaine: str) -> dict:
    """Les comptes et leurs profils ; sans mot de passe, le compte ne se connecte que par
    `force_login` (banc). L'équipe nationale administre tout le portail."""
    User = get_user_model()
    utilisateurs = {}
    for agent in agents:
        nationale = agent.role == Role.ADMIN_NATIONAL
        user = User.objects.create_user(
            username=agent.nom,
            password=mot_de_passe,
            email=f"{agent.nom}@{domaine}",
            first_name="Agent",
            last_name=agent.organisme,
            is_staff=nationale,
            is_superuser=nationale,
        )
        Profil.objects.create(
            user=user, role=agent.role, region_id=agent.region, organisme=agent.organisme
        )
        utilisateurs[agent.nom] = user
    return utilisateurs
