"""`/mon-espace/` : ce qui attend chaque agent, avec ses dates limites, en un nombre constant
de requêtes ; les deux avis toujours enregistrés et les désaccords dans les deux ordres."""

import datetime
import html
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from comptes.models import Trace
from projets import services
from projets.models import Projet, SensAvis, Statut
from tests.comptes.factories import MOT_DE_PASSE
from tests.projets.factories import projet_des_comptes

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", reponse.content.decode())))


def _lisible(jour: datetime.date) -> str:
    with translation.override("fr"):
        return date_format(jour, "j F Y")


def _date(jours: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=jours)


def test_la_region_voit_ses_avis_a_donner_les_plus_en_retard_d_abord(client, comptes):
    en_retard = projet_des_comptes(Statut.EN_INSTRUCTION, comptes, intitule="Atelier en retard")
    a_temps = projet_des_comptes(Statut.EN_INSTRUCTION, comptes, intitule="Atelier à temps")
    Projet.objects.filter(pk=en_retard.pk).update(date_limite_avis=_date(-3))
    deja = projet_des_comptes(Statut.EN_INSTRUCTION, comptes, intitule="Atelier déjà vu")
    services.donner_avis(projet_id=deja.pk, auteur=comptes["region-84"], sens=SensAvis.FAVORABLE)
    projet_des_comptes(Statut.EN_INSTRUCTION, comptes, territoire="3201", intitule="Autre région")

    client.force_login(comptes["region-84"])
    texte = _texte(client.get("/mon-espace/"))

    assert "Avis de la Région à donner 2" in texte
    assert texte.index("Atelier en retard") < texte.index("Atelier à temps")
    assert f"Atelier en retard {en_retard.territoire.nom} {_lisible(_date(-3))} En retard" in texte
    assert f"Atelier à temps {a_temps.territoire.nom} {_lisible(_date(30))} En instruction" in texte
    assert "Atelier déjà vu" not in texte and "Autre région" not in texte
    # La présélection montre la date limite, et le retard.
    preselection = _texte(client.get("/projets/preselection/?annee="))
    assert "Atelier en retard" in preselection
    assert f"Avis avant le {_lisible(_date(-3))} En retard" in preselection
    assert f"Avis avant le {_lisible(_date(30))}" in preselection
    # Le compte mène à la liste filtrée, qui montre les mêmes projets.
    liste = _texte(client.get("/projets/?a_traiter=avis_region&tri=date_limite"))
    assert "2 projets" in liste
    assert liste.index("Atelier en retard") < liste.index("Atelier à temps")


def test_la_connexion_mene_a_mon_espace(client, comptes):
    reponse = client.post(
        "/comptes/connexion/", {"username": "region-84", "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302 and reponse["Location"] == "/mon-espace/"


@pytest.mark.parametrize("nombre", [1, 6])
def test_mon_espace_en_un_nombre_constant_de_requetes(
    client, comptes, django_assert_num_queries, nombre
):
    for _ in range(nombre):
        projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    client.force_login(comptes["prefecture-84"])
    client.get("/mon-espace/")  # session et bannière en cache
    # session, utilisateur, profil, comptage groupé des projets à traiter, avis attendus,
    # notifications non lues, vues enregistrées
    with django_assert_num_queries(7):
        assert client.get("/mon-espace/").status_code == 200


def test_l_equipe_nationale_voit_les_desaccords_dans_les_deux_ordres(client, comptes):
    etat_non = projet_des_comptes(Statut.EN_INSTRUCTION, comptes, intitule="État contre")
    services.donner_avis(
        projet_id=etat_non.pk,
        auteur=comptes["prefecture-84"],
        sens=SensAvis.DEFAVORABLE,
        commentaire="Hors des priorités de l'État.",
    )
    # Après un premier avis défavorable, la Région donne encore le sien.
    services.donner_avis(
        projet_id=etat_non.pk, auteur=comptes["region-84"], sens=SensAvis.FAVORABLE
    )
    region_non = projet_des_comptes(Statut.EN_INSTRUCTION, comptes, intitule="Région contre")
    services.donner_avis(
        projet_id=region_non.pk,
        auteur=comptes["region-84"],
        sens=SensAvis.DEFAVORABLE,
        commentaire="Hors des priorités régionales.",
    )
    services.donner_avis(
        projet_id=region_non.pk, auteur=comptes["prefecture-84"], sens=SensAvis.FAVORABLE
    )
    for projet in (etat_non, region_non):
        projet.refresh_from_db()
        assert projet.statut == Statut.NON_RETENU
        assert projet.avis.filter(en_cours=True).count() == 2

    client.force_login(comptes["admin-national"])
    assert "Désaccords entre l'État et la Région 2" in _texte(client.get("/mon-espace/"))
    liste = _texte(client.get("/projets/?a_traiter=desaccord"))
    assert "État contre" in liste and "Région contre" in liste


def test_un_avis_donne_ne_se_redonne_pas_sur_un_projet_non_retenu(comptes):
    projet = projet_des_comptes(Statut.NON_RETENU, comptes)
    with pytest.raises(services.Refus, match="l'avis de votre côté est déjà enregistré"):
        services.donner_avis(
            projet_id=projet.pk, auteur=comptes["region-84"], sens=SensAvis.FAVORABLE
        )


def test_la_date_limite_est_fixee_a_l_instruction_et_changee_par_la_prefecture(client, comptes):
    projet = projet_des_comptes(Statut.EN_INSTRUCTION, comptes)
    assert projet.date_limite_avis == _date(30)

    client.force_login(comptes["prefecture-84"])
    reponse = client.post(
        f"/projets/{projet.pk}/date-limite/",
        {"date_limite": _date(-1).isoformat(), "motif": "Comité reporté"},
    )
    texte = _texte(reponse)
    assert reponse.status_code == 200
    assert "La date limite des avis ne peut pas être passée." in texte
    assert 'value="Comité reporté"' in reponse.content.decode() or "Comité reporté" in texte

    reponse = client.post(
        f"/projets/{projet.pk}/date-limite/",
        {"date_limite": _date(45).isoformat(), "motif": "Comité reporté"},
    )
    assert reponse.status_code == 302
    projet.refresh_from_db()
    assert projet.date_limite_avis == _date(45)
    trace = Trace.objects.filter(modele="projets.Projet", objet_id=str(projet.pk)).first()
    assert trace.changements["motif"] == [None, "Comité reporté"]
    assert trace.changements["date_limite_avis"] == [_date(30).isoformat(), _date(45).isoformat()]
    assert "Comité reporté" in _texte(client.get(f"/projets/{projet.pk}/"))

    client.force_login(comptes["region-84"])
    assert (
        client.post(
            f"/projets/{projet.pk}/date-limite/", {"date_limite": _date(50), "motif": "x"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize("nombre", [1, 6])
def test_la_liste_des_avis_en_retard_en_requetes_constantes(
    client, comptes, django_assert_num_queries, nombre
):
    projets = [projet_des_comptes(Statut.EN_INSTRUCTION, comptes) for _ in range(nombre)]
    Projet.objects.filter(pk__in=[p.pk for p in projets]).update(date_limite_avis=_date(-1))
    client.force_login(comptes["region-84"])
    adresse = "/projets/?a_traiter=avis_region&tri=date_limite"
    client.get(adresse)
    # 1. session  2. utilisateur  3. profil (portée)  4. nombre de résultats  5. page de
    # projets (avis et date limite compris)  6-7. options des filtres Département et
    # Territoire (un agent régional n'a pas la liste des régions)
    with django_assert_num_queries(7):
        reponse = client.get(adresse)
    assert _texte(reponse).count("En retard") == nombre
