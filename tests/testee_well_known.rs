//! Well-known messages asked for by name (DESIGN §6: a testee serves every message reachable
//! from a plugin's custom message, and the kitchen-sink plugin reaches every well-known type):
//! every target's testee, run by `flyteplug testee` on this repository's `generated/`, answers
//! the same requests the same way.
//!
//! The expected canonical texts are written from docs/json-contract.md (the encoding table:
//! Duration with 0, 3, 6 or 9 fraction digits, Timestamp in UTC, 64-bit integers as strings,
//! wrappers as their scalar, Struct keys sorted), not taken from any testee. A top-level
//! `null` is an error at `(root)` except for `google.protobuf.Value`, whose JSON null it is;
//! `NullValue` is an enum, not a message, so it is unknown.
//!
//! Python and Go always run. TypeScript needs `tsc` (`FLYTEPLUG_TSC`, or the repository's
//! `tools/node_modules`) and Rust builds a crate: both run when `FLYTEPLUG_FULL_NEW_TEST=1`
//! (the test command sets it).

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

/// `(message, input JSON, expected canonical text, or None for an error, with the text the
/// error must contain)`.
const CASES: &[(&str, &str, Result<&str, &str>)] = &[
    ("google.protobuf.Duration", r#""1.5s""#, Ok(r#""1.500s""#)),
    (
        "google.protobuf.Duration",
        r#""-0.000001s""#,
        Ok(r#""-0.000001s""#),
    ),
    ("google.protobuf.Duration", "null", Err("(root)")),
    ("google.protobuf.Duration", "1", Err("(root)")),
    (
        "google.protobuf.Timestamp",
        r#""2024-01-02T03:04:05.120+01:00""#,
        Ok(r#""2024-01-02T02:04:05.120Z""#),
    ),
    (
        "google.protobuf.FieldMask",
        r#""a.bC,d""#,
        Ok(r#""a.bC,d""#),
    ),
    ("google.protobuf.FieldMask", r#""a_b""#, Err("(root)")),
    ("google.protobuf.Int64Value", "5", Ok(r#""5""#)),
    (
        "google.protobuf.Int64Value",
        r#""-9007199254740993""#,
        Ok(r#""-9007199254740993""#),
    ),
    (
        "google.protobuf.UInt64Value",
        r#""18446744073709551615""#,
        Ok(r#""18446744073709551615""#),
    ),
    ("google.protobuf.UInt32Value", "-1", Err("(root)")),
    ("google.protobuf.Int32Value", "3.0", Ok("3")),
    ("google.protobuf.BoolValue", "false", Ok("false")),
    ("google.protobuf.StringValue", r#""""#, Ok(r#""""#)),
    (
        "google.protobuf.BytesValue",
        r#""aGVsbG8""#,
        Ok(r#""aGVsbG8=""#),
    ),
    ("google.protobuf.DoubleValue", "1e21", Ok("1e+21")),
    ("google.protobuf.FloatValue", "0.1", Ok("0.1")),
    ("google.protobuf.Value", "null", Ok("null")),
    (
        "google.protobuf.Value",
        r#"{"b": 1.0, "a": [true, null]}"#,
        Ok(r#"{"a":[true,null],"b":1}"#),
    ),
    (
        "google.protobuf.Struct",
        r#"{"z": "x", "a": {}}"#,
        Ok(r#"{"a":{},"z":"x"}"#),
    ),
    ("google.protobuf.Struct", "null", Err("(root)")),
    ("google.protobuf.ListValue", "[1, \"a\"]", Ok(r#"[1,"a"]"#)),
    ("google.protobuf.Empty", "{}", Ok("{}")),
    ("google.protobuf.Empty", r#"{"a": 1}"#, Ok("{}")),
    (
        "google.protobuf.Any",
        r#"{"@type": "type.googleapis.com/x.Y", "b": 1}"#,
        Ok(r#"{"@type":"type.googleapis.com/x.Y","b":1}"#),
    ),
    ("google.protobuf.NullValue", "null", Err("unknown message")),
];

/// The strict request: an unknown key of Empty is an error naming it.
const STRICT: (&str, &str, &str) = ("google.protobuf.Empty", r#"{"a": 1}"#, "a: ");

fn targets() -> Vec<&'static str> {
    let mut targets = vec!["python", "go"];
    if std::env::var("FLYTEPLUG_FULL_NEW_TEST").as_deref() == Ok("1") {
        targets.extend(["typescript", "rust"]);
    } else {
        eprintln!("note: typescript and rust skipped (set FLYTEPLUG_FULL_NEW_TEST=1)");
    }
    targets
}

/// The testee's answer lines to `requests`.
fn answers(target: &str, requests: &[String]) -> Vec<serde_json::Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flyteplug"))
        .args(["--quiet", "testee", "--target", target])
        .current_dir(common::repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for line in requests {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{target} testee: {}",
        common::text(&out)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_testee_serves_the_well_known_messages_alike() {
    let mut requests: Vec<String> = CASES
        .iter()
        .map(|(message, input, _)| format!(r#"{{"message": "{message}", "input": {input}}}"#))
        .collect();
    let (message, input, _) = STRICT;
    requests.push(format!(
        r#"{{"message": "{message}", "input": {input}, "strict": true}}"#
    ));
    let mut failures = Vec::new();
    for target in targets() {
        let replies = answers(target, &requests);
        assert_eq!(replies.len(), requests.len(), "{target}: one answer a line");
        let expected = CASES
            .iter()
            .map(|(_, _, want)| *want)
            .chain([Err(STRICT.2)]);
        for ((request, reply), want) in requests.iter().zip(&replies).zip(expected) {
            let ok = match want {
                Ok(canonical) => reply["canonical"].as_str() == Some(canonical),
                Err(part) => reply["error"].as_str().is_some_and(|e| e.contains(part)),
            };
            if !ok {
                failures.push(format!(
                    "{target}: {request}\n  got  {reply}\n  want {want:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
