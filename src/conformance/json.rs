//! A small JSON value that keeps number text exactly, its parser, and three writers: compact
//! (one testee request line), spaced (one line in the vectors file and in reports) and
//! canonical (docs/json-contract.md: RFC 8785 with `-0` kept).

use std::cmp::Ordering;
use std::fmt::{self, Write as _};

/// A JSON value. Numbers keep their text, so `9007199254740993` and `1e3` reach a testee as
/// written.
#[derive(Debug, Clone)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its JSON text (always valid JSON number grammar).
    Number(String),
    /// A string.
    String(String),
    /// The same string value as [`Json::String`], but written with every non-ASCII character
    /// (and `/`) as a `\u` escape: an alternative input spelling. Compares equal to the
    /// [`Json::String`] with the same value.
    EscapedString(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in the order they are written.
    Object(Vec<(String, Json)>),
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Number(a), Json::Number(b)) => a == b,
            (
                Json::String(a) | Json::EscapedString(a),
                Json::String(b) | Json::EscapedString(b),
            ) => a == b,
            (Json::Array(a), Json::Array(b)) => a == b,
            (Json::Object(a), Json::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Json {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Json {
        Json::String(s.into())
    }

    /// A number from its JSON text.
    pub fn num(text: impl Into<String>) -> Json {
        Json::Number(text.into())
    }

    /// An object from `(key, value)` pairs.
    pub fn obj<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The compact text: no whitespace, members in order. One testee request line.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, false);
        out
    }

    /// One line with a space after `:` and `,`, members in order (vectors file, reports).
    pub fn spaced(&self) -> String {
        let mut out = String::new();
        self.write_spaced(&mut out);
        out
    }

    /// [`Json::spaced`], appended to `out`.
    pub fn write_spaced(&self, out: &mut String) {
        self.write(out, true);
    }

    fn write(&self, out: &mut String, spaced: bool) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(out, s),
            Json::EscapedString(s) => write_escaped_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if spaced { ", " } else { "," });
                    }
                    item.write(out, spaced);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if spaced { ", " } else { "," });
                    }
                    write_string(out, k);
                    out.push_str(if spaced { ": " } else { ":" });
                    v.write(out, spaced);
                }
                out.push('}');
            }
        }
    }

    /// The canonical text (docs/json-contract.md "Canonical bytes"): keys sorted by UTF-16
    /// code units, no whitespace, minimal escaping, numbers as the ECMAScript text of their
    /// double value (`-0` kept). Fails on a number beyond the double range and on a repeated
    /// key.
    pub fn canonical(&self) -> Result<String, String> {
        let mut out = String::new();
        self.write_canonical(&mut out)?;
        Ok(out)
    }

    fn write_canonical(&self, out: &mut String) -> Result<(), String> {
        match self {
            Json::Null | Json::Bool(_) => self.write(out, false),
            Json::Number(text) => {
                let x: f64 = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                out.push_str(
                    &es_number(x).ok_or_else(|| format!("`{text}` is beyond the double range"))?,
                );
            }
            Json::String(s) | Json::EscapedString(s) => write_string(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_canonical(out)?;
                }
                out.push(']');
            }
            Json::Object(members) => {
                let mut sorted: Vec<&(String, Json)> = members.iter().collect();
                sorted.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
                out.push('{');
                for (i, (k, v)) in sorted.iter().enumerate() {
                    if i > 0 {
                        if sorted[i - 1].0 == *k {
                            return Err(format!("key `{k}` appears twice"));
                        }
                        out.push(',');
                    }
                    write_string(out, k);
                    out.push(':');
                    v.write_canonical(out)?;
                }
                out.push('}');
            }
        }
        Ok(())
    }
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spaced())
    }
}

/// Orders strings by their UTF-16 code units (RFC 8785 section 3.2.3).
pub fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Writes `s` as a JSON string with minimal escaping: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`,
/// other controls as `\u00xx` (lowercase hex), everything else literal.
pub fn write_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Runs of characters printed as they are are copied whole; only `"`, `\` and controls
    // (all ASCII, so never inside a multi-byte character) break a run.
    let mut run = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0c => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{:04x}", b);
        } else {
            out.push_str(escape);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Writes `s` with every non-ASCII character, every control and `/` as a `\uXXXX` escape
/// (uppercase hex, surrogate pairs for astral characters): valid, just not minimal.
fn write_escaped_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{:04X}", u);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The ECMAScript `Number.prototype.toString` text of `x`, except that `-0` prints `-0`;
/// `None` for NaN and the infinities.
pub fn es_number(x: f64) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(if x.is_sign_negative() { "-0" } else { "0" }.to_string());
    }
    // An integer up to 2^53 prints as its digits: doubles there are at most 1 apart, so no
    // shorter decimal rounds to it (the common case, and the exact path below is slow).
    if x.fract() == 0.0 && x.abs() <= TWO_POW_53 {
        return Some(format!("{}", x as i64));
    }
    es_number_exact(x)
}

/// 2^53: up to here every integer is a double, and doubles are at most 1 apart.
const TWO_POW_53: f64 = 9_007_199_254_740_992.0;

/// [`es_number`] for every finite nonzero value, from the exact decimal expansion.
fn es_number_exact(x: f64) -> Option<String> {
    // Rust's `{:e}` gives the shortest digit count k that round-trips; ECMAScript then wants
    // the k-digit decimal closest to the exact value, the even one on a tie.
    let shortest = format!("{:e}", x.abs());
    let exact = format!("{:.800e}", x.abs());
    let (digits, exp) = closest_digits(&exact, sig_digits(&shortest));
    let text = es_layout(x < 0.0, &digits, exp);
    debug_assert_eq!(text.parse::<f64>().ok(), Some(x));
    Some(text)
}

/// The shortest decimal that round-trips as float32, in ECMAScript layout (`0.1f` → `0.1`,
/// `f32::MAX` → `3.4028235e+38`); `None` for NaN and the infinities.
pub fn es_float32(x: f32) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    if x == 0.0 {
        return Some(if x.is_sign_negative() { "-0" } else { "0" }.to_string());
    }
    let shortest = format!("{:e}", x.abs());
    let exact = format!("{:.800e}", f64::from(x.abs()));
    let (digits, exp) = closest_digits(&exact, sig_digits(&shortest));
    let text = es_layout(x < 0.0, &digits, exp);
    debug_assert_eq!(text.parse::<f32>().ok(), Some(x));
    Some(text)
}

/// Significant digits of Rust's `{:e}` text (`1.25e3` → 3).
fn sig_digits(sci: &str) -> usize {
    let mantissa = sci.split('e').next().unwrap_or(sci);
    mantissa
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect::<String>()
        .trim_end_matches('0')
        .len()
        .max(1)
}

/// Rounds the exact expansion `d.ddd…e<exp>` to `k` significant digits, half to even.
/// Returns the digits (trailing zeros removed) and the decimal exponent of the first one.
fn closest_digits(exact: &str, k: usize) -> (String, i64) {
    let (mantissa, exp) = exact.split_once('e').unwrap_or((exact, "0"));
    let mut exp: i64 = exp.parse().unwrap_or(0);
    let all: Vec<u8> = mantissa
        .bytes()
        .filter(|b| b.is_ascii_digit())
        .map(|b| b - b'0')
        .collect();
    let k = k.min(all.len());
    let mut digits: Vec<u8> = all[..k].to_vec();
    let rest = &all[k..];
    let round_up = match rest.first() {
        Some(&d) if d > 5 => true,
        Some(5) => rest[1..].iter().any(|&d| d != 0) || digits.last().is_some_and(|d| d % 2 == 1),
        _ => false,
    };
    if round_up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, 1);
                digits.pop();
                exp += 1;
                break;
            }
            i -= 1;
            if digits[i] == 9 {
                digits[i] = 0;
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let text: String = digits.iter().map(|d| (b'0' + d) as char).collect();
    let text = text.trim_end_matches('0');
    (if text.is_empty() { "0" } else { text }.to_string(), exp)
}

/// Lays out significant `digits` whose first digit has decimal exponent `exp` the way
/// ECMAScript's Number::toString does (ECMA-262 section 6.1.6.1.20, steps 5 to 12).
fn es_layout(negative: bool, digits: &str, exp: i64) -> String {
    let k = digits.len() as i64;
    // value = 0.d1d2...dk × 10^n
    let n = exp + 1;
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if k <= n && n <= 21 {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        let _ = write!(out, "e{}{}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    out
}

/// Standard base64 with padding (RFC 4648 section 4).
pub fn base64_std(bytes: &[u8]) -> String {
    base64(
        bytes,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        true,
    )
}

/// URL-safe base64 without padding (RFC 4648 section 5).
pub fn base64_url_unpadded(bytes: &[u8]) -> String {
    base64(
        bytes,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        false,
    )
}

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// A JSON syntax error with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Nesting deeper than this is refused (no stack overflow on hostile input).
const MAX_DEPTH: usize = 200;

/// Parses one JSON text (RFC 8259), keeping number text exactly. Objects keep their member
/// order and repeated keys.
pub fn parse(text: &str) -> Result<Json, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> ParseError {
        let pos = self.pos.min(self.bytes.len());
        let mut at = pos;
        while at > 0 && !self.text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &self.text[..at];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        ParseError {
            line,
            col: before[line_start..].chars().count() + 1,
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, ParseError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        match self.peek() {
            None => Err(self.error("unexpected end of input, expected a JSON value")),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    self.skip_ws();
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut members = Vec::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                loop {
                    self.skip_ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a string key"));
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.peek() != Some(b':') {
                        return Err(self.error("expected `:`"));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let value = self.value(depth + 1)?;
                    members.push((key, value));
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Json::Object(members));
                        }
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            Some(_) => Err(self.error("expected a JSON value")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("leading zeros are not allowed in JSON numbers"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        Ok(Json::Number(self.text[start..self.pos].to_string()))
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let Some(h) = self.text.get(self.pos..self.pos + 4) else {
            return Err(self.error("expected four hex digits"));
        };
        let v = u32::from_str_radix(h, 16).map_err(|_| self.error("expected four hex digits"))?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error("expected four hex digits"));
        }
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Err(self.error("unterminated string"));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.error("unterminated string"));
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let u = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&u) {
                                if !self.text[self.pos..].starts_with("\\u") {
                                    return Err(self.error("lone surrogate in string"));
                                }
                                self.pos += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.error("lone surrogate in string"));
                                }
                                0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&u) {
                                return Err(self.error("lone surrogate in string"));
                            } else {
                                u
                            };
                            match char::from_u32(code) {
                                Some(ch) => out.push(ch),
                                None => return Err(self.error("invalid \\u escape")),
                            }
                        }
                        _ => return Err(self.error("invalid escape in string")),
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error("control character in string (must be escaped)"));
                }
                c => {
                    out.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        parse(text).unwrap().canonical().unwrap()
    }

    /// The integer fast path of `es_number` prints what the exact path prints, up to 2^53
    /// and across the powers of two and ten below it.
    #[test]
    fn es_number_integers_agree_with_the_exact_path() {
        let mut xs: Vec<f64> = (1..=2000).map(f64::from).collect();
        for e in 0..=53 {
            let p = 2f64.powi(e);
            xs.extend([p - 1.0, p, p + 1.0]);
        }
        for e in 0..=15 {
            let p = 10f64.powi(e);
            xs.extend([p - 1.0, p, p + 1.0, 9.0 * p]);
        }
        for x in xs.into_iter().filter(|x| *x >= 1.0 && *x <= TWO_POW_53) {
            for v in [x, -x] {
                assert_eq!(es_number(v), es_number_exact(v), "{v}");
            }
        }
        // Beyond 2^53 integers take the exact path: 2^60 prints with shortest digits.
        assert_eq!(es_number(2f64.powi(60)).unwrap(), "1152921504606847000");
    }

    /// Minimal escaping as serde_json prints it (the same rule: the two-letter escapes, other
    /// controls as lowercase `\u00xx`, everything else literal), for every control, both
    /// characters that must be escaped, DEL, `/`, and multi-byte characters next to escapes.
    #[test]
    fn write_string_escapes_minimally() {
        let mut texts: Vec<String> = (0u8..0x20).map(|b| format!("a{}b", b as char)).collect();
        texts.extend(
            [
                "",
                "plain",
                "\"",
                "\\",
                "\u{7f}/",
                "é\n😀\"\u{1}",
                "\u{1f}é",
                "😀\\",
                "end\t",
            ]
            .map(String::from),
        );
        for text in texts {
            let mut out = String::new();
            write_string(&mut out, &text);
            assert_eq!(out, serde_json::to_string(&text).unwrap(), "{text:?}");
        }
    }

    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript text (checked against
    /// node's `String(x)` as well).
    #[test]
    fn es_numbers_rfc8785_appendix_b() {
        let table: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "-0"), // JCS prints 0; the contract keeps -0
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for &(bits, want) in table {
            assert_eq!(es_number(f64::from_bits(bits)).unwrap(), want, "{bits:#x}");
        }
        assert_eq!(es_number(f64::from_bits(0x7fffffffffffffff)), None);
        assert_eq!(es_number(f64::INFINITY), None);
        assert_eq!(es_number(f64::NEG_INFINITY), None);
    }

    /// Hand-derived from ECMA-262 Number::toString: the fixed/exponent switch at 1e21 and 1e-7.
    #[test]
    fn es_number_layout_edges() {
        for (x, want) in [
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (1.5e-7, "1.5e-7"),
            (123e-20, "1.23e-18"),
            (2.0, "2"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (100.0, "100"),
            (1.5e300, "1.5e+300"),
            (123456.789, "123456.789"),
        ] {
            assert_eq!(es_number(x).unwrap(), want, "{x:e}");
        }
    }

    /// Float32 text: the shortest digits that parse back to the same float32, laid out as
    /// ECMAScript does. Checked by property (round trip, and no shorter digit string round
    /// trips) and on values everyone knows (`Float.MAX_VALUE` is `3.4028235E38`).
    #[test]
    fn float32_shortest() {
        assert_eq!(es_float32(0.1).unwrap(), "0.1");
        assert_eq!(es_float32(f32::MAX).unwrap(), "3.4028235e+38");
        assert_eq!(es_float32(-f32::MAX).unwrap(), "-3.4028235e+38");
        assert_eq!(es_float32(16777217.0).unwrap(), "16777216");
        assert_eq!(es_float32(1e-7).unwrap(), "1e-7");
        assert_eq!(es_float32(f32::from_bits(1)).unwrap(), "1e-45");
        assert_eq!(es_float32(-0.0).unwrap(), "-0");
        assert_eq!(
            es_float32("3.14159265358979".parse().unwrap()).unwrap(),
            "3.1415927"
        );
        assert_eq!(es_float32(f32::NAN), None);
        for x in [
            0.1f32,
            0.2,
            0.3,
            1.1,
            3.3,
            f32::MAX,
            f32::MIN_POSITIVE,
            f32::from_bits(1),
            f32::EPSILON,
            1e10,
            123456.79,
            7.0e-10,
        ] {
            let text = es_float32(x).unwrap();
            assert_eq!(text.parse::<f32>().unwrap(), x, "{text} round-trips");
            // No string with one digit fewer round-trips.
            let sci = format!("{:e}", x);
            let (m, e) = sci.split_once('e').unwrap();
            let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.len() > 1 {
                let shorter = &digits[..digits.len() - 1];
                let exp: i32 = e.parse().unwrap();
                let base: u64 = shorter.parse().unwrap();
                for cand in [base, base + 1] {
                    let s = format!("{cand}e{}", exp - (shorter.len() as i32 - 1));
                    assert_ne!(s.parse::<f32>().unwrap(), x, "{s} is shorter than {text}");
                }
            }
        }
    }

    /// RFC 8785 section 3.2.3: sorting by UTF-16 code units puts the emoji (U+1F600, D83D DE00)
    /// before U+FB33, although its code point is larger.
    #[test]
    fn utf16_key_order_rfc8785() {
        let input = r#"{
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\ud83d\ude00": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let keys: Vec<String> = match parse(input).unwrap() {
            Json::Object(m) => {
                let mut k: Vec<String> = m.into_iter().map(|(k, _)| k).collect();
                k.sort_by(|a, b| utf16_cmp(a, b));
                k
            }
            _ => unreachable!(),
        };
        assert_eq!(
            keys,
            [
                "\r",
                "1",
                "\u{80}",
                "\u{f6}",
                "\u{20ac}",
                "\u{1f600}",
                "\u{fb33}"
            ]
        );
        // Code point order would put U+FFFF before the astral character; UTF-16 does not.
        assert_eq!(utf16_cmp("\u{1f600}", "\u{ffff}"), Ordering::Less);
        assert!('\u{1f600}' > '\u{ffff}');
        assert_eq!(
            canon(r#"{"\uffff": 1, "\ud83d\ude00": 2, "\uff5a": 3}"#),
            "{\"\u{1f600}\":2,\"\u{ff5a}\":3,\"\u{ffff}\":1}"
        );
    }

    /// RFC 8785 section 3.2.2's example, output as printed in the RFC.
    #[test]
    fn canonical_rfc8785_example() {
        let input = r#"{
            "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
            "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
            "literals": [null, true, false]
        }"#;
        assert_eq!(
            canon(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    #[test]
    fn canonical_escapes_and_minus_zero() {
        assert_eq!(
            canon(r#"["\u0000\u001f\b\f\n\r\t\u007f\u2028\u00e9\/", -0, -0.0, 1.0, 1E2]"#),
            "[\"\\u0000\\u001f\\b\\f\\n\\r\\t\u{7f}\u{2028}\u{e9}/\",-0,-0,1,100]"
        );
        assert!(parse("[1e400]").unwrap().canonical().is_err());
        assert!(parse(r#"{"a": 1, "a": 2}"#).unwrap().canonical().is_err());
    }

    #[test]
    fn parse_keeps_number_text_and_reports_positions() {
        let v = parse("[9007199254740993, 1e3, -0, 1.50]").unwrap();
        assert_eq!(v.compact(), "[9007199254740993,1e3,-0,1.50]");
        let e = parse("{\n  \"a\": 01\n}").unwrap_err();
        assert_eq!((e.line, e.col), (2, 9));
        assert!(parse("\"\\ud800\"").is_err());
        assert!(parse("[1,]").is_err());
        assert!(parse("1 2").is_err());
        assert!(parse(&"[".repeat(1000)).is_err());
        assert_eq!(
            parse(r#""\ud83d\ude00\/""#).unwrap(),
            Json::str("\u{1f600}/")
        );
    }

    #[test]
    fn escaped_strings_parse_back() {
        let s = "é😀/\"\\\n\u{1}a";
        let v = Json::EscapedString(s.to_string());
        let text = v.compact();
        assert!(text.is_ascii());
        assert_eq!(parse(&text).unwrap(), Json::str(s));
    }

    /// RFC 4648 section 10 test vectors.
    #[test]
    fn base64_rfc4648() {
        let table = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (raw, want) in table {
            assert_eq!(base64_std(raw.as_bytes()), want);
            assert_eq!(
                base64_url_unpadded(raw.as_bytes()),
                want.trim_end_matches('=')
            );
        }
        assert_eq!(base64_std(&[0xfb, 0xff]), "+/8=");
        assert_eq!(base64_url_unpadded(&[0xfb, 0xff]), "-_8");
    }
}
