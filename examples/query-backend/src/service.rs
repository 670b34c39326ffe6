//! The example's query service, on loopback, and its client: a line protocol over TCP.
//!
//! Each request is one line, and so is each reply:
//!
//! | request             | reply                                                          |
//! |---------------------|----------------------------------------------------------------|
//! | `SUBMIT <json>`     | `OK <job id>`, or `ERR <message>` when the statement is wrong  |
//! | `STATUS <job id>`   | the job's [`JobState`] as JSON, or `ERR <message>`             |
//! | `CANCEL <job id>`   | `OK`, also for a job that is done or unknown                   |
//!
//! `SUBMIT` takes a [`Submission`]. A statement is `SELECT item, ...`, where an item is a
//! literal (`42`, `1.5`, `'it''s'`, `TRUE`, `FALSE`, `NULL`) or a parameter (`@name`), with an
//! optional `AS alias`. A query returns one row (none when `maxRows` is 0 or less). It runs for
//! [`INTERACTIVE_RUN`] when interactive, [`BATCH_RUN`] otherwise; it fails when it would run
//! longer than its timeout, or names a parameter that is not bound.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::task::JoinHandle;

/// How long an interactive query runs.
pub const INTERACTIVE_RUN: Duration = Duration::from_millis(20);
/// How long any other query runs.
pub const BATCH_RUN: Duration = Duration::from_secs(1);

/// What `SUBMIT` takes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    /// The statement.
    pub statement: String,
    /// The values of the `@name` parameters.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Return at most this many rows.
    #[serde(default)]
    pub max_rows: Option<i64>,
    /// Fail a query that runs longer.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Run at interactive priority.
    #[serde(default)]
    pub interactive: bool,
}

/// A job's state, as `STATUS` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobState {
    /// The query runs.
    Running,
    /// The query is done.
    Done {
        /// The column names.
        columns: Vec<String>,
        /// The rows.
        rows: Vec<Vec<Value>>,
    },
    /// The query failed.
    Failed {
        /// Why.
        error: String,
    },
    /// The query was cancelled before it was done.
    Cancelled,
}

struct Job {
    started: Instant,
    runs_for: Duration,
    outcome: JobState,
    cancelled: bool,
}

impl Job {
    fn state(&self) -> JobState {
        if self.cancelled {
            JobState::Cancelled
        } else if self.started.elapsed() < self.runs_for {
            JobState::Running
        } else {
            self.outcome.clone()
        }
    }
}

#[derive(Default)]
struct Jobs {
    next_id: u64,
    jobs: HashMap<String, Job>,
}

/// The query service, serving on a TCP address until dropped.
#[derive(Debug)]
pub struct QueryService {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl QueryService {
    /// Starts the service on `addr` (port 0 picks a free one). Must be called within a Tokio
    /// runtime.
    pub async fn start(addr: impl ToSocketAddrs) -> std::io::Result<QueryService> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let jobs = Arc::new(Mutex::new(Jobs::default()));
        let task = tokio::spawn(accept(listener, jobs));
        Ok(QueryService { addr, task })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for QueryService {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept(listener: TcpListener, jobs: Arc<Mutex<Jobs>>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                tokio::spawn(serve_connection(stream, Arc::clone(&jobs)));
            }
            Err(e) => {
                tracing::warn!(error = %e, "query service: accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn serve_connection(stream: TcpStream, jobs: Arc<Mutex<Jobs>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let reply = handle(&mut lock(&jobs), &line);
        if write
            .write_all(format!("{reply}\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

fn lock(jobs: &Mutex<Jobs>) -> MutexGuard<'_, Jobs> {
    jobs.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One request line to its reply line.
fn handle(jobs: &mut Jobs, line: &str) -> String {
    let (command, arg) = line.split_once(' ').unwrap_or((line, ""));
    match command {
        "SUBMIT" => {
            let submission: Submission = match serde_json::from_str(arg) {
                Ok(s) => s,
                Err(e) => return format!("ERR bad submission: {e}"),
            };
            let items = match parse(&submission.statement) {
                Ok(items) => items,
                Err(e) => return format!("ERR {e}"),
            };
            let mut runs_for = if submission.interactive {
                INTERACTIVE_RUN
            } else {
                BATCH_RUN
            };
            let mut outcome = run(&items, &submission);
            if let Some(ms) = submission.timeout_ms {
                let timeout = Duration::from_millis(ms);
                if timeout < runs_for {
                    runs_for = timeout;
                    outcome = JobState::Failed {
                        error: format!("the query timed out after {ms} ms"),
                    };
                }
            }
            jobs.next_id += 1;
            let id = format!("q{}", jobs.next_id);
            jobs.jobs.insert(
                id.clone(),
                Job {
                    started: Instant::now(),
                    runs_for,
                    outcome,
                    cancelled: false,
                },
            );
            format!("OK {id}")
        }
        "STATUS" => match jobs.jobs.get(arg) {
            Some(job) => serde_json::to_string(&job.state())
                .unwrap_or_else(|e| format!("ERR cannot encode the state: {e}")),
            None => format!("ERR no job {arg:?}"),
        },
        "CANCEL" => {
            if let Some(job) = jobs.jobs.get_mut(arg)
                && job.state() == JobState::Running
            {
                job.cancelled = true;
            }
            "OK".to_string()
        }
        _ => format!("ERR unknown command {command:?}"),
    }
}

/// An item of a `SELECT` list.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Literal(Value),
    Param(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    expr: Expr,
    alias: Option<String>,
}

fn parse(statement: &str) -> Result<Vec<Item>, String> {
    let text = statement.trim().trim_end_matches(';').trim_end();
    let list = match text.split_once(char::is_whitespace) {
        Some((select, rest)) if select.eq_ignore_ascii_case("select") => rest,
        _ => return Err(format!("syntax error: expected `SELECT ...`, got {text:?}")),
    };
    split_items(list)?.iter().map(|s| parse_item(s)).collect()
}

/// Splits a `SELECT` list at the commas outside string literals.
fn split_items(list: &str) -> Result<Vec<&str>, String> {
    let mut items = Vec::new();
    let mut in_string = false;
    let mut start = 0;
    for (i, c) in list.char_indices() {
        match c {
            '\'' => in_string = !in_string,
            ',' if !in_string => {
                items.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if in_string {
        return Err("syntax error: unterminated string".to_string());
    }
    items.push(&list[start..]);
    Ok(items)
}

fn parse_item(text: &str) -> Result<Item, String> {
    let text = text.trim();
    let (expr, rest) = if let Some(body) = text.strip_prefix('\'') {
        let mut value = String::new();
        let mut chars = body.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c != '\'' {
                value.push(c);
            } else if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                value.push('\'');
                chars.next();
            } else {
                end = Some(i + 1);
                break;
            }
        }
        let end = end.ok_or("syntax error: unterminated string")?;
        (Expr::Literal(Value::String(value)), &body[end..])
    } else {
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        (word(&text[..end])?, &text[end..])
    };
    let mut words = rest.split_whitespace();
    let alias = match (words.next(), words.next(), words.next()) {
        (None, _, _) => None,
        (Some(r#as), Some(name), None) if r#as.eq_ignore_ascii_case("as") && is_name(name) => {
            Some(name.to_string())
        }
        _ => return Err(format!("syntax error near {:?}", rest.trim())),
    };
    Ok(Item { expr, alias })
}

fn is_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn word(w: &str) -> Result<Expr, String> {
    if let Some(name) = w.strip_prefix('@') {
        if is_name(name) {
            return Ok(Expr::Param(name.to_string()));
        }
    } else if w.eq_ignore_ascii_case("true") {
        return Ok(Expr::Literal(Value::Bool(true)));
    } else if w.eq_ignore_ascii_case("false") {
        return Ok(Expr::Literal(Value::Bool(false)));
    } else if w.eq_ignore_ascii_case("null") {
        return Ok(Expr::Literal(Value::Null));
    } else if let Ok(n) = w.parse::<i64>() {
        return Ok(Expr::Literal(Value::from(n)));
    } else if let Some(n) = w.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        return Ok(Expr::Literal(Value::Number(n)));
    }
    Err(format!("syntax error: {w:?} is not a value or a parameter"))
}

/// What a query comes to once it has run.
fn run(items: &[Item], submission: &Submission) -> JobState {
    let mut columns = Vec::new();
    let mut row = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let (value, name) = match &item.expr {
            Expr::Literal(v) => (v.clone(), format!("_col{}", i + 1)),
            Expr::Param(p) => match submission.params.get(p) {
                Some(v) => (v.clone(), p.clone()),
                None => {
                    return JobState::Failed {
                        error: format!("parameter @{p} is not bound"),
                    };
                }
            },
        };
        columns.push(item.alias.clone().unwrap_or(name));
        row.push(value);
    }
    let rows = match submission.max_rows {
        Some(n) if n <= 0 => Vec::new(),
        _ => vec![row],
    };
    JobState::Done { columns, rows }
}

/// How long one call to the service may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a call to the service failed.
#[derive(Debug)]
pub enum CallError {
    /// The service answered `ERR <message>`.
    Refused(String),
    /// The service could not be reached, or answered out of protocol.
    Io(std::io::Error),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Refused(message) => write!(f, "the query service refused: {message}"),
            CallError::Io(e) => write!(f, "the query service cannot be reached: {e}"),
        }
    }
}

impl std::error::Error for CallError {}

fn protocol(message: String) -> CallError {
    CallError::Io(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        message,
    ))
}

/// A client of the query service (one connection per call).
#[derive(Debug, Clone, Copy)]
pub struct QueryClient {
    addr: SocketAddr,
}

impl QueryClient {
    /// A client of the service at `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        QueryClient { addr }
    }

    async fn call(&self, request: String) -> Result<String, CallError> {
        let exchange = async {
            let mut stream = TcpStream::connect(self.addr).await?;
            stream.write_all(format!("{request}\n").as_bytes()).await?;
            let mut reply = String::new();
            BufReader::new(stream).read_line(&mut reply).await?;
            Ok::<String, std::io::Error>(reply)
        };
        let reply = match tokio::time::timeout(CALL_TIMEOUT, exchange).await {
            Ok(reply) => reply.map_err(CallError::Io)?,
            Err(_) => {
                return Err(CallError::Io(std::io::ErrorKind::TimedOut.into()));
            }
        };
        let Some(reply) = reply.strip_suffix('\n') else {
            return Err(protocol(
                "the connection closed before the reply".to_string(),
            ));
        };
        match reply.strip_prefix("ERR ") {
            Some(message) => Err(CallError::Refused(message.to_string())),
            None => Ok(reply.to_string()),
        }
    }

    /// Submits a query; returns its job id.
    pub async fn submit(&self, submission: &Submission) -> Result<String, CallError> {
        let json = serde_json::to_string(submission).map_err(|e| protocol(e.to_string()))?;
        let reply = self.call(format!("SUBMIT {json}")).await?;
        match reply.strip_prefix("OK ") {
            Some(id) => Ok(id.to_string()),
            None => Err(protocol(format!("unexpected reply {reply:?}"))),
        }
    }

    /// The state of a job.
    pub async fn status(&self, id: &str) -> Result<JobState, CallError> {
        let reply = self.call(format!("STATUS {}", job_id(id)?)).await?;
        serde_json::from_str(&reply).map_err(|e| protocol(format!("bad status {reply:?}: {e}")))
    }

    /// Cancels a job (nothing happens to a job that is done or unknown).
    pub async fn cancel(&self, id: &str) -> Result<(), CallError> {
        match self.call(format!("CANCEL {}", job_id(id)?)).await?.as_str() {
            "OK" => Ok(()),
            other => Err(protocol(format!("unexpected reply {other:?}"))),
        }
    }
}

/// A job id fit for a request line.
fn job_id(id: &str) -> Result<&str, CallError> {
    if id.is_empty() || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CallError::Refused(format!("{id:?} is not a job id")));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_literals_parameters_and_aliases() {
        let items = parse("select 42, 1.5 AS ratio, 'it''s, ok', @day, true, NULL;").unwrap();
        let exprs: Vec<&Expr> = items.iter().map(|i| &i.expr).collect();
        assert_eq!(
            exprs,
            vec![
                &Expr::Literal(json!(42)),
                &Expr::Literal(json!(1.5)),
                &Expr::Literal(json!("it's, ok")),
                &Expr::Param("day".into()),
                &Expr::Literal(json!(true)),
                &Expr::Literal(Value::Null),
            ]
        );
        assert_eq!(items[1].alias.as_deref(), Some("ratio"));
        for bad in [
            "",
            "DELETE x",
            "SELECT 'open",
            "SELECT x",
            "SELECT 1 AS",
            "SELECT 1 2",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn runs_one_row_and_binds_parameters() {
        let submission = Submission {
            statement: "SELECT @n, 'a' AS letter".into(),
            params: json!({"n": 7}).as_object().unwrap().clone(),
            ..Submission::default()
        };
        let items = parse(&submission.statement).unwrap();
        assert_eq!(
            run(&items, &submission),
            JobState::Done {
                columns: vec!["n".into(), "letter".into()],
                rows: vec![vec![json!(7), json!("a")]],
            }
        );
        let limited = Submission {
            max_rows: Some(0),
            ..submission.clone()
        };
        assert!(matches!(run(&items, &limited), JobState::Done { rows, .. } if rows.is_empty()));
        let unbound = Submission {
            params: Map::new(),
            ..submission
        };
        assert_eq!(
            run(&items, &unbound),
            JobState::Failed {
                error: "parameter @n is not bound".into()
            }
        );
    }

    #[test]
    fn states_read_as_the_protocol_says() {
        assert_eq!(
            serde_json::to_string(&JobState::Running).unwrap(),
            r#"{"state":"RUNNING"}"#
        );
        assert_eq!(
            serde_json::from_str::<JobState>(r#"{"state":"FAILED","error":"x"}"#).unwrap(),
            JobState::Failed { error: "x".into() }
        );
    }
}
