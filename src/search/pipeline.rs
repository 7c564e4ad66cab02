//! The Danish text pipeline, shared by the index (here) and the browser
//! (`assets/search-worker.js`, which must stay identical; a test runs the
//! same words through both).
//!
//! 1. NFC, then lowercase.
//! 2. Tokens are runs of letters and digits (`char::is_alphanumeric`, in
//!    JavaScript `[\p{Alphabetic}\p{N}]`). Runs joined by a single `-`, `:`,
//!    `.`, `/`, `'`, `’` or `_` with no space (`SAM:BO`, `KOL-programmet`)
//!    also give the joined word (`sambo`), when one of the parts has a letter.
//!    So `§ 140`, `2025`, `xref15` and `36a` stay findable; `§` itself is dropped.
//! 3. Tokens longer than [`MAX_TOKEN`] characters are dropped.
//! 4. Folding: æ → ae, ø → oe, å → aa, so `saarbare` finds `sårbare` and
//!    `Åbenrå` finds `Aabenraa`.
//! 5. Danish stop words (Snowball's list, folded) are dropped.
//! 6. Tokens without digits are stemmed with Snowball Danish
//!    (`henvisningerne` → `henvisning`, `epikriserne` → `epikris`).

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Longest token kept, in characters.
pub const MAX_TOKEN: usize = 40;

/// Characters that join two runs into one word when nothing else sits between them.
pub const JOINERS: &[char] = &['-', '\u{2010}', '\u{2011}', ':', '.', '/', '\'', '\u{2019}', '_'];

/// Snowball's Danish stop words (unfolded; compared after folding).
pub const STOP_WORDS: &[&str] = &[
    "og", "i", "jeg", "det", "at", "en", "den", "til", "er", "som", "på", "de", "med", "han", "af", "for", "ikke",
    "der", "var", "mig", "sig", "men", "et", "har", "om", "vi", "min", "havde", "ham", "hun", "nu", "over", "da",
    "fra", "du", "ud", "sin", "dem", "os", "op", "man", "hans", "hvor", "eller", "hvad", "skal", "selv", "her", "alle",
    "vil", "blev", "kunne", "ind", "når", "være", "dog", "noget", "ville", "jo", "deres", "efter", "ned", "skulle",
    "denne", "end", "dette", "mit", "også", "under", "have", "dig", "anden", "hende", "mine", "alt", "meget", "sit",
    "sine", "vor", "mod", "disse", "hvis", "din", "nogle", "hos", "blive", "mange", "ad", "bliver", "hendes", "været",
    "thi", "jer", "sådan",
];

fn stop_words() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.iter().map(|w| fold(w)).collect())
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Danish))
}

/// Fold the Danish letters to their two-letter spellings.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            c => out.push(c),
        }
    }
    out
}

/// Snowball Danish on one (lowercase) word.
pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// NFC, then lowercase: what tokens are cut from.
pub fn normalise(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.to_lowercase()
    } else {
        text.nfc().collect::<String>().to_lowercase()
    }
}

/// Call `f` with every raw token of normalised `text` (before folding,
/// stop words and stemming): the runs, then each chain of joined runs.
pub fn raw_tokens(text: &str, mut f: impl FnMut(&str)) {
    let mut chain: Vec<(usize, usize)> = Vec::new();
    let mut joined = String::new();
    let mut flush = |chain: &mut Vec<(usize, usize)>, f: &mut dyn FnMut(&str)| {
        for &(a, b) in chain.iter() {
            f(&text[a..b]);
        }
        if chain.len() > 1 && chain.iter().any(|&(a, b)| text[a..b].chars().any(char::is_alphabetic)) {
            joined.clear();
            for &(a, b) in chain.iter() {
                joined.push_str(&text[a..b]);
            }
            f(&joined);
        }
        chain.clear();
    };
    let mut start: Option<usize> = None;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        let ended_here = start.take().map(|s| chain.push((s, i))).is_some();
        let joins = ended_here && JOINERS.contains(&c) && it.peek().is_some_and(|(_, n)| n.is_alphanumeric());
        if !joins {
            flush(&mut chain, &mut f);
        }
    }
    if let Some(s) = start {
        chain.push((s, text.len()));
    }
    flush(&mut chain, &mut f);
}

/// The index term of one raw token, or `None` if it is dropped.
pub fn term(token: &str) -> Option<String> {
    if token.chars().count() > MAX_TOKEN {
        return None;
    }
    let folded = fold(token);
    if stop_words().contains(&folded) {
        return None;
    }
    if folded.chars().any(char::is_numeric) { Some(folded) } else { Some(stem(&folded)) }
}

/// Every term of `text`, in order, repeats included.
pub fn terms(text: &str) -> Vec<String> {
    let norm = normalise(text);
    let mut out = Vec::new();
    raw_tokens(&norm, |t| out.extend(term(t)));
    out
}

/// Call `f` with every raw token of `text` (not yet normalised): the same
/// tokens as [`raw_tokens`] of [`normalise`]d text, without building the
/// normalised copy when the text is already NFC (the usual case).
pub fn each_raw_token(text: &str, mut f: impl FnMut(&str)) {
    if text.is_ascii() {
        stream(text.bytes().map(|b| char::from(b.to_ascii_lowercase())), &mut f);
    } else if !text.contains(['Σ', '\u{130}']) && is_nfc_quick(text.chars()) == IsNormalized::Yes {
        // Lowercasing is one character to one and context-free but for the
        // final sigma and İ, so tokens can be cut first and lowercased after.
        fast(text, &mut f);
    } else {
        stream(normalise(text).chars(), &mut f);
    }
}

/// [`raw_tokens`] of NFC text without Σ and İ, lowercasing as it goes.
fn fast(text: &str, f: &mut dyn FnMut(&str)) {
    let b = text.as_bytes();
    let mut joined = String::new();
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut letter = false;
    let mut run: Option<usize> = None;
    let alnum_at = |i: usize| -> bool {
        match b.get(i) {
            Some(x) if *x < 128 => x.is_ascii_alphanumeric(),
            Some(_) => text[i..].chars().next().is_some_and(char::is_alphanumeric),
            None => false,
        }
    };
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        let (c, w) = if x < 128 {
            (char::from(x), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or('\0');
            (c, c.len_utf8())
        };
        let alnum = if x < 128 { x.is_ascii_alphanumeric() } else { c.is_alphanumeric() };
        if alnum {
            if run.is_none() {
                run = Some(joined.len());
            }
            if x < 128 {
                joined.push(char::from(x.to_ascii_lowercase()));
                letter |= x.is_ascii_alphabetic();
            } else {
                joined.extend(c.to_lowercase());
                letter |= c.is_alphabetic();
            }
            i += w;
            continue;
        }
        let ended = match run.take() {
            Some(a) => {
                parts.push((a, joined.len()));
                true
            }
            None => false,
        };
        i += w;
        if !(ended && JOINERS.contains(&c) && alnum_at(i)) {
            for &(a, z) in &parts {
                f(&joined[a..z]);
            }
            if parts.len() > 1 && letter {
                f(&joined);
            }
            joined.clear();
            parts.clear();
            letter = false;
        }
    }
    if let Some(a) = run {
        parts.push((a, joined.len()));
    }
    for &(a, z) in &parts {
        f(&joined[a..z]);
    }
    if parts.len() > 1 && letter {
        f(&joined);
    }
}

/// [`raw_tokens`] over a stream of normalised characters.
fn stream(chars: impl Iterator<Item = char>, f: &mut dyn FnMut(&str)) {
    let mut it = chars.peekable();
    // The chain so far, its parts' bounds, and whether a part has a letter.
    let mut joined = String::new();
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut letter = false;
    let mut run: Option<usize> = None;
    let flush = |joined: &mut String, parts: &mut Vec<(usize, usize)>, letter: &mut bool, f: &mut dyn FnMut(&str)| {
        for &(a, b) in parts.iter() {
            f(&joined[a..b]);
        }
        if parts.len() > 1 && *letter {
            f(joined);
        }
        joined.clear();
        parts.clear();
        *letter = false;
    };
    while let Some(c) = it.next() {
        let alnum = if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() };
        if alnum {
            if run.is_none() {
                run = Some(joined.len());
            }
            joined.push(c);
            letter |= if c.is_ascii() { c.is_ascii_alphabetic() } else { c.is_alphabetic() };
            continue;
        }
        let ended = match run.take() {
            Some(a) => {
                parts.push((a, joined.len()));
                true
            }
            None => false,
        };
        let joins = ended && JOINERS.contains(&c) && it.peek().is_some_and(|n| n.is_alphanumeric());
        if !joins {
            flush(&mut joined, &mut parts, &mut letter, f);
        }
    }
    if let Some(a) = run {
        parts.push((a, joined.len()));
    }
    flush(&mut joined, &mut parts, &mut letter, f);
}

/// The pipeline with a cache of the words it has met: building the index
/// meets the same words again and again. Terms get small numbers (ids) that
/// are valid for this analyzer only.
#[derive(Default)]
pub struct Analyzer {
    /// Raw token → term id. Short tokens (nearly all) are kept inside the
    /// table, so a lookup does not chase a pointer to a string elsewhere.
    short: HashMap<ShortKey, Option<u32>, foldhash::fast::FixedState>,
    long: HashMap<String, Option<u32>, foldhash::fast::FixedState>,
    ids: FxHashMap<Arc<str>, u32>,
    terms: Vec<Arc<str>>,
}

/// A token of at most 23 bytes, stored inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct ShortKey([u8; 24]);

impl ShortKey {
    fn new(t: &str) -> Option<ShortKey> {
        let b = t.as_bytes();
        (b.len() < 24).then(|| {
            let mut k = [0u8; 24];
            k[0] = b.len() as u8;
            k[1..=b.len()].copy_from_slice(b);
            ShortKey(k)
        })
    }
}

impl Analyzer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The term with this id.
    pub fn term(&self, id: u32) -> &Arc<str> {
        &self.terms[id as usize]
    }

    /// How many distinct terms this analyzer has met.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Call `f` with the id of every term of `text`.
    pub fn each_id(&mut self, text: &str, mut f: impl FnMut(u32)) {
        let (short, long, ids, terms) = (&mut self.short, &mut self.long, &mut self.ids, &mut self.terms);
        let mut compute = |t: &str| {
            term(t).map(|x| {
                let x: Arc<str> = Arc::from(x);
                *ids.entry(x.clone()).or_insert_with(|| {
                    terms.push(x);
                    (terms.len() - 1) as u32
                })
            })
        };
        each_raw_token(text, |t| {
            let id = match ShortKey::new(t) {
                Some(k) => *short.entry(k).or_insert_with(|| compute(t)),
                None => match long.get(t) {
                    Some(x) => *x,
                    None => {
                        let id = compute(t);
                        long.insert(t.to_string(), id);
                        id
                    }
                },
            };
            if let Some(id) = id {
                f(id);
            }
        });
    }

    /// Call `f` with every term of `text`.
    pub fn each_term(&mut self, text: &str, mut f: impl FnMut(&Arc<str>)) {
        let mut ids = Vec::new();
        self.each_id(text, |id| ids.push(id));
        for id in ids {
            f(&self.terms[id as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_definite_forms_share_a_stem() {
        for (words, stem) in [
            (&["henvisninger", "henvisningen", "henvisningerne", "henvisning"][..], "henvisning"),
            (&["epikriserne", "epikrisen", "epikriser"][..], "epikris"),
            (&["forløbsprogrammerne", "forløbsprogrammet"][..], "forloebsprogram"),
            (&["samarbejdsaftalen", "samarbejdsaftaler"][..], "samarbejdsaftal"),
            (&["sårbare", "saarbare", "sårbar"][..], "saarbar"),
            (&["psykiatrien", "psykiatri"][..], "psykiatri"),
            (&["korrespondancemeddelelser", "korrespondancemeddelelsen"][..], "korrespondancemeddel"),
        ] {
            for w in words {
                assert_eq!(terms(w), [stem], "{w}");
            }
        }
    }

    #[test]
    fn digits_paragraphs_and_ids_are_kept() {
        assert_eq!(terms("§ 140 i sundhedsloven"), ["140", "sundhedslov"]);
        assert_eq!(terms("Gældende fra 1. januar 2025"), ["gaeld", "1", "januar", "2025"]);
        assert_eq!(terms("XREF15 og indsats 36a"), ["xref15", "indsat", "36a"]);
        assert_eq!(terms("23.11.2017"), ["23", "11", "2017"]);
    }

    #[test]
    fn joined_words_are_also_indexed_whole() {
        assert_eq!(terms("SAM:BO"), ["sam", "bo", "sambo"]);
        assert_eq!(terms("SA-RESP"), ["sa", "resp", "saresp"]);
        assert_eq!(terms("KOL-programmet"), ["kol", "program", "kolprogram"]);
        // A joiner followed by a space joins nothing.
        assert_eq!(terms("Børne- og ungeaftalen"), ["boern", "ungeaftal"]);
        assert_eq!(terms("slut. Næste"), ["slut", "naest"]);
    }

    #[test]
    fn stop_words_go_also_when_folded() {
        assert!(terms("til på når også og i").is_empty());
        assert!(terms("paa naar ogsaa").is_empty());
    }

    #[test]
    fn case_and_normalisation_do_not_matter() {
        let decomposed = "A\u{30a}benra\u{30a}"; // Å and å as A/a + combining ring
        assert_eq!(terms(decomposed), terms("Åbenrå"));
        assert_eq!(terms("ÅBENRÅ"), terms("aabenraa"));
    }

    #[test]
    fn very_long_tokens_are_dropped() {
        let long = "a".repeat(MAX_TOKEN + 1);
        assert!(terms(&long).is_empty());
        assert_eq!(terms(&"b".repeat(MAX_TOKEN)).len(), 1);
    }

    #[test]
    fn streaming_tokens_are_the_tokens_of_normalised_text() {
        for text in [
            "SAM:BO og KOL-programmet, 23.11.2017",
            "A\u{30a}benra\u{30a} ÅBENRÅ",
            "ΣΟΦΊΑΣ. ΌΣΟΣ",
            "İstanbul straße",
            "a\u{2019}b x\u{2010}y --a--b-- a..b a- -a",
            "½ 2³ ٣ 𝔘𝔫𝔦 😀",
            "",
        ] {
            let mut want = Vec::new();
            raw_tokens(&normalise(text), |t| want.push(t.to_string()));
            let mut got = Vec::new();
            each_raw_token(text, |t| got.push(t.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn the_analyzer_agrees_with_terms() {
        let text = "Henvisninger til psykiatrien, SAM:BO og § 140 – sårbare gravide i 2025.";
        let mut a = Analyzer::new();
        let mut got = Vec::new();
        a.each_term(text, |t| got.push(t.to_string()));
        a.each_term(text, |_| {});
        assert_eq!(got, terms(text));
    }
}
