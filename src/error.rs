//! Errors with locations: every error the engine reports says where the problem is
//! (a `.proto` `file:line:col`, a manifest line, or a path) and never panics.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in a source file, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// The file, as the user named it (relative to an include root for `.proto` files).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

impl Location {
    /// Computes the 1-based line and column of a byte offset in `text`.
    pub fn from_offset(file: impl Into<String>, text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = before[line_start..].chars().count() as u32 + 1;
        Location {
            file: file.into(),
            line,
            col,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// One problem found in the input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where, when known.
    pub location: Option<Location>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Extra lines (a source excerpt, a hint), printed under the message.
    pub detail: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at a location.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            location: Some(location),
            message: message.into(),
            detail: None,
        }
    }

    /// A diagnostic without a location.
    pub fn bare(message: impl Into<String>) -> Self {
        Diagnostic {
            location: None,
            message: message.into(),
            detail: None,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(f, "{loc}: error: {}", self.message)?,
            None => write!(f, "error: {}", self.message)?,
        }
        if let Some(detail) = &self.detail {
            write!(f, "\n{}", detail.trim_end())?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the engine.
///
/// `Debug` prints the same text as `Display`, so `fn main() -> Result<(), flyteplug::Error>`
/// in a build script shows the diagnostics rather than a struct dump.
#[derive(thiserror::Error)]
pub enum Error {
    /// One or more problems in the user's input (manifest, `.proto` files, names).
    #[error("{}", join(.0))]
    Input(Vec<Diagnostic>),
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template failed to render (a bug in a template or an override).
    #[error("template `{name}`: {message}")]
    Template {
        /// The template's name, e.g. `python/models.py`.
        name: String,
        /// What went wrong.
        message: String,
    },
}

fn join(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// Shows the source line of each located input diagnostic under it, with a caret at the
    /// column (`file.proto:line:col` with the offending text): for a diagnostic with no detail
    /// yet, or only a help line. The file is read below the first of `roots` (the include
    /// roots) that has it, else as named (the manifest); a file that cannot be read gets no
    /// excerpt.
    pub fn with_excerpts(self, roots: &[PathBuf]) -> Error {
        let Error::Input(mut diags) = self else {
            return self;
        };
        for d in &mut diags {
            let wants = d.detail.as_deref().is_none_or(|t| t.starts_with("  = "));
            if let (true, Some(location)) = (wants, &d.location)
                && let Some(excerpt) = excerpt(location, roots)
            {
                d.detail = Some(match d.detail.take() {
                    Some(help) => format!("{excerpt}\n{help}"),
                    None => excerpt,
                });
            }
        }
        Error::Input(diags)
    }

    /// An input error at a location.
    pub fn at(location: Location, message: impl Into<String>) -> Self {
        Error::Input(vec![Diagnostic::at(location, message)])
    }

    /// An input error without a location.
    pub fn msg(message: impl Into<String>) -> Self {
        Error::Input(vec![Diagnostic::bare(message)])
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The line of `location` with a caret under its column, framed as rustc and miette do:
/// `  |` above, `N | text`, then `  |` and the caret.
fn excerpt(location: &Location, roots: &[PathBuf]) -> Option<String> {
    let path = roots
        .iter()
        .map(|root| root.join(&location.file))
        .chain(std::iter::once(PathBuf::from(&location.file)))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().nth((location.line as usize).checked_sub(1)?)?;
    let line = line.replace('\t', " ");
    let number = location.line.to_string();
    let pad = " ".repeat(number.len());
    let before = line
        .chars()
        .take((location.col as usize).saturating_sub(1))
        .count();
    Some(format!(
        "{pad} |\n{number} | {line}\n{pad} | {}^",
        " ".repeat(before)
    ))
}
