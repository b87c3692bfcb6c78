// « Commune du site » : une liste de suggestions accessible (motif « combobox » de l'ARIA),
// restreinte aux communes du territoire choisi. Sans JavaScript, le champ accepte le nom
// exact d'une commune du territoire ou son code INSEE : le serveur le lit de même.
(function () {
  "use strict";
  document.querySelectorAll(".portail-combobox").forEach(function (bloc) {
    var champ = bloc.querySelector("input[type=text]");
    var liste = bloc.querySelector("[role=listbox]");
    var etat = bloc.querySelector("[aria-live]");
    var territoire = document.getElementById(bloc.dataset.territoire);
    if (!champ || !liste || !territoire) return;
    var options = [];
    var active = -1;
    var attente = null;
    var demande = 0;

    champ.setAttribute("role", "combobox");
    champ.setAttribute("aria-autocomplete", "list");
    champ.setAttribute("aria-expanded", "false");
    champ.setAttribute("aria-controls", liste.id);

    function fermer() {
      liste.hidden = true;
      champ.setAttribute("aria-expanded", "false");
      champ.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function activer(indice) {
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === indice ? "true" : "false"); });
      active = indice;
      if (indice < 0) { champ.removeAttribute("aria-activedescendant"); return; }
      champ.setAttribute("aria-activedescendant", options[indice].id);
      options[indice].scrollIntoView({ block: "nearest" });
    }

    function choisir(option) {
      champ.value = option.dataset.valeur;
      fermer();
      etat.textContent = "Commune choisie : " + option.dataset.valeur + ".";
    }

    function afficher(communes) {
      liste.textContent = "";
      options = communes.map(function (c, i) {
        var li = document.createElement("li");
        li.id = liste.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.valeur = c.nom + " (" + c.code + ")";
        li.appendChild(document.createTextNode(li.dataset.valeur + " "));
        var detail = document.createElement("span");
        detail.className = "portail-suggestions__detail";
        detail.textContent = c.departement;
        li.appendChild(detail);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choisir(li); });
        liste.appendChild(li);
        return li;
      });
      active = -1;
      if (options.length) {
        liste.hidden = false;
        champ.setAttribute("aria-expanded", "true");
        etat.textContent = options.length + (options.length > 1 ? " communes proposées" : " commune proposée")
          + " : flèches haut et bas pour parcourir, Entrée pour choisir.";
      } else {
        fermer();
        etat.textContent = "Aucune commune de ce territoire ne correspond.";
      }
    }

    function chercher() {
      var texte = champ.value.trim();
      if (!territoire.value) {
        fermer();
        etat.textContent = "Choisissez d'abord le territoire pour obtenir la liste de ses communes.";
        return;
      }
      if (texte.length < 2) { fermer(); return; }
      var numero = ++demande;
      var adresse = bloc.dataset.communes + "?territoire=" + encodeURIComponent(territoire.value)
        + "&q=" + encodeURIComponent(texte);
      fetch(adresse, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { communes: [] }; })
        .then(function (donnees) { if (numero === demande) afficher(donnees.communes); })
        .catch(function () { fermer(); });
    }

    champ.addEventListener("input", function () {
      clearTimeout(attente);
      attente = setTimeout(chercher, 200);
    });
    champ.addEventListener("keydown", function (e) {
      var ouverte = !liste.hidden && options.length;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        if (!ouverte) { chercher(); return; }
        activer(active < options.length - 1 ? active + 1 : 0);
      } else if (e.key === "ArrowUp") {
        if (!ouverte) return;
        e.preventDefault();
        activer(active > 0 ? active - 1 : options.length - 1);
      } else if (e.key === "Enter") {
        if (ouverte && active >= 0) { e.preventDefault(); choisir(options[active]); }
      } else if (e.key === "Escape") {
        if (ouverte) { e.preventDefault(); fermer(); }
      }
    });
    champ.addEventListener("blur", fermer);
    territoire.addEventListener("change", fermer);
  });
})();
