// Autocomplétion des mentions dans la discussion d'un projet : après « @ », la liste des
// agents qui voient le projet (`/projets/<id>/mentionnables/?q=`). Sans JavaScript, le
// lien « Agents que vous pouvez mentionner » donne la même liste.
(function () {
  "use strict";
  var champ = document.querySelector("textarea[data-mentionnables]");
  if (!champ) { return; }
  var liste = document.createElement("ul");
  liste.className = "portail-mentions fr-text--sm";
  liste.setAttribute("aria-live", "polite");
  liste.setAttribute("aria-label", "Agents à mentionner");
  champ.parentNode.appendChild(liste);
  var attente = null;

  function motEnCours() {
    var avant = champ.value.slice(0, champ.selectionStart);
    var trouve = /(^|\s)@([\w.+-]*)$/.exec(avant);
    return trouve ? trouve[2] : null;
  }

  function inserer(identifiant) {
    var debut = champ.value.slice(0, champ.selectionStart);
    var fin = champ.value.slice(champ.selectionStart);
    debut = debut.replace(/@([\w.+-]*)$/, "@" + identifiant + " ");
    champ.value = debut + fin;
    champ.focus();
    champ.setSelectionRange(debut.length, debut.length);
    liste.innerHTML = "";
  }

  function afficher(agents) {
    liste.innerHTML = "";
    agents.forEach(function (agent) {
      var item = document.createElement("li");
      var bouton = document.createElement("button");
      bouton.type = "button";
      bouton.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm";
      bouton.textContent = "@" + agent.identifiant + " — " + agent.nom + " (" + agent.role + ")";
      bouton.addEventListener("click", function () { inserer(agent.identifiant); });
      item.appendChild(bouton);
      liste.appendChild(item);
    });
  }

  champ.addEventListener("input", function () {
    var mot = motEnCours();
    clearTimeout(attente);
    if (mot === null) { liste.innerHTML = ""; return; }
    attente = setTimeout(function () {
      fetch(champ.dataset.mentionnables + "?q=" + encodeURIComponent(mot), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (reponse) { return reponse.ok ? reponse.json() : { agents: [] }; })
        .then(function (donnees) { afficher(donnees.agents); });
    }, 200);
  });
})();
