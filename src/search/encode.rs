//! How the index files are written: JavaScript files that hand their data to
//! `pactumIndex(name, data)`. Script files load from `file://` and in a Web
//! Worker (`importScripts`) alike, where `fetch` of a local file fails.
//! Files are UTF-8 and start with a byte-order mark, which a browser
//! honours over any charset a server names (and `importScripts` reads UTF-8
//! anyway), so text is written as it is: JSON escapes only `"`, `\` and
//! control characters.

use serde::Serialize;

/// The 64 characters of a number string: 5 bits of value each, plus 32 when
/// more characters of the same number follow (lowest bits first).
pub const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// Append `n` to a number string.
pub fn push_num(out: &mut String, mut n: u64) {
    while n >= 32 {
        out.push(DIGITS[(32 | (n & 31)) as usize] as char);
        n >>= 5;
    }
    out.push(DIGITS[n as usize] as char);
}

/// How many characters [`push_num`] writes for `n`.
pub fn num_len(n: u64) -> usize {
    let bits = 64 - n.leading_zeros() as usize;
    bits.div_ceil(5).max(1)
}

/// Read back the numbers of a number string.
pub fn read_nums(s: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let (mut v, mut shift) = (0u64, 0u32);
    for b in s.bytes() {
        let d = DIGITS.iter().position(|x| *x == b).unwrap_or(0) as u64;
        v |= (d & 31) << shift;
        if d >= 32 {
            shift += 5;
        } else {
            out.push(v);
            v = 0;
            shift = 0;
        }
    }
    out
}

/// A number string of `nums`.
pub fn nums(nums: impl IntoIterator<Item = u64>) -> String {
    let mut s = String::new();
    for n in nums {
        push_num(&mut s, n);
    }
    s
}

/// JSON text of `value`.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).expect("search data serialises")
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// What every index file starts with: the byte-order mark (see the module's doc).
pub const BOM: &str = "\u{feff}";

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Append `s` as a JSON string literal: the bytes [`json`] writes for a string.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        // Eight bytes at a time, on to the first that needs escaping.
        if let Some(w) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            let special = special(u64::from_le_bytes(w));
            if special == 0 {
                i += 8;
                continue;
            }
            i += special.trailing_zeros() as usize / 8;
        } else if b[i] >= b' ' && b[i] != b'"' && b[i] != b'\\' {
            i += 1;
            continue;
        }
        let x = b[i];
        out.push_str(&s[run..i]);
        match x {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\r' => out.push_str("\\r"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(x >> 4)]));
                out.push(char::from(HEX[usize::from(x & 15)]));
            }
        }
        i += 1;
        run = i;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// The top bit of each byte of `w` that JSON escapes: a control character,
/// `"` or `\\` (never a byte of a non-ASCII character: each test below
/// requires the byte's own top bit clear). Bit tricks whose borrows can mark
/// a byte above a marked one, so only the lowest mark is exact (it is the
/// one used).
fn special(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    below_space | has_zero(w ^ (ONES * u64::from(b'"'))) | has_zero(w ^ (ONES * u64::from(b'\\')))
}

/// A JSON array of strings.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    push_strings(&mut out, items);
    out
}

/// Append a JSON array of strings.
pub fn push_strings<'a>(out: &mut String, items: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(out, s);
    }
    out.push(']');
}

/// The first 10 hex digits of the BLAKE3 hash of `bytes`.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().as_str()[..10].to_string()
}

/// A data file named by its content: `(path under the search folder, bytes)`.
/// `dir` is `t`, `d` or `f`; the name the file registers is its own path.
pub fn hashed_file(dir: &str, payload: &str) -> (String, Vec<u8>) {
    hashed_file_with(dir, payload.len(), |out| out.push_str(payload))
}

/// [`hashed_file`] of the payload that `write` appends (about `size` bytes),
/// written in place: the file is built once, and its name filled in after.
pub fn hashed_file_with(dir: &str, size: usize, write: impl FnOnce(&mut String)) -> (String, Vec<u8>) {
    const PLACEHOLDER: &str = "0000000000";
    let mut out = String::with_capacity(size + dir.len() + 32);
    out.push_str(BOM);
    out.push_str("pactumIndex(\"");
    out.push_str(dir);
    out.push('/');
    let at = out.len();
    out.push_str(PLACEHOLDER);
    out.push_str(".js\",");
    let start = out.len();
    write(&mut out);
    let h = hash(&out.as_bytes()[start..]);
    out.replace_range(at..at + PLACEHOLDER.len(), &h);
    out.push_str(");\n");
    (format!("{dir}/{h}.js"), out.into_bytes())
}

/// `pactumIndex("name",payload);` after the [`BOM`].
pub fn data_file(name: &str, payload: &str) -> Vec<u8> {
    format!("{BOM}pactumIndex({},{payload});\n", string(name)).into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        let ns = [0u64, 1, 31, 32, 33, 1023, 1024, 65_535, 1 << 40];
        let s = nums(ns);
        assert_eq!(read_nums(&s), ns);
        assert_eq!(nums([5, 31]), "5V");
        assert_eq!(nums([32]).len(), 2);
    }

    #[test]
    fn strings_are_json() {
        let texts = ["sårbare \"gravide\"", "a\\b\nc\td\u{1}\u{7f}", "😀 \u{2028}", ""];
        let s = strings(texts.iter().copied());
        assert!(s.contains("sårbare \\\"gravide\\\"") && s.contains("\\u0001"), "{s}");
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, texts);
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let mut texts: Vec<String> =
            (0u32..0x80).filter_map(char::from_u32).map(|c| format!("ab{c}cdefghijklm")).collect();
        texts.extend(
            ["", "\"", "12345678\"\\", "sårbare æøå ÆØÅ", "€ – “x” 😀 \u{2028}", "\r\n\t\u{8}\u{c}\u{7f}\u{1f}é"]
                .map(String::from),
        );
        for t in &texts {
            assert_eq!(string(t), json(t), "{t:?}");
        }
    }

    #[test]
    fn number_lengths_are_what_push_num_writes() {
        for n in [0u64, 1, 31, 32, 1023, 1024, 32_767, 32_768, u64::from(u32::MAX), u64::MAX] {
            let mut s = String::new();
            push_num(&mut s, n);
            assert_eq!(num_len(n), s.len(), "{n}");
        }
    }

    #[test]
    fn hashed_files_are_named_by_their_payload() {
        let payload = strings(["første", "anden"]);
        let (name, bytes) = hashed_file_with("f", 0, |out| out.push_str(&payload));
        assert_eq!(name, format!("f/{}.js", hash(payload.as_bytes())));
        assert_eq!(bytes, data_file(&name, &payload));
        assert_eq!(hashed_file("f", &payload), (name, bytes));
    }

    #[test]
    fn index_files_start_with_a_byte_order_mark() {
        let file = data_file("quick.js", &json(&["sårbare", "\u{2028}", "😀"]));
        let text = String::from_utf8(file).unwrap();
        assert!(text.starts_with("\u{feff}pactumIndex(\"quick.js\",[\"sårbare\""), "{text}");
        assert_eq!(
            super::super::load::data(text.as_bytes()).unwrap(),
            serde_json::json!(["sårbare", "\u{2028}", "😀"])
        );
        assert!(hashed_file("f", "[]").1.starts_with(BOM.as_bytes()));
    }
}
