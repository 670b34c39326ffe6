//! Runs conformance cases through each target's testee (DESIGN.md section 6) and reports
//! every mismatch.

use std::fmt;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::json::write_string;
use super::{Case, Expect};
use crate::error::Result;
use crate::project::Project;
use crate::testee;

/// How long one answer may take before the testee is considered hung.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a testee may take to exit after its input is closed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest answer text quoted in a report.
const QUOTE_LIMIT: usize = 2000;

/// One case a target got wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The case name.
    pub case: String,
    /// The message name of the case.
    pub message: String,
    /// The input, as JSON text.
    pub input: String,
    /// Was the case run in strict mode?
    pub strict: bool,
    /// What the case expects, in words.
    pub expected: String,
    /// What the testee answered, in words.
    pub actual: String,
}

/// The results of one target.
#[derive(Debug, Clone, Default)]
pub struct TargetReport {
    /// `python`, `go`, ...
    pub target: String,
    /// Cases answered as expected.
    pub passed: usize,
    /// Cases answered wrongly or not at all.
    pub failed: usize,
    /// Every wrong answer.
    pub failures: Vec<Failure>,
    /// Cases never answered (the testee could not be built or started, died or hung); they
    /// are counted in `failed`.
    pub unanswered: usize,
    /// Why cases went unanswered, or what else went wrong with the testee.
    pub error: Option<String>,
    /// Time to build the testee.
    pub build_time: Duration,
    /// Time from starting the testee until it exited (or was stopped).
    pub run_time: Duration,
    /// Time from starting the testee to its first answer (its startup, mostly).
    pub first_answer: Duration,
    /// Time from starting the testee to its last answer.
    pub last_answer: Duration,
}

impl TargetReport {
    /// Steady-state time per 1,000 cases: from the first answer to the last, so the testee's
    /// startup does not count; `None` with fewer than two answers.
    pub fn time_per_1000(&self) -> Option<Duration> {
        let answered = (self.passed + self.failed).saturating_sub(self.unanswered);
        (answered > 1).then(|| {
            self.last_answer
                .saturating_sub(self.first_answer)
                .mul_f64(1000.0 / (answered - 1) as f64)
        })
    }
}

/// The results of a conformance run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// How many cases were run through each target.
    pub cases: usize,
    /// One entry per target, in the order asked for.
    pub targets: Vec<TargetReport>,
}

impl Report {
    /// Did every target answer every case as expected?
    pub fn all_passed(&self) -> bool {
        self.targets
            .iter()
            .all(|t| t.failed == 0 && t.error.is_none())
    }

    /// Did a testee fail to build or start, die or hang (as opposed to answering wrongly)?
    pub fn has_errors(&self) -> bool {
        self.targets.iter().any(|t| t.error.is_some())
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2}s", d.as_secs_f64())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "conformance: {} cases per target", self.cases)?;
        writeln!(
            f,
            "{:<12} {:>7} {:>7} {:>9} {:>9} {:>9} {:>16}",
            "target", "passed", "failed", "build", "startup", "run", "per 1,000 cases"
        )?;
        for t in &self.targets {
            writeln!(
                f,
                "{:<12} {:>7} {:>7} {:>9} {:>9} {:>9} {:>16}",
                t.target,
                t.passed,
                t.failed,
                secs(t.build_time),
                secs(t.first_answer),
                secs(t.run_time),
                t.time_per_1000().map(secs).unwrap_or_else(|| "-".into())
            )?;
        }
        for t in &self.targets {
            if let Some(e) = &t.error {
                writeln!(f)?;
                writeln!(f, "{}: {e}", t.target)?;
                if t.unanswered > 0 {
                    writeln!(f, "{}: {} cases unanswered", t.target, t.unanswered)?;
                }
            }
            if t.failures.is_empty() {
                continue;
            }
            writeln!(f)?;
            writeln!(
                f,
                "{}: {} mismatch{}",
                t.target,
                t.failures.len(),
                if t.failures.len() == 1 { "" } else { "es" }
            )?;
            for x in &t.failures {
                writeln!(
                    f,
                    "  {} [{}]{}",
                    x.case,
                    x.message,
                    if x.strict { " (strict)" } else { "" }
                )?;
                writeln!(f, "    input:    {}", x.input)?;
                writeln!(f, "    expected: {}", x.expected)?;
                writeln!(f, "    actual:   {}", x.actual)?;
            }
        }
        Ok(())
    }
}

/// The request line for a case: `{"message":...,"input":...,"strict":...}`, the input printed
/// from its exact text so large numbers stay exact.
pub fn request_line(case: &Case) -> String {
    let mut line = String::from("{\"message\":");
    write_string(&mut line, &case.message);
    line.push_str(",\"input\":");
    line.push_str(&case.input.compact());
    line.push_str(if case.strict {
        ",\"strict\":true}"
    } else {
        ",\"strict\":false}"
    });
    line
}

fn quote(s: &str) -> String {
    let mut out = String::new();
    let cut: String = s.chars().take(QUOTE_LIMIT).collect();
    write_string(&mut out, &cut);
    if cut.len() < s.len() {
        out.push_str(" (truncated)");
    }
    out
}

fn describe_expect(e: &Expect) -> String {
    match e {
        Expect::Canonical(c) => format!("canonical {c}"),
        Expect::Error(e) if e.is_empty() => "an error".to_string(),
        Expect::Error(e) => format!("an error containing {}", quote(e)),
    }
}

/// Checks one answer line against a case; `Err` holds the answer in words.
pub fn judge(case: &Case, line: &str) -> std::result::Result<(), String> {
    let line = line.trim_end_matches(['\n', '\r']);
    let answer: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Err(format!("malformed answer ({e}): {}", quote(line))),
    };
    let obj = answer.as_object();
    let canonical = obj
        .and_then(|o| o.get("canonical"))
        .and_then(|v| v.as_str());
    let error = obj.and_then(|o| o.get("error")).and_then(|v| v.as_str());
    match (canonical, error, &case.expect) {
        (Some(got), None, Expect::Canonical(want)) if got == want => Ok(()),
        (None, Some(got), Expect::Error(want)) if got.contains(want.as_str()) => Ok(()),
        (Some(got), None, _) => Err(format!("canonical {got}")),
        (None, Some(got), _) => Err(format!("error {}", quote(got))),
        _ => Err(format!(
            "malformed answer (expected {{\"canonical\": ...}} or {{\"error\": ...}}): {}",
            quote(line)
        )),
    }
}

/// Runs `cases` through the testee of each of `targets`. A target whose testee cannot be
/// built or started, dies or hangs gets its remaining cases counted as failures with the
/// reason in [`TargetReport::error`]; other targets still run.
pub fn run(project: &Project, targets: &[String], cases: &[Case]) -> Result<Report> {
    let mut report = Report {
        cases: cases.len(),
        targets: Vec::new(),
    };
    for target in targets {
        report.targets.push(run_target(project, target, cases));
    }
    Ok(report)
}

fn run_target(project: &Project, target: &str, cases: &[Case]) -> TargetReport {
    let mut report = TargetReport {
        target: target.to_string(),
        ..TargetReport::default()
    };
    let started = Instant::now();
    let built = testee::testee(project, target).and_then(|t| {
        testee::build(&t)?;
        Ok(t)
    });
    report.build_time = started.elapsed();
    let t = match built {
        Ok(t) => t,
        Err(e) => {
            report.error = Some(format!("testee not built: {e}"));
            report.failed = cases.len();
            report.unanswered = cases.len();
            return report;
        }
    };
    let started = Instant::now();
    match testee::spawn_piped(&t) {
        Ok(child) => drive(child, cases, &mut report),
        Err(e) => {
            report.error = Some(format!("testee not started: {e}"));
            report.failed = cases.len();
            report.unanswered = cases.len();
        }
    }
    report.run_time = started.elapsed();
    report
}

/// Feeds every case to a running testee and reads one answer per case.
pub fn drive(mut child: Child, cases: &[Case], report: &mut TargetReport) {
    let started = Instant::now();
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        report.error = Some("testee started without piped stdin/stdout".into());
        report.failed += cases.len();
        report.unanswered += cases.len();
        let _ = child.kill();
        let _ = child.wait();
        return;
    };
    // Writer thread: the testee answers as it reads, so writing everything from this thread
    // while nobody reads its output could fill both pipes and deadlock.
    let lines: Vec<String> = cases.iter().map(request_line).collect();
    let writer = std::thread::spawn(move || {
        let mut w = BufWriter::new(stdin);
        for line in lines {
            if w.write_all(line.as_bytes()).is_err() || w.write_all(b"\n").is_err() {
                return;
            }
        }
        let _ = w.flush();
        // Dropping `w` closes the testee's stdin.
    });
    // Reader thread, so a hung testee is noticed (receive with a timeout).
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut buf = Vec::new();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if tx.send(String::from_utf8_lossy(&buf).into_owned()).is_err() {
                        return;
                    }
                }
            }
        }
    });

    let mut killed = false;
    for (i, case) in cases.iter().enumerate() {
        let answer = rx.recv_timeout(ANSWER_TIMEOUT);
        if answer.is_ok() {
            report.last_answer = started.elapsed();
            if i == 0 {
                report.first_answer = report.last_answer;
            }
        }
        match answer {
            Ok(line) => match judge(case, &line) {
                Ok(()) => report.passed += 1,
                Err(actual) => {
                    report.failed += 1;
                    report.failures.push(Failure {
                        case: case.name.clone(),
                        message: case.message.clone(),
                        input: case.input.spaced(),
                        strict: case.strict,
                        expected: describe_expect(&case.expect),
                        actual,
                    });
                }
            },
            Err(e) => {
                let left = cases.len() - i;
                report.failed += left;
                report.unanswered += left;
                let at = format!("at case {} ({})", i + 1, case.name);
                report.error = Some(match e {
                    mpsc::RecvTimeoutError::Timeout => {
                        let _ = child.kill();
                        killed = true;
                        format!(
                            "testee gave no answer within {}s {at}; stopped it",
                            ANSWER_TIMEOUT.as_secs()
                        )
                    }
                    mpsc::RecvTimeoutError::Disconnected => {
                        let status = child
                            .wait()
                            .map(|s| s.to_string())
                            .unwrap_or_else(|e| e.to_string());
                        format!("testee closed its output ({status}) {at}")
                    }
                });
                break;
            }
        }
    }
    let _ = writer.join();
    // The testee should exit once its input is closed.
    if !killed {
        let deadline = Instant::now() + EXIT_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    if !status.success() && report.error.is_none() {
                        report.error = Some(format!("testee exited with {status}"));
                    }
                    break;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                _ => {
                    let _ = child.kill();
                    break;
                }
            }
        }
    }
    let _ = child.wait();
    let _ = reader.join();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conformance::json::parse;
    use std::process::{Command, Stdio};

    fn case(name: &str, input: &str, expect: Expect) -> Case {
        Case {
            name: name.into(),
            message: "m.M".into(),
            input: parse(input).unwrap(),
            expect,
            strict: false,
        }
    }

    #[test]
    fn request_lines_keep_numbers_exact() {
        let mut c = case(
            "a",
            r#"{"x": 9007199254740993, "y": 1e3, "s": "é\n"}"#,
            Expect::Error("x".into()),
        );
        c.strict = true;
        assert_eq!(
            request_line(&c),
            "{\"message\":\"m.M\",\"input\":{\"x\":9007199254740993,\"y\":1e3,\"s\":\"é\\n\"},\"strict\":true}"
        );
    }

    #[test]
    fn judging_answers() {
        let c = case("a", "{}", Expect::Canonical(r#"{"a":1}"#.into()));
        assert!(judge(&c, "{\"canonical\": \"{\\\"a\\\":1}\"}\n").is_ok());
        assert!(judge(&c, "{\"canonical\": \"{\\\"a\\\":2}\"}").is_err());
        assert!(judge(&c, "{\"error\": \"boom\"}").is_err());
        assert!(judge(&c, "not json").unwrap_err().contains("malformed"));
        let e = case("b", "{}", Expect::Error("x.y".into()));
        assert!(judge(&e, r#"{"error": "x.y: bad"}"#).is_ok());
        assert!(judge(&e, r#"{"error": "x.z: bad"}"#).is_err());
        assert!(judge(&e, r#"{"canonical": "{}"}"#).is_err());
        assert!(judge(&e, r#"{"canonical": "{}", "error": "x.y"}"#).is_err());
        let any = case("c", "{}", Expect::Error(String::new()));
        assert!(judge(&any, r#"{"error": ""}"#).is_ok());
    }

    fn sh(script: &str) -> Child {
        Command::new("sh")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    #[test]
    fn a_testee_that_answers_many_lines_does_not_deadlock() {
        // 5,000 requests of ~1 KB each overflow any pipe buffer if written without a reader.
        let big = format!("{{\"s\": \"{}\"}}", "x".repeat(1000));
        let cases: Vec<Case> = (0..5000)
            .map(|i| case(&format!("c{i}"), &big, Expect::Canonical("{}".into())))
            .collect();
        let child = sh(r#"while IFS= read -r line; do echo '{"canonical": "{}"}'; done"#);
        let mut report = TargetReport::default();
        drive(child, &cases, &mut report);
        assert_eq!(report.passed, 5000, "{:?}", report.error);
        assert_eq!(report.failed, 0);
    }

    #[test]
    fn a_dying_testee_fails_the_remaining_cases() {
        let cases: Vec<Case> = (0..5)
            .map(|i| case(&format!("c{i}"), "{}", Expect::Canonical("{}".into())))
            .collect();
        let child = sh(r#"read -r a; echo '{"canonical": "{}"}'; read -r b; echo garbage; exit 3"#);
        let mut report = TargetReport::default();
        drive(child, &cases, &mut report);
        assert_eq!(report.passed, 1);
        assert_eq!(report.failed, 4);
        assert_eq!(report.unanswered, 3);
        assert_eq!(report.failures.len(), 1);
        assert!(report.failures[0].actual.contains("malformed"));
        let e = report.error.clone().unwrap();
        assert!(e.contains("closed its output") && e.contains("c2"), "{e}");
        let r = Report {
            cases: 5,
            targets: vec![TargetReport {
                target: "sh".into(),
                ..report.clone()
            }],
        };
        assert!(!r.all_passed());
        let text = r.to_string();
        assert!(text.contains("c1 [m.M]"), "{text}");
        assert!(text.contains("3 cases unanswered"), "{text}");
    }
}
