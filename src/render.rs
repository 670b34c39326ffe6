//! Handlebars rendering. Templates only print: view-models built in Rust carry every decision.
//!
//! Built-in templates are embedded from `templates/<target>/NAME.hbs`; a manifest's
//! `output.templates` folder overrides any of them by the same relative name. Templates are
//! parsed on first use, so a run pays only for the targets it generates.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::Path;

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
    /// Parsed templates, filled on first use.
    registry: RefCell<Handlebars<'static>>,
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
            registry: RefCell::new(registry),
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
        let mut registry = self.registry.borrow_mut();
        if !registry.has_template(name) {
            registry
                .register_template_string(name, source)
                .map_err(|e| err(e.to_string()))?;
        }
        registry.render(name, data).map_err(|e| err(e.to_string()))
    }

    /// The built-in templates: (name, text), sorted by name.
    pub fn builtin() -> &'static [(&'static str, &'static str)] {
        builtin::BUILTIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
