//! Serves the query plugin as a Flyte connector, with its query service on loopback.
//!
//! ```text
//! query-backend [--address 0.0.0.0] [--port 8000]
//! ```
//!
//! It starts the query service on a free port of 127.0.0.1, then serves the connector until
//! SIGTERM or Ctrl-C, finishing the calls in flight; `RUST_LOG` sets the log level.

use std::process::ExitCode;

use flyteplug_runtime::{ArgsError, ServeOptions, USAGE};
use query_backend::service::QueryService;

fn main() -> ExitCode {
    let options = match ServeOptions::from_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(ArgsError::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    flyteplug_runtime::init_tracing();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the Tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let service = match QueryService::start("127.0.0.1:0").await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "the query service cannot start");
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(address = %service.addr(), "query service listening");
        let connector = match query_backend::connector(service.addr()) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "cannot build the connector");
                return ExitCode::FAILURE;
            }
        };
        match flyteplug_runtime::serve(connector, options).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = %e, "connector failed");
                ExitCode::FAILURE
            }
        }
    })
}
