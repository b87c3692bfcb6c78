"""Chaque page du portail, pour chaque rôle, à 1440 et 390 px de large.

Pour chaque page qu'un rôle peut ouvrir (une page qui lui répond 403 ou 404 n'est pas la
sienne), le test échoue sur :

- un défilement horizontal de la page (un tableau large défile dans son propre cadre) ;
- un bloc-marque « République française » rogné (le DSFR interdit de l'altérer) ;
- un bouton sans nom visible (texte vide, ou rogné comme une icône seule) ;
- une violation axe-core d'impact « serious » ou « critical » (à 1440 et 390 px).

Une capture de chaque page où quelque chose est constaté, à la largeur du constat, va dans
tests/e2e/captures/ (ignoré par git). Tous les constats sont réunis avant d'échouer.
"""

import pytest

from fonds.models import Engagement, Enveloppe
from programmation.models import Simulation
from projets.models import Projet, Statut
from territoires.models import Intercommunalite
from tests.e2e.conftest import capturer, connecter, programme_en_cours
from tests.e2e.test_accessibilite import IMPACTS_BLOQUANTS, auditer

pytestmark = pytest.mark.django_db(transaction=True)

# Deux largeurs, pour que la suite tienne dans son temps : les tableaux de bord et les listes
# de l'administration, les pages les plus larges, sont en plus vérifiés à 1280 et 1920 px
# par `test_mise_en_page.py`.
LARGEURS = [1440, 390]
LARGEURS_AXE = {1440, 390}

# Ce que la page montre de travers, mesuré dans le navigateur.
CONSTATS = """() => {
  const constats = [];
  const racine = document.documentElement;
  if (racine.scrollWidth > racine.clientWidth + 1) {
    constats.push(`la page défile de côté (${racine.scrollWidth} px pour ${racine.clientWidth})`);
  }
  for (const logo of document.querySelectorAll('.fr-header__logo .fr-logo')) {
    // Le texte déborde de son bloc, ou le bloc sort du cadre qui le rogne.
    const l = logo.getBoundingClientRect();
    const cadre = logo.closest('.fr-header__brand-top').getBoundingClientRect();
    if (logo.scrollWidth > logo.clientWidth + 1 || l.left < cadre.left - 1
        || l.right > cadre.right + 1) {
      constats.push(`bloc-marque rogné (${logo.clientWidth} px pour ${logo.scrollWidth})`);
    }
  }
  // Les boutons à icône seule du DSFR (menu sur téléphone, infobulle) ont un nom accessible
  // et une forme connue ; tout autre bouton montre son nom en entier.
  const boutons = document.querySelectorAll(
    'button, a.fr-btn, input[type=submit], input[type=button]');
  for (const b of boutons) {
    const r = b.getBoundingClientRect();
    const style = getComputedStyle(b);
    if (!r.width || !r.height || style.visibility === 'hidden') continue;
    if (b.closest('[hidden], dialog:not([open]), details:not([open])')) continue;
    if (b.matches('.fr-btn--tooltip, .fr-btn--menu')) continue;
    const texte = (b.innerText || b.value || '').trim();
    const rogne = style.overflow === 'hidden' && b.scrollWidth > b.clientWidth + 2;
    if (!texte || rogne) {
      const nom = texte || b.getAttribute('aria-label') || b.getAttribute('title')
        || b.outerHTML.slice(0, 80);
      constats.push(`bouton sans nom visible : « ${nom} »${rogne ? ' (texte rogné)' : ''}`);
    }
  }
  return constats;
}"""


def _adresses(comptes) -> dict[str, str]:
    """Les pages du portail, avec un objet de la région 84 pour celles qui en montrent un."""
    en_instruction = Projet.objects.filter(statut=Statut.EN_INSTRUCTION).order_by("pk").first()
    preselectionne = Projet.objects.filter(statut=Statut.PRESELECTIONNE).order_by("pk").first()
    engagement = Engagement.objects.order_by("pk").first()
    enveloppe = Enveloppe.objects.filter(region_id="84").order_by("pk").first()
    epci = en_instruction.epci_id
    adresses = {
        "accueil": "/",
        "territoires": "/territoires/",
        "territoire": f"/territoires/{en_instruction.territoire_id}/",
        "intercommunalite": f"/intercommunalites/{epci}/",
        "connexion": "/comptes/connexion/",
        "mot-de-passe-oublie": "/comptes/mot-de-passe-oublie/",
        "projets": "/projets/",
        "projets-recherche": "/projets/?q=fonderie",
        "projet-nouveau": "/projets/nouveau/",
        "projet-import": "/projets/importer/",
        "projet": f"/projets/{en_instruction.pk}/",
        "projet-modifier": f"/projets/{en_instruction.pk}/modifier/",
        "projet-engage": f"/projets/{engagement.projet_id}/",
        "preselection": "/projets/preselection/",
        "programmation": "/programmation/",
        "fonds": "/fonds/",
        "enveloppe": f"/fonds/enveloppes/{enveloppe.pk}/",
        "anticipation": "/fonds/anticipation/",
        "engager": f"/fonds/engagements/nouveau/?projet={preselectionne.pk}",
        "versement": f"/fonds/engagements/{engagement.pk}/versement/",
        "pilotage": "/pilotage/",
        "pilotage-region": "/pilotage/regions/84/",
        "indicateurs": "/pilotage/indicateurs/",
        "journal": "/comptes/journal/",
        "mot-de-passe": "/comptes/mot-de-passe/",
        "travaux": "/travaux/",
    }
    if simulation := Simulation.objects.order_by("pk").first():
        adresses["simulation"] = f"/programmation/{simulation.pk}/"
    assert Intercommunalite.objects.filter(siren=epci).exists()
    return adresses


@pytest.fixture
def programme(referentiel):
    comptes, _projet = programme_en_cours()
    return comptes


@pytest.mark.parametrize(
    "role", ["anonyme", "prefecture-84", "region-84", "ministere", "admin-national"]
)
def test_chaque_page_se_lit_a_chaque_largeur(nouvel_onglet, programme, source_axe, role):
    page = nouvel_onglet()
    if role != "anonyme":
        connecter(page, role)
    adresses = _adresses(programme)
    constats, vues = [], 0
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        for nom, adresse in adresses.items():
            reponse = page.goto(adresse)
            if reponse.status in (403, 404, 405) or "/comptes/connexion/?next=" in page.url:
                continue  # pas une page de ce rôle
            assert reponse.status == 200, f"{role} {adresse} : {reponse.status}"
            page.wait_for_load_state("load")
            vues += 1
            deja = len(constats)
            for constat in page.evaluate(CONSTATS):
                constats.append(f"{largeur} px {adresse} : {constat}")
            if largeur in LARGEURS_AXE:
                for regle in auditer(page, source_axe)["violations"]:
                    if regle["impact"] in IMPACTS_BLOQUANTS:
                        cibles = ", ".join(e["cible"] for e in regle["elements"][:3])
                        constats.append(
                            f"{largeur} px {adresse} : axe {regle['regle']} "
                            f"({regle['impact']}) : {cibles}"
                        )
            if len(constats) > deja:
                capturer(page, f"pages-{role}-{nom}-{largeur}")
    assert vues >= len(LARGEURS) * 5, f"{role} : trop peu de pages vues ({vues})"
    assert not constats, "\n".join(constats)
