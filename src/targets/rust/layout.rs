//! The few line shapes whose layout depends on name lengths, laid out the way rustfmt (default
//! settings: `max_width = 100`, `fn_call_width = 60`, `array_width = 60`) lays them out, so
//! that generated code passes `cargo fmt --check` as printed.

/// rustfmt's `max_width`.
pub const MAX_WIDTH: usize = 100;
/// rustfmt's `fn_call_width` (also used for tuples).
pub const FN_CALL_WIDTH: usize = 60;
/// rustfmt's `array_width`.
pub const ARRAY_WIDTH: usize = 60;

fn width(s: &str) -> usize {
    s.chars().count()
}

fn pad(indent: usize) -> String {
    " ".repeat(indent)
}

/// A Rust string literal for `s`.
pub fn string_literal(s: &str) -> String {
    format!("{s:?}")
}

/// A call statement or expression: `{callee}({args}){suffix}` on one line when it fits,
/// else one argument per line. Ends with a newline.
pub fn call(indent: usize, callee: &str, args: &[String], suffix: &str) -> String {
    let joined = args.join(", ");
    let one = format!("{}{callee}({joined}){suffix}", pad(indent));
    if width(&joined) <= FN_CALL_WIDTH && width(&one) <= MAX_WIDTH {
        return one + "\n";
    }
    let mut out = format!("{}{callee}(\n", pad(indent));
    for arg in args {
        out.push_str(&format!("{}{arg},\n", pad(indent + 4)));
    }
    out.push_str(&format!("{}){suffix}\n", pad(indent)));
    out
}

/// A function signature `{head}({params}){tail}`: one line when it fits, else one parameter
/// per line. Ends with a newline.
pub fn signature(indent: usize, head: &str, params: &[String], tail: &str) -> String {
    let one = format!("{}{head}({}){tail}", pad(indent), params.join(", "));
    if width(&one) <= MAX_WIDTH {
        return one + "\n";
    }
    let mut out = format!("{}{head}(\n", pad(indent));
    for param in params {
        out.push_str(&format!("{}{param},\n", pad(indent + 4)));
    }
    out.push_str(&format!("{}){tail}\n", pad(indent)));
    out
}

/// A match arm `{pattern} => {body},`, or the body in a block when the line is too long.
/// Ends with a newline.
pub fn arm(indent: usize, pattern: &str, body: &str) -> String {
    let one = format!("{}{pattern} => {body},", pad(indent));
    if width(&one) <= MAX_WIDTH {
        return one + "\n";
    }
    format!(
        "{p}{pattern} => {{\n{p4}{body}\n{p}}}\n",
        p = pad(indent),
        p4 = pad(indent + 4)
    )
}

/// A match arm whose body is `{function}::<{ty}>(input, strict)`, laid out as rustfmt does:
/// on one line; else the body alone in a block; else, when even that is too wide, with the
/// generic argument broken out. Ends with a newline.
pub fn turbofish_arm(indent: usize, pattern: &str, function: &str, ty: &str) -> String {
    let body = format!("{function}::<{ty}>(input, strict)");
    if width(&format!("{}{body}", pad(indent + 4))) <= MAX_WIDTH {
        return arm(indent, pattern, &body);
    }
    format!(
        "{p}{pattern} => {function}::<\n{p4}{ty},\n{p}>(input, strict),\n",
        p = pad(indent),
        p4 = pad(indent + 4)
    )
}

/// `{lhs} = {rhs};` (a `const` item), breaking after `=` when too long. Ends with a newline.
pub fn assign(indent: usize, lhs: &str, rhs: &str) -> String {
    let one = format!("{}{lhs} = {rhs};", pad(indent));
    if width(&one) <= MAX_WIDTH {
        return one + "\n";
    }
    format!("{}{lhs} =\n{}{rhs};\n", pad(indent), pad(indent + 4))
}

/// A tuple expression of string literals, laid out at `indent` (its first line already
/// started by the caller's text of width `lead`), followed by `suffix`.
fn tuple(indent: usize, lead: usize, items: &[String], suffix: &str) -> String {
    let joined = items.join(", ");
    if width(&joined) <= FN_CALL_WIDTH && lead + width(&joined) + 2 + width(suffix) <= MAX_WIDTH {
        return format!("({joined}){suffix}");
    }
    let mut out = String::from("(\n");
    for item in items {
        out.push_str(&format!("{}{item},\n", pad(indent + 4)));
    }
    out.push_str(&format!("{}){suffix}", pad(indent)));
    out
}

/// `{lhs} = &[(a, b), ...];`: the array on one line when it fits, its only element
/// overflowing when there is one, else one element per line. Ends with a newline.
pub fn pair_array(indent: usize, lhs: &str, pairs: &[(String, String)]) -> String {
    let head = format!("{}{lhs} = &[", pad(indent));
    let items: Vec<Vec<String>> = pairs
        .iter()
        .map(|(a, b)| vec![a.clone(), b.clone()])
        .collect();
    let flat: Vec<String> = items
        .iter()
        .map(|i| format!("({})", i.join(", ")))
        .collect();
    let joined = flat.join(", ");
    if width(&joined) <= ARRAY_WIDTH && width(&head) + width(&joined) + 2 <= MAX_WIDTH {
        return format!("{head}{joined}];\n");
    }
    if let [only] = items.as_slice() {
        return format!("{head}{}\n", tuple(indent, width(&head), only, "];"));
    }
    let mut out = format!("{head}\n");
    for item in &items {
        let lead = indent + 4;
        out.push_str(&pad(lead));
        out.push_str(&tuple(lead, lead, item, ","));
        out.push('\n');
    }
    out.push_str(&format!("{}];\n", pad(indent)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_calls_stay_on_one_line() {
        assert_eq!(
            call(8, "w.implicit", &["\"a\"".into(), "&self.a".into()], "?;"),
            "        w.implicit(\"a\", &self.a)?;\n"
        );
    }

    #[test]
    fn wide_arguments_go_vertical() {
        let args = vec![
            format!("\"{}\"", "a".repeat(40)),
            format!("&self.{}", "b".repeat(20)),
        ];
        assert_eq!(
            call(8, "w.implicit", &args, "?;"),
            format!(
                "        w.implicit(\n            \"{}\",\n            &self.{},\n        )?;\n",
                "a".repeat(40),
                "b".repeat(20)
            )
        );
    }

    #[test]
    fn long_arms_get_a_block() {
        assert_eq!(arm(12, "0", "Self::A"), "            0 => Self::A,\n");
        let body = format!("Some(Self::{})", "A".repeat(90));
        assert_eq!(
            arm(12, "0", &body),
            format!("            0 => {{\n                {body}\n            }}\n")
        );
    }
}
