import datetime
import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from comptes.models import Role
from fonds import selectors, services
from fonds.models import Engagement, Enveloppe, Mouvement
from projets.models import Statut
from tests.comptes.factories import UserFactory, agent
from tests.fonds.conftest import M
from tests.fonds.factories import DispositifFactory, fonds_reparti

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    """Le HTML de la réponse, espaces fines et insécables remplacées par des espaces."""
    return reponse.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


def _engager_par_la_page(client, projet, enveloppe, montant: str, **autres):
    """Le formulaire d'engagement du projet envoyé, pour un engagement au 1er octobre 2020."""
    return client.post(
        f"/fonds/engagements/nouveau/?projet={projet.pk}",
        {"enveloppe": enveloppe.pk, "montant": montant, "date_engagement": "2020-10-01", **autres},
    )


def _engager(projet, enveloppe, montant, auteur):
    return services.engager(
        projet_id=projet.pk, enveloppe_id=enveloppe.pk, montant=montant, auteur=auteur
    )


@pytest.mark.parametrize(
    "url",
    [
        "/fonds/",
        "/fonds/enveloppes/1/",
        "/fonds/anticipation/",
        "/fonds/engagements/nouveau/?projet=1",
        "/fonds/engagements/1/versement/",
    ],
)
def test_pages_reservees_aux_utilisateurs_connectes(client, url):
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/comptes/connexion/")


def test_utilisateur_sans_profil_refuse(client, db):
    client.force_login(UserFactory(username="sans-profil"))
    reponse = client.get("/fonds/")
    assert reponse.status_code == 403
    assert "pas de profil" in _texte(reponse)


# --- Tableau des fonds -----------------------------------------------------------


def test_tableau_des_fonds(client, ministere, prefecture_84, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    _engager(projet_84, regionales["84"], Decimal("1500000"), prefecture_84)
    client.force_login(ministere)
    reponse = client.get("/fonds/")
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Fonds d&#x27;accélération des investissements industriels" in texte
    assert "Montant annoncé : <strong>400 000 000 €</strong>" in texte
    # Ligne nationale 2020 : 150 M€, 15 M€ répartis, 1,5 M€ engagés, 148,5 M€ disponibles.
    ligne_2020 = re.search(r">2020</a></th>(.*?)</tr>", texte, re.S).group(1)
    montants = re.findall(r'<td class="nombre">([^<]+)</td>', ligne_2020)
    assert montants == [
        "150 000 000 €",
        "15 000 000 €",
        "1 500 000 €",
        "0 €",
        "148 500 000 €",
    ]
    ligne_84 = re.search(r">Auvergne-Rhône-Alpes</a></td>(.*?)</tr>", texte, re.S).group(1)
    assert re.findall(r'<td class="nombre">([^<]+)</td>', ligne_84) == [
        "10 000 000 €",
        "1 500 000 €",
        "0 €",
        "8 500 000 €",
    ]
    assert "Anticiper des crédits" not in texte  # réservé à l'équipe nationale


def test_tableau_filtre_par_region_et_annee(client, prefecture_84, enveloppes_2020):
    client.force_login(prefecture_84)
    texte = _texte(client.get("/fonds/", {"region": "32", "annee": "2020"}))
    assert ">Hauts-de-France</a>" in texte
    assert ">Auvergne-Rhône-Alpes</a>" not in texte
    assert "Enveloppes nationales" not in texte
    texte = _texte(client.get("/fonds/", {"annee": "1999"}))
    assert "Filtre « Année » ignoré" in texte
    assert ">Auvergne-Rhône-Alpes</a>" in texte


def _donnees_de_taille(admin, nb_dispositifs, annees, regions):
    for n in range(nb_dispositifs):
        dispositif = DispositifFactory(code=f"dispositif-requetes-{n}")
        for annee in annees:
            fonds_reparti(
                auteur=admin,
                dispositif=dispositif,
                annee=annee,
                national=100 * M,
                regions={code: M for code in regions},
            )


@pytest.mark.parametrize(
    ("nb_dispositifs", "annees", "regions"),
    [
        (1, [2020], ["84"]),
        (3, [2020, 2021, 2022], ["84", "32", "44", "11", "27", "28", "53", "75", "76", "93"]),
    ],
)
def test_tableau_des_fonds_a_nombre_de_requetes_constant(
    client, django_assert_num_queries, ministere, admin_national, nb_dispositifs, annees, regions
):
    _donnees_de_taille(admin_national, nb_dispositifs, annees, regions)
    client.force_login(ministere)
    # 1. la session ; 2. l'utilisateur ; 3. son profil (portée) ;
    # 4. les années des enveloppes (filtre) ; 5. les régions (filtre) ;
    # 6. les dispositifs ; 7. les enveloppes avec leur région.
    with django_assert_num_queries(7):
        reponse = client.get("/fonds/", {"annee": annees[-1]})
    assert reponse.status_code == 200
    # Une ligne nationale et une ligne par région, pour chaque dispositif.
    assert _texte(reponse).count('href="/fonds/enveloppes/') == nb_dispositifs * (1 + len(regions))


# --- Une enveloppe ------------------------------------------------------------------


def test_page_d_une_enveloppe_nationale(client, ministere, enveloppes_2020):
    nationale, _ = enveloppes_2020
    client.force_login(ministere)
    reponse = client.get(f"/fonds/enveloppes/{nationale.pk}/")
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Loi de finances initiale 2020" in texte
    assert "Répartition de l'enveloppe nationale 2020" in texte
    assert ">Hauts-de-France</a>" in texte
    assert 'Reste à répartir</p><p class="fr-card__title">135 000 000 €' in texte
    assert "Ajouter un mouvement" not in texte


def test_enveloppe_inconnue_404(client, ministere):
    client.force_login(ministere)
    assert client.get("/fonds/enveloppes/999999/").status_code == 404


def test_l_equipe_nationale_ajoute_un_mouvement(client, admin_national, enveloppes_2020):
    nationale, _ = enveloppes_2020
    client.force_login(admin_national)
    url = f"/fonds/enveloppes/{nationale.pk}/"
    assert "Ajouter un mouvement" in _texte(client.get(url))
    reponse = client.post(
        url,
        {
            "action": "mouvement",
            "mouvement-type": "abondement",
            "mouvement-montant": "100 000 000",
            "mouvement-date_effet": "2020-07-30",
            "mouvement-motif": "Loi de finances rectificative",
        },
    )
    assert reponse.status_code == 302
    nationale.refresh_from_db()
    assert nationale.montant == 250 * M
    assert "Loi de finances rectificative" in _texte(client.get(url))


def test_annulation_trop_forte_affiche_les_chiffres_et_garde_la_saisie(
    client, admin_national, enveloppes_2020
):
    _, regionales = enveloppes_2020
    client.force_login(admin_national)
    reponse = client.post(
        f"/fonds/enveloppes/{regionales['84'].pk}/",
        {
            "action": "mouvement",
            "mouvement-type": "annulation",
            "mouvement-montant": "12000000",
            "mouvement-date_effet": "2020-07-30",
            "mouvement-motif": "Gel",
        },
    )
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Montant demandé : 12 000 000,00 € ; disponible : 10 000 000,00 €." in texte
    assert 'value="12000000"' in texte
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant == 10 * M


def test_repartition_par_la_page(client, admin_national, enveloppes_2020):
    nationale, _ = enveloppes_2020
    client.force_login(admin_national)
    url = f"/fonds/enveloppes/{nationale.pk}/"
    donnees = {
        "action": "repartition",
        "repartition-region_44": "100 000 000",
        "repartition-region_11": "40 000 000",
        "repartition-date_effet": "2020-03-01",
        "repartition-motif": "Répartition du printemps",
    }
    reponse = client.post(url, donnees)
    assert reponse.status_code == 200
    assert "reste à répartir : 135 000 000,00 €" in _texte(reponse)
    assert not Enveloppe.objects.filter(region_id__in=["44", "11"]).exists()
    donnees["repartition-region_11"] = "35 000 000"
    assert client.post(url, donnees).status_code == 302
    assert Enveloppe.objects.get(region_id="11", annee=2020).montant == 35 * M


def test_les_autres_roles_ne_modifient_pas_les_enveloppes(client, prefecture_84, enveloppes_2020):
    nationale, _ = enveloppes_2020
    client.force_login(prefecture_84)
    reponse = client.post(
        f"/fonds/enveloppes/{nationale.pk}/",
        {
            "action": "mouvement",
            "mouvement-type": "dotation",
            "mouvement-montant": "1",
            "mouvement-date_effet": "2020-07-30",
            "mouvement-motif": "Essai",
        },
    )
    assert reponse.status_code == 403
    assert "Seule l&#x27;équipe nationale" in _texte(reponse)
    assert Mouvement.objects.filter(enveloppe=nationale).count() == 1


# --- Anticipation -------------------------------------------------------------------


def test_anticipation_reservee_a_l_equipe_nationale(client, prefecture_84):
    client.force_login(prefecture_84)
    assert client.get("/fonds/anticipation/").status_code == 403


def test_anticipation_par_la_page(client, admin_national, enveloppes_2020):
    nationale, _ = enveloppes_2020
    fonds_reparti(
        auteur=admin_national,
        dispositif=nationale.dispositif,
        annee=2021,
        national=250 * M,
        regions={},
    )
    client.force_login(admin_national)
    assert client.get("/fonds/anticipation/").status_code == 200
    reponse = client.post(
        "/fonds/anticipation/",
        {
            "dispositif": nationale.dispositif.pk,
            "annee_source": "2021",
            "annee_cible": "2020",
            "montant": "100 000 000",
            "date_effet": "30/07/2020",
            "motif": "Troisième loi de finances rectificative pour 2020",
        },
    )
    assert reponse.status_code == 302 and reponse["Location"] == "/fonds/"
    montants = dict(Enveloppe.objects.filter(region__isnull=True).values_list("annee", "montant"))
    assert montants == {2020: 250 * M, 2021: 150 * M}
    texte = _texte(client.get("/fonds/"))
    assert "Anticipation enregistrée : 100 000 000 €" in texte
    assert "<strong>400 000 000 €</strong>" in texte  # total du fonds inchangé


# --- Engagement d'un projet ---------------------------------------------------------


def test_formulaire_d_engagement(client, prefecture_84, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    client.force_login(prefecture_84)
    url = f"/fonds/engagements/nouveau/?projet={projet_84.pk}"
    texte = _texte(client.get(url))
    assert projet_84.intitule in texte
    assert "2020 – Auvergne-Rhône-Alpes (disponible : 10 000 000 €)" in texte
    assert "Hauts-de-France" not in texte  # enveloppe d'une autre région : non proposée
    reponse = _engager_par_la_page(
        client, projet_84, regionales["84"], "800 000", commentaire="Comité du 1er octobre"
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/projets/{projet_84.pk}/"
    engagement = Engagement.objects.get(projet=projet_84)
    assert engagement.montant == Decimal("800000")
    assert engagement.date_engagement == datetime.date(2020, 10, 1)
    projet_84.refresh_from_db()
    assert projet_84.statut == Statut.ENGAGE


def test_depassement_affiche_les_montants_et_garde_la_saisie(
    client, prefecture_84, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    client.force_login(prefecture_84)
    reponse = _engager_par_la_page(
        client, projet_84, regionales["84"], "10 500 000", commentaire="Ma saisie"
    )
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Montant demandé : 10 500 000,00 € ; disponible : 10 000 000,00 €." in texte
    assert 'value="10 500 000"' in texte
    assert "Ma saisie" in texte
    assert not Engagement.objects.exists()


def test_engagement_au_dela_de_l_aide_sollicitee_signale_a_cote_du_montant(
    client, prefecture_84, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    client.force_login(prefecture_84)
    reponse = _engager_par_la_page(client, projet_84, regionales["84"], "25 000 000")
    assert reponse.status_code == 200
    erreur = re.search(r'id="id_montant-erreurs">([^<]+)<', _texte(reponse)).group(1)
    assert "ne peuvent pas dépasser l&#x27;aide sollicitée" in erreur
    assert "reste sollicité : 20 000 000,00 €" in erreur
    assert not Engagement.objects.exists()


def test_engagement_d_un_projet_d_une_autre_region_404(
    client, prefecture_32, enveloppes_2020, projet_84
):
    client.force_login(prefecture_32)
    assert client.get(f"/fonds/engagements/nouveau/?projet={projet_84.pk}").status_code == 404
    assert client.get("/fonds/engagements/nouveau/").status_code == 404


@pytest.mark.parametrize("role", [Role.REGION, Role.MINISTERE])
def test_engagement_interdit_aux_roles_sans_ce_droit(client, referentiel, projet_84, role):
    client.force_login(agent(f"agent-{role}", role))
    reponse = client.get(f"/fonds/engagements/nouveau/?projet={projet_84.pk}")
    assert reponse.status_code == 403
    assert "Seules la préfecture de la région du projet" in _texte(reponse)


def test_engagement_sans_enveloppe_eligible(client, prefecture_84, projet_84):
    client.force_login(prefecture_84)
    texte = _texte(client.get(f"/fonds/engagements/nouveau/?projet={projet_84.pk}"))
    assert "Aucune enveloppe disponible" in texte


# --- Versements ---------------------------------------------------------------------


def test_versement_par_la_page(client, prefecture_84, prefecture_32, enveloppes_2020, projet_84):
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    url = f"/fonds/engagements/{engagement.pk}/versement/"
    client.force_login(prefecture_32)
    assert client.get(url).status_code == 404
    client.force_login(prefecture_84)
    texte = _texte(client.get(url))
    assert "Reste à verser</dt><dd><strong>1 000 000 €" in texte
    date = datetime.date.today().isoformat()
    reponse = client.post(url, {"montant": "1 000 000,01", "date_versement": date})
    assert reponse.status_code == 200
    assert "reste à verser : 1 000 000,00 €" in _texte(reponse)
    # Avant la date de l'engagement : l'erreur est dite à côté de la date.
    reponse = client.post(url, {"montant": "400000", "date_versement": "2019-01-01"})
    assert reponse.status_code == 200
    erreur = re.search(r'id="id_date_versement-erreurs">([^<]+)<', _texte(reponse)).group(1)
    assert "Un versement ne peut pas précéder l&#x27;engagement" in erreur
    reponse = client.post(url, {"montant": "400000", "date_versement": date, "reference": "DP-7"})
    assert reponse.status_code == 302
    assert reponse["Location"] == f"/projets/{projet_84.pk}/"
    engagement.refresh_from_db()
    assert engagement.montant_verse == Decimal("400000")
    # Le versement est dans l'historique du projet, avec sa date, sa référence et le reste.
    fiche = _texte(client.get(reponse["Location"]))
    historique = fiche[fiche.index('<h2 class="fr-mt-4w">Historique</h2>') :]
    assert "Versement" in historique
    assert (
        f"Versement de 400 000 € le {datetime.date.today():%d/%m/%Y} (référence DP-7) sur "
        "l&#x27;engagement de 1 000 000 € ; reste à verser : 600 000 €."
    ) in historique


# --- Bloc « Crédits engagés » de la page projet ------------------------------------------


def _bloc(projet, user) -> str:
    """La section « Crédits » de la fiche du projet, telle que `portail` l'assemble."""
    contexte = selectors.credits_du_projet(user, projet)
    return render_to_string("fonds/_projet.html", contexte).replace("\u202f", " ")


def test_bloc_des_credits_du_projet(prefecture_84, region_84, enveloppes_2020, projet_84):
    assert "Engager des crédits" in _bloc(projet_84, prefecture_84)
    assert "Engager des crédits" not in _bloc(projet_84, region_84)
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    services.verser(
        engagement_id=engagement.pk,
        montant=Decimal("250000"),
        date_versement=datetime.date.today(),
        reference="DP-1",
        auteur=prefecture_84,
    )
    bloc = _bloc(projet_84, prefecture_84)
    assert "250 000\u00a0€ (DP-1)" in bloc
    assert "reste à verser : <strong>750 000\u00a0€" in bloc
    assert f"/fonds/engagements/{engagement.pk}/versement/" in bloc
    assert f"/fonds/engagements/{engagement.pk}/versement/" not in _bloc(projet_84, region_84)


def test_bloc_des_credits_a_nombre_de_requetes_constant(
    django_assert_num_queries, admin_national, prefecture_84, enveloppes_2020, projet_84
):
    _, regionales = enveloppes_2020
    prefecture_84.profil  # noqa: B018 (portée déjà chargée par la page du projet)
    for nb in (1, 4):
        while projet_84.engagements.count() < nb:
            engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
            services.verser(
                engagement_id=engagement.pk,
                montant=Decimal("1000"),
                date_versement=datetime.date.today(),
                auteur=prefecture_84,
            )
        projet_84.refresh_from_db()
        # 1. les engagements avec leur enveloppe, dispositif et région ; 2. leurs versements.
        with django_assert_num_queries(2):
            _bloc(projet_84, prefecture_84)


# --- Administration -----------------------------------------------------------------


def test_admin_du_fonds(client, admin_user, enveloppes_2020, prefecture_84, projet_84):
    _, regionales = enveloppes_2020
    engagement = _engager(projet_84, regionales["84"], M, prefecture_84)
    client.force_login(admin_user)
    for url in [
        "/admin/fonds/dispositif/",
        "/admin/fonds/enveloppe/?annee=2020",
        f"/admin/fonds/enveloppe/{regionales['84'].pk}/change/",
        "/admin/fonds/mouvement/?type__exact=repartition",
        "/admin/fonds/engagement/?q=Ligne",
        f"/admin/fonds/engagement/{engagement.pk}/change/",
        "/admin/fonds/versement/",
        "/admin/fonds/enveloppe/add/",
    ]:
        assert client.get(url).status_code == 200, url
    fiche = _texte(client.get(f"/admin/fonds/enveloppe/{regionales['84'].pk}/change/"))
    assert "Répartition entre les régions" in fiche  # mouvements en ligne
    assert 'name="_save"' not in fiche  # lecture seule
    mouvement = Mouvement.objects.first()
    assert client.get(f"/admin/fonds/mouvement/{mouvement.pk}/delete/").status_code == 403
    # Ajout d'un mouvement : par le service, avec ses contrôles.
    url = f"/admin/fonds/enveloppe/{regionales['84'].pk}/mouvement/"
    reponse = client.post(
        url,
        {"type": "annulation", "montant": "11000000", "date_effet": "2020-08-01", "motif": "Gel"},
    )
    assert reponse.status_code == 200
    assert "disponible : 9 000 000,00 €" in _texte(reponse)
    reponse = client.post(
        url,
        {"type": "annulation", "montant": "1000000", "date_effet": "2020-08-01", "motif": "Gel"},
    )
    assert reponse.status_code == 302
    assert Enveloppe.objects.get(pk=regionales["84"].pk).montant == 9 * M


def test_creation_d_une_enveloppe_dans_l_admin(client, admin_user, fonds_acceleration):
    client.force_login(admin_user)
    reponse = client.post(
        "/admin/fonds/enveloppe/add/",
        {"dispositif": fonds_acceleration.pk, "annee": "2022", "region": ""},
    )
    assert reponse.status_code == 302
    enveloppe = Enveloppe.objects.get(annee=2022)
    assert enveloppe.est_nationale and enveloppe.montant == 0
    reponse = client.post(
        "/admin/fonds/enveloppe/add/",
        {"dispositif": fonds_acceleration.pk, "annee": "2050", "region": ""},
    )
    assert reponse.status_code == 200
    assert "comprise entre 2018 et 2030" in _texte(reponse)


def test_admin_limite_les_engagements_au_perimetre(
    client, enveloppes_2020, prefecture_84, prefecture_32, projet_84, projet_32
):
    from django.contrib.auth.models import Permission

    _, regionales = enveloppes_2020
    e84 = _engager(projet_84, regionales["84"], M, prefecture_84)
    e32 = _engager(projet_32, regionales["32"], M, prefecture_32)
    prefecture_32.is_staff = True
    prefecture_32.save()
    prefecture_32.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="fonds", codename__startswith="view_")
    )
    client.force_login(prefecture_32)
    texte = _texte(client.get("/admin/fonds/engagement/"))
    assert f"/admin/fonds/engagement/{e32.pk}/change/" in texte
    assert f"/admin/fonds/engagement/{e84.pk}/change/" not in texte
    assert client.get(f"/admin/fonds/engagement/{e84.pk}/change/").status_code == 302
    # Pas de création d'enveloppe ni d'ajout de mouvement pour une préfecture.
    assert client.get("/admin/fonds/enveloppe/add/").status_code == 403
    url = f"/admin/fonds/enveloppe/{regionales['32'].pk}/mouvement/"
    assert client.get(url).status_code == 403


def test_mouvements_jamais_supprimes_ni_modifies_dans_l_admin(admin_user, rf, enveloppes_2020):
    from django.contrib import admin as admin_django

    requete = rf.get("/")
    requete.user = admin_user
    for modele in (Mouvement, Enveloppe, Engagement):
        modele_admin = admin_django.site._registry[modele]
        assert not modele_admin.has_delete_permission(requete)
        assert not modele_admin.has_change_permission(requete)
    assert not admin_django.site._registry[Mouvement].has_add_permission(requete)


@pytest.mark.parametrize("valeur", ["²", "abc", "-1", "%C2%B2"])
def test_engagement_d_un_projet_mal_designe_404(client, prefecture_84, valeur):
    """« ² » passe str.isdigit() mais pas int() : une erreur 500 avant la correction."""
    client.force_login(prefecture_84)
    assert client.get(f"/fonds/engagements/nouveau/?projet={valeur}").status_code == 404
