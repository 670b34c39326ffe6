//! Building and running a target's testee (DESIGN.md section 6).

use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};

use crate::error::{Error, Result};
use crate::project::Project;
use crate::targets::{self, Cmd, Testee};

/// Where testee build products go: `$FLYTEPLUG_CACHE_DIR/<target>`, else
/// `<manifest folder>/target/flyteplug/<target>`.
pub fn cache_dir(project: &Project, target: &str) -> PathBuf {
    match std::env::var_os("FLYTEPLUG_CACHE_DIR") {
        Some(dir) => PathBuf::from(dir).join(target),
        None => project
            .manifest
            .root
            .join("target")
            .join("flyteplug")
            .join(target),
    }
}

/// The testee of `target` for the project's generated output.
pub fn testee(project: &Project, target: &str) -> Result<Testee> {
    let t =
        targets::by_name(target).ok_or_else(|| Error::msg(format!("unknown target `{target}`")))?;
    let cache = cache_dir(project, target);
    std::fs::create_dir_all(&cache).map_err(|e| Error::io(&cache, e))?;
    let cache = cache.canonicalize().map_err(|e| Error::io(&cache, e))?;
    let root = project.manifest.output_dir.value.clone();
    let root = root.canonicalize().map_err(|e| {
        Error::msg(format!(
            "generated output `{}` is missing ({e}); run `flyteplug generate` first",
            root.display()
        ))
    })?;
    t.testee(&project.context(), &root, &cache)
}

fn command(cmd: &Cmd) -> Command {
    let mut c = Command::new(&cmd.program);
    c.args(&cmd.args).current_dir(&cmd.cwd);
    for (k, v) in &cmd.env {
        c.env(k, v);
    }
    c
}

fn describe(cmd: &Cmd) -> String {
    format!(
        "`{} {}` in {}",
        cmd.program,
        cmd.args.join(" "),
        cmd.cwd.display()
    )
}

/// Runs the build steps, sending their output to stderr; an error names the failing step.
pub fn build(testee: &Testee) -> Result<()> {
    for step in &testee.build {
        let out = command(step)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Error::msg(format!("cannot run {}: {e}", describe(step))))?;
        if !out.status.success() {
            return Err(Error::msg(format!(
                "testee build step {} failed ({}):\n{}{}",
                describe(step),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
    }
    Ok(())
}

/// Starts the testee with this process's stdin and stdout, and waits for it.
pub fn run_inherited(testee: &Testee) -> Result<ExitStatus> {
    command(&testee.run)
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .map_err(|e| Error::msg(format!("cannot run {}: {e}", describe(&testee.run))))
}

/// Starts the testee with piped stdin and stdout (for `conformance`).
pub fn spawn_piped(testee: &Testee) -> Result<std::process::Child> {
    command(&testee.run)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| Error::msg(format!("cannot run {}: {e}", describe(&testee.run))))
}
