//! How the index files are written: JavaScript files that hand their data to
//! `pactumIndex(name, data)`. Script files load from `file://` and in a Web
//! Worker (`importScripts`) alike, where `fetch` of a local file fails.
//! Non-ASCII characters are written as `\uXXXX`, so the files read the same
//! whatever encoding a server or browser assumes.

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

/// JSON with every non-ASCII character escaped.
pub fn json<T: Serialize + ?Sized>(value: &T) -> String {
    ascii(&serde_json::to_string(value).expect("search data serialises"))
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Escape every non-ASCII character of JSON text (they only occur in strings).
pub fn ascii(json: &str) -> String {
    if json.is_ascii() {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    let mut buf = [0u16; 2];
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut buf) {
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[usize::from((*u >> shift) & 15)] as char);
                }
            }
        }
    }
    out
}

/// A JSON string literal, non-ASCII escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Append `s` as a JSON string literal with every non-ASCII character escaped.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let mut buf = [0u16; 2];
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c => {
                for u in c.encode_utf16(&mut buf) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(HEX[usize::from((*u >> shift) & 15)] as char);
                    }
                }
            }
        }
    }
    out.push('"');
}

/// A JSON array of strings, non-ASCII escaped.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_string(&mut out, s);
    }
    out.push(']');
    out
}

/// The first 10 hex digits of the BLAKE3 hash of `bytes`.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().as_str()[..10].to_string()
}

/// A data file named by its content: `(path under the search folder, bytes)`.
/// `dir` is `t`, `d` or `f`; the name the file registers is its own path.
pub fn hashed_file(dir: &str, payload: &str) -> (String, Vec<u8>) {
    let name = format!("{dir}/{}.js", hash(payload.as_bytes()));
    let bytes = data_file(&name, payload);
    (name, bytes)
}

/// `pactumIndex("name",payload);`
pub fn data_file(name: &str, payload: &str) -> Vec<u8> {
    format!("pactumIndex({},{payload});\n", string(name)).into_bytes()
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
        assert!(s.is_ascii(), "{s}");
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, texts);
    }

    #[test]
    fn json_is_ascii() {
        let s = json(&["sårbare", "\u{2028}", "😀"]);
        assert!(s.is_ascii(), "{s}");
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, ["sårbare", "\u{2028}", "😀"]);
    }
}
