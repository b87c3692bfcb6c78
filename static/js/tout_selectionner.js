// « Tout sélectionner » : une case qui coche ou décoche toutes les cases d'un même nom
// (`data-coche-tout="projets"`) dans son formulaire. Sans JavaScript la case reste cachée
// et chaque projet se coche un à un.
(function () {
  "use strict";
  document.querySelectorAll("[data-coche-tout]").forEach(function (maitresse) {
    var formulaire = maitresse.form;
    var cases = Array.prototype.slice.call(
      formulaire.querySelectorAll('input[type="checkbox"][name="' + maitresse.dataset.cocheTout + '"]')
    );
    if (!cases.length) return;
    var groupe = maitresse.closest("[hidden]");
    if (groupe) groupe.hidden = false;
    function accorder() {
      var cochees = cases.filter(function (c) { return c.checked; }).length;
      maitresse.checked = cochees === cases.length;
      maitresse.indeterminate = cochees > 0 && cochees < cases.length;
    }
    maitresse.addEventListener("change", function () {
      cases.forEach(function (c) { c.checked = maitresse.checked; });
      accorder();
    });
    cases.forEach(function (c) { c.addEventListener("change", accorder); });
    accorder();
  });
})();
