//! Read a written search index back into memory: what the tests rank with,
//! so they check the very files a browser gets.

use super::FOLDER;
use super::encode::read_nums;
use super::fulltext::{FacetDoc, FullText, Posting};
use super::quick::{Quick, QuickDoc};
use serde_json::Value;
use std::collections::BTreeMap;

/// The data of one index file (`pactumIndex("name",data);`).
pub fn data(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let start = text.find(',').ok_or("no data")? + 1;
    let end = text.rfind(");").ok_or("no end")?;
    serde_json::from_str(&text[start..end]).map_err(|e| e.to_string())
}

/// Both indexes as read back from a build's files, with what the doc chunks
/// show of each document.
pub struct ReadBack {
    pub quick: Quick,
    pub full: FullText,
    /// By document number.
    pub shown: Vec<Shown>,
    /// Output path (under `soeg/`) → bytes.
    pub files: Vec<(String, bytes::Bytes)>,
}

/// What a doc chunk shows of a document.
pub struct Shown {
    pub title: String,
    pub url: String,
    pub id: String,
    /// `(anchor, title)` of every section (the intro has no anchor).
    pub heads: Vec<(String, String)>,
}

/// Rebuild both indexes from the output files of a build (paths relative to the output folder).
pub fn from_output(files: &crate::site::output::OutputSet) -> Result<ReadBack, String> {
    let file = |name: &str| -> Result<Value, String> {
        let path = format!("{FOLDER}/{name}");
        data(files.get(&path).ok_or_else(|| format!("missing {path}"))?)
    };
    let (q, m) = (file("quick.js")?, file("manifest.js")?);
    let strs = |v: &Value| -> Vec<String> {
        v.as_array().map(|a| a.iter().map(|x| x.as_str().unwrap_or("").to_string()).collect()).unwrap_or_default()
    };
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let n = |v: &Value| v.as_u64().unwrap_or(0) as usize;
    let hidden: Vec<bool> =
        q["statuses"].as_array().ok_or("statuses")?.iter().map(|x| x[2].as_bool().unwrap_or(false)).collect();

    // Doc chunks: headings and fragment files.
    let mut entries = Vec::new();
    for c in strs(&m["chunks"]) {
        entries.extend(file(&c)?.as_array().ok_or("chunk")?.iter().cloned());
    }
    let title_terms = read_nums(q["dl"].as_str().unwrap_or(""));
    let mut qdocs = Vec::new();
    let mut shown = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let status = e["st"].as_i64().filter(|x| *x >= 0).map(|x| x as usize);
        let heads = e["h"].as_array().map(|h| h.iter().map(|x| (s(&x[0]), s(&x[1]))).collect()).unwrap_or_default();
        qdocs.push(QuickDoc {
            status,
            hidden: status.is_some_and(|x| hidden[x]),
            title_terms: title_terms.get(i).map_or(0, |x| *x as usize),
        });
        shown.push(Shown { title: s(&e["t"]), url: s(&e["u"]), id: s(&e["i"]), heads });
    }
    let postings = strs(&q["post"])
        .iter()
        .map(|p| {
            let nums = read_nums(p);
            let mut doc = 0;
            nums.chunks(2)
                .map(|c| {
                    doc += c[0] as u32;
                    (doc, c[1] as u32)
                })
                .collect()
        })
        .collect();
    let quick = Quick { docs: qdocs, terms: strs(&q["terms"]), postings };

    let count = n(&m["n"]);
    let codes = |key: &str, none: usize| -> Vec<Option<usize>> {
        read_nums(m[key].as_str().unwrap_or(""))
            .into_iter()
            .map(|x| (x as usize != none).then_some(x as usize))
            .collect()
    };
    let values: [Vec<String>; 5] = [
        m["kinds"].as_array().ok_or("kinds")?.iter().map(|k| s(&k[0])).collect(),
        m["statuses"].as_array().ok_or("statuses")?.iter().map(|k| s(&k[0])).collect(),
        strs(&m["regions"]),
        strs(&m["owners"]),
        strs(&m["tags"]),
    ];
    let kinds = codes("dk", usize::MAX);
    let statuses = codes("ds", values[1].len());
    let regions = codes("dr", values[2].len());
    let owners = codes("do", values[3].len());
    let nsecs = codes("dn", usize::MAX);
    let tag_nums = read_nums(m["dt"].as_str().unwrap_or(""));
    let mut at = 0;
    let mut docs = Vec::with_capacity(count);
    for i in 0..count {
        let c = tag_nums[at] as usize;
        let tags = tag_nums[at + 1..at + 1 + c].iter().map(|x| *x as usize).collect();
        at += 1 + c;
        let status = statuses[i];
        docs.push(FacetDoc {
            kind: kinds[i].unwrap_or(0),
            status,
            hidden: status.is_some_and(|x| hidden[x]),
            region: regions[i],
            owner: owners[i],
            tags,
            nsec: nsecs[i].unwrap_or(0),
        });
    }
    let shards: Vec<(String, String)> =
        m["shards"].as_array().ok_or("shards")?.iter().map(|p| (s(&p[0]), s(&p[1]))).collect();
    let mut by_term: BTreeMap<String, Vec<Posting>> = BTreeMap::new();
    for (_, f) in &shards {
        let shard = file(f)?;
        for (t, p) in strs(&shard["t"]).into_iter().zip(strs(&shard["p"])) {
            let nums = read_nums(&p);
            let mut doc = 0;
            let list: Vec<Posting> = nums
                .chunks(3)
                .map(|c| {
                    doc += c[0] as u32;
                    Posting { doc, sec: c[1] as u16, imp: c[2] as u8 }
                })
                .collect();
            by_term.insert(t, list);
        }
    }
    let (mut terms, mut starts, mut postings) = (Vec::new(), vec![0], Vec::new());
    for (t, list) in by_term {
        terms.push(t);
        postings.extend(list);
        starts.push(postings.len());
    }
    let chunks = strs(&m["chunks"]);
    let fragments = entries.iter().map(|e| s(&e["f"])).collect();
    let nsec = m["nsec"].as_u64().unwrap_or(0);
    let lists = super::lists::Lists::new(postings, &starts);
    let full = FullText { docs, values, nsec, terms, lists, shards, chunks, fragments };
    let files = files
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{FOLDER}/")) && p.ends_with(".js"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect();
    Ok(ReadBack { quick, full, shown, files })
}
