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
    each_raw_token_in(text, &mut Scratch::default(), &mut f);
}

/// Buffers of the tokenizer, kept between texts.
#[derive(Default)]
struct Scratch {
    /// The tokens that had to be lowercased, one after the other.
    lower: String,
    /// The runs of the chain at hand: bounds in the text, and whether the
    /// run has upper case.
    parts: Vec<(usize, usize, bool)>,
    /// The tokens of the text so far: bounds in `lower` (when `.0`) or in the text.
    tokens: Vec<(bool, usize, usize)>,
}

fn each_raw_token_in<F: FnMut(&str)>(text: &str, scratch: &mut Scratch, f: &mut F) {
    // Lowercasing is one character to one and context-free but for the
    // final sigma and İ, so in NFC text without them tokens can be cut
    // first and lowercased after. `fast` checks the usual case (every
    // character plain, see `plain`) as it goes, and gives up at the first
    // that is not; only then is the whole text looked at.
    let cut = fast(text, scratch, true)
        || (!text.contains(['Σ', '\u{130}'])
            && is_nfc_quick(text.chars()) == IsNormalized::Yes
            && fast(text, scratch, false));
    if cut {
        let Scratch { lower, tokens, .. } = scratch;
        for &(in_lower, a, z) in tokens.iter() {
            f(if in_lower { &lower[a..z] } else { &text[a..z] });
        }
    } else {
        stream(normalise(text).chars(), f);
    }
}

/// Whether a character is plainly NFC and not Σ or İ: below U+0300 (none
/// of those combines or decomposes) but İ, or in U+2002..=U+203F (spaces,
/// dashes, quotes, bullets). A text of such characters is NFC, and its
/// lowercase is that of each character.
fn plain(c: char) -> bool {
    matches!(u32::from(c), 0..=0x12f | 0x131..=0x2ff | 0x2002..=0x203f)
}

/// Letter/digit, letter and lowercase of the characters below U+0800 (the
/// Latin, Greek and Cyrillic scripts), from the standard library's answers.
fn small_chars() -> &'static [u32] {
    const ALNUM: u32 = 1 << 30;
    const ALPHA: u32 = 1 << 29;
    static TABLE: OnceLock<Vec<u32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..0x800u32)
            .map(|u| {
                let c = char::from_u32(u).unwrap_or('\0');
                let mut lower = c.to_lowercase();
                // İ lowers to two characters; `fast` never meets it.
                let l = match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => c,
                };
                u32::from(l) | if c.is_alphanumeric() { ALNUM } else { 0 } | if c.is_alphabetic() { ALPHA } else { 0 }
            })
            .collect()
    })
}

/// The character at `b[i..]` (a character boundary of a `str`) and its width.
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes();
    let x = b[i];
    if x < 0x80 {
        (char::from(x), 1)
    } else {
        let c = text[i..].chars().next().unwrap_or('\0');
        (c, c.len_utf8())
    }
}

/// Whether `c` is a letter or digit, whether a letter, and its lowercase
/// (one character: Σ and İ never get here).
fn classify(c: char) -> (bool, bool, char) {
    let u = u32::from(c);
    if u < 0x800 {
        let e = small_chars()[u as usize];
        (e & (1 << 30) != 0, e & (1 << 29) != 0, char::from_u32(e & 0xf_ffff).unwrap_or(c))
    } else if c.is_alphanumeric() {
        (true, c.is_alphabetic(), c.to_lowercase().next().unwrap_or(c))
    } else {
        (false, false, c)
    }
}

/// What an ASCII byte is to the tokenizer.
const OTHER: u8 = 0;
const DIGIT: u8 = 1;
const LOWER: u8 = 2;
const UPPER: u8 = 3;
const ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_digit() {
            DIGIT
        } else if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_uppercase() {
            UPPER
        } else {
            OTHER
        };
        i += 1;
    }
    t
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The bytes of `w` that are ASCII letters or digits, lowercase letters and
/// uppercase letters, as the top bit of each byte (bit tricks: with the top
/// bits cleared, adding `0x80 - lo` sets a byte's top bit when it is at
/// least `lo`, without carrying into the next byte).
fn ascii_classes(w: u64) -> (u64, u64, u64) {
    let low7 = w & !HIGH;
    let in_range = |v: u64, lo: u8, hi: u8| {
        v.wrapping_add(ONES * u64::from(0x80 - lo)) & !v.wrapping_add(ONES * u64::from(0x7f - hi)) & !w & HIGH
    };
    let digit = in_range(low7, b'0', b'9');
    let lower = in_range(low7, b'a', b'z');
    let upper = in_range(low7, b'A', b'Z');
    (digit | lower | upper, lower, upper)
}

/// [`raw_tokens`] of NFC text without Σ and İ, into `scratch.tokens`. Runs
/// are found in the text itself, and copied (lowercased) only when they have
/// upper case or are joined. With `check`, gives up (false) at the first
/// character that is not [`plain`], as the text may not be NFC.
fn fast(text: &str, scratch: &mut Scratch, check: bool) -> bool {
    let b = text.as_bytes();
    let Scratch { lower, parts, tokens } = scratch;
    parts.clear();
    tokens.clear();
    lower.clear();
    let mut letter = false;
    let mut i = 0;
    while i < b.len() {
        // A run of letters and digits: first the bytes that can be in one
        // (ASCII letters and digits, and every byte of a non-ASCII
        // character), eight at a time; then a look at the non-ASCII
        // characters among them, which usually are letters.
        let start = i;
        let letter_before = letter;
        let mut upper = false;
        let mut high = false;
        while let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            let w = u64::from_le_bytes(w);
            let (alnum, lower, upper_case) = ascii_classes(w);
            let n = (!(alnum | (w & HIGH)) & HIGH).trailing_zeros() as usize / 8;
            let seen = if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
            letter |= (lower | upper_case) & seen != 0;
            upper |= upper_case & seen != 0;
            high |= w & HIGH & seen != 0;
            i += n;
            if n < 8 {
                break;
            }
        }
        while let Some(&x) = b.get(i) {
            if x >= 0x80 {
                high = true;
            } else {
                let class = ASCII_CLASS[usize::from(x)];
                if class == OTHER {
                    break;
                }
                letter |= class >= LOWER;
                upper |= class == UPPER;
            }
            i += 1;
        }
        if high {
            let Some(end) = check_run(text, start, i, &mut upper, &mut letter, check) else { return false };
            if end < i {
                // A non-ASCII character that is not a letter or digit ends the run.
                i = end;
                (upper, letter) = (false, letter_before);
                for x in &b[start..end] {
                    upper |= x.is_ascii_uppercase();
                    letter |= x.is_ascii_alphabetic();
                }
                check_run(text, start, end, &mut upper, &mut letter, false);
            }
        }
        let ended = i > start;
        if ended {
            parts.push((start, i, upper));
        }
        if i >= b.len() {
            break;
        }
        // Not a letter or digit: it joins two runs, or ends the chain.
        if b[i] == b' ' {
            i += 1;
        } else {
            let (c, w) = char_at(text, i);
            if check && w > 1 && !plain(c) {
                return false;
            }
            i += w;
            if ended && JOINERS.contains(&c) && i < b.len() && classify(char_at(text, i).0).0 {
                continue;
            }
        }
        match parts.as_slice() {
            [] => {}
            // The usual chain: one lowercase word.
            &[(a, z, false)] => {
                tokens.push((false, a, z));
                parts.clear();
            }
            _ => flush_chain(text, parts, lower, letter, tokens),
        }
        letter = false;
    }
    flush_chain(text, parts, lower, letter, tokens);
    true
}

/// Look at the non-ASCII characters of `text[start..end]` (its ASCII bytes
/// are letters and digits): note upper case and letters, and return where
/// the first that is not a letter or digit starts (or `end`); with `check`,
/// `None` at a letter or digit that is not [`plain`].
fn check_run(text: &str, start: usize, end: usize, upper: &mut bool, letter: &mut bool, check: bool) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = start;
    while i < end {
        if b[i] < 0x80 {
            i += 1;
            continue;
        }
        let (c, w) = char_at(text, i);
        let (alnum, alpha, low) = classify(c);
        if !alnum {
            return Some(i);
        }
        if check && !plain(c) {
            return None;
        }
        *upper |= low != c;
        *letter |= alpha;
        i += w;
    }
    Some(end)
}

/// Give the runs of a chain, then (when it has a letter) the chain joined;
/// tokens that need lowercasing are lowercased onto `lower`.
fn flush_chain(
    text: &str,
    parts: &mut Vec<(usize, usize, bool)>,
    lower: &mut String,
    letter: bool,
    tokens: &mut Vec<(bool, usize, usize)>,
) {
    for &(a, z, upper) in parts.iter() {
        if upper {
            let at = lower.len();
            push_lowercase(lower, &text[a..z]);
            tokens.push((true, at, lower.len()));
        } else {
            tokens.push((false, a, z));
        }
    }
    if parts.len() > 1 && letter {
        let at = lower.len();
        for &(a, z, _) in parts.iter() {
            push_lowercase(lower, &text[a..z]);
        }
        tokens.push((true, at, lower.len()));
    }
    parts.clear();
}

/// Append the lowercase of a run (no Σ or İ).
fn push_lowercase(out: &mut String, run: &str) {
    if run.is_ascii() {
        let at = out.len();
        out.push_str(run);
        out[at..].make_ascii_lowercase();
        return;
    }
    for c in run.chars() {
        out.push(if c.is_ascii() { c.to_ascii_lowercase() } else { classify(c).2 });
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
    /// Raw token → term id.
    tokens: TokenIds,
    ids: FxHashMap<Arc<str>, u32>,
    terms: Vec<Arc<str>>,
    scratch: Scratch,
}

/// The id a dropped token (stop word, too long) maps to.
const DROPPED: u32 = u32::MAX;

/// Raw token → term id or [`DROPPED`]. Tokens of up to 16 bytes (nearly
/// all) sit inside an open-addressing table as two words, so a lookup reads
/// one slot and chases no pointer; longer ones are in a plain hash map.
#[derive(Default)]
struct TokenIds {
    /// Linear probing; the length is a power of two, or zero.
    slots: Vec<Slot>,
    used: usize,
    long: HashMap<Box<str>, u32, foldhash::fast::FixedState>,
}

/// A token of 1..=16 bytes, zero-padded to two words; `len == 0` is a free slot.
#[derive(Clone, Copy, Default)]
struct Slot {
    a: u64,
    b: u64,
    len: u32,
    id: u32,
}

/// 1..=16 bytes as two little-endian words, zero-padded. Read with
/// (overlapping) word loads: copying the bytes into a buffer and reading the
/// buffer back as words stalls the processor.
fn words(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    let u64_at = |i: usize| b.get(i..i + 8).and_then(|w| w.try_into().ok()).map_or(0, u64::from_le_bytes);
    let u32_at =
        |i: usize| b.get(i..i + 4).and_then(|w| w.try_into().ok()).map_or(0, |w| u64::from(u32::from_le_bytes(w)));
    match n {
        0 => (0, 0),
        1..=3 => (b.iter().rev().fold(0, |acc, x| acc << 8 | u64::from(*x)), 0),
        4..=7 => (u32_at(0) | u32_at(n - 4) << (8 * (n - 4)), 0),
        8 => (u64_at(0), 0),
        _ => (u64_at(0), u64_at(n - 8) >> (8 * (16 - n.min(16)))),
    }
}

/// The multiply-and-fold step of foldhash and wyhash.
fn fold_mul(x: u64, y: u64) -> u64 {
    let p = u128::from(x) * u128::from(y);
    (p as u64) ^ ((p >> 64) as u64)
}

impl TokenIds {
    /// The id of `token`, computed (and kept) on first sight.
    fn get(&mut self, token: &str, compute: impl FnOnce(&str) -> u32) -> u32 {
        let bytes = token.as_bytes();
        if bytes.is_empty() || bytes.len() > 16 {
            if let Some(id) = self.long.get(token) {
                return *id;
            }
            let id = compute(token);
            self.long.insert(token.into(), id);
            return id;
        }
        let (a, b) = words(bytes);
        let len = bytes.len() as u32;
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); 1024];
        }
        let h = fold_mul(a ^ 0x243f_6a88_85a3_08d3, b ^ 0x1319_8a2e_0370_7344 ^ u64::from(len));
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let s = self.slots[i];
            if s.len == 0 {
                break;
            }
            if s.a == a && s.b == b && s.len == len {
                return s.id;
            }
            i = (i + 1) & mask;
        }
        let id = compute(token);
        self.slots[i] = Slot { a, b, len, id };
        self.used += 1;
        if self.used * 4 > self.slots.len() * 3 {
            self.grow();
        }
        id
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = self.slots.len() - 1;
        for s in old.into_iter().filter(|s| s.len != 0) {
            let h = fold_mul(s.a ^ 0x243f_6a88_85a3_08d3, s.b ^ 0x1319_8a2e_0370_7344 ^ u64::from(s.len));
            let mut i = h as usize & mask;
            while self.slots[i].len != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
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
        let Analyzer { tokens, ids, terms, scratch } = self;
        let mut compute = |t: &str| match term(t) {
            Some(x) => {
                let x: Arc<str> = Arc::from(x);
                *ids.entry(x.clone()).or_insert_with(|| {
                    terms.push(x);
                    (terms.len() - 1) as u32
                })
            }
            None => DROPPED,
        };
        each_raw_token_in(text, scratch, &mut |t: &str| {
            let id = tokens.get(t, &mut compute);
            if id != DROPPED {
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
            // Runs across the eight-byte steps, upper case in and out of ASCII, joined chains.
            "Samarbejdsaftalen SAMARBEJDSAFTALEN ÆbleØrnÅ æble-ØRN-åben x1-y2-z3 KOL-PROGRAMMET",
            "§ 140, stk. 2 – «tolk» “citat” • punkt…slut\u{a0}nbsp\u{2000}x\u{2001}y a\u{2028}b",
            "abcdefgh-ijklmnop:qrstuvwx.yz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "a×b÷c ¿qué? ¡olé! Ω≈ç √ ∫ ÿŸ ǅungla Ǆ",
            "ordet\u{301} combining, k\u{31b}\u{323}, Å\u{30a}",
            "tab\there\nnewline\r\n0x7f\u{7f}del",
        ] {
            let mut want = Vec::new();
            raw_tokens(&normalise(text), |t| want.push(t.to_string()));
            let mut got = Vec::new();
            each_raw_token(text, |t| got.push(t.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn plain_characters_are_nfc_and_lowercase_alone() {
        for c in (0..0x3000u32).filter_map(char::from_u32).filter(|c| plain(*c)) {
            assert_eq!(is_nfc_quick(format!("ab{c}cd").chars()), IsNormalized::Yes, "{c:?}");
            assert!(c != 'Σ' && c != '\u{130}', "{c:?}");
            assert_eq!(c.to_lowercase().count(), 1, "{c:?}");
        }
        assert!("Sårbare gravide – § 140 “x”".chars().all(plain));
        assert!(!plain('\u{30a}'));
        assert!(!plain('\u{2000}'));
    }

    #[test]
    fn text_with_a_character_that_is_not_plain_is_normalised_first() {
        // Cut by the fast tokenizer up to the combining ring, then again whole.
        for text in ["Sårbare A\u{30a}benra\u{30a}", "KOL-program A\u{30a}", "ΣΟΦΊΑΣ og mere", "İstanbul x"] {
            let mut want = Vec::new();
            raw_tokens(&normalise(text), |t| want.push(t.to_string()));
            let mut got = Vec::new();
            each_raw_token(text, |t| got.push(t.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn token_words_are_the_zero_padded_bytes() {
        let bytes: Vec<u8> = (1..=16u8).map(|b| b.wrapping_mul(37) | 0x80).collect();
        for n in 0..=16 {
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(&bytes[..n]);
            let want =
                (u64::from_le_bytes(buf[..8].try_into().unwrap()), u64::from_le_bytes(buf[8..].try_into().unwrap()));
            assert_eq!(words(&bytes[..n]), want, "{n} bytes");
        }
    }

    #[test]
    fn the_token_table_keeps_every_token_apart() {
        // Tokens of every length 1..=30 that differ in one byte only, past
        // the table's growth, each looked up twice.
        let mut table = TokenIds::default();
        let mut tokens = Vec::new();
        for len in 1..=30 {
            for k in 0..200u32 {
                let mut t = "a".repeat(len);
                let at = (k as usize) % len;
                let c = char::from(b'a' + (k / len as u32 % 26) as u8);
                t.replace_range(at..at + 1, &c.to_string());
                if !tokens.contains(&t) {
                    tokens.push(t);
                }
            }
        }
        for (i, t) in tokens.iter().enumerate() {
            assert_eq!(table.get(t, |_| i as u32), i as u32, "{t}");
        }
        for (i, t) in tokens.iter().enumerate() {
            assert_eq!(table.get(t, |_| panic!("{t} was not kept")), i as u32, "{t}");
        }
        assert_eq!(table.get("æøå", |_| DROPPED), DROPPED);
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
