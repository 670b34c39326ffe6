//! Writing output safely: write-if-changed, atomic replace, a lock file of what was generated,
//! deletion of stale generated files only, and the read-only `check`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::parallel::parallel_map;
use crate::targets::{GENERATED_MARKER, OutFile, Ownership};

/// The lock file's name, in the output root.
pub const LOCK_FILE: &str = "flyteplug.lock";

/// Everything one run wants on disk below `root`.
#[derive(Debug)]
pub struct Plan {
    /// The output root.
    pub root: PathBuf,
    /// The folder no output may leave (the manifest's folder), canonical when it exists.
    pub fence: PathBuf,
    /// Files sorted by path, paths unique.
    pub files: Vec<OutFile>,
}

/// What `generate` did to one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A generated file was written for the first time.
    Created,
    /// A generated file's content changed.
    Updated,
    /// A scaffold file was missing and was written.
    ScaffoldCreated,
    /// A stale generated file was deleted.
    Deleted,
    /// A stale generated file was kept because it was edited by hand since it was generated.
    KeptEdited,
}

/// One problem `check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// A generated file is missing; carries a unified diff that creates it.
    Missing(String, String),
    /// A generated file differs from what the IDL now generates; carries a unified diff.
    Outdated(String, String),
    /// A generated file was changed by hand since it was generated; carries a unified diff.
    HandEdited(String, String),
    /// A file generated before would be deleted by `generate` now; carries a unified diff
    /// that deletes it.
    Stale(String, String),
    /// A scaffold file is missing (`generate` would create it).
    ScaffoldMissing(String),
    /// The lock file is missing or out of date.
    Lock,
}

impl Drift {
    /// The path concerned.
    pub fn path(&self) -> &str {
        match self {
            Drift::Missing(p, _)
            | Drift::Outdated(p, _)
            | Drift::HandEdited(p, _)
            | Drift::Stale(p, _)
            | Drift::ScaffoldMissing(p) => p,
            Drift::Lock => LOCK_FILE,
        }
    }
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Missing(p, d) => write!(f, "missing: {p}\n{d}"),
            Drift::Outdated(p, d) => write!(f, "out of date: {p}\n{d}"),
            Drift::HandEdited(p, d) => write!(f, "edited by hand: {p}\n{d}"),
            Drift::Stale(p, d) => write!(f, "stale (no longer generated): {p}\n{d}"),
            Drift::ScaffoldMissing(p) => write!(f, "missing scaffold file: {p}"),
            Drift::Lock => write!(f, "lock file out of date: {LOCK_FILE}"),
        }
    }
}

impl Plan {
    /// Validates paths (relative, no `..`, unique, not the lock) and sorts them.
    pub fn new(root: PathBuf, fence: PathBuf, mut files: Vec<OutFile>) -> Result<Plan> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        for pair in files.windows(2) {
            if pair[0].path == pair[1].path {
                return Err(Error::msg(format!(
                    "two generated files share the path `{}` (a bug in a target)",
                    pair[0].path
                )));
            }
        }
        for f in &files {
            validate_rel_path(&f.path)?;
            if f.path == LOCK_FILE {
                return Err(Error::msg(format!(
                    "`{LOCK_FILE}` is reserved for the lock file"
                )));
            }
        }
        let fence = fence.canonicalize().unwrap_or(fence);
        Ok(Plan { root, fence, files })
    }

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn new_lock(&self) -> String {
        let generated: Vec<&OutFile> = self
            .files
            .iter()
            .filter(|f| f.ownership == Ownership::Generated)
            .collect();
        // Files that share their text (a plugin's vectors and its copies) are hashed once.
        let distinct: BTreeMap<*const String, &str> = generated
            .iter()
            .map(|f| (Arc::as_ptr(&f.contents), f.contents.as_str()))
            .collect();
        let texts: Vec<&str> = distinct.values().copied().collect();
        let hashes: BTreeMap<*const String, String> = distinct
            .keys()
            .copied()
            .zip(parallel_map(&texts, |t| sha256_hex(t.as_bytes())))
            .collect();
        let entries: BTreeMap<&str, String> = generated
            .iter()
            .map(|f| (f.path.as_str(), hashes[&Arc::as_ptr(&f.contents)].clone()))
            .collect();
        render_lock(&entries)
    }

    /// Refuses output that would leave the fence through a symlink.
    fn check_fence(&self, path: &Path) -> Result<()> {
        self.check_fence_once(path, &mut BTreeSet::new())
    }

    /// [`Plan::check_fence`], skipping folders already found inside the fence (`inside`):
    /// for a file that does not exist yet, what decides is the nearest folder that does, and
    /// many files share it.
    fn check_fence_once(&self, path: &Path, inside: &mut BTreeSet<PathBuf>) -> Result<()> {
        let mut existing = path.to_path_buf();
        while !existing.exists() {
            if !existing.pop() {
                return Ok(());
            }
        }
        if existing != path && inside.contains(&existing) {
            return Ok(());
        }
        let real = existing
            .canonicalize()
            .map_err(|e| Error::io(&existing, e))?;
        if !real.starts_with(&self.fence) {
            return Err(Error::msg(format!(
                "refusing to write `{}`: it resolves to `{}`, outside the project folder `{}` (a symlink?)",
                path.display(),
                real.display(),
                self.fence.display()
            )));
        }
        if existing != path {
            inside.insert(existing);
        }
        Ok(())
    }

    /// Writes the plan: generated files when their bytes change, scaffold files when absent,
    /// deletes stale files listed in the previous lock, then writes the lock. Everything is
    /// checked before the first write, so a refused run changes nothing.
    pub fn apply(&self) -> Result<Vec<(Action, String)>> {
        let old_lock = read_lock(&self.root)?;
        self.check_fence(&self.root)?;
        let mut writes: Vec<&OutFile> = Vec::new();
        let mut actions = Vec::new();
        let mut inside = BTreeSet::new();
        for f in &self.files {
            let path = self.abs(&f.path);
            self.check_fence_once(&path, &mut inside)?;
            match (f.ownership, read_existing(&path)?) {
                (Ownership::Scaffold, Some(_)) => {}
                (Ownership::Scaffold, None) => {
                    writes.push(f);
                    actions.push((Action::ScaffoldCreated, f.path.clone()));
                }
                (Ownership::Generated, None) => {
                    writes.push(f);
                    actions.push((Action::Created, f.path.clone()));
                }
                (Ownership::Generated, Some(old)) => {
                    if old == f.contents.as_bytes() {
                        continue;
                    }
                    let ours = old_lock.contains_key(&f.path) || has_marker(&old);
                    if !ours {
                        return Err(Error::msg(format!(
                            "refusing to overwrite `{}`: it exists, is not listed in `{LOCK_FILE}` and has no flyteplug header, so it is not a file flyteplug generated; move it away and run again",
                            path.display()
                        )));
                    }
                    writes.push(f);
                    actions.push((Action::Updated, f.path.clone()));
                }
            }
        }
        let planned: BTreeMap<&str, ()> =
            self.files.iter().map(|f| (f.path.as_str(), ())).collect();
        let mut deletes = Vec::new();
        for (rel, hash) in &old_lock {
            if planned.contains_key(rel.as_str()) {
                continue;
            }
            validate_rel_path(rel)?;
            let path = self.abs(rel);
            match read_existing(&path)? {
                None => {}
                Some(bytes) if &sha256_hex(&bytes) == hash => {
                    self.check_fence(&path)?;
                    deletes.push(path);
                    actions.push((Action::Deleted, rel.clone()));
                }
                Some(_) => actions.push((Action::KeptEdited, rel.clone())),
            }
        }
        // Folders first, each once, so that a folder that cannot be made fails the run before
        // any file is written. Files are then written below the absolute root (a relative
        // path costs the temporary file a working-folder lookup each).
        let root = std::path::absolute(&self.root).map_err(|e| Error::io(&self.root, e))?;
        let dirs: BTreeSet<PathBuf> = writes
            .iter()
            .map(|f| root.join(&f.path).parent().unwrap_or(&root).to_path_buf())
            .collect();
        for dir in &dirs {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        // Independent files: written on several threads; the first error in path order is
        // reported (every file is whole, old or new, whatever fails).
        parallel_map(&writes, |f| {
            write_in_folder(&root.join(&f.path), f.contents.as_bytes())
        })
        .into_iter()
        .collect::<Result<()>>()?;
        for path in &deletes {
            fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            remove_empty_parents(path, &self.root);
        }
        let lock = self.new_lock();
        let lock_path = self.root.join(LOCK_FILE);
        if read_existing(&lock_path)?.as_deref() != Some(lock.as_bytes()) {
            write_atomic(&lock_path, lock.as_bytes())?;
        }
        Ok(actions)
    }

    /// Compares the plan with the disk without writing anything.
    pub fn check(&self) -> Result<Vec<Drift>> {
        let old_lock = read_lock(&self.root)?;
        let mut drift = Vec::new();
        for f in &self.files {
            let path = self.abs(&f.path);
            let existing = read_existing(&path)?;
            match (f.ownership, existing) {
                (Ownership::Scaffold, None) => drift.push(Drift::ScaffoldMissing(f.path.clone())),
                (Ownership::Scaffold, Some(_)) => {}
                (Ownership::Generated, None) => drift.push(Drift::Missing(
                    f.path.clone(),
                    unified_diff(None, Some((&f.path, &f.contents))),
                )),
                (Ownership::Generated, Some(old)) if old == f.contents.as_bytes() => {}
                (Ownership::Generated, Some(old)) => {
                    let old_text = String::from_utf8_lossy(&old);
                    let diff =
                        unified_diff(Some((&f.path, &old_text)), Some((&f.path, &f.contents)));
                    let edited = old_lock.get(&f.path).is_none_or(|h| *h != sha256_hex(&old));
                    drift.push(if edited {
                        Drift::HandEdited(f.path.clone(), diff)
                    } else {
                        Drift::Outdated(f.path.clone(), diff)
                    });
                }
            }
        }
        let planned: BTreeMap<&str, ()> =
            self.files.iter().map(|f| (f.path.as_str(), ())).collect();
        for rel in old_lock.keys() {
            if planned.contains_key(rel.as_str()) {
                continue;
            }
            let path = self.abs(rel);
            match read_existing(&path) {
                Ok(Some(old)) => {
                    let old_text = String::from_utf8_lossy(&old);
                    let diff = unified_diff(Some((rel, &old_text)), None);
                    drift.push(Drift::Stale(rel.clone(), diff));
                }
                Ok(None) => {}
                // Not a readable file any more (a folder now, say): still stale, no diff.
                Err(_) if path.exists() => drift.push(Drift::Stale(rel.clone(), String::new())),
                Err(e) => return Err(e),
            }
        }
        let lock_path = self.root.join(LOCK_FILE);
        if read_existing(&lock_path)?.as_deref() != Some(self.new_lock().as_bytes()) {
            drift.push(Drift::Lock);
        }
        Ok(drift)
    }
}

/// Writes `files` below `dir` (for build.rs: `OUT_DIR`) when their bytes change. No lock.
pub fn write_files(dir: &Path, files: &[OutFile]) -> Result<()> {
    for f in files {
        validate_rel_path(&f.path)?;
        let path = dir.join(&f.path);
        if read_existing(&path)?.as_deref() != Some(f.contents.as_bytes()) {
            write_atomic(&path, f.contents.as_bytes())?;
        }
    }
    Ok(())
}

/// A generated path must be relative, `/`-separated, without `.`/`..` or empty segments.
pub fn validate_rel_path(rel: &str) -> Result<()> {
    let bad = rel.is_empty()
        || rel.starts_with('/')
        || rel.contains('\\')
        || rel.contains(':')
        || rel
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        || Path::new(rel)
            .components()
            .any(|c| !matches!(c, Component::Normal(_)));
    if bad {
        return Err(Error::msg(format!(
            "invalid output path `{rel}`: must be relative, without `..`"
        )));
    }
    Ok(())
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn has_marker(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(600)];
    String::from_utf8_lossy(head).contains(GENERATED_MARKER)
}

fn read_existing(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn render_lock(entries: &BTreeMap<&str, String>) -> String {
    let mut out = String::from(
        "# flyteplug lock file: every file `flyteplug generate` wrote below this folder, with the\n\
         # SHA-256 of its content. `generate` deletes only stale files listed here; `check` uses the\n\
         # hashes to tell hand edits from outdated output. Do not edit.\n",
    );
    for (path, hash) in entries {
        out.push_str(&format!("{hash}  {path}\n"));
    }
    out
}

fn read_lock(root: &Path) -> Result<BTreeMap<String, String>> {
    let path = root.join(LOCK_FILE);
    let Some(bytes) = read_existing(&path)? else {
        return Ok(BTreeMap::new());
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::msg(format!("`{}` is not UTF-8", path.display())))?;
    let mut map = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let Some((hash, rel)) = line.split_once("  ") else {
            return Err(Error::msg(format!(
                "{}:{}: malformed lock line; delete the lock and run `flyteplug generate`",
                path.display(),
                i + 1
            )));
        };
        if hash.len() != 64 || validate_rel_path(rel).is_err() {
            return Err(Error::msg(format!(
                "{}:{}: malformed lock line; delete the lock and run `flyteplug generate`",
                path.display(),
                i + 1
            )));
        }
        map.insert(rel.to_string(), hash.to_string());
    }
    Ok(map)
}

/// Writes through a temporary file in the same folder, then renames over the target, so a
/// reader (or a crash) sees the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::msg(format!("`{}` has no parent folder", path.display())))?;
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    write_in_folder(path, bytes)
}

/// [`write_atomic`] into a folder that exists.
fn write_in_folder(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| Error::msg(format!("`{}` has no parent folder", path.display())))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".flyteplug-");
    // A temporary file is private (0600); the file it becomes is an ordinary source file,
    // readable as the umask allows (0644 with the usual 022).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(tmp.path(), e))?;
    // No fsync: the rename is what makes the write all-or-nothing for a crashing process, and
    // an fsync per file made `generate` several times slower. After a power cut, rerun
    // `generate`; `check` tells what is not right.
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

fn remove_empty_parents(path: &Path, root: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// A unified diff, as git prints it, from the file on disk (`None`: there is none) to what
/// would be generated (`None`: the file would be deleted); each side is (path relative to the
/// output folder, text). `patch -p1` or `git apply` in the output folder applies it.
pub fn unified_diff(on_disk: Option<(&str, &str)>, generated: Option<(&str, &str)>) -> String {
    let name = |side: Option<(&str, &str)>, prefix: &str| {
        side.map_or("/dev/null".to_string(), |(path, _)| {
            format!("{prefix}{path}")
        })
    };
    let text = |side: Option<(&str, &str)>| side.map_or("", |(_, text)| text).to_string();
    let (old, new) = (text(on_disk), text(generated));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&name(on_disk, "a/"), &name(generated, "b/"))
        .to_string()
}
