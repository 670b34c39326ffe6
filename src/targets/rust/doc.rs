//! Proto comments as rustdoc `///` lines, made inert.
//!
//! A comment cannot end a line comment early, but its text can still hurt: a bare carriage
//! return or a bidirectional-override character is a compile error in a comment, and Markdown
//! code blocks become doctests that `cargo test` compiles. So characters that rustc refuses
//! are written as visible `\u{..}` escapes, and a comment that holds anything Markdown could
//! turn into a code block or a list (whose lazy continuation lines trip clippy) is wrapped in a
//! ```` ```text ```` fence that is longer than any backtick run inside it.

/// The `///` lines for `text` (a proto comment, possibly empty) followed by `notes` (our own
/// Markdown paragraphs), each line indented by `indent` spaces and ending with a newline.
/// Empty when there is nothing to say.
pub fn comment(indent: usize, text: &str, notes: &[String]) -> String {
    let mut paragraphs: Vec<Vec<String>> = Vec::new();
    let text = sanitize(text);
    let lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    let start = lines.iter().position(|l| !l.is_empty());
    let end = lines.iter().rposition(|l| !l.is_empty());
    if let (Some(start), Some(end)) = (start, end) {
        let body = &lines[start..=end];
        if body.iter().any(|l| risky(l)) {
            let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
            let mut block = vec![format!("{fence}text")];
            block.extend(body.iter().cloned());
            block.push(fence);
            paragraphs.push(block);
        } else {
            paragraphs.push(body.to_vec());
        }
    }
    for note in notes {
        paragraphs.push(note.lines().map(str::to_string).collect());
    }
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if i > 0 {
            out.push_str(&format!("{pad}///\n"));
        }
        for line in paragraph {
            if line.is_empty() {
                out.push_str(&format!("{pad}///\n"));
            } else {
                out.push_str(&format!("{pad}/// {line}\n"));
            }
        }
    }
    out
}

/// Replaces what rustc or rustfmt refuse or mangle in a comment: carriage returns, tabs, other
/// control characters, bidirectional controls and Unicode line separators.
fn sanitize(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{200e}'
                        | '\u{200f}'
                        | '\u{2028}'
                        | '\u{2029}'
                        | '\u{202a}'..='\u{202e}'
                        | '\u{2066}'..='\u{2069}'
                        | '\u{feff}'
                ) =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Could Markdown read this line as (part of) a code block, a list or a block quote?
fn risky(line: &str) -> bool {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if indent >= 4 {
        return true;
    }
    if trimmed.starts_with("```") || trimmed.starts_with("~~~") || trimmed.starts_with('>') {
        return true;
    }
    // Bullet lists: `-`, `*` or `+` followed by a space (or alone).
    let mut chars = trimmed.chars();
    if let Some('-' | '*' | '+') = chars.next() {
        if matches!(chars.next(), None | Some(' ')) {
            return true;
        }
    }
    // Ordered lists: digits then `.` or `)`.
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 {
        let rest = &trimmed[digits..];
        if rest.starts_with(". ") || rest.starts_with(") ") || rest == "." || rest == ")" {
            return true;
        }
    }
    // HTML blocks and link reference definitions.
    trimmed.starts_with('<') || (trimmed.starts_with('[') && trimmed.contains("]:"))
}

fn longest_backtick_run(lines: &[String]) -> usize {
    let mut longest = 0;
    for line in lines {
        let mut run = 0;
        for c in line.chars() {
            if c == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_stays_markdown() {
        assert_eq!(
            comment(4, "The `main` file.\n\nSecond.", &[]),
            "    /// The `main` file.\n    ///\n    /// Second.\n"
        );
        assert_eq!(comment(0, "", &[]), "");
    }

    #[test]
    fn code_blocks_are_fenced_as_text() {
        let out = comment(0, "Example:\n```\nfn main() {}\n````\n", &[]);
        assert_eq!(
            out,
            "/// `````text\n/// Example:\n/// ```\n/// fn main() {}\n/// ````\n/// `````\n"
        );
        let out = comment(0, "Run:\n\n    cargo test", &["Note.".to_string()]);
        assert_eq!(
            out,
            "/// ```text\n/// Run:\n///\n///     cargo test\n/// ```\n///\n/// Note.\n"
        );
    }

    #[test]
    fn hostile_characters_are_escaped() {
        assert_eq!(
            comment(0, "a\u{202e}b\rc\u{2028}d", &[]),
            "/// a\\u{202e}b\\u{d}c\\u{2028}d\n"
        );
    }
}
