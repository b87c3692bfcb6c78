// Joindre un document en le glissant sur la zone du champ de fichier. Sans JavaScript, le
// champ de fichier ordinaire suffit.
(function () {
  "use strict";
  document.querySelectorAll("[data-zone-depot]").forEach(function (zone) {
    var champ = zone.querySelector("input[type=file]");
    if (!champ) {
      return;
    }
    ["dragenter", "dragover"].forEach(function (nom) {
      zone.addEventListener(nom, function (evenement) {
        evenement.preventDefault();
        zone.classList.add("portail-zone-depot--survol");
      });
    });
    ["dragleave", "drop"].forEach(function (nom) {
      zone.addEventListener(nom, function () {
        zone.classList.remove("portail-zone-depot--survol");
      });
    });
    zone.addEventListener("drop", function (evenement) {
      evenement.preventDefault();
      if (evenement.dataTransfer && evenement.dataTransfer.files.length) {
        champ.files = evenement.dataTransfer.files;
        champ.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
