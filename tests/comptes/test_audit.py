import io
from decimal import Decimal

import openpyxl
import pytest

from comptes.models import Profil, Trace
from portail.journal import traces_visibles_par
from projets import services
from projets.models import Statut
from projets.saisie import saisie_du_projet
from socle.erreurs import Invalide
from tests.comptes.factories import agent
from tests.fonds.factories import fonds_2020, projet_engage
from tests.projets.factories import formulaire_projet, projet_des_comptes

pytestmark = pytest.mark.django_db

M = Decimal("1000000")


def test_creation_et_modification_d_un_projet_par_la_page(client, comptes):
    client.force_login(comptes["prefecture-84"])
    formulaire = formulaire_projet(action="deposer")
    reponse = client.post("/projets/nouveau/", formulaire, HTTP_X_REQUEST_ID="essai-audit-1")
    assert reponse.status_code == 302
    assert reponse["X-Request-ID"] == "essai-audit-1"
    creation = Trace.objects.get(modele="projets.Projet", action="creation")
    assert creation.auteur == comptes["prefecture-84"]
    assert creation.region == "84"
    assert creation.requete == "essai-audit-1"
    assert creation.adresse_ip == "127.0.0.1"
    assert creation.changements["emplois_crees"] == [None, 25]
    depot = Trace.objects.get(modele="projets.Projet", action="modification")
    assert depot.changements == {"statut": ["brouillon", "depose"]}


def test_modification_garde_avant_et_apres(comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    services.modifier_projet(
        projet_id=projet.pk,
        auteur=comptes["prefecture-84"],
        saisie=saisie_du_projet(projet).avec(aide_sollicitee=Decimal("450000.00")),
        version_attendue=projet.version,
    )
    trace = Trace.objects.filter(modele="projets.Projet", objet_id=str(projet.pk)).first()
    assert trace.changements == {"aide_sollicitee": ["400000.00", "450000.00"]}


def test_avis_remplace_trace(comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    services.donner_avis(projet_id=projet.pk, auteur=comptes["region-84"], sens="favorable")
    services.donner_avis(
        projet_id=projet.pk, auteur=comptes["region-84"], sens="defavorable", commentaire="Revu."
    )
    avis = Trace.objects.filter(modele="projets.Avis")
    assert avis.filter(action="creation").count() == 2
    assert avis.get(action="modification").changements == {"en_cours": [True, False]}


def test_une_ecriture_refusee_ne_laisse_pas_de_trace(comptes):
    projet = projet_des_comptes(Statut.DEPOSE, comptes)
    avant = Trace.objects.count()
    with pytest.raises(Invalide):
        services.changer_statut(projet_id=projet.pk, auteur=comptes["region-84"], vers="realise")
    assert Trace.objects.count() == avant


def test_fonds_mouvements_engagements_versements(comptes):
    _, regionales = fonds_2020(auteur=comptes["admin-national"], regions={"84": 10 * M})
    projet_engage(
        prefecture=comptes["prefecture-84"],
        conseil=comptes["region-84"],
        enveloppe=regionales["84"],
        montant=Decimal("300000"),
        verse=Decimal("100000"),
    )
    modeles = set(Trace.objects.values_list("modele", flat=True))
    assert {"fonds.Enveloppe", "fonds.Mouvement", "fonds.Engagement", "fonds.Versement"} <= modeles
    enveloppe = Trace.objects.filter(
        modele="fonds.Enveloppe", objet_id=str(regionales["84"].pk), action="modification"
    )
    assert enveloppe.filter(changements__has_key="montant_engage").exists()
    assert Trace.objects.get(modele="fonds.Engagement", action="modification").changements == {
        "montant_verse": ["0.00", "100000.00"]
    }


def test_changement_de_profil_dans_l_admin(admin_client, comptes):
    profil = Profil.objects.get(user=comptes["region-32"])
    reponse = admin_client.post(
        f"/admin/comptes/profil/{profil.pk}/change/",
        {
            "user": profil.user_id,
            "role": "region",
            "region": "44",
            "departement": "",
            "organisme": "",
        },
    )
    assert reponse.status_code == 302
    trace = Trace.objects.get(modele="comptes.Profil")
    assert trace.changements["region_id"] == ["32", "44"]


@pytest.mark.parametrize(
    ("nom", "attendu"),
    [("admin-national", 200), ("prefecture-84", 200), ("region-32", 200), ("ministere", 403)],
)
def test_journal_selon_le_role(client, comptes, nom, attendu):
    projet_des_comptes(Statut.DEPOSE, comptes)
    client.force_login(comptes[nom])
    reponse = client.get("/comptes/journal/", {"modele": "projets.Projet"})
    assert reponse.status_code == attendu
    if nom == "region-32":
        assert "0 trace" in reponse.content.decode()
    if nom == "prefecture-84":
        assert "Création" in reponse.content.decode()


def test_export_du_journal(client, comptes):
    projet_des_comptes(Statut.DEPOSE, comptes)
    client.force_login(comptes["admin-national"])
    reponse = client.get("/comptes/journal/", {"format": "xlsx"})
    feuille = openpyxl.load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][:3] == ("Date", "Auteur", "Action")
    assert len(lignes) - 1 == Trace.objects.count()
    assert any("brouillon → depose" in (ligne[7] or "") for ligne in lignes[1:])


def test_le_journal_ne_montre_que_les_objets_que_l_agent_voit(comptes):
    """Un brouillon reste à la préfecture ; une préfecture départementale, à son département."""
    brouillon = projet_des_comptes(Statut.BROUILLON, comptes)
    depose = projet_des_comptes(Statut.DEPOSE, comptes)
    departement = brouillon.departement_id
    autre_departement = "01" if departement != "01" else "03"
    prefectures = {
        code: agent(f"prefecture-84-{code}", region="84", departement=code)
        for code in (departement, autre_departement)
    }

    def objets_traces(user):
        return set(
            traces_visibles_par(user)
            .filter(modele="projets.Projet")
            .values_list("objet_id", flat=True)
        )

    tous = {str(brouillon.pk), str(depose.pk)}
    assert objets_traces(comptes["admin-national"]) == tous
    assert objets_traces(comptes["prefecture-84"]) == tous
    assert objets_traces(prefectures[departement]) == tous
    assert objets_traces(comptes["region-84"]) == {str(depose.pk)}
    assert objets_traces(prefectures[autre_departement]) == set()
    assert objets_traces(comptes["region-32"]) == set()
