//! Handlebars rendering. Templates only print: view-models built in Rust carry every decision.
//!
//! Built-in templates are embedded from `templates/<target>/NAME.hbs`; a manifest's
//! `output.templates` folder overrides any of them by the same relative name.

use std::path::Path;

use handlebars::Handlebars;
use serde::Serialize;

use crate::error::{Error, Result};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/templates.rs"));
}

/// A template registry.
pub struct Renderer {
    registry: Handlebars<'static>,
}

impl Renderer {
    /// The built-in templates, with the `.hbs` files under `overrides` (if any) replacing
    /// built-in templates of the same name.
    pub fn new(overrides: Option<&Path>) -> Result<Renderer> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        for (name, text) in builtin::BUILTIN {
            registry
                .register_template_string(name, *text)
                .map_err(|e| Error::Template {
                    name: name.to_string(),
                    message: e.to_string(),
                })?;
        }
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
                if !registry.has_template(name) {
                    return Err(Error::msg(format!(
                        "template override `{}` does not match a built-in template (see `flyteplug templates`)",
                        entry.path().display()
                    )));
                }
                let text = std::fs::read_to_string(entry.path())
                    .map_err(|e| Error::io(entry.path(), e))?;
                registry
                    .register_template_string(name, text)
                    .map_err(|e| Error::Template {
                        name: entry.path().display().to_string(),
                        message: e.to_string(),
                    })?;
            }
        }
        Ok(Renderer { registry })
    }

    /// Renders template `name` with `data`.
    pub fn render<T: Serialize>(&self, name: &str, data: &T) -> Result<String> {
        self.registry
            .render(name, data)
            .map_err(|e| Error::Template {
                name: name.to_string(),
                message: e.to_string(),
            })
    }

    /// The built-in templates: (name, text), sorted by name.
    pub fn builtin() -> &'static [(&'static str, &'static str)] {
        builtin::BUILTIN
    }
}
