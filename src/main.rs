//! The `flyteplug` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flyteplug::Project;
use flyteplug::manifest::MANIFEST_FILE;
use flyteplug::output::Action;

/// The allocator: the run allocates and frees many small strings and trees, and mimalloc does
/// that faster than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// List the built-in templates, or copy them into a folder to start a house style
    /// (point `output.templates` at it and keep only the ones you change).
    Templates {
        /// Copy every built-in template into this folder (existing files are not overwritten).
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
    },
    /// Run the conformance vectors through every target's testee and report each mismatch
    /// (exit 0 when all agree, 1 on a mismatch, 2 when a testee cannot run).
    Conformance {
        /// Only these targets (repeatable); default: the manifest's targets.
        #[arg(long = "target", value_name = "T")]
        targets: Vec<String>,
        /// Run the cases of this file (the vectors format) instead of the generated ones.
        #[arg(long, value_name = "FILE")]
        vectors: Option<PathBuf>,
    },
    /// Bootstrap a plugin: a starter .proto, its manifest entry (or a new manifest), then
    /// `generate`. Refuses, changing nothing, when any of it exists already.
    New {
        /// The plugin name, kebab-case (names every package: flytekitplugins-NAME, ...).
        name: String,
        /// k8s, webapi-async, webapi-sync or core.
        #[arg(long, value_parser = flyteplug::new::parse_backend)]
        backend: flyteplug::manifest::Backend,
        /// The config message: `Name` (in package <name>.v1) or fully qualified
        /// (default: <Name>Config).
        #[arg(long, value_name = "NAME")]
        message: Option<String>,
        /// TaskTemplate.type (default: the name with `-` as `_`).
        #[arg(long, value_name = "T")]
        task_type: Option<String>,
        /// TaskTemplate.task_type_version.
        #[arg(long, value_name = "N", default_value_t = 0)]
        task_type_version: i32,
    },
    /// Build target T's testee, then run it on this process's stdin and stdout.
    Testee {
        /// python, go, typescript or rust.
        #[arg(long)]
        target: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = cli
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(MANIFEST_FILE));
    match run(&cli, &config) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli, config: &std::path::Path) -> flyteplug::Result<ExitCode> {
    if let Command::Templates { export } = &cli.command {
        return templates(export.as_deref());
    }
    if let Command::New {
        name,
        backend,
        message,
        task_type,
        task_type_version,
    } = &cli.command
    {
        let opts = flyteplug::new::NewOptions {
            name: name.clone(),
            backend: *backend,
            message: message.clone(),
            task_type: task_type.clone(),
            task_type_version: *task_type_version,
        };
        let outcome = flyteplug::new::run(config, &opts)?;
        if !cli.quiet {
            print!("{outcome}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !config.exists() {
        return Err(flyteplug::Error::msg(format!(
            "no manifest at `{}` (run in a folder with {MANIFEST_FILE}, or pass --config)",
            config.display()
        )));
    }
    // The project and the plan (every file's text) live until the process exits: the OS
    // takes their memory back at once, where freeing their many allocations one by one cost
    // 5% of a large run.
    let project = std::mem::ManuallyDrop::new(Project::open(config)?);
    if let Command::Testee { target } = &cli.command {
        let testee = flyteplug::testee::testee(&project, target)?;
        flyteplug::testee::build(&testee)?;
        let status = flyteplug::testee::run_inherited(&testee)?;
        return Ok(ExitCode::from(
            status.code().unwrap_or(2).clamp(0, 255) as u8
        ));
    }
    if let Command::Conformance { targets, vectors } = &cli.command {
        return conformance(&project, targets, vectors.as_deref());
    }
    if !cli.quiet {
        for warning in flyteplug::lint::lint(&project.ir) {
            eprintln!("{warning}");
        }
    }
    let plan = std::mem::ManuallyDrop::new(project.plan()?);
    match cli.command {
        Command::Testee { .. }
        | Command::Templates { .. }
        | Command::Conformance { .. }
        | Command::New { .. } => {
            unreachable!("handled above")
        }
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
                    println!(
                        "flyteplug: {} is up to date ({} files)",
                        plan.root.display(),
                        plan.files.len()
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            for d in &drift {
                println!("{d}");
            }
            println!(
                "flyteplug: {} problem(s) in {}; run `flyteplug generate` to fix",
                drift.len(),
                plan.root.display()
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn templates(export: Option<&std::path::Path>) -> flyteplug::Result<ExitCode> {
    let Some(dir) = export else {
        for (name, _) in flyteplug::render::Renderer::builtin() {
            println!("{name}");
        }
        return Ok(ExitCode::SUCCESS);
    };
    for (name, text) in flyteplug::render::Renderer::builtin() {
        let path = dir.join(format!("{name}.hbs"));
        if path.exists() {
            println!("{:>10} {} (exists)", "kept", path.display());
            continue;
        }
        flyteplug::output::write_atomic(&path, text.as_bytes())?;
        println!("{:>10} {}", "wrote", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn conformance(
    project: &Project,
    targets: &[String],
    vectors: Option<&std::path::Path>,
) -> flyteplug::Result<ExitCode> {
    use flyteplug::conformance;
    let targets: Vec<String> = if targets.is_empty() {
        project.manifest.targets.clone()
    } else {
        for t in targets {
            if !flyteplug::manifest::ALL_TARGETS.contains(&t.as_str()) {
                return Err(flyteplug::Error::msg(format!(
                    "unknown target `{t}`; expected one of {}",
                    flyteplug::manifest::ALL_TARGETS.join(", ")
                )));
            }
        }
        targets.to_vec()
    };
    let drift = project.plan()?.check()?;
    if !drift.is_empty() {
        return Err(flyteplug::Error::msg(format!(
            "{} is not what the IDL generates ({} problem(s), e.g. {}); run `flyteplug generate` first",
            project.manifest.output_dir.value.display(),
            drift.len(),
            drift[0].path()
        )));
    }
    let cases = match vectors {
        Some(path) => conformance::read_vectors(path)?,
        None => project
            .vectors()
            .iter()
            .flat_map(|v| v.cases.iter().cloned())
            .collect(),
    };
    let report = conformance::run(project, &targets, &cases)?;
    print!("{report}");
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else if report.has_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    })
}
