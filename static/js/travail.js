// Avancement d'un travail de fond : recharge le seul bloc de l'avancement, jusqu'à la fin.
// Sans JavaScript, la page entière se recharge (<noscript><meta http-equiv="refresh">).
(function () {
  "use strict";
  var bloc = document.querySelector("[data-etat-travail]");
  if (!bloc || !window.fetch) {
    return;
  }
  var adresse = bloc.getAttribute("data-etat-travail");
  var intervalle = (parseInt(bloc.getAttribute("data-intervalle"), 10) || 2) * 1000;

  function fini() {
    var etat = bloc.querySelector("[data-fini]");
    return etat && etat.getAttribute("data-fini") === "1";
  }

  function recharger() {
    fetch(adresse, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (reponse) {
        if (!reponse.ok) {
          throw new Error(reponse.status);
        }
        return reponse.text();
      })
      .then(function (html) {
        bloc.innerHTML = html;
        if (fini()) {
          var titre = bloc.querySelector(".fr-alert__title");
          if (titre) {
            titre.setAttribute("tabindex", "-1");
            titre.focus();
          }
        } else {
          window.setTimeout(recharger, intervalle);
        }
      })
      .catch(function () {
        window.setTimeout(recharger, intervalle * 2);
      });
  }

  if (!fini()) {
    window.setTimeout(recharger, intervalle);
  }
})();
