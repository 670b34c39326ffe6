//! Serves the Spark plugin as a Flyte connector, over an in-memory cluster whose fake Spark
//! operator runs every application to completion (see [`spark_backend::operator`]).
//!
//! ```text
//! spark-backend [--address 0.0.0.0] [--port 8000]
//! ```
//!
//! It stops on SIGTERM or Ctrl-C after finishing the calls in flight; `RUST_LOG` sets the log
//! level. For a real cluster, pass a `ResourceClient` over the Kubernetes API to
//! [`spark_backend::connector`] instead (see `flyteplug_runtime::k8s`).

use std::process::ExitCode;

use spark_backend::operator::FakeSparkOperator;

fn main() -> ExitCode {
    match spark_backend::connector(FakeSparkOperator::default()) {
        Ok(connector) => flyteplug_runtime::run(connector),
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
