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
        let mut out = String::new();
        self.write_flat(&mut out);
        out
    }

    fn write_flat(&self, out: &mut String) {
        match self {
            Doc::Atom(s) | Doc::Rest(s) => out.push_str(s),
            Doc::Group {
                open,
                items,
                close,
                space,
            } => {
                let pad = if *space && !items.is_empty() { " " } else { "" };
                out.push_str(open);
                out.push_str(pad);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_flat(out);
                }
                out.push_str(pad);
                out.push_str(close);
            }
            Doc::Pair(prefix, d) => {
                out.push_str(prefix);
                d.write_flat(out);
            }
        }
    }

    /// The width of the document on one line when it is at most `budget`, else `None`,
    /// found without printing it and stopping as soon as the budget is spent (widths add up
    /// over concatenation: every style measures a line character by character).
    fn flat_width(&self, style: &Style, budget: usize) -> Option<usize> {
        let add = |used: usize, more: usize| used.checked_add(more).filter(|&w| w <= budget);
        match self {
            Doc::Atom(s) | Doc::Rest(s) => add(0, (style.width)(s)),
            Doc::Group {
                open,
                items,
                close,
                space,
            } => {
                let pad = if *space && !items.is_empty() { 2 } else { 0 };
                let commas = 2 * items.len().saturating_sub(1);
                let mut used = add((style.width)(open), (style.width)(close) + pad + commas)?;
                for item in items {
                    used = add(used, item.flat_width(style, budget - used)?)?;
                }
                Some(used)
            }
            Doc::Pair(prefix, d) => {
                let used = add(0, (style.width)(prefix))?;
                add(used, d.flat_width(style, budget - used)?)
            }
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
        let around = indent + (style.width)(lead) + (style.width)(tail);
        let fits = around <= style.limit && self.flat_width(style, style.limit - around).is_some();
        let pad = " ".repeat(indent);
        match self {
            Doc::Group {
                open, items, close, ..
            } if !fits && !items.is_empty() => {
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
            Doc::Pair(prefix, d) if !fits => {
                d.layout(indent, &format!("{lead}{prefix}"), tail, style, out);
            }
            _ => {
                let mut line = pad;
                line.push_str(lead);
                self.write_flat(&mut line);
                line.push_str(tail);
                out.push(line);
            }
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

    /// The layout as first written: print each candidate line, then measure it.
    fn reference(doc: &Doc, indent: usize, lead: &str, tail: &str, out: &mut Vec<String>) {
        let pad = " ".repeat(indent);
        let one = format!("{pad}{lead}{}{tail}", doc.flat());
        let long = (STYLE.width)(&one) > STYLE.limit;
        match doc {
            Doc::Group {
                open, items, close, ..
            } if long && !items.is_empty() => {
                out.push(format!("{pad}{lead}{open}"));
                for item in items {
                    let comma = if matches!(item, Doc::Rest(_)) {
                        ""
                    } else {
                        ","
                    };
                    reference(item, indent + STYLE.indent, "", comma, out);
                }
                out.push(format!("{pad}{close}{tail}"));
            }
            Doc::Pair(prefix, d) if long => {
                reference(d, indent, &format!("{lead}{prefix}"), tail, out)
            }
            _ => out.push(one),
        }
    }

    /// Documents of every shape, with atoms of many widths (some wider than the limit).
    fn sample(seed: &mut u64, depth: u32) -> Doc {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let r = (*seed >> 33) as usize;
        let atom = || Doc::Atom("x".repeat(r % 97));
        match (depth, r % 5) {
            (0, _) | (_, 0) => atom(),
            (_, 1) => Doc::Pair(
                format!("k{}=", "y".repeat(r % 13)),
                Box::new(sample(seed, depth - 1)),
            ),
            (_, 2) => Doc::Rest("..Default::default()".into()),
            (_, k) => {
                let items = (0..r % 6).map(|_| sample(seed, depth - 1)).collect();
                if k == 3 {
                    Doc::group("Foo(", items, ")")
                } else {
                    Doc::spaced("{", items, "}")
                }
            }
        }
    }

    #[test]
    fn layout_is_the_print_then_measure_layout() {
        let mut seed = 7;
        for _ in 0..2000 {
            let doc = sample(&mut seed, 5);
            for (indent, lead, tail) in [(0, "", ""), (8, "value = ", ","), (90, "", "")] {
                let (mut fast, mut slow) = (Vec::new(), Vec::new());
                doc.layout(indent, lead, tail, &STYLE, &mut fast);
                reference(&doc, indent, lead, tail, &mut slow);
                assert_eq!(fast, slow, "{doc:?}");
            }
        }
    }

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
