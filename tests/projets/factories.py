"""Les projets des tests, créés et menés par les services, comme le ferait un agent.

- `saisie_projet(...)` : une saisie valide (`projets.saisie.SaisieProjet`) dans un vrai
  territoire ; les arguments nommés en changent les valeurs ;
- `creer_projet(auteur, ...)` : un brouillon (ou un projet déposé) par `creer_projet` ;
- `projet_au_statut(statut, prefecture=..., conseil=...)` : un projet mené jusqu'à ce
  statut par les transitions et les avis ; `projet_des_comptes(statut, comptes)` : par les
  agents de sa région parmi les comptes de démonstration. Un projet engagé (ou en cours,
  réalisé) l'est par un engagement de crédits : `tests.fonds.factories.projet_engage`.

Les lignes de tableur des tests d'import (`ligne_import`, `fichier_csv`, `fichier_xlsx`)
sont ici aussi : elles décrivent la même saisie, telle qu'un agent la tape.
"""

import csv
import datetime
import io
import itertools
from decimal import Decimal

from openpyxl import Workbook

from projets import services
from projets.importation import NOMS_COLONNES
from projets.models import Projet, SensAvis, Statut
from projets.saisie import SaisieProjet, saisie_du_projet
from territoires.validators import cle_luhn_valide
from tests.territoires.factories import TERRITOIRE_32, TERRITOIRE_84, territoire_reel

_numeros = itertools.count(700_000)

# Vallée de l'Arve (région 84, Haute-Savoie) et deux de ses communes.
CLUSES = "74081"
BONNEVILLE = "74042"
# L'Abergement-Clémenciat (Ain, région 84) : dans aucun Territoire d'industrie.
HORS_TERRITOIRE = "01001"
# Une commune de l'Agglomération Creil Sud Oise (région 32).
CAUFFRY = "60134"

STATUTS_AVANT_ENGAGEMENT = (
    Statut.BROUILLON,
    Statut.DEPOSE,
    Statut.EN_INSTRUCTION,
    Statut.PRESELECTIONNE,
    Statut.NON_RETENU,
    Statut.ABANDONNE,
)


def siren_valide(n: int) -> str:
    """Un SIREN fictif qui respecte la clé de Luhn (commence par 98 : absent du réel)."""
    base = f"98{n:06d}"
    return next(base + str(cle) for cle in range(10) if cle_luhn_valide(base + str(cle)))


def siren_invalide(n: int) -> str:
    """Le SIREN valide n, sa clé changée : la formule de Luhn le refuse."""
    siren = siren_valide(n)
    return siren[:-1] + str((int(siren[-1]) + 1) % 10)


def siret_valide(siren: str, nic: int = 1) -> str:
    base = f"{siren}{nic:04d}"
    return next(base + str(cle) for cle in range(10) if cle_luhn_valide(base + str(cle)))


def saisie_projet(territoire: str = TERRITOIRE_84, **valeurs) -> SaisieProjet:
    """Une saisie valide dans un vrai territoire, sur une commune de sa région de pilotage.

    Chaque appel a son propre porteur et son propre intitulé ; `annee` fixe aussi les
    dates par défaut dans cette année.
    """
    numero = next(_numeros)
    annee = valeurs.get("annee", 2020)
    _territoire, commune = territoire_reel(territoire)
    saisie = SaisieProjet(
        intitule=f"Ligne de production n° {numero}",
        description="Modernisation d'une ligne de décolletage (projet de test).",
        territoire=territoire,
        commune=commune.code_insee,
        porteur_siren=siren_valide(numero),
        porteur_raison_sociale=f"Décolletage {numero} (test)",
        porteur_taille="PME",
        siret="",
        enjeu="innover",
        filiere="metallurgie",
        annee=annee,
        montant_investissement=Decimal("2500000.00"),
        emplois_crees=25,
        emplois_maintenus=110,
        aide_sollicitee=Decimal("400000.00"),
        date_debut=datetime.date(annee, 11, 1),
        date_fin=datetime.date(annee + 2, 6, 30),
    )
    return saisie.avec(**valeurs)


def creer_projet(auteur, *, deposer: bool = False, **valeurs) -> Projet:
    """Un projet créé par `services.creer_projet` (brouillon, ou déposé)."""
    return services.creer_projet(auteur=auteur, saisie=saisie_projet(**valeurs), deposer=deposer)


def formulaire_projet(saisie: SaisieProjet | None = None, **champs) -> dict:
    """Le formulaire des pages rempli avec `saisie` (`saisie_projet()` par défaut), en
    textes comme le navigateur les envoie ; `champs` en remplace ou en ajoute (`action`)."""
    saisie = saisie or saisie_projet()
    formulaire = {
        champ: "" if valeur is None else str(valeur) for champ, valeur in vars(saisie).items()
    }
    formulaire.update(champs)
    return formulaire


def _relu(projet: Projet) -> Projet:
    return Projet.objects.select_related("porteur", "territoire").get(pk=projet.pk)


def projet_au_statut(statut: str, *, prefecture, conseil=None, **valeurs) -> Projet:
    """Un projet mené jusqu'à `statut` par les services : dépôt, instruction, avis.

    `conseil` (le conseil régional) donne l'avis de la Région pour une présélection ou une
    non-retenue. Les statuts après l'engagement : `tests.fonds.factories.projet_engage`.
    """
    if statut not in STATUTS_AVANT_ENGAGEMENT:
        raise ValueError(f"{statut} : voir tests.fonds.factories.projet_engage")
    projet = creer_projet(prefecture, **valeurs)
    if statut == Statut.BROUILLON:
        return _relu(projet)
    if statut == Statut.ABANDONNE:
        services.changer_statut(
            projet_id=projet.pk, auteur=prefecture, vers=Statut.ABANDONNE, commentaire="Test."
        )
        return _relu(projet)
    services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.DEPOSE)
    if statut == Statut.DEPOSE:
        return _relu(projet)
    services.changer_statut(projet_id=projet.pk, auteur=prefecture, vers=Statut.EN_INSTRUCTION)
    if statut == Statut.EN_INSTRUCTION:
        return _relu(projet)
    if statut == Statut.NON_RETENU:
        services.donner_avis(
            projet_id=projet.pk,
            auteur=conseil,
            sens=SensAvis.DEFAVORABLE,
            commentaire="Hors des priorités régionales.",
        )
        return _relu(projet)
    services.donner_avis(projet_id=projet.pk, auteur=prefecture, sens=SensAvis.FAVORABLE)
    services.donner_avis(projet_id=projet.pk, auteur=conseil, sens=SensAvis.FAVORABLE)
    return _relu(projet)


def projet_des_comptes(
    statut: str, comptes: dict, territoire: str = TERRITOIRE_84, **valeurs
) -> Projet:
    """`projet_au_statut`, mené par la préfecture et le conseil régional de la région du
    territoire (les comptes de `tests.comptes.factories.creer_comptes`)."""
    region = {TERRITOIRE_84: "84", TERRITOIRE_32: "32"}[territoire]
    return projet_au_statut(
        statut,
        prefecture=comptes[f"prefecture-{region}"],
        conseil=comptes[f"region-{region}"],
        territoire=territoire,
        **valeurs,
    )


def modifier(projet: Projet, auteur, **valeurs) -> Projet:
    """Le projet modifié par `modifier_projet` : sa saisie, `valeurs` remplacées."""
    projet = _relu(projet)
    return services.modifier_projet(
        projet_id=projet.pk,
        auteur=auteur,
        saisie=saisie_du_projet(projet).avec(**valeurs),
        version_attendue=projet.version,
    )


# --- Lignes de tableur ---------------------------------------------------------------------


def ligne_import(**surcharges) -> dict:
    """Une ligne valide, telle qu'un agent la saisit dans le tableur (des textes)."""
    ligne = {
        "intitule": "Nouvelle ligne de décolletage",
        "description": "Tours multibroches et formation de dix opérateurs.",
        "territoire": TERRITOIRE_84,
        "commune": CLUSES,
        "porteur_siren": siren_valide(1),
        "porteur_raison_sociale": "Décolletage du Giffre (test)",
        "porteur_taille": "PME",
        "siret": siret_valide(siren_valide(1)),
        "enjeu": "innover",
        "filiere": "automobile",
        "annee": "2021",
        "montant_investissement": "1 500 000,50",
        "emplois_crees": "12",
        "emplois_maintenus": "45",
        "aide_sollicitee": "300000.25",
        "date_debut": "01/03/2021",
        "date_fin": "2022-06-30",
        "deposer": "non",
    }
    ligne.update(surcharges)
    return ligne


def lignes_valides(nombre: int) -> list[dict]:
    """Des lignes valides et distinctes (un porteur par ligne)."""
    return [
        ligne_import(
            intitule=f"Projet importé n° {rang}",
            porteur_siren=siren_valide(100 + rang),
            porteur_raison_sociale=f"Entreprise {rang} (test)",
            siret="",
        )
        for rang in range(1, nombre + 1)
    ]


def fichier_csv(
    lignes: list[dict], *, colonnes=None, separateur=";", bom=True, encodage="utf-8"
) -> bytes:
    colonnes = colonnes or NOMS_COLONNES
    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator="\r\n")
    ecrivain.writerow(colonnes)
    for ligne in lignes:
        ecrivain.writerow([ligne.get(colonne, "") for colonne in colonnes])
    texte = tampon.getvalue()
    return ("\ufeff" if bom else "").encode(encodage) + texte.encode(encodage)


def fichier_xlsx(lignes: list[dict], *, colonnes=None) -> bytes:
    colonnes = colonnes or NOMS_COLONNES
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Projets"
    feuille.append(colonnes)
    for ligne in lignes:
        feuille.append([ligne.get(colonne) for colonne in colonnes])
    tampon = io.BytesIO()
    classeur.save(tampon)
    return tampon.getvalue()
