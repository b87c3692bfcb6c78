import itertools
from decimal import Decimal

import pytest

from fonds import services as fonds_services
from projets import services, workflow
from projets.models import Avis, Evenement, Statut
from projets.saisie import saisie_du_projet
from socle.erreurs import Conflit, Invalide, Refus
from tests.fonds.factories import fonds_2020, projet_engage
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db

M = Decimal("1000000")
STATUTS_ENGAGES = (Statut.ENGAGE, Statut.EN_COURS, Statut.REALISE)


@pytest.fixture
def enveloppe_84(comptes):
    """L'enveloppe 2020 du fonds d'accélération de la région 84, dotée et répartie."""
    _, regionales = fonds_2020(auteur=comptes["admin-national"], regions={"84": 10 * M})
    return regionales["84"]


def _projet(statut, comptes, enveloppe=None):
    """Un projet de la région 84 mené jusqu'à `statut` ; engagé sur `enveloppe` au-delà de
    la présélection."""
    if statut in STATUTS_ENGAGES:
        return projet_engage(
            statut,
            prefecture=comptes["prefecture-84"],
            conseil=comptes["region-84"],
            enveloppe=enveloppe,
        )
    return projet_des_comptes(statut, comptes)


def test_creation_brouillon_trace_l_auteur(comptes):
    projet = _projet(Statut.BROUILLON, comptes)
    assert projet.statut == Statut.BROUILLON
    assert projet.region_id == "84" and projet.epci_id == projet.commune.epci_id
    evenement = Evenement.objects.get(projet=projet)
    assert evenement.type == "creation" and evenement.auteur == comptes["prefecture-84"]


@pytest.mark.parametrize("premier", ["prefecture-84", "region-84"])
def test_preselection_apres_deux_avis_favorables_dans_les_deux_ordres(comptes, premier):
    projet = _projet(Statut.EN_INSTRUCTION, comptes)
    second = "region-84" if premier == "prefecture-84" else "prefecture-84"

    services.donner_avis(projet_id=projet.pk, auteur=comptes[premier], sens="favorable")
    projet.refresh_from_db()
    assert projet.statut == Statut.EN_INSTRUCTION  # un seul avis ne suffit pas

    services.donner_avis(projet_id=projet.pk, auteur=comptes[second], sens="favorable")
    projet.refresh_from_db()
    assert projet.statut == Statut.PRESELECTIONNE
    assert (projet.avis_etat, projet.avis_region) == ("favorable", "favorable")
    transition = Evenement.objects.filter(projet=projet, statut_apres="preselectionne").get()
    assert transition.auteur == comptes[second]


def test_desaccord_etat_favorable_region_defavorable(comptes):
    projet = _projet(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(projet_id=projet.pk, auteur=comptes["prefecture-84"], sens="favorable")
    services.donner_avis(
        projet_id=projet.pk,
        auteur=comptes["region-84"],
        sens="defavorable",
        commentaire="Projet déjà financé par la Région.",
    )
    projet.refresh_from_db()
    assert projet.statut == Statut.NON_RETENU
    assert (projet.avis_etat, projet.avis_region) == ("favorable", "defavorable")
    assert "déjà financé par la Région" in projet.motif_non_retenu


def test_avis_defavorable_sans_motif_refuse(comptes):
    projet = _projet(Statut.EN_INSTRUCTION, comptes)
    with pytest.raises(Invalide, match="motivé") as refus:
        services.donner_avis(projet_id=projet.pk, auteur=comptes["region-84"], sens="defavorable")
    assert list(refus.value.erreurs) == ["commentaire"]
    projet.refresh_from_db()
    assert projet.statut == Statut.EN_INSTRUCTION
    assert not Avis.objects.filter(projet=projet).exists()


def test_nouvel_avis_remplace_l_ancien_et_le_garde(comptes):
    projet = _projet(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(projet_id=projet.pk, auteur=comptes["prefecture-84"], sens="favorable")
    services.donner_avis(
        projet_id=projet.pk,
        auteur=comptes["prefecture-84"],
        sens="defavorable",
        commentaire="Revu.",
    )
    avis = Avis.objects.filter(projet=projet, cote="etat")
    assert avis.count() == 2
    assert avis.filter(en_cours=True).get().sens == "defavorable"


def test_avis_hors_instruction_refuse(comptes):
    projet = _projet(Statut.DEPOSE, comptes)
    with pytest.raises(Refus, match="en instruction"):
        services.donner_avis(projet_id=projet.pk, auteur=comptes["region-84"], sens="favorable")


def test_ministere_ne_donne_pas_d_avis(comptes):
    projet = _projet(Statut.EN_INSTRUCTION, comptes)
    with pytest.raises(Refus):
        services.donner_avis(projet_id=projet.pk, auteur=comptes["ministere"], sens="favorable")


STATUTS = list(Statut.values)


@pytest.mark.parametrize(
    ("depuis", "vers"),
    [(d, v) for d, v in itertools.product(STATUTS, STATUTS) if d != v and d != Statut.REALISE],
)
def test_chaque_transition_demandee_autorisee_ou_refusee(request, comptes, depuis, vers):
    """Toute paire (depuis, vers) demandée par un agent (page ou API : le changement de
    statut passe par le fonds, qui rend les crédits d'un projet abandonné) est permise si et
    seulement si elle est déclarée manuelle."""
    enveloppe = request.getfixturevalue("enveloppe_84") if depuis in STATUTS_ENGAGES else None
    projet = _projet(depuis, comptes, enveloppe)
    attendu = (depuis, vers) in workflow.TRANSITIONS_MANUELLES
    if attendu:
        fonds_services.changer_statut_du_projet(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], vers=vers, commentaire="motif"
        )
        projet.refresh_from_db()
        assert projet.statut == vers
        evenement = Evenement.objects.filter(projet=projet).order_by("-id").first()
        assert (evenement.statut_avant, evenement.statut_apres) == (depuis, vers)
        assert evenement.auteur == comptes["prefecture-84"]
    else:
        with pytest.raises(Invalide) as refus:
            fonds_services.changer_statut_du_projet(
                projet_id=projet.pk, auteur=comptes["prefecture-84"], vers=vers, commentaire="m"
            )
        assert list(refus.value.erreurs) == ["vers"]
        projet.refresh_from_db()
        assert projet.statut == depuis


@pytest.mark.parametrize("depuis", [Statut.ENGAGE, Statut.EN_COURS])
def test_les_projets_seuls_n_abandonnent_pas_un_projet_qui_a_recu_des_credits(
    comptes, enveloppe_84, depuis
):
    """L'abandon d'un projet engagé rend ses crédits : il passe par le fonds."""
    projet = _projet(depuis, comptes, enveloppe_84)
    with pytest.raises(Invalide, match="son abandon passe par le fonds"):
        services.changer_statut(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], vers="abandonne", commentaire="x"
        )
    projet.refresh_from_db()
    assert projet.statut == depuis


def test_realise_est_definitif(comptes, enveloppe_84):
    projet = _projet(Statut.REALISE, comptes, enveloppe_84)
    with pytest.raises(Invalide):
        fonds_services.changer_statut_du_projet(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], vers="abandonne", commentaire="x"
        )
    projet.refresh_from_db()
    assert projet.statut == Statut.REALISE


def test_abandon_exige_une_raison(comptes):
    projet = _projet(Statut.DEPOSE, comptes)
    with pytest.raises(Invalide, match="raison") as refus:
        services.changer_statut(
            projet_id=projet.pk, auteur=comptes["prefecture-84"], vers="abandonne"
        )
    assert list(refus.value.erreurs) == ["commentaire"]


@pytest.mark.parametrize("role", ["region-84", "ministere"])
def test_seule_la_prefecture_fait_avancer_un_projet(comptes, role):
    projet = _projet(Statut.DEPOSE, comptes)
    with pytest.raises(Refus):
        services.changer_statut(projet_id=projet.pk, auteur=comptes[role], vers="en_instruction")


def test_prefecture_d_une_autre_region_ne_fait_rien(comptes):
    projet = _projet(Statut.DEPOSE, comptes)
    with pytest.raises(Refus, match="périmètre"):
        services.changer_statut(
            projet_id=projet.pk, auteur=comptes["prefecture-32"], vers="en_instruction"
        )


def test_modification_tracee_avec_les_champs_changes(comptes):
    projet = _projet(Statut.DEPOSE, comptes)
    services.modifier_projet(
        projet_id=projet.pk,
        auteur=comptes["prefecture-84"],
        saisie=saisie_du_projet(projet).avec(
            emplois_crees=30, aide_sollicitee=Decimal("450000.00")
        ),
        version_attendue=projet.version,
    )
    evenement = Evenement.objects.filter(projet=projet, type="modification").get()
    assert evenement.changements == {
        "emplois_crees": [25, 30],
        "aide_sollicitee": ["400000.00", "450000.00"],
    }


def test_formulaire_perime_refuse(comptes):
    projet = _projet(Statut.DEPOSE, comptes)
    version_ouverte = projet.version
    services.modifier_projet(
        projet_id=projet.pk,
        auteur=comptes["prefecture-84"],
        saisie=saisie_du_projet(projet).avec(emplois_crees=30),
        version_attendue=version_ouverte,
    )
    with pytest.raises(Conflit) as conflit:
        services.modifier_projet(
            projet_id=projet.pk,
            auteur=comptes["prefecture-84"],
            saisie=saisie_du_projet(projet).avec(emplois_crees=99),
            version_attendue=version_ouverte,
        )
    assert conflit.value.code == "version_perimee"
    projet.refresh_from_db()
    assert projet.emplois_crees == 30


def test_avis_en_lot_tout_ou_rien(comptes):
    bon = _projet(Statut.EN_INSTRUCTION, comptes)
    pas_en_instruction = _projet(Statut.DEPOSE, comptes)
    with pytest.raises(Invalide, match="Aucun avis enregistré"):
        services.donner_avis_en_lot(
            projet_ids=[bon.pk, pas_en_instruction.pk],
            auteur=comptes["region-84"],
            sens="favorable",
        )
    assert not Avis.objects.filter(projet=bon).exists()
    nombre = services.donner_avis_en_lot(
        projet_ids=[bon.pk], auteur=comptes["region-84"], sens="favorable"
    )
    assert nombre == 1
    bon.refresh_from_db()
    assert bon.avis_region == "favorable"
