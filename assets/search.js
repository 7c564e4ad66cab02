/* pactum search: suggestions under every search box and the results page
   (soeg/index.html?q=…). Without this file the search box is a plain GET
   form and the results page shows the A–Å list; nothing here may throw if an
   element is missing. All text from the index or the query is inserted with
   textContent, never as HTML. The ranking runs in assets/search-worker.js,
   in a Web Worker or, from file://, in the page. */
(function () {
  "use strict";

  var doc = document;
  var FACETS = ["kind", "status", "region", "owner", "tag"];
  var PAGE = 10;

  function ready(fn) {
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function el(tag, cls, text) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fill(template, n) {
    return String(template || "").replace("{n}", String(n));
  }

  /* ---------- The engine, in a worker or in the page ---------- */

  function Client(form) {
    this.root = form.getAttribute("data-search-root") || "";
    this.workerUrl = new URL(form.getAttribute("data-search-worker") || "", location.href).href;
    this.base = new URL(this.root + "soeg/", location.href).href;
    this.seq = 1;
    this.waiting = Object.create(null);
    this.worker = null;
    this.page = null;
    this.started = null;
  }

  Client.prototype.start = function () {
    var self = this;
    if (this.started) return this.started;
    this.started = new Promise(function (resolve, reject) {
      var w = null;
      try {
        w = new Worker(self.workerUrl);
      } catch (e) {
        w = null; /* file:// and strict policies: no worker */
      }
      if (!w) {
        self.inPage().then(resolve, reject);
        return;
      }
      var settled = false;
      w.onmessage = function (event) {
        var m = event.data || {};
        if (m.id === 0 && !settled) {
          settled = true;
          self.worker = w;
          resolve();
          return;
        }
        var cb = self.waiting[m.id];
        if (!cb) return;
        delete self.waiting[m.id];
        if (m.error) cb[1](new Error(m.error));
        else cb[0](m);
      };
      w.onerror = function (event) {
        if (settled) return;
        settled = true;
        if (event && event.preventDefault) event.preventDefault();
        w.terminate();
        self.inPage().then(resolve, reject);
      };
      w.postMessage({ id: 0, type: "init", base: self.base });
    });
    return this.started;
  };

  Client.prototype.inPage = function () {
    var self = this;
    return new Promise(function (resolve, reject) {
      var done = function () {
        if (!window.PactumSearch) { reject(new Error("no search engine")); return; }
        self.page = window.PactumSearch.pageEngine(self.base);
        resolve();
      };
      if (window.PactumSearch) { done(); return; }
      var s = el("script");
      s.src = self.workerUrl;
      s.onload = done;
      s.onerror = function () { reject(new Error("cannot load the search engine")); };
      doc.head.appendChild(s);
    });
  };

  Client.prototype.ask = function (msg) {
    var self = this;
    return this.start().then(function () {
      if (self.page) return self.page(msg);
      return new Promise(function (resolve, reject) {
        msg.id = self.seq++;
        self.waiting[msg.id] = [resolve, reject];
        self.worker.postMessage(msg);
      });
    });
  };

  /* ---------- Suggestions under a search box (ARIA combobox) ---------- */

  function suggest(form, client) {
    var input = form.querySelector('input[name="q"]');
    if (!input || !input.id) return;
    var label = form.querySelector('label[for="' + input.id + '"]');
    var list = el("ul", "search-suggest");
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    if (label) list.setAttribute("aria-label", label.textContent);
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var options = [], active = -1, seq = 0, strings = {};

    input.addEventListener("focus", function () {
      client.ask({ type: "quick", q: "" }).then(function (r) { strings = r.strings || strings; }, function () {});
    }, { once: true });

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function add(href, title, meta, cls) {
      var li = el("li", "search-option " + cls);
      li.id = list.id + "-" + options.length;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.appendChild(el("span", "search-option-title", title));
      if (meta) {
        li.appendChild(doc.createTextNode(" "));
        li.appendChild(el("span", "search-option-meta", meta));
      }
      var index = options.length;
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      li.addEventListener("click", function () { choose(index); });
      list.appendChild(li);
      options.push({ li: li, href: href });
    }

    function render(found, q) {
      list.textContent = "";
      options = [];
      active = -1;
      found.forEach(function (s) {
        var meta = [s.kind, s.statusLabel, s.version ? (strings.version || "version") + " " + s.version : ""]
          .filter(Boolean).join(" · ");
        add(s.url, s.title, meta, "search-option-doc");
        s.heads.forEach(function (h) { add(s.url + "#" + h.anchor, h.title, s.title, "search-option-head"); });
      });
      add(null, (strings.all_results || "") + " »" + q + "«", "", "search-option-all");
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function highlight(i) {
      options.forEach(function (o, k) { o.li.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].li.id);
        if (options[i].li.scrollIntoView) options[i].li.scrollIntoView({ block: "nearest" });
      } else input.removeAttribute("aria-activedescendant");
    }

    function choose(i) {
      var o = options[i];
      if (!o) return;
      if (o.href === null) {
        close();
        form.submit();
      } else {
        location.href = client.root + o.href;
      }
    }

    input.addEventListener("input", function () {
      var q = input.value, mine = ++seq;
      if (!q.trim()) { close(); return; }
      client.ask({ type: "quick", q: q, limit: 8 }).then(function (r) {
        if (mine !== seq) return;
        strings = r.strings || strings;
        if (doc.activeElement !== input) return;
        render(r.suggestions, q);
      }, close);
    });

    input.addEventListener("keydown", function (event) {
      if (list.hidden || !options.length) return;
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        highlight(active + 1 >= options.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  /* ---------- The results page ---------- */

  function resultsPage(form, client) {
    var input = form.querySelector('input[name="q"]');
    var status = doc.getElementById("search-status");
    var results = doc.getElementById("search-results");
    var browse = doc.getElementById("search-browse");
    var options = doc.getElementById("search-options");
    if (!input || !status || !results) return;
    var params = new URLSearchParams(location.search);
    var q = params.get("q") || "";
    input.value = q;
    if (!q.trim()) return;
    if (browse) browse.hidden = true;
    var list = null, more = null;
    var strings = { loading: status.getAttribute("data-loading") || "…", error: status.getAttribute("data-error") || "" };

    function state() {
      var filters = [];
      FACETS.forEach(function (name) {
        params.getAll(name).forEach(function (v) { filters.push([name, v]); });
      });
      return { q: q, showHidden: params.get("historik") === "1", filters: filters };
    }

    function failed() {
      status.textContent = strings.error;
      if (browse) browse.hidden = false;
    }

    function run(offset) {
      var s = state();
      if (!offset) status.textContent = strings.loading;
      client.ask({ type: "search", q: s.q, showHidden: s.showHidden, filters: s.filters, offset: offset, limit: PAGE })
        .then(function (r) { show(r, s); }, failed);
    }

    function show(r, s) {
      strings = r.strings || strings;
      if (!r.offset) {
        results.textContent = "";
        var msg = r.total === 0 ? strings.none : fill(r.total === 1 ? strings.count_one : strings.count_other, r.total);
        if (r.total && !r.allWords) msg += " " + strings.some_words;
        if (r.hidden && !s.showHidden) msg += " " + fill(r.hidden === 1 ? strings.hidden_one : strings.hidden_other, r.hidden);
        status.textContent = msg;
        facets(r, s);
        list = el("ol", "search-hits");
        results.appendChild(list);
        more = null;
      }
      r.hits.forEach(function (h) { list.appendChild(hit(h)); });
      if (more) more.remove();
      more = null;
      if (r.offset + r.hits.length < r.total) {
        more = el("button", "search-more", strings.more);
        more.type = "button";
        more.addEventListener("click", function () {
          more.disabled = true;
          run(r.offset + PAGE);
        });
        results.appendChild(more);
      }
    }

    function hit(h) {
      var li = el("li", "search-hit");
      li.setAttribute("data-doc", h.id);
      var title = el("h2", "search-hit-title");
      var a = el("a", null, h.title);
      a.href = client.root + h.url;
      title.appendChild(a);
      li.appendChild(title);
      var meta = el("p", "search-hit-meta");
      meta.appendChild(el("span", "kind-label", h.kindLabel));
      if (h.status) {
        meta.appendChild(doc.createTextNode(" "));
        meta.appendChild(el("span", "badge status-" + h.status, h.statusLabel));
      }
      if (h.version) {
        meta.appendChild(doc.createTextNode(" "));
        meta.appendChild(el("span", "search-hit-version", (strings.version || "version") + " " + h.version));
      }
      li.appendChild(meta);
      var secs = el("ul", "search-hit-sections");
      h.sections.forEach(function (s) {
        var item = el("li", "search-section");
        if (s.anchor) {
          var link = el("a", "search-section-link", s.title);
          link.href = client.root + h.url + "#" + s.anchor;
          item.appendChild(link);
        }
        var p = el("p", "search-snippet");
        s.snippet.forEach(function (part) {
          p.appendChild(part[1] ? el("mark", null, part[0]) : doc.createTextNode(part[0]));
        });
        item.appendChild(p);
        secs.appendChild(item);
      });
      li.appendChild(secs);
      if (h.more) li.appendChild(el("p", "search-hit-more", fill(strings.more_sections, h.more)));
      return li;
    }

    function facets(r, s) {
      if (!options) return;
      options.textContent = "";
      var chosen = function (name, value) {
        return s.filters.some(function (f) { return f[0] === name && f[1] === value; });
      };
      /* Collapsed at first, so the hits come first on a phone. */
      var details = el("details", "search-facets");
      details.open = s.filters.length > 0 || s.showHidden;
      details.appendChild(el("summary", "search-facets-title", strings.filters));
      var box = el("div", "search-facet-list");
      details.appendChild(box);
      r.facets.forEach(function (f) {
        var values = f.values.slice();
        s.filters.forEach(function (x) {
          if (x[0] === f.name && !values.some(function (v) { return v.value === x[1]; })) {
            values.push({ value: x[1], label: x[1], count: 0 });
          }
        });
        if (!values.length) return;
        var set = el("fieldset", "search-facet search-facet-" + f.name);
        set.appendChild(el("legend", null, strings["facet_" + f.name]));
        values.forEach(function (v) {
          var label = el("label", "search-facet-value");
          var box2 = el("input");
          box2.type = "checkbox";
          box2.name = f.name;
          box2.value = v.value;
          box2.checked = chosen(f.name, v.value);
          label.appendChild(box2);
          label.appendChild(doc.createTextNode(" " + v.label + " "));
          label.appendChild(el("span", "search-count", "(" + v.count + ")"));
          set.appendChild(label);
        });
        box.appendChild(set);
      });
      if (r.hidden || s.showHidden) {
        var hl = el("label", "search-show-hidden");
        var hb = el("input");
        hb.type = "checkbox";
        hb.name = "historik";
        hb.value = "1";
        hb.checked = s.showHidden;
        hl.appendChild(hb);
        hl.appendChild(doc.createTextNode(" " + strings.show_hidden));
        box.appendChild(hl);
      }
      if (s.filters.length) {
        var clear = el("button", "search-clear", strings.clear);
        clear.type = "button";
        clear.addEventListener("click", function () {
          Array.prototype.forEach.call(options.querySelectorAll("input[type=checkbox]"), function (c) {
            if (c.name !== "historik") c.checked = false;
          });
          changed();
        });
        box.appendChild(clear);
      }
      options.appendChild(details);
      options.hidden = false;
    }

    function changed() {
      var next = new URLSearchParams();
      next.set("q", q);
      Array.prototype.forEach.call(options.querySelectorAll("input[type=checkbox]"), function (c) {
        if (c.checked) next.append(c.name, c.value);
      });
      params = next;
      try {
        history.replaceState(null, "", "?" + next.toString());
      } catch (e) { /* file:// in some browsers: the state just is not kept in the address */ }
      run(0);
    }

    if (options) options.addEventListener("change", changed);
    run(0);
  }

  ready(function () {
    var forms = doc.querySelectorAll("form[data-search-root]");
    if (!forms.length || typeof Promise === "undefined" || typeof URLSearchParams === "undefined") return;
    var client = new Client(forms[0]);
    Array.prototype.forEach.call(forms, function (form) {
      suggest(form, client);
      if (form.hasAttribute("data-search-page")) resultsPage(form, client);
    });
  });
})();
