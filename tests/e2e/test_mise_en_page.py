"""Les tableaux de bord et l'accueil de l'administration se lisent à toutes les largeurs.

Chromium (Debian) ouvre `/pilotage/`, `/pilotage/regions/84/`, `/admin/` (le tableau de bord
des totaux), des listes de l'administration (totaux, enveloppes, mouvements, engagements,
projets, journal) et le redéploiement des crédits, à 1280, 1440 et 1920 px et sur un
téléphone (390 px) ; pour chaque page :

- la page ne défile pas de côté (un tableau large défile dans son propre cadre) ;
- aucune colonne de tableau n'est plus étroite que son mot le plus long (le mot est
  mesuré dans la police de sa cellule, un nom composé se coupant à ses traits d'union :
  une colonne qui coupe un mot lettre à lettre, ou qui le fait déborder, est signalée).

Une capture de chaque page et de chaque largeur va dans tests/e2e/captures/.
"""

import pytest

from comptes.models import Role
from tests.comptes.factories import agent
from tests.e2e.conftest import capturer, connecter, programme_en_cours

pytestmark = pytest.mark.django_db(transaction=True)

LARGEURS = [1280, 1440, 1920, 390]

# Pour chaque cellule visible d'un tableau : le mot le plus long, mesuré dans la police de
# la cellule, comparé à la largeur utile de la cellule.
MOTS_TROP_LONGS = """() => {
  const toile = document.createElement('canvas').getContext('2d');
  const police = (s) => `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
  const trop = [];
  for (const cellule of document.querySelectorAll('table th, table td')) {
    const style = getComputedStyle(cellule);
    if (!cellule.getBoundingClientRect().width || style.visibility === 'hidden') continue;
    const utile = cellule.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    const textes = document.createTreeWalker(cellule, NodeFilter.SHOW_TEXT);
    let constat = '';
    while (!constat && textes.nextNode()) {
      const parent = textes.currentNode.parentElement;
      // Un texte réservé aux lecteurs d'écran (fr-sr-only) n'occupe pas la colonne.
      if (parent.closest('.fr-sr-only') || parent.getBoundingClientRect().width <= 1) continue;
      const sien = getComputedStyle(parent);
      toile.font = police(sien);
      // Le navigateur passe à la ligne après un trait d'union : chaque partie est un mot.
      const mots = textes.currentNode.textContent.split(/\\s+|(?<=-)/).filter(Boolean);
      for (const mot of mots) {
        const ecrit = sien.textTransform === 'uppercase' ? mot.toUpperCase() : mot;
        const largeur = toile.measureText(ecrit).width;
        if (largeur > utile + 2) {
          constat = `${mot} (${Math.round(largeur)} px`
            + ` dans une colonne de ${Math.round(utile)} px)`;
          break;
        }
      }
    }
    if (constat) trop.push(constat);
  }
  return trop;
}"""


@pytest.fixture
def programme(referentiel):
    """Le fonds réparti, des projets engagés, les totaux calculés ; l'équipe nationale a
    accès à l'administration."""
    comptes, _projet = programme_en_cours()
    comptes["admin-national"].is_staff = True
    comptes["admin-national"].is_superuser = True
    comptes["admin-national"].save()
    return comptes


def _connecter_a_l_administration(page, identifiant: str) -> None:
    page.goto("/admin/login/")
    page.fill("input[name=username]", identifiant)
    page.fill("input[name=password]", "mot-de-passe-de-test")
    page.click("input[type=submit]")


@pytest.mark.parametrize(
    ("compte", "adresse"),
    [
        ("ministere", "/pilotage/"),
        ("region-84", "/pilotage/regions/84/"),
        # L'accueil de l'administration est le tableau de bord des totaux.
        ("admin-national", "/admin/"),
        ("admin-national", "/admin/pilotage/totaux/"),
        ("admin-national", "/admin/fonds/enveloppe/"),
        ("admin-national", "/admin/fonds/mouvement/"),
        ("admin-national", "/admin/fonds/engagement/"),
        ("admin-national", "/admin/projets/projet/"),
        ("admin-national", "/admin/comptes/trace/"),
        ("admin-national", "/fonds/redeploiement/"),
    ],
)
def test_les_tableaux_de_bord_se_lisent_a_toutes_les_largeurs(
    programme, nouvel_onglet, compte, adresse
):
    page = nouvel_onglet()
    if adresse.startswith("/admin/"):
        _connecter_a_l_administration(page, compte)
    else:
        connecter(page, compte)
    constats = {}
    for largeur in LARGEURS:
        page.set_viewport_size({"width": largeur, "height": 900})
        page.goto(adresse)
        page.wait_for_load_state("networkidle")
        capturer(page, f"mise-en-page-{adresse.strip('/').replace('/', '-')}-{largeur}")
        defilement = page.evaluate("document.documentElement.scrollWidth") - largeur
        trop_longs = page.evaluate(MOTS_TROP_LONGS)
        if defilement > 0 or trop_longs:
            constats[largeur] = (defilement, trop_longs[:5])
    assert constats == {}


@pytest.mark.parametrize("largeur", [1440, 390])
def test_rien_ne_cache_la_liste_des_applications(programme, nouvel_onglet, largeur):
    """Sous les totaux, la liste des modèles de l'administration se voit et se clique : aucun
    bloc (les actions récentes) ne la recouvre."""
    page = nouvel_onglet()
    page.set_viewport_size({"width": largeur, "height": 900})
    _connecter_a_l_administration(page, "admin-national")
    page.goto("/admin/")
    lien = page.locator("#content-main .app-fonds a", has_text="Mouvements").first
    lien.scroll_into_view_if_needed()
    dessus = lien.evaluate(
        """(a) => { const r = a.getBoundingClientRect();
        const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
        return e === a || a.contains(e); }"""
    )
    assert dessus
    lien.click()
    assert page.url.endswith("/admin/fonds/mouvement/")


def test_le_controle_voit_une_colonne_qui_coupe_les_mots(programme, nouvel_onglet):
    """Le contrôle lui-même : un tableau dont la colonne est trop étroite est signalé."""
    page = nouvel_onglet()
    agent("simple-visiteur", Role.MINISTERE)
    connecter(page, "ministere")
    page.goto("/pilotage/")
    page.evaluate(
        """() => { const t = document.createElement('table');
        t.innerHTML = '<tr><th style="width:20px;max-width:20px;overflow-wrap:anywhere">'
          + 'Intercommunalités</th><td>1</td></tr>';
        document.body.prepend(t); }"""
    )
    assert page.evaluate(MOTS_TROP_LONGS)
