/* pactum serve: live reload and build-error overlay. Served by the dev
   server only; never part of a built site. Errors are inserted as text. */
(function () {
  "use strict";
  var overlay = null;

  function show(errors) {
    if (!errors.length) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.setAttribute("role", "alert");
      overlay.id = "pactum-errors";
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:1.5rem;font:14px/1.45 ui-monospace,monospace";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var h = document.createElement("h2");
    h.textContent = "Byggefejl – den sidste gode version vises";
    overlay.appendChild(h);
    errors.forEach(function (e) {
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      pre.textContent = e;
      overlay.appendChild(pre);
    });
  }

  function check(reload) {
    fetch("/__pactum/errors", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (errors) {
        if (errors.length) show(errors);
        else if (reload) location.reload();
        else show([]);
      })
      .catch(function () {});
  }

  check(false);
  var events = new EventSource("/__pactum/events");
  events.addEventListener("change", function () { check(true); });
})();
