//! A small layout engine for the expressions generated tests print (constructor calls, list,
//! map and object literals), in the style of black, ruff and prettier: a bracketed group goes
//! on one line when it fits, else one element per line with a trailing comma, recursively.
//! A trailing comma keeps ruff and prettier from joining the lines again, so the output is
//! stable under the formatters.

/// An expression to lay out.
#[derive(Debug, Clone)]
pub enum Doc {
    /// Text that is never split.
    Atom(String),
    /// `open item, item close`, or one item per line.
    Group {
        /// The opening text, e.g. `Foo(` or `[`.
        open: String,
        /// The elements.
        items: Vec<Doc>,
        /// The closing text.
        close: String,
        /// On one line, a space inside the brackets (`{ a: 1 }`, as prettier prints objects).
        space: bool,
    },
    /// `prefix` then a document (`name=...`, `"key": ...`).
    Pair(String, Box<Doc>),
    /// A last item that takes no trailing comma (Rust's `..Default::default()`).
    Rest(String),
}

/// How lines are measured and indented.
pub struct Style {
    /// The line length limit.
    pub limit: usize,
    /// The display width of a line.
    pub width: fn(&str) -> usize,
    /// Spaces per indentation level.
    pub indent: usize,
}

impl Doc {
    /// A group with no spaces inside its brackets.
    pub fn group(open: impl Into<String>, items: Vec<Doc>, close: impl Into<String>) -> Doc {
        Doc::Group {
            open: open.into(),
            items,
            close: close.into(),
            space: false,
        }
    }

    /// A group printed `{ a, b }` on one line.
    pub fn spaced(open: impl Into<String>, items: Vec<Doc>, close: impl Into<String>) -> Doc {
        Doc::Group {
            open: open.into(),
            items,
            close: close.into(),
            space: true,
        }
    }

    /// The document on one line.
    pub fn flat(&self) -> String {
        match self {
            Doc::Atom(s) | Doc::Rest(s) => s.clone(),
            Doc::Group {
                open,
                items,
                close,
                space,
            } => {
                let inner: Vec<String> = items.iter().map(Doc::flat).collect();
                let pad = if *space && !items.is_empty() { " " } else { "" };
                format!("{open}{pad}{}{pad}{close}", inner.join(", "))
            }
            Doc::Pair(prefix, d) => format!("{prefix}{}", d.flat()),
        }
    }

    /// Lays the document out at `indent` spaces after `lead` and before `tail`, appending
    /// lines (without newlines) to `out`.
    pub fn layout(
        &self,
        indent: usize,
        lead: &str,
        tail: &str,
        style: &Style,
        out: &mut Vec<String>,
    ) {
        let pad = " ".repeat(indent);
        let one = format!("{pad}{lead}{}{tail}", self.flat());
        match self {
            Doc::Group {
                open, items, close, ..
            } if (style.width)(&one) > style.limit && !items.is_empty() => {
                out.push(format!("{pad}{lead}{open}"));
                for item in items {
                    let comma = if matches!(item, Doc::Rest(_)) {
                        ""
                    } else {
                        ","
                    };
                    item.layout(indent + style.indent, "", comma, style, out);
                }
                out.push(format!("{pad}{close}{tail}"));
            }
            Doc::Pair(prefix, d) if (style.width)(&one) > style.limit => {
                d.layout(indent, &format!("{lead}{prefix}"), tail, style, out);
            }
            _ => out.push(one),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE: Style = Style {
        limit: 88,
        width: |s| s.chars().count(),
        indent: 4,
    };

    #[test]
    fn layout_keeps_what_fits_and_explodes_the_rest() {
        let small = Doc::group(
            "A(",
            vec![Doc::Pair("x=".into(), Box::new(Doc::Atom("1".into())))],
            ")",
        );
        let mut out = Vec::new();
        small.layout(4, "", ",", &STYLE, &mut out);
        assert_eq!(out, vec!["    A(x=1),"]);
        let long = Doc::group(
            "A(",
            (0..12)
                .map(|i| Doc::Pair(format!("field_{i}="), Box::new(Doc::Atom(i.to_string()))))
                .collect(),
            ")",
        );
        let mut out = Vec::new();
        long.layout(0, "x = ", "", &STYLE, &mut out);
        assert_eq!(out.first().map(String::as_str), Some("x = A("));
        assert_eq!(out.get(1).map(String::as_str), Some("    field_0=0,"));
        assert_eq!(out.last().map(String::as_str), Some(")"));
        assert_eq!(
            Doc::spaced("{", vec![Doc::Atom("a: 1".into())], "}").flat(),
            "{ a: 1 }"
        );
        assert_eq!(Doc::spaced("{", vec![], "}").flat(), "{}");
    }
}
