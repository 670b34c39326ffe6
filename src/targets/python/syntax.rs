//! Python source text as `ruff format` (default settings) prints it: string literals,
//! docstrings and the layout of calls that may not fit on one line.

/// `ruff format`'s default line length.
pub const LINE_LENGTH: usize = 88;

/// The display width of `text` as ruff measures it (East Asian wide characters count 2).
pub fn width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD)
}

/// Characters written as escapes in string literals and docstrings: controls, every
/// whitespace but the space, and invisible formatting characters (bidi controls, zero-width
/// characters, the byte order mark), so no text can hide or break out of a literal.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c,
            '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// The escape of `c` (lowercase hex, as ruff normalizes it).
fn escape_char(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) <= 0xFF => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) <= 0xFFFF => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// A Python string literal: double quotes unless the text holds more `"` than `'` (ruff's
/// choice of the quote that needs fewer escapes), with backslashes, the quote and
/// non-printing characters escaped.
pub fn py_str(text: &str) -> String {
    let doubles = text.matches('"').count();
    let singles = text.matches('\'').count();
    let quote = if doubles > singles { '\'' } else { '"' };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        if c == '\\' || c == quote {
            out.push('\\');
            out.push(c);
        } else if needs_escape(c) {
            escape_char(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out.push(quote);
    out
}

/// A TOML basic string.
pub fn toml_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || (c.is_whitespace() && c != ' ') || c == '\u{FEFF}' => {
                if (c as u32) <= 0xFFFF {
                    out.push_str(&format!("\\u{:04X}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08X}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The body of a docstring line: backslashes doubled, non-printing characters escaped.
/// Quotes are handled over the whole text by [`docstring`].
fn escape_doc_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if needs_escape(c) {
            escape_char(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes the `"` that could end or garble a `"""` string: the first and the last
/// character, and every third quote of a run.
fn escape_quotes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '"' {
            if i == 0 || i + 1 == chars.len() || run == 2 {
                out.push_str("\\\"");
                run = 0;
            } else {
                out.push('"');
                run += 1;
            }
        } else {
            out.push(c);
            run = 0;
        }
    }
    out
}

/// A docstring at `indent` spaces, every line indented and ending in a newline, laid out as
/// ruff format prints it: one line when the text is one line, else the closing quotes on a
/// line of their own; lines after the first lose their common indentation.
pub fn docstring(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let lines: Vec<String> = text
        .trim_matches(|c: char| c == ' ' || c == '\n')
        .split('\n')
        .map(|l| escape_doc_line(l.trim_end_matches(' ')))
        .collect();
    let common = lines
        .iter()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let mut body: Vec<String> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if i == 0 || line.is_empty() {
            body.push(line.clone());
        } else {
            body.push(line[common..].to_string());
        }
    }
    let body = escape_quotes(&body.join("\n"));
    let mut out = String::new();
    let mut parts = body.split('\n');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        out.push_str(&format!("{pad}\"\"\"{first}\"\"\"\n"));
        return out;
    }
    out.push_str(&format!("{pad}\"\"\"{first}\n"));
    for line in rest {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}{line}\n"));
        }
    }
    out.push_str(&format!("{pad}\"\"\"\n"));
    out
}

/// A call `head(args...)tail` at `indent` spaces, on one line when it fits, else with one
/// argument per line and a trailing comma (which ruff keeps as it is). No trailing newline.
pub fn call(head: &str, args: &[String], indent: usize, tail: &str) -> String {
    let pad = " ".repeat(indent);
    let one = format!("{pad}{head}({}){tail}", args.join(", "));
    if width(&one) <= LINE_LENGTH || args.is_empty() {
        return one;
    }
    let mut out = format!("{pad}{head}(\n");
    for arg in args {
        out.push_str(&format!("{pad}    {arg},\n"));
    }
    out.push_str(&format!("{pad}){tail}"));
    out
}

/// A simple statement at `indent`, marked `# fmt: skip` when it is too long for one line:
/// ruff would otherwise split it in ways that depend on its syntax.
pub fn statement(text: &str, indent: usize) -> String {
    let line = format!("{}{text}", " ".repeat(indent));
    if width(&line) <= LINE_LENGTH {
        line
    } else {
        format!("{line}  # fmt: skip")
    }
}

/// One run of a natural-order key: digits compare by value, other text as lowercase text.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Chunk {
    Number(usize, String),
    Text(String),
}

fn natural_key(name: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digit = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() != digit {
                break;
            }
            run.push(d);
            chars.next();
        }
        if digit {
            let trimmed = run.trim_start_matches('0').to_string();
            chunks.push(Chunk::Number(trimmed.len(), trimmed));
        } else {
            chunks.push(Chunk::Text(run.to_lowercase()));
        }
    }
    chunks
}

/// The member kind both of ruff's orders of names put first (isort's `from` imports, RUF022's
/// `__all__`): 0 for a CONSTANT (more than one byte, an uppercase letter and no lowercase
/// one), 1 for a Class (starts with an uppercase letter), 2 for anything else.
fn member_group(name: &str) -> u8 {
    let upper = name.chars().any(char::is_uppercase);
    let lower = name.chars().any(char::is_lowercase);
    if name.len() > 1 && upper && !lower {
        0
    } else if name.starts_with(char::is_uppercase) {
        1
    } else {
        2
    }
}

/// Sorts imported names as ruff's isort orders `from x import (...)`: CONSTANTS, then
/// Classes, then other names; natural order, ignoring case, within each group.
pub fn isort_names(names: &mut [String]) {
    names.sort_by(|a, b| {
        (member_group(a), natural_key(a), a.as_str()).cmp(&(
            member_group(b),
            natural_key(b),
            b.as_str(),
        ))
    });
}

/// The length of the run of ASCII digits at the start of `chars`.
fn digit_run(chars: &[char]) -> usize {
    chars.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// The natural order ruff's RUF022 uses (a port of the rule of Martin Pool's `strnatcmp`),
/// case-sensitive: characters compare by code point, Unicode whitespace between them is
/// skipped, and where both names have a run of ASCII digits the runs compare as numbers. When
/// either run starts with `0` they compare digit by digit from the left (`015` < `12`, a
/// run that is a prefix of the other first); otherwise the longer run is greater, and runs of
/// the same length compare by their first different digit (`2` < `10`).
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (mut i, mut j) = (0, 0);
    loop {
        while a.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        while b.get(j).is_some_and(|c| c.is_whitespace()) {
            j += 1;
        }
        let (x, y) = match (a.get(i), b.get(j)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => (*x, *y),
        };
        if x.is_ascii_digit() && y.is_ascii_digit() {
            let left = &a[i..i + digit_run(&a[i..])];
            let right = &b[j..j + digit_run(&b[j..])];
            let order = if x == '0' || y == '0' {
                left.cmp(right)
            } else {
                left.len().cmp(&right.len()).then_with(|| left.cmp(right))
            };
            if order != Ordering::Equal {
                return order;
            }
            i += left.len();
            j += right.len();
        } else if x != y {
            return x.cmp(&y);
        } else {
            i += 1;
            j += 1;
        }
    }
}

/// Sorts the names of an `__all__` as ruff's RUF022 (unsorted-dunder-all) wants them, its
/// "isort-style" order: SCREAMING_SNAKE_CASE names, then CamelCase names, then everything
/// else ([`member_group`]), each group in case-sensitive natural order ([`natural_cmp`]):
/// `JobSpec` before `Jobs`, `DecodeError` before `Decoded`, `A2` before `A10`.
pub fn sort_dunder_all(names: &mut [String]) {
    names.sort_by(|a, b| {
        member_group(a)
            .cmp(&member_group(b))
            .then_with(|| natural_cmp(a, b))
            .then_with(|| a.cmp(b))
    });
}

/// Sorts module paths (`flytekitplugins.spec_2.models`) as ruff's isort orders `import`
/// statements: natural order, ignoring case (`spec_2` before `spec_10`).
pub fn isort_modules(modules: &mut [String]) {
    modules.sort_by(|a, b| (natural_key(a), a.as_str()).cmp(&(natural_key(b), b.as_str())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_sort_in_natural_order() {
        let mut m: Vec<String> = ["a.spec_10.models", "a.spec_2.models", "a.spec_2._json"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        isort_modules(&mut m);
        assert_eq!(m, ["a.spec_2._json", "a.spec_2.models", "a.spec_10.models"]);
    }

    fn sorted_all(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        sort_dunder_all(&mut names);
        names
    }

    /// The expected orders follow ruff's documented RUF022 rule (CONSTANTS, Classes, the
    /// rest; case-sensitive natural order within each), worked out by hand, and were checked
    /// with `ruff check --select RUF022`.
    #[test]
    fn dunder_all_sorts_as_ruff_rule_ruf022() {
        assert_eq!(sorted_all(&["Jobs", "JobSpec"]), ["JobSpec", "Jobs"]);
        assert_eq!(
            sorted_all(&["Decoded", "DecodeError"]),
            ["DecodeError", "Decoded"]
        );
        assert_eq!(sorted_all(&["A10", "A2"]), ["A2", "A10"]);
        assert_eq!(
            sorted_all(&["Http2", "HTTPServer"]),
            ["HTTPServer", "Http2"]
        );
        let input = [
            "x10",
            "Jobs",
            "decode",
            "Job10Spec",
            "HTTPServer",
            "MAX_SIZE",
            "X",
            "v12",
            "Decoded",
            "A10",
            "_private",
            "x9",
            "JobSpec",
            "Http2",
            "A2",
            "v015",
            "x1",
            "DecodeError",
            "Job2Spec",
        ];
        let expected = [
            // CONSTANTS: `X` is one character, so a class.
            "A2",
            "A10",
            "MAX_SIZE",
            // Classes: uppercase before lowercase, digits before letters, `2` before `10`.
            "DecodeError",
            "Decoded",
            "HTTPServer",
            "Http2",
            "Job2Spec",
            "Job10Spec",
            "JobSpec",
            "Jobs",
            "X",
            // The rest: `_` before lowercase letters; a leading zero compares from the left.
            "_private",
            "decode",
            "v015",
            "v12",
            "x1",
            "x9",
            "x10",
        ];
        assert_eq!(sorted_all(&input), expected);
        // Any input order gives the same result.
        let mut reversed = input;
        reversed.reverse();
        assert_eq!(sorted_all(&reversed), expected);
        // The constant and class groups by ruff's casing rule.
        assert_eq!(
            sorted_all(&["Ab", "AB", "A_1", "a", "_A", "B"]),
            ["AB", "A_1", "_A", "Ab", "B", "a"]
        );
    }

    #[test]
    fn strings_pick_the_quote_with_fewer_escapes() {
        assert_eq!(py_str("abc"), "\"abc\"");
        assert_eq!(py_str("a\"b"), "'a\"b'");
        assert_eq!(py_str("a\"b'c"), "\"a\\\"b'c\"");
        assert_eq!(py_str("a\\b\n\u{2028}\u{1}"), "\"a\\\\b\\n\\u2028\\x01\"");
    }

    #[test]
    fn docstrings_are_inert() {
        assert_eq!(docstring("One line.", 4), "    \"\"\"One line.\"\"\"\n");
        assert_eq!(
            docstring("a \"\"\" b\\", 0),
            "\"\"\"a \"\"\\\" b\\\\\"\"\"\n"
        );
        assert_eq!(docstring("ends \"", 0), "\"\"\"ends \\\"\"\"\"\n");
        assert_eq!(
            docstring("First.\n\n  x\n    y", 4),
            "    \"\"\"First.\n\n    x\n      y\n    \"\"\"\n"
        );
    }

    #[test]
    fn calls_wrap_with_a_trailing_comma() {
        let args = vec!["\"a\"".to_string(), "b".to_string()];
        assert_eq!(call("f", &args, 4, ","), "    f(\"a\", b),");
        let long = vec!["x".repeat(50), "y".repeat(50)];
        assert_eq!(
            call("f", &long, 0, ""),
            format!("f(\n    {},\n    {},\n)", "x".repeat(50), "y".repeat(50))
        );
    }
}
