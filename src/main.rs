//! The `flyteplug` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flyteplug::Project;
use flyteplug::manifest::MANIFEST_FILE;
use flyteplug::output::Action;

/// Generate Flyte plugin SDKs and a Rust backend from one protobuf message.
#[derive(Parser)]
#[command(name = "flyteplug", version, about)]
struct Cli {
    /// The manifest (default: ./flyteplug.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print only errors.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every generated file, create missing scaffold files, remove stale ones.
    Generate,
    /// Write nothing; report drifted, missing, stale or hand-edited files (exit 1 on drift).
    Check,
    /// Build target T's testee, then run it on this process's stdin and stdout.
    Testee {
        /// python, go, typescript or rust.
        #[arg(long)]
        target: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = cli.config.clone().unwrap_or_else(|| PathBuf::from(MANIFEST_FILE));
    match run(&cli, &config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, config: &std::path::Path) -> flyteplug::Result<ExitCode> {
    if !config.exists() {
        return Err(flyteplug::Error::msg(format!(
            "no manifest at `{}` (run in a folder with {MANIFEST_FILE}, or pass --config)",
            config.display()
        )));
    }
    let project = Project::open(config)?;
    if let Command::Testee { target } = &cli.command {
        let testee = flyteplug::testee::testee(&project, target)?;
        flyteplug::testee::build(&testee)?;
        let status = flyteplug::testee::run_inherited(&testee)?;
        return Ok(ExitCode::from(status.code().unwrap_or(2).clamp(0, 255) as u8));
    }
    let plan = project.plan()?;
    match cli.command {
        Command::Testee { .. } => unreachable!("handled above"),
        Command::Generate => {
            let actions = plan.apply()?;
            if !cli.quiet {
                for (action, path) in &actions {
                    let verb = match action {
                        Action::Created => "created",
                        Action::Updated => "updated",
                        Action::ScaffoldCreated => "scaffolded",
                        Action::Deleted => "deleted",
                        Action::KeptEdited => "kept (stale but edited by hand; delete it yourself)",
                    };
                    println!("{verb:>10} {path}");
                }
                println!(
                    "flyteplug: {} files for {} plugin(s) in {}; {} changed",
                    plan.files.len(),
                    project.ir.plugins.len(),
                    plan.root.display(),
                    actions.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let drift = plan.check()?;
            if drift.is_empty() {
                if !cli.quiet {
                    println!("flyteplug: {} is up to date ({} files)", plan.root.display(), plan.files.len());
                }
                return Ok(ExitCode::SUCCESS);
            }
            for d in &drift {
                println!("{d}");
            }
            println!("flyteplug: {} problem(s) in {}; run `flyteplug generate` to fix", drift.len(), plan.root.display());
            Ok(ExitCode::from(1))
        }
    }
}
