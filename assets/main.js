/* pactum default theme: small progressive enhancements. Everything works
   without this file; nothing here may throw if an element is missing. */
(function () {
  "use strict";

  var doc = document;
  doc.documentElement.classList.add("js");

  /* localStorage can be missing or throw (private mode, file://, policies). */
  var store = (function () {
    try {
      var s = window.localStorage, k = "pactum:probe";
      s.setItem(k, "1");
      s.removeItem(k);
      return s;
    } catch (e) {
      return null;
    }
  })();

  function ready(fn) {
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  /* Checklists: make the task-list boxes usable and remember them per page.
     (Tables are wrapped and boxes labelled by pactum itself, in the HTML.) */
  function checklist() {
    var main = doc.querySelector('main[data-kind="checklist"]');
    if (!main) return [];
    var boxes = main.querySelectorAll('.doc-body input[type="checkbox"]');
    var prefix = "pactum:checklist:" + location.pathname + "#";
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      box.disabled = false;
      box.removeAttribute("disabled");
      if (store && store.getItem(prefix + i) === "1") box.checked = true;
      box.addEventListener("change", save(prefix + i));
    }
    return boxes;
  }

  function save(key) {
    return function (event) {
      if (!store) return;
      try {
        if (event.target.checked) store.setItem(key, "1");
        else store.removeItem(key);
      } catch (e) { /* storage full or blocked: ticks just are not kept */ }
    };
  }

  function reset(boxes, button) {
    var question = button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) return;
    var prefix = "pactum:checklist:" + location.pathname + "#";
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].checked = false;
      if (store) {
        try { store.removeItem(prefix + i); } catch (e) { /* ignore */ }
      }
    }
  }

  /* Print stamp: "Udskrevet 5. marts 2026 – …" with today's date, in the
     format pactum uses for dates. */
  var MONTHS = {
    da: ["januar", "februar", "marts", "april", "maj", "juni", "juli",
         "august", "september", "oktober", "november", "december"],
    en: ["January", "February", "March", "April", "May", "June", "July",
         "August", "September", "October", "November", "December"]
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function stampDate() {
    var spans = doc.querySelectorAll(".print-date");
    if (!spans.length) return;
    var d = new Date();
    var lang = (doc.documentElement.getAttribute("lang") || "da").slice(0, 2);
    var text = lang === "en"
      ? d.getDate() + " " + MONTHS.en[d.getMonth()] + " " + d.getFullYear()
      : d.getDate() + ". " + MONTHS.da[d.getMonth()] + " " + d.getFullYear();
    var iso = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
    for (var i = 0; i < spans.length; i++) {
      var time = doc.createElement("time");
      time.setAttribute("datetime", iso);
      time.textContent = text;
      spans[i].textContent = " ";
      spans[i].appendChild(time);
    }
  }

  /* Print the address of each link in the document, so that a paper copy
     still says where "see the agreement on discharge" is. print.css shows
     data-print-url after the link. Only http(s): a file:// path is of no
     use on paper. Links within the page are left alone. */
  function printUrls() {
    var links = doc.querySelectorAll(".doc-body a[href], .notice a[href], .doc-context a[href], " +
      ".doc-family a[href], .doc-members a[href], .doc-relations a[href]");
    var here = location.href.split("#")[0];
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      if (!/^https?:$/.test(a.protocol)) continue;
      if (a.href.split("#")[0] === here) continue;
      a.setAttribute("data-print-url", a.href);
    }
  }

  function beforePrint() {
    stampDate();
    printUrls();
  }
  window.addEventListener("beforeprint", beforePrint);

  /* Document tables sort by any column: the header becomes a button, and
     aria-sort tells screen readers the order. Dates sort by their datetime. */
  function sortable() {
    var tables = doc.querySelectorAll("table[data-sortable]");
    for (var t = 0; t < tables.length; t++) {
      var heads = tables[t].querySelectorAll("thead th");
      for (var c = 0; c < heads.length; c++) {
        var th = heads[c];
        var button = doc.createElement("button");
        button.type = "button";
        button.className = "sort-button";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", sortBy(tables[t], c, th));
      }
    }
  }

  function cellKey(row, column) {
    var cell = row.children[column];
    if (!cell) return "";
    var time = cell.querySelector("time");
    return (time ? time.getAttribute("datetime") : cell.textContent).trim().toLowerCase();
  }

  function sortBy(table, column, th) {
    return function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var heads = table.querySelectorAll("thead th");
      for (var i = 0; i < heads.length; i++) heads[i].removeAttribute("aria-sort");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = cellKey(a, column), y = cellKey(b, column);
        if (x === y) return 0;
        if (x === "") return 1;
        if (y === "") return -1;
        return (x < y ? -1 : 1) * (ascending ? 1 : -1);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    };
  }

  ready(function () {
    sortable();
    beforePrint();
    var boxes = checklist();
    doc.addEventListener("click", function (event) {
      var target = event.target;
      var button = target && target.closest ? target.closest("[data-action]") : null;
      if (!button) return;
      var action = button.getAttribute("data-action");
      if (action === "print") window.print();
      else if (action === "reset-checklist") reset(boxes, button);
    });
  });
})();
