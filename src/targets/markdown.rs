//! Markdown shared by the generated package READMEs: text from the `.proto` made inert (no
//! HTML, no headings, lists or table breaks), code spans, and the proto spelling of a field's
//! type.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::ir::{Enum, EnumValue, Field, FieldType, JsonKind, Label, LangNames, Message, Plugin};
use crate::manifest::Backend;
use crate::targets::GENERATED_MARKER;

/// Escapes `<`, `>` and `&`, so that no text is read as HTML (or a comment).
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Doc text as Markdown paragraphs: lines keep their breaks, but lose their indentation and
/// any leading character that would start a heading, quote, list, fence, rule or table.
pub fn md_text(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.trim().lines() {
        let line = html(line.trim());
        let mut out = String::with_capacity(line.len() + 1);
        let first = line.chars().next();
        if matches!(
            first,
            Some('#' | '-' | '+' | '*' | '=' | '|' | '~' | '`' | '_' | ':')
        ) {
            out.push('\\');
            out.push_str(&line);
        } else {
            let digits = line.chars().take_while(|c| c.is_ascii_digit()).count();
            let next = line.chars().nth(digits);
            if digits > 0 && matches!(next, Some('.' | ')')) {
                out.push_str(&line[..digits]);
                out.push('\\');
                out.push_str(&line[digits..]);
            } else {
                out.push_str(&line);
            }
        }
        lines.push(out);
    }
    lines.join("\n")
}

/// Doc text as one table cell: one line, pipes escaped, no HTML.
pub fn md_cell(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    html(&words.join(" ")).replace('|', "\\|")
}

/// A code span that holds `text` whatever backticks it contains; `in_table` escapes pipes
/// (GitHub's tables read `\|` as a pipe, even in code spans).
pub fn code_span(text: &str, in_table: bool) -> String {
    // Most spans are plain names: nothing to replace, one backtick each side.
    if !text.is_empty() && !text.contains(|c: char| c == '`' || c == '|' || c.is_control()) {
        return format!("`{text}`");
    }
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    let body = if in_table {
        text.replace('|', "\\|")
    } else {
        text
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// The proto type of a field, as the `.proto` would spell it.
pub fn proto_type(f: &Field) -> String {
    let value = |ty: &FieldType| match ty {
        FieldType::Scalar { scalar } => scalar.proto_name().to_string(),
        FieldType::Enum { full_name, .. } | FieldType::Message { full_name, .. } => {
            full_name.clone()
        }
        FieldType::WellKnown { wkt } => wkt.full_name(),
    };
    match &f.label {
        Label::Map { key } => format!("map<{}, {}>", key.proto_name(), value(&f.ty)),
        Label::Repeated => format!("repeated {}", value(&f.ty)),
        Label::Singular => {
            let scalar_like = matches!(f.ty, FieldType::Scalar { .. } | FieldType::Enum { .. });
            if f.explicit_presence && f.oneof.is_none() && scalar_like {
                format!("optional {}", value(&f.ty))
            } else {
                value(&f.ty)
            }
        }
    }
}

/// An enum's values in declaration order, each with the first declared value of its number
/// (itself, unless it is an alias).
pub fn declared(e: &Enum) -> Vec<(&EnumValue, &EnumValue)> {
    let mut values: Vec<&EnumValue> = e.values.iter().collect();
    values.sort_by_key(|v| (v.location.line, v.location.col));
    let mut firsts: Vec<&EnumValue> = Vec::new();
    let mut seen = BTreeSet::new();
    for v in &values {
        if seen.insert(v.number) {
            firsts.push(v);
        }
    }
    values
        .into_iter()
        .map(|v| {
            let first = firsts
                .iter()
                .find(|f| f.number == v.number)
                .copied()
                .unwrap_or(v);
            (v, first)
        })
        .collect()
}

/// The backend kind in words, after "the ... Flyte plugin,".
pub fn backend_phrase(backend: Backend) -> &'static str {
    match backend {
        Backend::K8s => "a Kubernetes operator plugin",
        Backend::Core => "a core plugin",
        Backend::WebapiAsync => "an asynchronous web API (connector) plugin",
        Backend::WebapiSync => "a synchronous web API (connector) plugin",
    }
}

/// The kind of example value a README's usage example gives a config field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Example {
    /// The string `example`.
    String,
    /// `true`.
    Bool,
    /// `1.5`.
    Float,
    /// `1` (a 32-bit integer).
    Int,
    /// `1` (a 64-bit integer).
    Int64,
}

/// The fields a README's usage example sets on the config: up to two singular,
/// implicit-presence, non-deprecated scalar fields (not bytes), with the kind of their
/// example value.
pub fn example_fields(plugin: &Plugin) -> Vec<(&Field, Example)> {
    plugin
        .custom_message()
        .fields
        .iter()
        .filter(|f| f.label == Label::Singular && !f.explicit_presence && !f.deprecated)
        .filter_map(|f| {
            let FieldType::Scalar { scalar } = &f.ty else {
                return None;
            };
            let example = match scalar.json_kind() {
                JsonKind::String => Example::String,
                JsonKind::Bool => Example::Bool,
                JsonKind::F32 | JsonKind::F64 => Example::Float,
                JsonKind::Bytes => return None,
                JsonKind::I64 | JsonKind::U64 => Example::Int64,
                JsonKind::I32 | JsonKind::U32 => Example::Int,
            };
            Some((f, example))
        })
        .take(2)
        .collect()
}

/// A README's header: the generated-file header (comment lines starting with `prefix`) as an
/// HTML comment.
pub fn header_comment(header: &str, prefix: &str) -> String {
    let strip = format!("{prefix} ");
    let lines: Vec<String> = header
        .lines()
        .map(|l| {
            l.strip_prefix(strip.as_str())
                .unwrap_or(l)
                .replace("--", "- -")
        })
        .collect();
    debug_assert!(lines.first().is_some_and(|l| l == GENERATED_MARKER));
    format!("<!--\n{}\n-->\n", lines.join("\n"))
}

/// One message or enum of a config reference: a heading, a paragraph about it, table rows.
#[derive(Debug, Serialize)]
pub struct RefVm {
    /// The type name, as a code span (the heading).
    pub name: String,
    /// Full proto name, deprecation, docs, oneofs (escaped Markdown).
    pub about: String,
    /// Table rows.
    pub rows: Vec<String>,
}

/// A message of the config reference, with the names of one language (`pick`) and, per
/// field, that language's type and default (`type_default`). Rows: name, JSON name, type,
/// proto type, default, description.
pub fn message_ref(
    m: &Message,
    pick: fn(&LangNames) -> &String,
    type_default: impl Fn(&Field) -> (String, String),
) -> RefVm {
    let mut about = vec![format!("Message {}.", code_span(&m.full_name, false))];
    if m.deprecated {
        about[0].push_str(" **Deprecated.**");
    }
    if !m.doc.trim().is_empty() {
        about.push(md_text(&m.doc));
    }
    for o in &m.oneofs {
        let members: Vec<String> = o
            .fields
            .iter()
            .filter_map(|&i| m.fields.get(i))
            .map(|f| code_span(pick(&f.names), false))
            .collect();
        let mut text = format!(
            "Oneof {}: at most one of {} is set.",
            code_span(&o.proto_name, false),
            members.join(", ")
        );
        if !o.doc.trim().is_empty() {
            text = format!("{text} {}", md_cell(&o.doc));
        }
        about.push(text);
    }
    let rows = m
        .fields
        .iter()
        .map(|f| {
            let (ty, default) = type_default(f);
            let mut notes = Vec::new();
            if f.deprecated {
                notes.push("**Deprecated.**".to_string());
            }
            if !f.doc.trim().is_empty() {
                notes.push(md_cell(&f.doc));
            }
            if let Some(o) = f.oneof.and_then(|i| m.oneofs.get(i)) {
                notes.push(format!("Oneof {}.", code_span(&o.proto_name, true)));
            }
            format!(
                "| {} | {} | {} | {} | {} | {} |",
                code_span(pick(&f.names), true),
                code_span(&f.json_name, true),
                code_span(&ty, true),
                code_span(&proto_type(f), true),
                code_span(&default, true),
                notes.join(" ")
            )
        })
        .collect();
    RefVm {
        name: code_span(pick(&m.names), false),
        about: about.join("\n\n"),
        rows,
    }
}

/// An enum of the config reference, with the names of one language (`pick`); `kind` says
/// what the language makes of it (a sentence after `Enum <name>: `). Rows: name, JSON name,
/// number, description.
pub fn enum_ref(e: &Enum, pick: fn(&LangNames) -> &String, kind: &str) -> RefVm {
    let mut about = vec![format!("Enum {}: {kind}", code_span(&e.full_name, false))];
    if e.deprecated {
        about[0].push_str(" **Deprecated.**");
    }
    if !e.doc.trim().is_empty() {
        about.push(md_text(&e.doc));
    }
    let rows = declared(e)
        .into_iter()
        .map(|(v, first)| {
            let mut notes = Vec::new();
            if v.deprecated {
                notes.push("**Deprecated.**".to_string());
            }
            if !v.doc.trim().is_empty() {
                notes.push(md_cell(&v.doc));
            }
            if !std::ptr::eq(v, first) {
                notes.push(format!("Alias of {}.", code_span(pick(&first.names), true)));
            }
            format!(
                "| {} | {} | {} | {} |",
                code_span(pick(&v.names), true),
                code_span(&v.proto_name, true),
                v.number,
                notes.join(" ")
            )
        })
        .collect();
    RefVm {
        name: code_span(pick(&e.names), false),
        about: about.join("\n\n"),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_break_the_markdown() {
        assert_eq!(md_cell("a | b\n<!-- c -->"), "a \\| b &lt;!-- c --&gt;");
        assert_eq!(
            md_text("# not a heading\n  - not a list\n1. no"),
            "\\# not a heading\n\\- not a list\n1\\. no"
        );
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`x", false), "`` `x ``");
        assert_eq!(code_span("a|b", true), "`a\\|b`");
    }
}
