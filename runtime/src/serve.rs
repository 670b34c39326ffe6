//! The `serve` entry point: address and port, graceful shutdown on SIGTERM or Ctrl-C, and
//! structured logs with `tracing`.

use std::io::IsTerminal as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use tokio::net::TcpListener;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use crate::server::Connector;

/// Where to listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeOptions {
    /// The address to bind (default `0.0.0.0`, as a connector in a pod needs).
    pub address: IpAddr,
    /// The port (default 8000, as `pyflyte serve connector`); 0 picks a free one.
    pub port: u16,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            port: 8000,
        }
    }
}

/// The command-line help of [`ServeOptions::from_args`].
pub const USAGE: &str = "\
Options:
  --address ADDR   the address to listen on (default 0.0.0.0)
  --port PORT      the port to listen on (default 8000; 0 picks a free port)
  -h, --help       print this help

Logs go to stderr; RUST_LOG sets the level (e.g. RUST_LOG=debug or RUST_LOG=info,h2=warn).";

/// The command line asked for help, or was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgsError {
    /// `--help` was given.
    #[error("{USAGE}")]
    Help,
    /// An argument was wrong.
    #[error("{0}\n\n{USAGE}")]
    Invalid(String),
}

impl ServeOptions {
    /// The socket address.
    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.address, self.port)
    }

    /// Parses `--address ADDR`, `--port PORT` (also as `--port=PORT`) and `--help` from
    /// arguments (without the program name); unknown arguments are an error.
    pub fn from_args<I, S>(args: I) -> Result<Self, ArgsError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut options = ServeOptions::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| ArgsError::Invalid(format!("{name} needs a value")))
            };
            match flag.as_str() {
                "-h" | "--help" => return Err(ArgsError::Help),
                "--address" => {
                    let v = value("--address")?;
                    options.address = v.parse().map_err(|_| {
                        ArgsError::Invalid(format!("--address {v:?} is not an IP address"))
                    })?;
                }
                "--port" => {
                    let v = value("--port")?;
                    options.port = v.parse().map_err(|_| {
                        ArgsError::Invalid(format!("--port {v:?} is not a port number"))
                    })?;
                }
                other => return Err(ArgsError::Invalid(format!("unknown argument {other:?}"))),
            }
        }
        Ok(options)
    }
}

/// Installs a `tracing` subscriber that writes to stderr, filtered by `RUST_LOG` (a
/// comma-separated list of `target=level` or `level`; default `info`). Does nothing when a
/// subscriber is installed already.
pub fn init_tracing() {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|s| s.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init();
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what Kubernetes sends to stop a pod).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("interrupted; shutting down"),
        () = term => tracing::info!("terminated; shutting down"),
    }
}

/// The server could not start or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Binding the address failed.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The gRPC transport failed.
    #[error("the gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

/// Serves a connector on `options`' address until SIGTERM or Ctrl-C, then finishes the calls in
/// flight and returns.
pub async fn serve(connector: Connector, options: ServeOptions) -> Result<(), ServeError> {
    let addr = options.socket_addr();
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    connector
        .serve_with_listener(listener, shutdown_signal())
        .await?;
    Ok(())
}

/// A whole `main`: installs logging, reads [`ServeOptions`] from the process arguments, and
/// serves the connector on a multi-threaded Tokio runtime until SIGTERM or Ctrl-C.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     let connector = flyteplug_runtime::Connector::builder()
///         // .async_plugin(MyPlugin::default())
///         .build();
///     match connector {
///         Ok(c) => flyteplug_runtime::run(c),
///         Err(e) => {
///             eprintln!("{e}");
///             std::process::ExitCode::FAILURE
///         }
///     }
/// }
/// ```
pub fn run(connector: Connector) -> ExitCode {
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
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the Tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(connector, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "connector failed");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_address_and_port() {
        let o = ServeOptions::from_args(["--address", "127.0.0.1", "--port=9001"]).unwrap();
        assert_eq!(o.socket_addr().to_string(), "127.0.0.1:9001");
        assert_eq!(
            ServeOptions::from_args(Vec::<String>::new()).unwrap(),
            ServeOptions::default()
        );
        assert_eq!(ServeOptions::from_args(["-h"]), Err(ArgsError::Help));
        for bad in [
            vec!["--port"],
            vec!["--port", "x"],
            vec!["--address", "nope"],
            vec!["--bogus"],
        ] {
            assert!(
                matches!(
                    ServeOptions::from_args(bad.clone()),
                    Err(ArgsError::Invalid(_))
                ),
                "{bad:?}"
            );
        }
    }
}
