//! Site search on the bundled example: relevance of real clinician queries,
//! the same pipeline and ranking in Rust and in the browser's JavaScript (run
//! with `node` when it is on PATH), deterministic and incremental output, and
//! the search page without JavaScript.

use crate::common::{SiteTest, repo};
use pactum::search::fulltext::Query;
use pactum::search::load::ReadBack;
use pactum::search::{load, pipeline};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The example, built once for all tests here.
fn example() -> &'static (pactum::site::output::OutputSet, ReadBack) {
    static BUILT: OnceLock<(pactum::site::output::OutputSet, ReadBack)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = SiteTest::example();
        let built = site.build();
        assert!(!built.has_errors(), "the example has errors");
        let index = load::from_output(&built.output).expect("the search files read back");
        (built.output, index)
    })
}

fn ids(index: &ReadBack, q: &Query) -> Vec<String> {
    index.full.search(q).hits.iter().map(|h| index.shown[h.doc].id.clone()).collect()
}

fn top(q: &str) -> Vec<String> {
    ids(&example().1, &Query::new(q))
}

fn assert_top3(q: &str, expected: &str) {
    let got = top(q);
    assert!(got.iter().take(3).any(|id| id == expected), "`{q}`: expected {expected} in the top 3, got {got:?}");
}

#[test]
fn clinician_queries_find_the_right_document_in_the_top_3() {
    // DOMAIN.md §7: plural and definite forms, abbreviations, compounds.
    for (q, expected) in [
        ("henvisninger til psykiatrien", "sa-psykiatri-misbrug"),
        ("henvisninger til psykiatrien", "tjek-den-gode-henvisning"),
        ("epikriserne farvemarkering", "vejl-epikriser"),
        ("rødt gult grønt flag epikrise", "vejl-epikriser"),
        ("svartid på korrespondancemeddelelser", "sambo"),
        ("KM svartid", "sambo"),
        ("hjerterehabilitering i kommunen", "fp-hjerte"),
        ("genoptræning hjertepatienter", "fp-hjerte"),
        ("tjekliste til pårørende", "tjek-kommunikation-hjerte"),
        ("opfølgningsflag i epikriser", "vejl-epikriser"),
        ("rygestop", "tjek-kommunikation-hjerte"),
        ("tolk", "tjek-den-gode-henvisning"),
        ("respiratorbehandling i eget hjem", "sa-respirator"),
        ("telemedicinsk hjemmemonitorering KOL", "fp-kol"),
        ("videokonsultation", "vejl-videokonsultation"),
        ("Dobbeltdiagnoseaftalen", "sa-psykiatri-misbrug"),
    ] {
        assert_top3(q, expected);
    }
}

#[test]
fn digits_paragraphs_and_folded_spellings_are_found() {
    assert_top3("§ 97", "sa-respirator");
    assert_top3("XREF15", "fp-hjerte");
    assert_top3("XREF15 udskrivelse", "sambo");
    assert_top3("SAM:BO", "sambo");
    assert_top3("sambo", "sambo");
    // Aabenraa is written with "aa" in the text; å-spelling and ASCII find it alike.
    assert_eq!(top("Åbenrå"), top("aabenraa"));
    assert_top3("Åbenrå", "sa-psykiatri-misbrug");
    // Folded ASCII spellings of æ, ø and å.
    assert_eq!(top("pårørende"), top("paaroerende"));
    assert_eq!(top("forløbsprogrammer"), top("forloebsprogrammer"));
}

#[test]
fn hits_are_heading_sections() {
    let (_, index) = example();
    let r = index.full.search(&Query::new("svartid korrespondancemeddelelser"));
    let first = &r.hits[0];
    assert_eq!(index.shown[first.doc].id, "sambo");
    let heads = &index.shown[first.doc].heads;
    let sec = first.sections[0].0;
    assert_eq!(heads[sec].0, "svartid", "best section of SAM:BO: {:?}", heads[sec]);
}

#[test]
fn superseded_and_withdrawn_documents_are_hidden_unless_asked_for() {
    let (_, index) = example();
    let q = Query::new("sundhedsaftalen 2015 2018");
    let r = index.full.search(&q);
    let got = ids(index, &q);
    assert!(!got.contains(&"sundhedsaftale-2015-2018".to_string()), "{got:?}");
    assert!(r.hidden >= 1);
    let all = Query { show_hidden: true, ..q };
    assert!(ids(index, &all).iter().take(2).any(|id| id == "sundhedsaftale-2015-2018"), "{:?}", ids(index, &all));
    // Quick find shows them, after the documents in force.
    let s = index.quick.search("sundhedsaftalen", 8);
    let names: Vec<&str> = s.iter().map(|x| index.shown[x.doc].id.as_str()).collect();
    assert_eq!(names.first(), Some(&"sundhedsaftale-2019-2023"), "{names:?}");
    assert!(names.contains(&"sundhedsaftale-2015-2018"), "{names:?}");
}

#[test]
fn facets_count_the_hits_and_filter_them() {
    let (_, index) = example();
    let q = Query::new("kommuner");
    let r = index.full.search(&q);
    assert!(r.hits.len() > 3);
    let kinds: usize = r.facets[0].iter().map(|(_, n)| n).sum();
    assert_eq!(kinds, r.hits.len(), "every hit has one kind: {:?}", r.facets[0]);
    let statuses: BTreeMap<&str, usize> = r.facets[1].iter().map(|(v, n)| (v.as_str(), *n)).collect();
    assert!(!statuses.contains_key("superseded") && !statuses.contains_key("withdrawn"), "{statuses:?}");
    assert!(r.facets[2].iter().any(|(v, _)| v == "Region Syddanmark"));
    assert!(r.facets[4].iter().any(|(v, _)| v == "kommuner"), "{:?}", r.facets[4]);
    let agreements = r.facets[0].iter().find(|(v, _)| v == "agreement").unwrap().1;
    let filtered = Query { filters: vec![("kind".into(), "agreement".into())], ..q.clone() };
    let f = index.full.search(&filtered);
    assert_eq!(f.hits.len(), agreements);
    assert!(f.hits.iter().all(|h| index.full.docs[h.doc].kind == 0));
    // The kind facet still counts the other kinds (values of one facet are alternatives).
    assert_eq!(f.facets[0], r.facets[0]);
    let two =
        Query { filters: vec![("kind".into(), "agreement".into()), ("kind".into(), "checklist".into())], ..q.clone() };
    let checklists = r.facets[0].iter().find(|(v, _)| v == "checklist").map_or(0, |x| x.1);
    assert_eq!(index.full.search(&two).hits.len(), agreements + checklists);
}

#[test]
fn quick_find_knows_titles_aliases_ids_numbers_and_headings() {
    let (_, index) = example();
    let first = |q: &str| {
        let s = index.quick.search(q, 8);
        s.first().map(|x| index.shown[x.doc].id.clone()).unwrap_or_default()
    };
    assert_eq!(first("sambo"), "sambo");
    assert_eq!(first("SA-RESP"), "sa-respirator");
    assert_eq!(first("dobbeltdiag"), "sa-psykiatri-misbrug");
    assert_eq!(first("2019"), "sundhedsaftale-2019-2023");
    assert_eq!(first("epikrisevejl"), "vejl-epikriser");
    assert_eq!(first("fp-kol"), "fp-kol");
    // Typing: the last word may be unfinished.
    assert_eq!(first("den gode henv"), "tjek-den-gode-henvisning");
    let s = index.quick.search("svartid", 8);
    let d = &index.shown[s[0].doc];
    assert_eq!(d.id, "sambo");
    assert_eq!(d.heads[s[0].heads[0]].0, "svartid");
    assert!(index.quick.search("til og på", 8).is_empty());
}

#[test]
fn the_index_is_deterministic_and_edits_touch_few_files() {
    let site = SiteTest::example();
    let a = site.build();
    let b = site.build();
    let search = |o: &pactum::site::output::OutputSet| -> pactum::site::output::OutputSet {
        o.iter().filter(|(p, _)| p.starts_with("soeg/")).map(|(p, b)| (p.clone(), b.clone())).collect()
    };
    let (sa, sb) = (search(&a.output), search(&b.output));
    assert_eq!(sa, sb, "two builds of the same input differ");
    assert!(sa.keys().all(|p| p.is_ascii()));
    // Index files are UTF-8 after a byte-order mark, which browsers honour over a server's charset.
    for (p, b) in sa.iter().filter(|(p, _)| p.ends_with(".js")) {
        assert!(b.starts_with("\u{feff}pactumIndex(".as_bytes()) && std::str::from_utf8(b).is_ok(), "{p}");
    }

    // One sentence more in one document: only files holding it change.
    let path = site.root().join("content/vejledninger/vejl-videokonsultation.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}\nHusk at teste lyden inden mødet.\n")).unwrap();
    let c_out = site.build().output;
    let c = search(&c_out);
    let (old, new) = (load::from_output(&a.output).unwrap(), load::from_output(&c_out).unwrap());
    let doc = old.shown.iter().position(|d| d.id == "vejl-videokonsultation").unwrap() as u32;
    let changed: Vec<&String> = c.keys().filter(|p| !sa.contains_key(*p)).collect();
    assert_eq!(changed.iter().filter(|p| p.starts_with("soeg/f/")).count(), 1, "{changed:?}");
    assert_eq!(changed.iter().filter(|p| p.starts_with("soeg/d/")).count(), 1, "{changed:?}");
    // No other document's postings moved...
    type Postings = Vec<(u32, u16, u8)>;
    let all = |i: &ReadBack| -> Vec<(String, Postings)> {
        let f = &i.full;
        (0..f.terms.len())
            .map(|k| {
                let p = f.lists.get(k);
                (f.terms[k].clone(), p.iter().map(|x| (x.doc, x.sec, x.imp)).collect())
            })
            .collect()
    };
    let others = |i: &ReadBack| -> BTreeMap<String, Postings> {
        all(i)
            .into_iter()
            .map(|(t, p)| (t, p.into_iter().filter(|x| x.0 != doc).collect::<Vec<_>>()))
            .filter(|(_, p)| !p.is_empty())
            .collect()
    };
    assert!(others(&old) == others(&new), "an edit of one document moved other documents' postings");
    // ...and every rewritten shard holds a term of the edited document.
    for (prefix, file) in &old.full.shards {
        if c.contains_key(&format!("soeg/{file}")) {
            continue;
        }
        let touched = all(&old)
            .into_iter()
            .chain(all(&new))
            .any(|(t, p)| old.full.shard_of(&t) == Some(file.as_str()) && p.iter().any(|x| x.0 == doc));
        assert!(touched, "shard `{prefix}` was rewritten without holding the edited document");
    }
}

#[test]
fn the_search_page_works_without_javascript() {
    let (out, index) = example();
    // Attribute quotes may be minified away.
    let html = |p: &str| String::from_utf8(out[p].to_vec()).unwrap().replace('"', "");
    let page = html("soeg/index.html");
    assert!(page.contains("action=index.html"), "a plain GET form to itself");
    assert!(page.contains("name=q"));
    assert!(!page.contains("<script>") && !page.contains("style=\""), "no inline scripts or styles");
    // The kind lists are linked, and so is each letter of the A–Å list, whose
    // pages together list every document once, under the letter it starts with.
    assert!(page.contains("href=../aftaler/index.html"));
    let letters: Vec<&str> = page.split("href=../soeg/bogstav/").skip(1).filter_map(|s| s.split('/').next()).collect();
    assert!(letters.contains(&"s") && letters.contains(&"v"), "{letters:?}");
    let mut listed = 0;
    for l in &letters {
        let letter = html(&format!("soeg/bogstav/{l}/index.html"));
        let current = format!("href=../../../soeg/bogstav/{l}/index.html aria-current=page>");
        assert!(letter.contains(&current), "{l} is marked as the current letter");
        let list = letter.split("<ul class=az-list>").nth(1).and_then(|s| s.split("</ul>").next()).unwrap_or("");
        listed += list.matches("<li>").count();
    }
    assert_eq!(listed, index.shown.len(), "every document on one letter page");
    let s = html("soeg/bogstav/s/index.html");
    assert!(s.contains("href=../../../aftaler/sambo/index.html>SAM:BO"), "SAM:BO under S");
    // Every other page has a search box sending the query there.
    let agreement = html("aftaler/sambo/index.html");
    assert!(agreement.contains("action=../../soeg/index.html"), "header form");
    assert!(agreement.contains("<label for=site-search-q>"));
    assert!(html("index.html").contains("action=soeg/index.html"));
}

#[test]
fn a_first_query_downloads_little() {
    let (out, index) = example();
    let q = Query::new("henvisninger til psykiatrien");
    let files = index.full.first_query_files(&q, 10);
    let bytes: usize = files.iter().map(|f| out[&format!("soeg/{f}")].len()).sum();
    assert!(bytes < 100_000, "{bytes} bytes for {files:?}");
}

// ---- The same in the browser's JavaScript, run with node. ----

const HARNESS: &str = r#"
const fs = require("fs"), path = require("path"), vm = require("vm");
const api = require(path.resolve(process.argv[1]));
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
(async () => {
  if (input.texts) out.terms = input.texts.map((w) => api.terms(w));
  if (input.words) out.stems = input.words.map((w) => api.stem(w));
  if (input.site) {
    const base = path.join(input.site, "soeg");
    const handle = api.createEngine(async (names) => {
      for (const n of names) if (!(n in api.store)) vm.runInThisContext(fs.readFileSync(path.join(base, n), "utf8"));
    });
    out.quick = [];
    for (const q of input.quick) out.quick.push((await handle({ type: "quick", q, limit: 8 })).suggestions.map((s) => s.id));
    out.search = [];
    for (const q of input.search) {
      const r = await handle({ type: "search", q: q.q, showHidden: q.showHidden, filters: q.filters, limit: 50 });
      out.search.push({ ids: r.hits.map((h) => h.id), total: r.total, hidden: r.hidden,
        facets: r.facets.map((f) => f.values.map((v) => [v.value, v.count])) });
    }
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

/// Run the harness on `input`, or `None` (with a note) if node is missing.
fn node(input: &Value) -> Option<Value> {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("note: node is not on PATH; the JavaScript side of search is not checked");
        return None;
    }
    let mut child = Command::new("node")
        .arg("-e")
        .arg(HARNESS)
        .arg(repo().join("assets/search-worker.js"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Every line and every word of the example, plus hard cases.
fn sample_texts() -> (Vec<String>, Vec<String>) {
    let mut lines = vec![
        "SAM:BO",
        "SA-RESP",
        "KOL-programmet",
        "Børne- og ungeaftalen",
        "§ 140",
        "§§ 83, 85",
        "23.11.2017",
        "xref15",
        "36a",
        "sundhed.dk",
        "e-mail",
        "1.000 kr.",
        "A\u{30a}benra\u{30a}",
        "ÆØÅ æøå",
        "naïve café",
        "İstanbul",
        "ΣΟΦΊΑ",
        "straße",
        "a\u{2019}b",
        "x\u{2010}y",
        "--a--b--",
        "a..b",
        "a-",
        "-a",
        "½ 2³ ٣",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 emoji",
        "løst kærligst hængt",
        "igst",
        "ab",
        "aa",
        "",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    let mut words = std::collections::BTreeSet::new();
    for e in walkdir::WalkDir::new(repo().join("content")).into_iter().map(Result::unwrap) {
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            for line in text.lines() {
                lines.push(line.to_string());
                for w in line.split(|c: char| !c.is_alphanumeric()) {
                    if !w.is_empty() {
                        words.insert(w.to_lowercase());
                    }
                }
            }
        }
    }
    for w in ["løst", "kærløst", "hængt", "fuldstændigst", "bagt", "lægerne", "sygeplejersker", "ååå", "ø"] {
        words.insert(w.to_string());
    }
    (lines, words.into_iter().collect())
}

#[test]
fn the_browser_pipeline_is_the_rust_pipeline() {
    let (texts, words) = sample_texts();
    let Some(out) = node(&json!({ "texts": texts, "words": words })) else { return };
    let js_terms: Vec<Vec<String>> = serde_json::from_value(out["terms"].clone()).unwrap();
    let js_stems: Vec<String> = serde_json::from_value(out["stems"].clone()).unwrap();
    let mut diffs = Vec::new();
    for (t, js) in texts.iter().zip(&js_terms) {
        let rs = pipeline::terms(t);
        if &rs != js {
            diffs.push(format!("terms({t:?}): rust {rs:?}, js {js:?}"));
        }
    }
    for (w, js) in words.iter().zip(&js_stems) {
        let rs = pipeline::stem(w);
        if &rs != js {
            diffs.push(format!("stem({w:?}): rust {rs:?}, js {js:?}"));
        }
    }
    assert!(words.len() > 1000, "only {} words", words.len());
    assert!(diffs.is_empty(), "{} differences:\n{}", diffs.len(), diffs.join("\n"));
}

#[test]
fn the_browser_ranks_like_rust() {
    let site = SiteTest::example();
    let out = tempfile::tempdir().unwrap();
    site.cmd().arg("build").arg("--output-dir").arg(out.path()).assert().success();
    let written = crate::common::snapshot_dir(out.path())
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b.into()))
        .collect();
    let index = load::from_output(&written).unwrap();
    let quick = ["sambo", "SA-RESP", "hjerte", "2019", "den gode henv", "svartid", "paaroer", "xyz"];
    let queries = [
        Query::new("henvisninger til psykiatrien"),
        Query::new("epikriserne farvemarkering"),
        Query::new("svartid på korrespondancemeddelelser"),
        Query::new("hjerterehabilitering i kommunen"),
        Query::new("kommuner sygehuse"),
        Query::new("§ 97"),
        Query { show_hidden: true, ..Query::new("sundhedsaftalen 2015 2018") },
        Query { filters: vec![("kind".into(), "agreement".into())], ..Query::new("kommuner") },
        Query {
            filters: vec![("tag".into(), "kommuner".into()), ("status".into(), "in-force".into())],
            ..Query::new("udskrivelse")
        },
        Query::new("ordet-findes-ikke"),
    ];
    let search: Vec<Value> =
        queries.iter().map(|q| json!({ "q": q.text, "showHidden": q.show_hidden, "filters": q.filters })).collect();
    let Some(js) = node(&json!({ "site": out.path(), "quick": quick, "search": search })) else { return };
    for (i, q) in quick.iter().enumerate() {
        let rs: Vec<String> = index.quick.search(q, 8).iter().map(|s| index.shown[s.doc].id.clone()).collect();
        assert_eq!(json!(rs), js["quick"][i], "quick find `{q}`");
    }
    for (i, q) in queries.iter().enumerate() {
        let r = index.full.search(q);
        let rs: Vec<String> = r.hits.iter().take(50).map(|h| index.shown[h.doc].id.clone()).collect();
        let j = &js["search"][i];
        assert_eq!(json!(rs), j["ids"], "search `{}`", q.text);
        assert_eq!(json!(r.hits.len()), j["total"], "total of `{}`", q.text);
        assert_eq!(json!(r.hidden), j["hidden"], "hidden of `{}`", q.text);
        assert_eq!(json!(r.facets), j["facets"], "facets of `{}`", q.text);
    }
}
