//! Serves the countdown plugin as a Flyte connector.
//!
//! ```text
//! countdown-backend [--address 0.0.0.0] [--port 8000]
//! ```
//!
//! It stops on SIGTERM or Ctrl-C after finishing the calls in flight; `RUST_LOG` sets the log
//! level.

use std::process::ExitCode;

fn main() -> ExitCode {
    match countdown_backend::connector() {
        Ok(connector) => flyteplug_runtime::run(connector),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
