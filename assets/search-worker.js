/* pactum search engine: the Danish text pipeline, loading of the index files
   under soeg/ and the ranking. It mirrors src/search/{pipeline,quick,fulltext}.rs
   exactly (tests run the same words and queries through both).

   Runs in a Web Worker (answering postMessage requests) or, where a worker
   cannot start (pages opened from file://), in the page as window.PactumSearch.
   Index files are scripts calling pactumIndex(name, data), so they load with
   importScripts() in a worker and with <script> elements from file://.
   Nothing here touches the DOM except the <script> loader of page mode. */
(function (root) {
  "use strict";

  /* ---------- Pipeline (src/search/pipeline.rs) ---------- */

  var MAX_TOKEN = 40;
  var JOINERS = "-\u2010\u2011:./'\u2019_";
  var STOP_WORDS = [
    "og", "i", "jeg", "det", "at", "en", "den", "til", "er", "som", "på", "de", "med", "han", "af", "for", "ikke",
    "der", "var", "mig", "sig", "men", "et", "har", "om", "vi", "min", "havde", "ham", "hun", "nu", "over", "da", "fra",
    "du", "ud", "sin", "dem", "os", "op", "man", "hans", "hvor", "eller", "hvad", "skal", "selv", "her", "alle", "vil",
    "blev", "kunne", "ind", "når", "være", "dog", "noget", "ville", "jo", "deres", "efter", "ned", "skulle", "denne",
    "end", "dette", "mit", "også", "under", "have", "dig", "anden", "hende", "mine", "alt", "meget", "sit", "sine",
    "vor", "mod", "disse", "hvis", "din", "nogle", "hos", "blive", "mange", "ad", "bliver", "hendes", "været", "thi",
    "jer", "sådan"
  ];
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var ALPHA = /\p{Alphabetic}/u;
  var NUM = /\p{N}/u;
  var STOP = Object.create(null);
  STOP_WORDS.forEach(function (w) { STOP[fold(w)] = true; });

  function fold(s) {
    return s.replace(/[æøå]/g, function (c) { return c === "æ" ? "ae" : c === "ø" ? "oe" : "aa"; });
  }

  function normalise(text) {
    return String(text).normalize("NFC").toLowerCase();
  }

  /* Every raw token of normalised text: f(token, start, end, joined). */
  function rawTokens(text, f) {
    var chain = [], start = -1, i = 0, n = text.length;
    function flush() {
      var k, letter = false, joined = "";
      for (k = 0; k < chain.length; k++) f(text.slice(chain[k][0], chain[k][1]), chain[k][0], chain[k][1], false);
      if (chain.length > 1) {
        for (k = 0; k < chain.length; k++) {
          var part = text.slice(chain[k][0], chain[k][1]);
          if (ALPHA.test(part)) letter = true;
          joined += part;
        }
        if (letter) f(joined, chain[0][0], chain[chain.length - 1][1], true);
      }
      chain = [];
    }
    while (i < n) {
      var ch = String.fromCodePoint(text.codePointAt(i)), w = ch.length;
      if (ALNUM.test(ch)) {
        if (start < 0) start = i;
        i += w;
        continue;
      }
      var ended = start >= 0;
      if (ended) { chain.push([start, i]); start = -1; }
      var next = i + w < n ? String.fromCodePoint(text.codePointAt(i + w)) : "";
      var joins = ended && w === 1 && JOINERS.indexOf(ch) >= 0 && next !== "" && ALNUM.test(next);
      if (!joins) flush();
      i += w;
    }
    if (start >= 0) chain.push([start, n]);
    flush();
  }

  /* Snowball Danish (the algorithm of rust-stemmers 1.2 / snowballstem.org). */
  var VOWELS = "aeiouyæåø";
  var S_ENDING = "abcdfghjklmnoprtvyzå";
  var MAIN_SUFFIXES = [
    "hed", "ethed", "ered", "e", "erede", "ende", "erende", "ene", "erne", "ere", "en", "heden", "eren", "er", "heder",
    "erer", "s", "heds", "es", "endes", "erendes", "enes", "ernes", "eres", "ens", "hedens", "erens", "ers", "ets",
    "erets", "et", "eret"
  ].sort(function (a, b) { return b.length - a.length; });
  var OTHER_SUFFIXES = ["elig", "løst", "lig", "els", "ig"];

  function isVowel(c) { return VOWELS.indexOf(c) >= 0; }

  function stem(word) {
    var s = Array.from(word), n = s.length, p1 = n, i, k;
    if (n >= 3) {
      i = 0;
      while (i < n && !isVowel(s[i])) i++;
      while (i < n && isVowel(s[i])) i++;
      if (i < n) p1 = Math.max(i + 1, 3);
    }
    function ends(suffix) {
      var t = Array.from(suffix);
      if (t.length > s.length) return false;
      for (var j = 0; j < t.length; j++) if (s[s.length - t.length + j] !== t[j]) return false;
      return true;
    }
    function inR1(len) { return s.length - len >= p1; }
    function consonantPair() {
      if (s.length < 2 || !inR1(2)) return;
      var pair = s[s.length - 2] + s[s.length - 1];
      if (pair === "gd" || pair === "dt" || pair === "gt" || pair === "kt") s.length -= 1;
    }
    // Step 1: main suffixes.
    for (k = 0; k < MAIN_SUFFIXES.length; k++) {
      var suf = MAIN_SUFFIXES[k];
      if (ends(suf) && inR1(suf.length)) {
        if (suf !== "s") s.length -= suf.length;
        else if (s.length >= 2 && S_ENDING.indexOf(s[s.length - 2]) >= 0) s.length -= 1;
        break;
      }
    }
    // Step 2: consonant pairs.
    consonantPair();
    // Step 3: other suffixes.
    if (ends("igst")) s.length -= 2;
    for (k = 0; k < OTHER_SUFFIXES.length; k++) {
      var o = OTHER_SUFFIXES[k], len = Array.from(o).length;
      if (ends(o) && inR1(len)) {
        if (o === "løst") s.length -= 1;
        else { s.length -= len; consonantPair(); }
        break;
      }
    }
    // Step 4: undouble.
    if (s.length >= 2 && inR1(1)) {
      var last = s[s.length - 1];
      if (!isVowel(last) && s[s.length - 2] === last) s.length -= 1;
    }
    return s.join("");
  }

  function term(token) {
    if (Array.from(token).length > MAX_TOKEN) return null;
    var f = fold(token);
    if (STOP[f]) return null;
    return NUM.test(f) ? f : stem(f);
  }

  function terms(text) {
    var out = [];
    rawTokens(normalise(text), function (t) {
      var x = term(t);
      if (x !== null) out.push(x);
    });
    return out;
  }

  var MAX_TERMS = 12;

  function queryTerms(q) {
    var out = [];
    terms(q).forEach(function (t) {
      if (out.indexOf(t) < 0 && out.length < MAX_TERMS) out.push(t);
    });
    return out;
  }

  /* ---------- Index files ---------- */

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT_VALUE = Object.create(null);
  for (var d = 0; d < DIGITS.length; d++) DIGIT_VALUE[DIGITS[d]] = d;

  function readNums(s) {
    var out = [], v = 0, mul = 1;
    for (var i = 0; i < s.length; i++) {
      var x = DIGIT_VALUE[s[i]] || 0;
      v += (x & 31) * mul;
      if (x >= 32) mul *= 32;
      else { out.push(v); v = 0; mul = 1; }
    }
    return out;
  }

  var store = Object.create(null);

  function register(name, data) {
    store[name] = data;
  }

  /* ---------- Quick find (src/search/quick.rs) ---------- */

  var HEAD = 4;
  var WEIGHTS = [10, 8, 6, 4, 3];
  var PREFIX_FACTOR = 0.6;
  var MORE_FIELDS_FACTOR = 0.2;
  var HIDDEN_FACTOR = 0.5;
  var MAX_HEADS = 3;

  function Quick(data) {
    this.data = data;
    this.terms = data.terms;
    this.post = data.post;
    this.cache = Object.create(null);
    this.hidden = data.statuses.map(function (s) { return !!s[2]; });
    this.status = readNums(data.ds);
    this.titleTerms = readNums(data.dl);
  }

  Quick.prototype.postings = function (ti) {
    var got = this.cache[ti];
    if (!got) {
      var nums = readNums(this.post[ti]), doc = 0;
      got = [];
      for (var i = 0; i < nums.length; i += 2) {
        doc += nums[i];
        got.push(doc, nums[i + 1]);
      }
      this.cache[ti] = got;
    }
    return got;
  };

  Quick.prototype.prefixRange = function (prefix) {
    var t = this.terms, lo = 0, hi = t.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (t[mid] < prefix) lo = mid + 1; else hi = mid;
    }
    var end = lo;
    while (end < t.length && t[end].lastIndexOf(prefix, 0) === 0) end++;
    return [lo, end];
  };

  /* The best `limit` suggestions: [{doc, score, heads}] */
  Quick.prototype.search = function (query, limit) {
    var words = queryTerms(query), self = this;
    if (!words.length) return [];
    var best = new Map();
    words.forEach(function (word, w) {
      var r = self.prefixRange(word);
      for (var ti = r[0]; ti < r[1]; ti++) {
        var exact = self.terms[ti] === word, p = self.postings(ti);
        for (var i = 0; i < p.length; i += 2) {
          var doc = p[i], code = p[i + 1];
          var field = Math.min(code, HEAD), weight = WEIGHTS[field] * (exact ? 1 : PREFIX_FACTOR);
          var e = best.get(doc);
          if (!e) { e = [words.map(function () { return [0, 0, 0, 0, 0]; }), []]; best.set(doc, e); }
          if (weight > e[0][w][field]) e[0][w][field] = weight;
          if (code >= HEAD && e[1].indexOf(code - HEAD) < 0) e[1].push(code - HEAD);
        }
      }
    });
    var out = [], len = this.titleTerms;
    best.forEach(function (e, doc) {
      if (!e[0].every(function (f) { return f.some(function (x) { return x > 0; }); })) return;
      var score = 0;
      for (var k = 0; k < e[0].length; k++) {
        var f = e[0][k], max = 0, sum = 0;
        for (var j = 0; j < 5; j++) { max = Math.max(max, f[j]); sum += f[j]; }
        score += max + MORE_FIELDS_FACTOR * (sum - max);
      }
      if (self.hidden[self.status[doc]]) score *= HIDDEN_FACTOR;
      var heads = e[1].sort(function (a, b) { return a - b; }).slice(0, MAX_HEADS);
      out.push({ doc: doc, score: score, heads: heads });
    });
    out.sort(function (a, b) { return (b.score - a.score) || (len[a.doc] - len[b.doc]) || (a.doc - b.doc); });
    return out.slice(0, limit);
  };

  /* The doc chunk file with document `doc` (its headings are there). */
  Quick.prototype.chunkOf = function (doc) {
    return this.data.chunks[Math.floor(doc / this.data.chunk)];
  };

  /* Suggestions ready to show; their doc chunks must be loaded. */
  Quick.prototype.present = function (found) {
    var data = this.data, self = this;
    return found.map(function (s) {
      var e = store[self.chunkOf(s.doc)][s.doc % data.chunk], st = e.st;
      return {
        title: e.t, url: e.u, kind: data.kinds[e.k][1],
        status: st >= 0 ? data.statuses[st][0] : "", statusLabel: st >= 0 ? data.statuses[st][1] : "",
        version: e.v, id: e.i,
        heads: s.heads.map(function (h) { return { anchor: e.h[h][0], title: e.h[h][1] }; })
      };
    });
  };

  /* ---------- Full text (src/search/fulltext.rs) ---------- */

  var FACETS = ["kind", "status", "region", "owner", "tag"];

  function Full(m) {
    this.m = m;
    this.n = m.n;
    var none = function (arr, len) { return arr.map(function (x) { return x === len ? -1 : x; }); };
    this.kind = readNums(m.dk);
    this.status = none(readNums(m.ds), m.statuses.length);
    this.region = none(readNums(m.dr), m.regions.length);
    this.owner = none(readNums(m.do), m.owners.length);
    var t = readNums(m.dt), pos = 0;
    this.tags = [];
    for (var i = 0; i < m.n; i++) {
      var c = t[pos++];
      this.tags.push(t.slice(pos, pos + c));
      pos += c;
    }
    this.hiddenStatus = m.statuses.map(function (s) { return !!s[2]; });
    this.values = [m.kinds.map(function (k) { return k[0]; }), m.statuses.map(function (s) { return s[0]; }),
      m.regions, m.owners, m.tags];
    this.shards = new Map(m.shards);
    this.cache = new Map();
  }

  Full.prototype.hidden = function (doc) {
    var s = this.status[doc];
    return s >= 0 && this.hiddenStatus[s];
  };

  Full.prototype.docValues = function (doc, f) {
    var v = [this.kind, this.status, this.region, this.owner][f];
    if (f === 4) return this.tags[doc];
    return v[doc] >= 0 ? [v[doc]] : [];
  };

  Full.prototype.shardOf = function (word) {
    var cps = Array.from(word);
    for (var l = cps.length; l >= 0; l--) {
      var f = this.shards.get(cps.slice(0, l).join(""));
      if (f) return f;
    }
    return null;
  };

  /* Flat [doc, sec, imp, ...] of a term, or null; its shard must be loaded. */
  Full.prototype.postings = function (word) {
    if (this.cache.has(word)) return this.cache.get(word);
    var file = this.shardOf(word), shard = file && store[file], got = null;
    if (shard) {
      if (!shard.index) {
        shard.index = new Map();
        for (var i = 0; i < shard.t.length; i++) shard.index.set(shard.t[i], i);
      }
      var at = shard.index.get(word);
      if (at !== undefined) {
        var nums = readNums(shard.p[at]), doc = 0;
        got = [];
        for (var k = 0; k < nums.length; k += 3) {
          doc += nums[k];
          got.push(doc, nums[k + 1], nums[k + 2]);
        }
      }
    }
    this.cache.set(word, got);
    return got;
  };

  /* Rank the documents: {hits: [{doc, score, sections: [[sec, rank]]}], hidden, allWords, facets} */
  Full.prototype.search = function (words, q) {
    var self = this, n = words.length, nf = FACETS.length, f, g;
    var res = { hits: [], hidden: 0, allWords: true, facets: FACETS.map(function () { return []; }) };
    if (!n) return res;
    var total = this.m.nsec, secs = new Map(), docMask = new Map();
    words.forEach(function (word, w) {
      var list = self.postings(word);
      if (!list) return;
      var df = list.length / 3;
      var idf = Math.log(1 + (total - df + 0.5) / (df + 0.5));
      for (var i = 0; i < list.length; i += 3) {
        var doc = list[i], key = doc * 65536 + list[i + 1];
        var e = secs.get(key);
        if (!e) { e = [0, 0]; secs.set(key, e); }
        e[0] += idf * list[i + 2];
        e[1] |= 1 << w;
        docMask.set(doc, (docMask.get(doc) || 0) | (1 << w));
      }
    });
    /* Documents need every word, or all but one of three or more; if none
       has that many, any word will do (ranked by how many they have). */
    var need = n <= 2 ? n : n - 1, allWords = false, enough = false;
    docMask.forEach(function (m) {
      var c = popcount(m);
      if (c === n) allWords = true;
      if (c >= need) enough = true;
    });
    res.allWords = allWords;
    var hits = new Map();
    secs.forEach(function (e, key) {
      var doc = Math.floor(key / 65536), sec = key % 65536;
      if (enough && popcount(docMask.get(doc)) < need) return;
      var rank = e[0] * (0.5 + 0.5 * popcount(e[1]) / n);
      if (!hits.has(doc)) hits.set(doc, []);
      hits.get(doc).push([sec, rank]);
    });
    var found = [];
    hits.forEach(function (sections, doc) {
      if (self.hidden(doc) && !q.showHidden) { res.hidden++; return; }
      sections.sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
      var r = function (i) { return i < sections.length ? sections[i][1] : 0; };
      var coverage = popcount(docMask.get(doc)) / n;
      var score = (r(0) + 0.3 * r(1) + 0.15 * r(2)) * coverage * coverage;
      found.push({ doc: doc, score: score, sections: sections });
    });
    var chosen = [];
    for (f = 0; f < nf; f++) {
      var set = new Set();
      (q.filters || []).forEach(function (fv) {
        if (fv[0] !== FACETS[f]) return;
        var at = self.values[f].indexOf(fv[1]);
        if (at >= 0) set.add(at);
      });
      chosen.push(set);
    }
    var passes = function (doc, f) {
      if (!chosen[f].size) return true;
      return self.docValues(doc, f).some(function (v) { return chosen[f].has(v); });
    };
    var counts = FACETS.map(function () { return new Map(); });
    found.forEach(function (h) {
      for (f = 0; f < nf; f++) {
        var ok = true;
        for (g = 0; g < nf; g++) if (g !== f && !passes(h.doc, g)) { ok = false; break; }
        if (!ok) continue;
        self.docValues(h.doc, f).forEach(function (v) { counts[f].set(v, (counts[f].get(v) || 0) + 1); });
      }
    });
    res.facets = counts.map(function (c, f) {
      var v = Array.from(c.entries());
      v.sort(function (a, b) { return (b[1] - a[1]) || (a[0] - b[0]); });
      return v.map(function (x) { return [self.values[f][x[0]], x[1], x[0]]; });
    });
    found = found.filter(function (h) {
      for (f = 0; f < nf; f++) if (!passes(h.doc, f)) return false;
      return true;
    });
    found.sort(function (a, b) { return (b.score - a.score) || (a.doc - b.doc); });
    res.hits = found;
    return res;
  };

  function popcount(x) {
    var c = 0;
    while (x) { c += x & 1; x >>>= 1; }
    return c;
  }

  /* A snippet of `text` around the words: [[text, isMatch], ...]. */
  var SNIPPET = 220;

  function snippet(text, words) {
    text = String(text || "");
    var norm = normalise(text), marks = [];
    if (norm.length === text.length) {
      rawTokens(norm, function (tok, a, b) {
        var t = term(tok);
        if (t !== null && words.indexOf(t) >= 0) marks.push([a, b]);
      });
    }
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var start = 0;
    if (marks.length && marks[0][0] > 60) {
      start = marks[0][0] - 60;
      var space = text.indexOf(" ", start);
      if (space >= 0 && space < marks[0][0]) start = space + 1;
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var sp = text.lastIndexOf(" ", end);
      if (sp > start + SNIPPET / 2) end = sp;
    }
    var out = [], at = start;
    if (start > 0) out.push(["… ", false]);
    marks.forEach(function (m) {
      if (m[0] < at || m[1] > end) return;
      if (m[0] > at) out.push([text.slice(at, m[0]), false]);
      out.push([text.slice(m[0], m[1]), true]);
      at = m[1];
    });
    if (at < end) out.push([text.slice(at, end), false]);
    if (end < text.length) out.push([" …", false]);
    return out;
  }

  /* ---------- The engine: requests in, plain data out ---------- */

  var PAGE = 10;

  function createEngine(load) {
    var quick = null, full = null;

    function loadQuick() {
      if (quick) return Promise.resolve(quick);
      return load(["quick.js"]).then(function () {
        quick = new Quick(store["quick.js"]);
        return quick;
      });
    }

    function loadFull() {
      if (full) return Promise.resolve(full);
      return load(["manifest.js"]).then(function () {
        full = new Full(store["manifest.js"]);
        return full;
      });
    }

    function unique(list) {
      return list.filter(function (x, i) { return x && list.indexOf(x) === i; });
    }

    function search(msg) {
      return loadFull().then(function (ft) {
        var words = queryTerms(msg.q || "");
        return load(unique(words.map(function (w) { return ft.shardOf(w); }))).then(function () {
          var res = ft.search(words, { showHidden: !!msg.showHidden, filters: msg.filters || [] });
          var offset = msg.offset || 0, limit = msg.limit || PAGE;
          var page = res.hits.slice(offset, offset + limit);
          var m = ft.m;
          var chunkOf = function (doc) { return m.chunks[Math.floor(doc / m.chunk)]; };
          var entry = function (doc) { return store[chunkOf(doc)][doc % m.chunk]; };
          return load(unique(page.map(function (h) { return chunkOf(h.doc); })))
            .then(function () { return load(unique(page.map(function (h) { return entry(h.doc).f; }))); })
            .then(function () {
              return {
                words: words,
                total: res.hits.length,
                hidden: res.hidden,
                allWords: res.allWords,
                offset: offset,
                facets: FACETS.map(function (name, f) {
                  return {
                    name: name,
                    values: res.facets[f].map(function (v) {
                      var label = f === 0 ? m.kinds[v[2]][1] : f === 1 ? m.statuses[v[2]][1] : v[0];
                      return { value: v[0], label: label, count: v[1] };
                    })
                  };
                }),
                hits: page.map(function (h) {
                  var e = entry(h.doc), texts = store[e.f];
                  var status = ft.status[h.doc];
                  var secs = h.sections.slice(0, 3).map(function (s) {
                    var head = e.h[s[0]] || ["", "", 1];
                    var text = texts[s[0]] || (s[0] === 0 ? e.s : "");
                    return { anchor: head[0], title: head[1], snippet: snippet(text, words) };
                  });
                  return {
                    doc: h.doc, id: e.i, title: e.t, url: e.u, version: e.v, summary: e.s,
                    kind: m.kinds[ft.kind[h.doc]][0], kindLabel: m.kinds[ft.kind[h.doc]][1],
                    status: status >= 0 ? m.statuses[status][0] : "",
                    statusLabel: status >= 0 ? m.statuses[status][1] : "",
                    sections: secs, more: Math.max(0, h.sections.length - secs.length)
                  };
                })
              };
            });
        });
      });
    }

    /* One request: {type: "quick"|"search"|"strings", ...} → a promise of the answer. */
    return function handle(msg) {
      if (msg.type === "quick") {
        return loadQuick().then(function (qi) {
          var found = qi.search(msg.q || "", msg.limit || 8);
          var chunks = found.map(function (s) { return qi.chunkOf(s.doc); });
          return load(unique(chunks)).then(function () {
            return { strings: qi.data.strings, suggestions: qi.present(found) };
          });
        });
      }
      if (msg.type === "search") {
        return search(msg).then(function (r) {
          r.strings = full.m.strings;
          return r;
        });
      }
      return Promise.reject(new Error("unknown request " + msg.type));
    };
  }

  var api = {
    normalise: normalise, fold: fold, stem: stem, term: term, terms: terms, queryTerms: queryTerms,
    rawTokens: rawTokens, readNums: readNums, snippet: snippet, store: store, register: register,
    createEngine: createEngine, Quick: Quick, Full: Full
  };

  root.pactumIndex = register;

  if (typeof module === "object" && module.exports) {
    module.exports = api;
    return;
  }

  var inWorker = typeof WorkerGlobalScope !== "undefined" && root instanceof WorkerGlobalScope;
  if (inWorker) {
    var base = "";
    var handle = createEngine(function (names) {
      try {
        var todo = names.filter(function (n) { return !(n in store); });
        if (todo.length) root.importScripts.apply(root, todo.map(function (n) { return base + n; }));
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    });
    root.onmessage = function (event) {
      var msg = event.data || {};
      if (msg.type === "init") {
        base = msg.base;
        root.postMessage({ id: msg.id, ok: true });
        return;
      }
      handle(msg).then(
        function (answer) { answer.id = msg.id; root.postMessage(answer); },
        function (err) { root.postMessage({ id: msg.id, error: String(err && err.message || err) }); }
      );
    };
    return;
  }

  /* Page mode: load index files with <script> elements. */
  api.pageEngine = function (base) {
    var pending = Object.create(null);
    return createEngine(function (names) {
      return Promise.all(names.filter(function (n) { return !(n in store); }).map(function (n) {
        if (!pending[n]) {
          pending[n] = new Promise(function (resolve, reject) {
            var s = root.document.createElement("script");
            s.src = base + n;
            s.async = true;
            s.onload = function () { if (n in store) resolve(); else reject(new Error("no data in " + n)); };
            s.onerror = function () { delete pending[n]; reject(new Error("cannot load " + n)); };
            root.document.head.appendChild(s);
          });
        }
        return pending[n];
      }));
    });
  };
  root.PactumSearch = api;
})(typeof self !== "undefined" ? self : typeof window !== "undefined" ? window : globalThis);
