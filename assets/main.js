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

  ready(function () {
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
