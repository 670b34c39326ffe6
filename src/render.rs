//! Handlebars rendering. Templates only print: view-models built in Rust carry every decision.
//!
//! Built-in templates are embedded from `templates/<target>/NAME.hbs`; a manifest's
//! `output.templates` folder overrides any of them by the same relative name. Templates are
//! parsed on first use, so a run pays only for the targets it generates.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::RwLock;

use handlebars::Handlebars;
use serde::Serialize;

use crate::error::{Error, Result};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// A template registry.
pub struct Renderer {
    /// Template text by name: the built-ins, with overrides applied.
    sources: BTreeMap<String, String>,
    /// Parsed templates, filled on first use; shared by the targets' threads.
    registry: RwLock<Handlebars<'static>>,
}

impl Renderer {
    /// The built-in templates, with the `.hbs` files under `overrides` (if any) replacing
    /// built-in templates of the same name.
    pub fn new(overrides: Option<&Path>) -> Result<Renderer> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        let mut sources: BTreeMap<String, String> = builtin::BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        if let Some(dir) = overrides {
            if !dir.is_dir() {
                return Err(Error::msg(format!(
                    "template override folder `{}` does not exist",
                    dir.display()
                )));
            }
            for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
                let entry =
                    entry.map_err(|e| Error::msg(format!("reading `{}`: {e}", dir.display())))?;
                let rel = entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let Some(name) = rel.strip_suffix(".hbs") else {
                    continue;
                };
                if !sources.contains_key(name) {
                    return Err(Error::msg(format!(
                        "template override `{}` does not match a built-in template (see `flyteplug templates`)",
                        entry.path().display()
                    )));
                }
                let text = std::fs::read_to_string(entry.path())
                    .map_err(|e| Error::io(entry.path(), e))?;
                // Parse overrides now, so a broken one is reported with its own path.
                registry
                    .register_template_string(name, &text)
                    .map_err(|e| Error::Template {
                        name: entry.path().display().to_string(),
                        message: e.to_string(),
                    })?;
                sources.insert(name.to_string(), text);
            }
        }
        Ok(Renderer {
            sources,
            registry: RwLock::new(registry),
        })
    }

    /// Renders template `name` with `data`.
    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String> {
        let err = |message: String| Error::Template {
            name: name.to_string(),
            message,
        };
        let source = self
            .sources
            .get(name)
            .ok_or_else(|| err("no such template".into()))?;
        if !source.contains("{{") {
            // Nothing to substitute: the text is the output.
            return Ok(source.clone());
        }
        if let Some(out) = substitute(source, data) {
            return Ok(out);
        }
        // Parsed outside the lock, so that the targets' threads parse their templates at the
        // same time (as `register_template_string` would: no indent prevention, not a
        // partial); a thread that loses the race drops its copy. A panic while the lock was
        // held leaves the registry usable: registering either happened or did not.
        let parsed = |registry: &Handlebars<'static>| registry.has_template(name);
        if !parsed(&self.registry.read().unwrap_or_else(|e| e.into_inner())) {
            let template = handlebars::Template::compile_with_name(source, name.to_string())
                .map_err(|e| err(e.to_string()))?;
            let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
            if !parsed(&registry) {
                registry.register_template(name, template);
            }
        }
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        registry.render(name, data).map_err(|e| err(e.to_string()))
    }

    /// The built-in templates: (name, text), sorted by name.
    pub fn builtin() -> &'static [(&'static str, &'static str)] {
        builtin::BUILTIN
    }
}

/// The output of a template whose only tags are plain `{{name}}` variables (the runtime files:
/// large, with only the header to fill in), by substitution, as handlebars with no escaping
/// prints them; `None` for any other template, or when a variable is not a top-level string
/// of `data` (handlebars then renders it, or reports the error). Parsing such a template with
/// handlebars cost a quarter of a run.
fn substitute<T: Serialize>(source: &str, data: &T) -> Option<String> {
    let mut pieces: Vec<(&str, &str)> = Vec::new(); // (literal before, variable)
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        let name = &after[..end];
        let plain = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !matches!(name, "else" | "this");
        if !plain || rest[..start].ends_with('\\') {
            return None;
        }
        pieces.push((&rest[..start], name));
        rest = &after[end + 2..];
    }
    let value = serde_json::to_value(data).ok()?;
    let mut out = String::with_capacity(source.len());
    for (literal, name) in pieces {
        out.push_str(literal);
        out.push_str(value.get(name)?.as_str()?);
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The substitution path prints what handlebars prints, for every built-in template it
    /// takes, and leaves every other template to handlebars.
    #[test]
    fn substitution_agrees_with_handlebars() {
        #[derive(Serialize)]
        struct Vars {
            header: String,
            package: String,
        }
        let vars = Vars {
            header: "// a header with {{braces}} and \\ and <html>\n".into(),
            package: "pkg".into(),
        };
        let mut taken = 0;
        for (name, text) in Renderer::builtin() {
            let Some(fast) = substitute(text, &vars) else {
                continue;
            };
            taken += 1;
            let mut h = Handlebars::new();
            h.set_strict_mode(true);
            h.register_escape_fn(handlebars::no_escape);
            h.register_template_string(name, *text).unwrap();
            assert_eq!(fast, h.render(name, &vars).unwrap(), "{name}");
        }
        assert!(
            taken >= 4,
            "the runtime templates take the substitution path"
        );
        assert_eq!(substitute("{{#if x}}a{{/if}}", &vars), None);
        assert_eq!(substitute("{{missing}}", &vars), None);
        assert_eq!(substitute("\\{{header}}", &vars), None);
    }

    #[test]
    fn every_builtin_template_parses() {
        for (name, text) in Renderer::builtin() {
            let mut h = Handlebars::new();
            h.set_strict_mode(true);
            if let Err(e) = h.register_template_string(name, *text) {
                panic!("built-in template {name} does not parse: {e}");
            }
        }
    }
}
