// Tableaux plus larges que la page : ils défilent dans leur cadre (la page, jamais), et un
// indice au-dessus dit combien de colonnes sont cachées (même en partie) à droite ou à gauche. Le cadre
// reçoit le focus (tabindex) pour défiler au clavier avec les flèches.
(function () {
  "use strict";
  function colonnesCachees(tableau) {
    var cadre = tableau.getBoundingClientRect();
    var droite = 0, gauche = 0;
    var entetes = tableau.querySelectorAll("thead tr:last-child th, thead tr:last-child td");
    Array.prototype.forEach.call(entetes, function (th) {
      var r = th.getBoundingClientRect();
      // Une colonne cachée, même en partie, compte.
      if (r.right > cadre.right + 1) droite += 1;
      else if (r.left < cadre.left - 1) gauche += 1;
    });
    return { droite: droite, gauche: gauche };
  }
  function pluriel(n) { return n > 1 ? n + " colonnes" : "une colonne"; }
  function suivre(tableau) {
    var indice = document.createElement("p");
    indice.className = "fr-text--sm fr-mb-1w portail-indice-defilement";
    indice.hidden = true;
    tableau.parentNode.parentNode.insertBefore(indice, tableau.parentNode);
    function mettreAJour() {
      var deborde = tableau.scrollWidth > tableau.clientWidth + 2;
      tableau.parentNode.classList.toggle("portail-defilable", deborde);
      if (!deborde) {
        indice.hidden = true;
        tableau.removeAttribute("tabindex");
        return;
      }
      tableau.setAttribute("tabindex", "0");
      var caches = colonnesCachees(tableau);
      var morceaux = [];
      if (caches.droite) morceaux.push(pluriel(caches.droite) + " à droite");
      if (caches.gauche) morceaux.push(pluriel(caches.gauche) + " à gauche");
      indice.textContent = "Tableau plus large que la page : faites-le défiler horizontalement"
        + (morceaux.length ? " (" + morceaux.join(", ") + ")." : ".");
      indice.hidden = false;
    }
    tableau.addEventListener("scroll", mettreAJour, { passive: true });
    window.addEventListener("resize", mettreAJour);
    mettreAJour();
  }
  document.querySelectorAll(".fr-table > table").forEach(suivre);
})();
