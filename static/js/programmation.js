/* Simulations de programmation : chaque ligne s'enregistre sans recharger la page.
 *
 * Sans ce script, le formulaire de la ligne part et la page revient (message ou erreur).
 * Avec lui, l'envoi se fait en arrière-plan (`X-Requested-With: fetch`) : la ligne et les
 * totaux sont remplacés par ceux que rend le serveur, la saisie refusée reste dans son
 * champ avec son erreur, et un message est lu par les lecteurs d'écran. Cocher ou
 * décocher une ligne, ou modifier son montant puis quitter le champ, l'enregistre aussi.
 */
(function () {
  "use strict";

  var annonce = document.getElementById("annonce-simulation");

  function annoncer(texte) {
    if (!annonce) return;
    annonce.textContent = "";
    window.setTimeout(function () { annonce.textContent = texte; }, 50);
  }

  function remplacer(id, html) {
    var ancien = document.getElementById(id);
    if (!ancien || !html) return;
    var modele = document.createElement(ancien.tagName === "TR" ? "tbody" : "div");
    modele.innerHTML = html.trim();
    var nouveau = modele.firstElementChild;
    if (nouveau) ancien.replaceWith(nouveau);
  }

  function envoyer(formulaire) {
    if (formulaire.dataset.envoi === "1") return;
    formulaire.dataset.envoi = "1";
    var id = formulaire.dataset.ligne;
    var actif = document.activeElement ? document.activeElement.id : "";
    fetch(formulaire.action, {
      method: "POST",
      body: new FormData(formulaire),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    })
      .then(function (reponse) {
        if (!reponse.headers.get("Content-Type") || reponse.headers.get("Content-Type").indexOf("json") < 0) {
          throw new Error("réponse inattendue");
        }
        return reponse.json();
      })
      .then(function (donnees) {
        remplacer("ligne-" + id, donnees.ligne);
        remplacer("totaux-simulation", donnees.totaux);
        annoncer(donnees.message);
        var cible = document.getElementById(donnees.ok ? actif : "ligne-" + id + "-montant") ||
          document.getElementById(actif);
        if (cible) cible.focus();
      })
      .catch(function () {
        formulaire.dataset.envoi = "";
        formulaire.submit();  // la voie sans script : la page revient avec le message
      });
  }

  document.addEventListener("submit", function (evenement) {
    var formulaire = evenement.target;
    if (!formulaire.matches || !formulaire.matches("form[data-ligne]")) return;
    evenement.preventDefault();
    envoyer(formulaire);
  });

  document.addEventListener("change", function (evenement) {
    var champ = evenement.target;
    var nom = champ.getAttribute("form");
    if (!nom || nom.indexOf("form-ligne-") !== 0) return;
    var formulaire = document.getElementById(nom);
    if (formulaire) envoyer(formulaire);
  });
})();
