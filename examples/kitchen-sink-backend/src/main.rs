//! Serves the kitchen-sink plugin as a Flyte connector.
//!
//! ```text
//! kitchen-sink-backend [--address 0.0.0.0] [--port 8000]
//! ```
//!
//! It stops on SIGTERM or Ctrl-C after finishing the calls in flight; `RUST_LOG` sets the log
//! level.

use std::process::ExitCode;

fn main() -> ExitCode {
    match kitchen_sink_backend::connector() {
        Ok(connector) => flyteplug_runtime::run(connector),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
