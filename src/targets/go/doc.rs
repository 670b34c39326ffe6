//! Go comments from proto comment text.
//!
//! Comment text cannot break out of a `//` comment except through a line break, so escaping
//! means: split on every line break Go or an editor might honour, and replace the characters
//! Go source may not hold (NUL, a byte order mark) and other control characters with a visible
//! `\xNN` spelling.
//!
//! gofmt reformats *top-level* doc comments (on types, functions and the package clause) with
//! `go/doc/comment`: headings, lists, code blocks and link definitions get a canonical layout,
//! and ``` `` ``` / `''` become curly quotes. [`doc_comment`] applies the same rules, so what we
//! print is already gofmt's fixed point. Comments inside declarations (struct fields, constants
//! in a `const` block) are left alone by gofmt; [`line_comment`] prints those.

/// Line-comment lines (`// text`, `//` for blank lines) for a comment gofmt does not reformat.
pub fn line_comment(text: &str) -> Vec<String> {
    let lines = sanitize(text);
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map(|i| i + 1)
        .unwrap_or(start);
    lines[start..end].iter().map(|l| comment_line(l)).collect()
}

/// Doc-comment lines for a top-level declaration, formatted as gofmt formats them.
pub fn doc_comment(text: &str) -> Vec<String> {
    // gofmt is not always idempotent (a comment that starts with a list is unindented again on
    // the next run), so format until nothing changes: that is what `gofmt -l` accepts.
    let mut lines = format_doc(&sanitize(text));
    for _ in 0..8 {
        let next = format_doc(&lines);
        if next == lines {
            break;
        }
        lines = next;
    }
    lines.iter().map(|l| comment_line(l)).collect()
}

fn comment_line(line: &str) -> String {
    if line.is_empty() {
        "//".to_string()
    } else if line.starts_with('\t') {
        format!("//{line}")
    } else {
        format!("// {line}")
    }
}

/// Splits into lines on `\n`, `\r\n` and `\r`, makes every character safe in a Go comment, and
/// trims trailing white space (gofmt does).
fn sanitize(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split('\n')
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            for c in line.chars() {
                match c {
                    '\t' => out.push(c),
                    c if (c as u32) < 0x20 || c == '\u{7f}' => {
                        out.push_str(&format!("\\x{:02x}", c as u32))
                    }
                    '\u{feff}' => out.push_str("\\ufeff"),
                    c => out.push(c),
                }
            }
            out.trim_end().to_string()
        })
        .collect()
}

// ---- A port of go/doc/comment: Parser.Parse followed by Printer.Comment. ----

#[derive(Debug)]
enum Block {
    Paragraph(String),
    Heading(String),
    Code(String),
    List(List),
}

#[derive(Debug)]
struct List {
    force_blank_before: bool,
    force_blank_between: bool,
    items: Vec<Item>,
}

#[derive(Debug)]
struct Item {
    number: String,
    content: Vec<String>,
}

impl List {
    fn blank_between(&self) -> bool {
        self.force_blank_between || self.items.iter().any(|i| i.content.len() != 1)
    }

    fn blank_before(&self) -> bool {
        self.force_blank_before || self.blank_between()
    }
}

struct LinkDef {
    text: String,
    url: String,
    used: bool,
}

#[derive(PartialEq, Clone, Copy)]
enum SpanKind {
    Code,
    Heading,
    List,
    OldHeading,
    Para,
}

/// gofmt's output for a doc comment whose text (comment markers removed) is `lines`.
fn format_doc(lines: &[String]) -> Vec<String> {
    let lines = unindent(lines.iter().map(String::as_str).collect());
    let mut blocks: Vec<Block> = Vec::new();
    let mut links: Vec<LinkDef> = Vec::new();
    let mut prev_end = 0usize;
    for (start, end, kind) in parse_spans(&lines) {
        let span = &lines[start..end];
        let block = match kind {
            SpanKind::List => Some(Block::List(list(span, prev_end < start, &mut links))),
            SpanKind::Code => {
                let mut body = unindent(span.iter().map(String::as_str).collect());
                body.push(String::new());
                Some(Block::Code(body.join("\n")))
            }
            SpanKind::OldHeading => Some(Block::Heading(span[0].trim().to_string())),
            SpanKind::Heading => Some(Block::Heading(span[0][1..].trim().to_string())),
            SpanKind::Para => paragraph(span, &mut links).map(Block::Paragraph),
        };
        if let Some(b) = block {
            blocks.push(b);
        }
        prev_end = end;
    }
    // Second pass: mark used link definitions and convert quotes in paragraph text.
    for b in &mut blocks {
        match b {
            Block::Paragraph(text) => {
                mark_links(text, &mut links);
                *text = convert_quotes(text);
            }
            Block::List(l) => {
                for item in &mut l.items {
                    for text in &mut item.content {
                        mark_links(text, &mut links);
                        *text = convert_quotes(text);
                    }
                }
            }
            _ => {}
        }
    }

    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate() {
        let blank = match b {
            Block::List(l) => l.blank_before(),
            _ => true,
        };
        if i > 0 && blank {
            out.push('\n');
        }
        match b {
            Block::Paragraph(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Heading(text) => {
                out.push_str("# ");
                out.push_str(text);
                out.push('\n');
            }
            Block::Code(text) => {
                let mut rest = text.as_str();
                while !rest.is_empty() {
                    let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
                    if !line.is_empty() {
                        out.push('\t');
                        out.push_str(line);
                    }
                    out.push('\n');
                    rest = tail;
                }
            }
            Block::List(l) => {
                let loose = l.blank_between();
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 && loose {
                        out.push('\n');
                    }
                    out.push(' ');
                    if item.number.is_empty() {
                        out.push_str(" - ");
                    } else {
                        out.push_str(&item.number);
                        out.push_str(". ");
                    }
                    for (j, text) in item.content.iter().enumerate() {
                        if j > 0 {
                            out.push_str("\n    ");
                        }
                        out.push_str(&text.replace('\n', "\n    "));
                        out.push('\n');
                    }
                }
            }
        }
    }
    for used in [true, false] {
        let mut first = true;
        for def in links.iter().filter(|d| d.used == used) {
            if first {
                out.push('\n');
                first = false;
            }
            out.push_str(&format!("[{}]: {}\n", def.text, def.url));
        }
    }
    // The printer behind gofmt drops trailing blanks and tabs.
    let mut result = Vec::new();
    let mut rest = out.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
        result.push(line.trim_end_matches([' ', '\t']).to_string());
        rest = tail;
    }
    result
}

fn is_blank(s: &str) -> bool {
    s.is_empty() || s == "\n"
}

fn leading_space(s: &str) -> &str {
    let n = s.bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
    &s[..n]
}

fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    &a[..n]
}

fn unindent(mut lines: Vec<&str>) -> Vec<String> {
    while lines.first().is_some_and(|l| is_blank(l)) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|l| is_blank(l)) {
        lines.pop();
    }
    if lines.is_empty() {
        return Vec::new();
    }
    let mut prefix = leading_space(lines[0]);
    for line in &lines[1..] {
        if !is_blank(line) {
            prefix = common_prefix(prefix, leading_space(line));
        }
    }
    let mut out: Vec<String> = lines
        .iter()
        .map(|line| {
            let l = line.strip_prefix(prefix).unwrap_or(line);
            if l.trim().is_empty() {
                String::new()
            } else {
                l.to_string()
            }
        })
        .collect();
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

fn indented(line: &str) -> bool {
    line.starts_with(' ') || line.starts_with('\t')
}

/// `(number, rest)` when the line starts with a list marker after any indentation.
fn list_marker(line: &str) -> Option<(String, &str)> {
    let line = line.trim();
    let first = line.chars().next()?;
    let (num, rest) = if matches!(first, '•' | '*' | '+' | '-') {
        (String::new(), &line[first.len_utf8()..])
    } else if first.is_ascii_digit() {
        let n = line.bytes().take_while(u8::is_ascii_digit).count();
        match line.as_bytes().get(n) {
            Some(b'.') | Some(b')') => (line[..n].to_string(), &line[n + 1..]),
            _ => return None,
        }
    } else {
        return None;
    };
    if !indented(rest) || rest.trim().is_empty() {
        return None;
    }
    Some((num, rest))
}

fn is_list(line: &str) -> bool {
    list_marker(line).is_some()
}

fn is_heading(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 2 && b[0] == b'#' && (b[1] == b' ' || b[1] == b'\t') && line.trim() != "#"
}

fn is_old_heading(line: &str, all: &[String], off: usize) -> bool {
    if off == 0 || !all[off - 1].is_empty() || off + 2 >= all.len() || !all[off + 1].is_empty() {
        return false;
    }
    if !leading_space(&all[off + 2]).is_empty() {
        return false;
    }
    let line = line.trim();
    let Some(first) = line.chars().next() else {
        return false;
    };
    if !first.is_alphabetic() || !first.is_uppercase() {
        return false;
    }
    let Some(last) = line.chars().last() else {
        return false;
    };
    if !last.is_alphabetic() && !last.is_numeric() {
        return false;
    }
    if line
        .chars()
        .any(|c| ";:!?+*/=[]{}_^°&§~%#@<\">\\".contains(c))
    {
        return false;
    }
    let mut rest = line;
    while let Some(i) = rest.find('\'') {
        rest = &rest[i + 1..];
        if rest != "s" && !rest.starts_with("s ") {
            return false;
        }
    }
    let mut rest = line;
    while let Some(i) = rest.find('.') {
        rest = &rest[i + 1..];
        if rest.is_empty() || rest.starts_with(' ') {
            return false;
        }
    }
    true
}

fn parse_spans(lines: &[String]) -> Vec<(usize, usize, SpanKind)> {
    let mut spans = Vec::new();
    let mut watchdog = 2 * lines.len() + 2;
    let mut i = 0usize;
    let mut force_indent = 0usize;
    'spans: loop {
        while i < lines.len() && lines[i].is_empty() {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        if watchdog == 0 {
            break;
        }
        watchdog -= 1;
        let start = i;
        let mut end;
        let kind;
        if i < force_indent || indented(&lines[i]) {
            let mut unindented_list_ok = is_list(&lines[i]) && i < force_indent;
            i += 1;
            while i < lines.len()
                && (lines[i].is_empty()
                    || i < force_indent
                    || indented(&lines[i])
                    || (unindented_list_ok && is_list(&lines[i])))
            {
                if lines[i].is_empty() {
                    unindented_list_ok = false;
                }
                i += 1;
            }
            end = i;
            while end > start && lines[end - 1].is_empty() {
                end -= 1;
            }
            if end < lines.len() && lines[end].starts_with('}') {
                end += 1;
            }
            kind = if is_list(&lines[start]) {
                SpanKind::List
            } else {
                SpanKind::Code
            };
        } else {
            i += 1;
            while i < lines.len() && !lines[i].is_empty() && !indented(&lines[i]) {
                i += 1;
            }
            end = i;
            if i < lines.len() && !lines[i].is_empty() && !is_list(&lines[i]) {
                if is_list(&lines[i - 1]) {
                    force_indent = end;
                    end -= 1;
                    while end > start && is_list(&lines[end - 1]) {
                        end -= 1;
                    }
                } else if lines[i - 1].ends_with('{') || lines[i - 1].ends_with('\\') {
                    force_indent = end;
                    end -= 1;
                }
                if start == end && force_indent > start {
                    i = start;
                    continue 'spans;
                }
            }
            kind = if end - start == 1 && is_heading(&lines[start]) {
                SpanKind::Heading
            } else if end - start == 1 && is_old_heading(&lines[start], lines, start) {
                SpanKind::OldHeading
            } else {
                SpanKind::Para
            };
        }
        spans.push((start, end, kind));
        i = end;
    }
    spans
}

fn is_scheme(s: &str) -> bool {
    matches!(
        s,
        "file" | "ftp" | "gopher" | "http" | "https" | "mailto" | "nntp"
    )
}

fn parse_link(line: &str) -> Option<LinkDef> {
    if !line.starts_with('[') {
        return None;
    }
    let i = line.find("]:")?;
    let b = line.as_bytes();
    if i + 3 >= b.len() || (b[i + 2] != b' ' && b[i + 2] != b'\t') {
        return None;
    }
    let text = line[1..i].to_string();
    let url = line[i + 3..].trim().to_string();
    let j = url.find("://")?;
    if !is_scheme(&url[..j]) {
        return None;
    }
    Some(LinkDef {
        text,
        url,
        used: false,
    })
}

/// A paragraph's text, or `None` when every line is a link definition (then recorded).
fn paragraph(lines: &[String], links: &mut Vec<LinkDef>) -> Option<String> {
    // Like Go, an empty span counts as "all link definitions" and makes no paragraph.
    let defs: Option<Vec<LinkDef>> = lines.iter().map(|l| parse_link(l)).collect();
    match defs {
        Some(defs) => {
            links.extend(defs);
            None
        }
        None => Some(lines.join("\n")),
    }
}

fn list(lines: &[String], force_blank_before: bool, links: &mut Vec<LinkDef>) -> List {
    let num = list_marker(&lines[0]).map(|(n, _)| n).unwrap_or_default();
    let mut l = List {
        force_blank_before,
        force_blank_between: false,
        items: Vec::new(),
    };
    let mut text: Vec<String> = Vec::new();
    let mut have_item = false;
    fn flush(l: &mut List, have_item: bool, text: &mut Vec<String>, links: &mut Vec<LinkDef>) {
        if have_item {
            if let Some(p) = paragraph(text, links) {
                if let Some(item) = l.items.last_mut() {
                    item.content.push(p);
                }
            }
        }
        text.clear();
    }
    for line in lines {
        let mut line = line.as_str();
        if let Some((n, after)) = list_marker(line) {
            if n.is_empty() == num.is_empty() {
                flush(&mut l, have_item, &mut text, links);
                l.items.push(Item {
                    number: n,
                    content: Vec::new(),
                });
                have_item = true;
                line = after;
            }
        }
        let line = line.trim();
        if line.is_empty() {
            l.force_blank_between = true;
            flush(&mut l, have_item, &mut text, links);
            continue;
        }
        text.push(line.to_string());
    }
    flush(&mut l, have_item, &mut text, links);
    l
}

/// Marks the link definitions that `[text]` in a paragraph refers to (first definition wins).
fn mark_links(text: &str, links: &mut [LinkDef]) {
    let mut start: Option<usize> = None;
    let mut buf: Vec<u8> = Vec::new();
    for (i, &c) in text.as_bytes().iter().enumerate() {
        let c = if c == b'\n' || c == b'\t' { b' ' } else { c };
        match c {
            b'[' => start = Some(i),
            b']' => {
                if start.is_some() {
                    let key = String::from_utf8_lossy(&buf).to_string();
                    if let Some(def) = links.iter_mut().find(|d| d.text == key) {
                        def.used = true;
                    }
                }
                start = None;
                buf.clear();
            }
            _ => {}
        }
        if let Some(s) = start {
            if i != s {
                buf.push(c);
            }
        }
    }
}

/// gofmt turns ``` `` ``` into `“` and `''` into `”` in paragraph text; doing it here keeps the
/// output a fixed point. This follows go/doc/comment's `parseText` byte for byte, including how
/// it skips a run of three or more backticks: it indexes the rest of the text with the absolute
/// position, so after a run that does not start the text it may skip more or less than the run.
/// That position is relative to the paragraph's link segments, which are only known for text
/// without `[`; a paragraph holding both `[` and such a run gets a zero-width space between
/// backticks instead, so that gofmt finds nothing to convert.
fn convert_quotes(text: &str) -> String {
    if text.contains('[') && text.contains("```") {
        let mut out = String::with_capacity(text.len());
        let mut prev_backtick = false;
        for c in convert_pairs(text).chars() {
            if c == '`' && prev_backtick {
                out.push('\u{200b}');
            }
            prev_backtick = c == '`';
            out.push(c);
        }
        return out;
    }
    let s = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut i = 0usize;
    while i < s.len() {
        let t = &s[i..];
        if t.starts_with(b"``") {
            if t.len() >= 3 && t[2] == b'`' {
                let start = i;
                i += 3;
                while i < t.len() && t[i] == b'`' {
                    i += 1;
                }
                out.extend_from_slice(&s[start..i]);
                continue;
            }
            out.extend_from_slice("“".as_bytes());
            i += 2;
        } else if t.starts_with(b"''") {
            out.extend_from_slice("”".as_bytes());
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Converts ``` `` ``` and `''` pairs, leaving runs of three or more backticks alone.
fn convert_pairs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let n = rest.bytes().take_while(|b| *b == b'`').count();
            match n {
                2 => out.push('“'),
                _ => out.push_str(&rest[..n]),
            }
            rest = &rest[n..];
        } else if let Some(tail) = rest.strip_prefix("''") {
            out.push('”');
            rest = tail;
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paragraphs_stay() {
        assert_eq!(
            doc_comment("Hello.\n\nWorld."),
            vec!["// Hello.", "//", "// World."]
        );
    }

    #[test]
    fn line_breaks_cannot_escape() {
        let lines = line_comment("a\rb\u{0}c\r\nd */ e\u{feff}");
        assert_eq!(lines, vec!["// a", "// b\\x00c", "// d */ e\\ufeff"]);
    }

    /// Comment texts that exercise every rule of gofmt's doc comment reformatting.
    const TRICKY: &[&str] = &[
        "Hello.\n\nWorld.",
        "Intro:\n- one\n- two\n\n  code()\nAfter",
        "Intro.\n\nOverview\n\nText.",
        "  indented code\n  more\n\ntext",
        "Text\n  1. first\n  2. second\n\nEnd",
        "Text\n\n  - a\n\n  - b\n",
        "See [Link] and [Other].\n\n[Link]: https://example.com\n[Unused]: http://x.y\n[Other]: ftp://o",
        "``quoted'' text and ```fence``` and ''x'' and ````four````",
        "# Heading\n\nBody",
        "#NoHeading\n\nBody",
        "func main() {\n\tfmt.Println()\n}",
        "Unindented list:\n- a\n  continued\n- b",
        "a\n\n\n\nb",
        "\tTabbed\n\tcode",
        "Trailing backslash \\\n  code",
        "x */ y /* z",
        "Deprecated: use foo.",
        "Steps:\n  1) one\n  2) two\n  3. three",
        "Line with trailing spaces   \nnext",
        "Intro.\n\nA Heading's Text\n\nbody",
        "Intro.\n\nHeading 2.0\n\nbody",
        "Intro.\n\nNot a heading.\n\nbody",
        "  - item one\n    continued\n  - item two\n\n    second para",
        "• bullet\n• two",
        "[x]: notalink\n[y]:  https://ok",
        " leading space line\nsecond",
        "Café ünïcode\n\nÜber Heading\n\ntext",
        "Intro\n  - a\n  - b\nafter",
        "x\n\n  code\n\n  more code\n\n- not list\n",
        "Ends with brace {\n  inner\n}\nafter",
        "//go:generate nope\nline 5\nexport x",
        "Mixed\t tabs\t\tinside",
        "A\n\n\tcode with `` quotes ''\n\nB ``x''",
        "[Link]: https://only.defs",
        "10. ten\n  11. eleven",
        "   \n\n  \n",
    ];

    /// Each formatted comment is unchanged by gofmt (skipped when gofmt is not installed).
    #[test]
    fn doc_comments_are_gofmt_fixed_points() {
        let mut src = String::from("package p\n");
        for (i, text) in TRICKY.iter().enumerate() {
            src.push('\n');
            for line in doc_comment(text) {
                src.push_str(&line);
                src.push('\n');
            }
            src.push_str(&format!("type T{i} struct{{}}\n"));
        }
        let child = std::process::Command::new("gofmt")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            eprintln!("gofmt not found; skipping");
            return;
        };
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(src.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("gofmt");
        assert!(out.status.success());
        let formatted = String::from_utf8(out.stdout).expect("utf-8");
        if formatted != src {
            let diff: Vec<String> = src
                .lines()
                .zip(formatted.lines())
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("ours:  {a:?}\ngofmt: {b:?}"))
                .collect();
            panic!(
                "gofmt changed the comments:\n{}\n--- ours\n{src}\n--- gofmt\n{formatted}",
                diff.join("\n")
            );
        }
    }
}
