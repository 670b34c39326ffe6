//! The generated Python code on two points the other tests do not reach:
//!
//! - numbers whose exponent `decimal.Decimal` cannot hold (10^18 or more, e.g.
//!   `0e99999999999999999999`), through the package codec and through the testee;
//! - the order of the generated `__all__` lists, which ruff's RUF022 checks.
//!
//! The Python is `$FLYTEPLUG_PYTHON` (set by scripts/test.sh), else the repository's `.venv`,
//! else `python3`; the codec needs only the standard library. The RUF022 check runs ruff from
//! `PATH` or the `.venv` and is skipped, with a note, when neither has it.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn python() -> String {
    if let Some(p) = std::env::var("FLYTEPLUG_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return p;
    }
    let venv = common::repo().join(".venv/bin/python");
    if venv.is_file() {
        return venv.to_string_lossy().into_owned();
    }
    "python3".to_string()
}

fn ruff() -> Option<String> {
    let works = |cmd: &str| {
        Command::new(cmd)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let venv = common::repo().join(".venv/bin/ruff");
    if works("ruff") {
        Some("ruff".to_string())
    } else if venv.is_file() && works(&venv.to_string_lossy()) {
        Some(venv.to_string_lossy().into_owned())
    } else {
        None
    }
}

/// A temporary project of the repository's manifest and idl/, with only the Python target,
/// generated.
fn example_project() -> tempfile::TempDir {
    let dir = common::temp_project(false);
    let manifest = dir.path().join("flyteplug.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let text: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with("targets = ") {
                "targets = [\"python\"]".to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(&manifest, text.join("\n") + "\n").unwrap();
    generate(dir.path());
    dir
}

fn generate(dir: &Path) {
    let out = common::flyteplug(dir, &["generate"]);
    assert!(out.status.success(), "{}", common::text(&out));
}

/// Runs `python args...` in `cwd` with `stdin`, and returns its stdout; fails on an error.
fn run_python(cwd: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(python())
        .args(args)
        .current_dir(cwd)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}",
        common::text(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Each request to the testee and what the answer must be: `Ok(canonical)`, or `Err(texts
/// the error must contain)`.
type Case = (&'static str, Result<&'static str, &'static [&'static str]>);

const HUGE: &str = "99999999999999999999";

fn testee_cases() -> Vec<(String, Result<&'static str, &'static [&'static str]>)> {
    let cases: &[Case] = &[
        // Zero, whatever its exponent, is the default of an int64.
        (r#""Scalars", {"fInt64": "0eH"}"#, Ok("{}")),
        (r#""Scalars", {"fInt64": 0EH}"#, Ok("{}")),
        (r#""Scalars", {"fInt32": -0e-H}"#, Ok("{}")),
        (
            r#""Scalars", {"fInt32": "1eH"}"#,
            Err(&["fInt32: ", "out of range for int32"]),
        ),
        (
            r#""Scalars", {"fUint64": 1e+H}"#,
            Err(&["fUint64: ", "out of range for uint64"]),
        ),
        (
            r#""Scalars", {"fInt32": 1e-H}"#,
            Err(&["fInt32: ", "not an integer"]),
        ),
        // A tiny double is +0 (omitted) or -0 (kept); a huge one is out of range.
        (r#""Scalars", {"fDouble": 1e-H}"#, Ok("{}")),
        (r#""Scalars", {"fDouble": -1e-H}"#, Ok(r#"{"fDouble":-0}"#)),
        (
            r#""Scalars", {"fDouble": "-0e-H"}"#,
            Ok(r#"{"fDouble":-0}"#),
        ),
        (r#""Scalars", {"fDouble": -0}"#, Ok(r#"{"fDouble":-0}"#)),
        (r#""Scalars", {"fFloat": "-1E-H"}"#, Ok(r#"{"fFloat":-0}"#)),
        (
            r#""Scalars", {"fDouble": 1eH}"#,
            Err(&["fDouble: ", "out of range"]),
        ),
        (
            r#""Scalars", {"fFloat": "-1eH"}"#,
            Err(&["fFloat: ", "out of range"]),
        ),
        // An unknown key's value is parsed, then ignored.
        (r#""Scalars", {"bogus": 1eH}"#, Ok("{}")),
        (r#""Scalars", {"bogus": [-0e-H, "1eH"]}"#, Ok("{}")),
        // Struct, Value, ListValue, wrappers, enums, NullValue and Any members.
        (
            r#""WellKnown", {"wStruct": {"a": 1e-H, "b": -0eH}}"#,
            Ok(r#"{"wStruct":{"a":0,"b":-0}}"#),
        ),
        (r#""WellKnown", {"wList": [1e-H]}"#, Ok(r#"{"wList":[0]}"#)),
        (
            r#""WellKnown", {"wValue": -1eH}"#,
            Err(&["wValue: ", "out of range"]),
        ),
        (
            r#""WellKnown", {"wDouble": -1e-H, "wFloat": "1e-H", "wInt64": "0eH", "wUint32": 0E-H}"#,
            Ok(r#"{"wDouble":-0,"wFloat":0,"wInt64":"0","wUint32":0}"#),
        ),
        (
            r#""WellKnown", {"wInt32": 1eH}"#,
            Err(&["wInt32: ", "out of range for int32"]),
        ),
        (r#""WellKnown", {"wNull": 0eH}"#, Ok("{}")),
        (
            r#""WellKnown", {"wAny": {"@type": "type.googleapis.com/google.protobuf.Value", "value": 1e-H}}"#,
            Ok(r#"{"wAny":{"@type":"type.googleapis.com/google.protobuf.Value","value":0}}"#),
        ),
        (r#""google.protobuf.Value", -1e-H"#, Ok("-0")),
        (r#""google.protobuf.DoubleValue", 1e-H"#, Ok("0")),
        (
            r#""google.protobuf.Int32Value", "-1eH""#,
            Err(&["out of range for int32"]),
        ),
    ];
    cases
        .iter()
        .map(|(request, answer)| {
            let request = request.replace('H', HUGE);
            let (message, input) = request.split_once(", ").unwrap();
            let message = if message.starts_with("\"google.") {
                message.to_string()
            } else {
                format!("\"acme.kitchen.v1.{}", &message[1..])
            };
            (
                format!(r#"{{"message": {message}, "input": {input}}}"#),
                *answer,
            )
        })
        .collect()
}

#[test]
fn testee_reads_numbers_with_huge_exponents() {
    let dir = example_project();
    let python_dir = dir.path().join("generated/python");
    let cases = testee_cases();
    let stdin: String = cases.iter().map(|(r, _)| format!("{r}\n")).collect();
    let out = run_python(&python_dir, &["testee.py"], &stdin);
    let answers: Vec<&str> = out.lines().collect();
    assert_eq!(answers.len(), cases.len(), "answers:\n{out}");
    let mut failures = Vec::new();
    for ((request, expected), answer) in cases.iter().zip(&answers) {
        let answer: serde_json::Value = serde_json::from_str(answer).unwrap();
        let ok = match expected {
            Ok(canonical) => answer.get("canonical").and_then(|c| c.as_str()) == Some(canonical),
            Err(parts) => answer
                .get("error")
                .and_then(|e| e.as_str())
                .is_some_and(|e| {
                    !e.contains("internal error") && parts.iter().all(|p| e.contains(p))
                }),
        };
        if !ok {
            failures.push(format!(
                "{request}\n  expected {expected:?}\n  answered {answer}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The package API itself: `loads`, `from_custom` with text and with a dict of parsed values.
const CODEC_SCRIPT: &str = r#"
import math
import sys
from decimal import Decimal

sys.path.insert(0, "flytekitplugins-kitchen-sink")
from flytekitplugins.kitchen_sink import DecodeError, _json, models  # noqa: E402

H = "99999999999999999999"
values = _json.loads(f"[0e{H}, -0E-{H}, 1e{H}, -1E-{H}, 2e-0000000000000000000001, -0]")
assert values[0].is_zero() and not values[0].is_signed(), values
assert values[1].is_zero() and values[1].is_signed(), values
assert float(values[2]) == math.inf, values
assert float(values[3]) == 0 and math.copysign(1, float(values[3])) < 0, values
assert values[4] == Decimal("0.2"), values
assert values[5].is_zero() and values[5].is_signed(), values
# Exponents up to 10^17 are kept as written; longer ones are clamped to 10^17.
assert _json._decimal("1e99999999999999999") == Decimal("1e99999999999999999")
assert _json._decimal("1e-" + H) == Decimal("1e-100000000000000000")
assert _json._decimal("-5E+000" + H) == Decimal("-5e100000000000000000")

Scalars = models.Scalars
assert Scalars.from_custom(f'{{"fInt64": "0e{H}"}}').f_int64 == 0
assert Scalars.from_custom({"fInt64": f"-0E-{H}"}).f_int64 == 0
small = Scalars.from_custom(f'{{"fDouble": -1e-{H}, "fFloat": "1e-{H}"}}')
assert small.f_double == 0 and math.copysign(1, small.f_double) < 0
assert small.f_float == 0 and math.copysign(1, small.f_float) > 0
assert Scalars.from_custom('{"fDouble": -0}').to_custom_json() == '{"fDouble":-0}'
assert Scalars.from_custom({"fDouble": f"-0e{H}"}).to_custom_json() == '{"fDouble":-0}'
for text, path, reason in [
    (f'{{"fInt32": "1e{H}"}}', "fInt32", "out of range for int32"),
    (f'{{"fInt64": 1e{H}}}', "fInt64", "out of range for int64"),
    (f'{{"fUint32": "1e-{H}"}}', "fUint32", "not an integer"),
    (f'{{"fDouble": "1e{H}"}}', "fDouble", "out of range"),
    (f'{{"fFloat": -1e{H}}}', "fFloat", "out of range"),
]:
    try:
        Scalars.from_custom(text)
    except DecodeError as error:
        assert error.path == path and reason in error.reason, (text, error)
    else:
        raise AssertionError(text)
unknown: list[str] = []
assert Scalars.from_custom(f'{{"bogus": 1e{H}}}', unknown=unknown).to_custom() == {}
assert unknown == ["bogus"], unknown
try:
    Scalars.from_custom(f'{{"bogus": -1e-{H}}}', strict=True)
except DecodeError as error:
    assert error.path == "bogus", error
else:
    raise AssertionError("strict")
print("ok")
"#;

#[test]
fn codec_reads_numbers_with_huge_exponents() {
    let dir = example_project();
    let out = run_python(
        &dir.path().join("generated/python"),
        &["-c", CODEC_SCRIPT],
        "",
    );
    assert_eq!(out.trim(), "ok");
}

const JOBS_PROTO: &str = r#"syntax = "proto3";

package acme.jobs.v1;

import "google/protobuf/duration.proto";

// Message names that case-insensitive and case-sensitive sorts put in different orders.
message JobSpec {
  Jobs jobs = 1;
  A2 a2 = 2;
  A10 a10 = 3;
  HTTPServer http_server = 4;
  Http2 http2 = 5;
  HTTP http = 6;
  Decoded decoded = 7;
  Job2Spec job2 = 8;
  Job10Spec job10 = 9;
  MAX_SIZE max_size = 10;
  Empty_ empty = 11;
  google.protobuf.Duration d = 12;
  Kind kind = 13;
  KIND2 kind2 = 14;
  Jobs.Nested nested = 15;
}
message Jobs {
  message Nested { int32 x = 1; }
  int32 count = 1;
}
message A2 { int32 x = 1; }
message A10 { int32 x = 1; }
message HTTPServer { string url = 1; }
message Http2 { bool on = 1; }
message HTTP { bool on = 1; }
message Decoded { bool on = 1; }
message Job2Spec { bool on = 1; }
message Job10Spec { bool on = 1; }
message MAX_SIZE { int64 n = 1; }
message Empty_ {}
enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; }
enum KIND2 { KIND2_UNSPECIFIED = 0; }
"#;

fn jobs_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let proto = dir.path().join("idl/acme/jobs/v1/jobs.proto");
    std::fs::create_dir_all(proto.parent().unwrap()).unwrap();
    std::fs::write(&proto, JOBS_PROTO).unwrap();
    std::fs::write(
        dir.path().join("flyteplug.toml"),
        r#"[idl]
include = ["idl"]

[output]
dir = "generated"
targets = ["python"]

[[plugin]]
name = "jobs"
proto = "acme/jobs/v1/jobs.proto"
message = "acme.jobs.v1.JobSpec"
task_type = "jobs"
task_type_version = 0
backend = "webapi-async"
"#,
    )
    .unwrap();
    generate(dir.path());
    dir
}

/// The quoted names of the `__all__ = [...]` list in `file`.
fn dunder_all(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let start = text.find("__all__ = [\n").expect("an __all__ list") + "__all__ = [\n".len();
    let end = start + text[start..].find("]\n").unwrap();
    text[start..end]
        .lines()
        .map(|l| l.trim().trim_end_matches(',').trim_matches('"').to_string())
        .collect()
}

#[test]
fn dunder_all_is_sorted_as_ruff_wants() {
    let dir = jobs_project();
    let package: PathBuf = dir.path().join("generated/python/flytekitplugins-jobs");
    let module = package.join("flytekitplugins/jobs");
    // RUF022's isort-style order: CONSTANTS, then Classes, then the rest, each group in
    // case-sensitive natural order (uppercase before lowercase, `2` before `10`).
    let expected = [
        "A2",
        "A10",
        "HTTP",
        "JSON_NULL",
        "KIND2",
        "MAX_SIZE",
        "CustomMessage",
        "DecodeError",
        "Decoded",
        "Duration",
        "Empty",
        "Empty_",
        "EncodeError",
        "FieldMask",
        "HTTPServer",
        "Http2",
        "Job2Spec",
        "Job10Spec",
        "JobSpec",
        "Jobs",
        "JobsNested",
        "Kind",
        "NullValue",
        "Timestamp",
    ];
    assert_eq!(dunder_all(&module.join("__init__.py")), expected);
    let Some(ruff) = ruff() else {
        eprintln!("note: ruff is not installed; RUF022 not checked by ruff itself");
        return;
    };
    let out = Command::new(ruff)
        .args(["check", "--no-cache", "--extend-select", "RUF022", "."])
        .current_dir(&package)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
}
