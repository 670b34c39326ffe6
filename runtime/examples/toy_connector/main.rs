//! A connector serving the toy plugins of `plugins.rs`, for the Python wire-compatibility test.
//!
//! ```text
//! cargo run -p flyteplug-runtime --example toy_connector -- --address 127.0.0.1 --port 0
//! ```
//!
//! It prints `LISTENING <address>` on stdout once it accepts connections (logs go to stderr).
//! `--write-descriptor-set FILE` writes the runtime's `FileDescriptorSet` and exits.
//! The `toy_k8s` plugin uses an in-memory resource client with a fake operator that moves each
//! object from `Running` to `Succeeded` on successive reads.

mod plugins;

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use flyteplug_runtime::serde_json::json;
use flyteplug_runtime::{
    ArgsError, Connector, CoreHostOptions, InMemoryResourceClient, KubeObject, ObjectRef,
    ResourceClient, Result, ServeOptions, USAGE,
};

/// An in-memory cluster whose "operator" advances each object one phase per read.
#[derive(Debug, Clone, Default)]
struct FakeOperator(InMemoryResourceClient);

impl ResourceClient for FakeOperator {
    async fn create(&self, object: &KubeObject) -> Result<()> {
        self.0.create(object).await
    }

    async fn get(&self, object: &ObjectRef) -> Result<Option<KubeObject>> {
        let current = self.0.get(object).await?;
        if let Some(o) = &current {
            let next = match o
                .status()
                .and_then(|s| s.get("phase"))
                .and_then(|p| p.as_str())
            {
                None => "Running",
                Some(_) => "Succeeded",
            };
            self.0.set_status(object, json!({"phase": next}));
        }
        Ok(current)
    }

    async fn delete(&self, object: &ObjectRef) -> Result<()> {
        self.0.delete(object).await
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--write-descriptor-set") {
        let Some(path) = args.get(i + 1) else {
            eprintln!("--write-descriptor-set needs a file");
            return ExitCode::from(2);
        };
        return match std::fs::write(path, flyteplug_runtime::FILE_DESCRIPTOR_SET) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cannot write {path}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match ServeOptions::from_args(args.drain(..)) {
        Ok(o) => o,
        Err(ArgsError::Help) => {
            println!(
                "{USAGE}\n  --write-descriptor-set FILE   write the FileDescriptorSet and exit"
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    flyteplug_runtime::init_tracing();
    let connector = Connector::builder()
        .async_plugin(plugins::ToyAsync)
        .sync_plugin(plugins::ToySync)
        .core_plugin(
            plugins::ToyCore,
            CoreHostOptions {
                poll_interval: Duration::from_millis(20),
                ..CoreHostOptions::default()
            },
        )
        .k8s_plugin(plugins::ToyK8s, FakeOperator::default())
        .build();
    let connector = match connector {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the Tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let addr = options.socket_addr();
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("cannot listen on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Ok(local) = listener.local_addr() {
            println!("LISTENING {local}");
            let _ = std::io::stdout().flush();
        }
        match connector
            .serve_with_listener(listener, flyteplug_runtime::shutdown_signal())
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        }
    })
}
