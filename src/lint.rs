//! Warnings about fields whose values cannot travel losslessly, or that surprise.
//!
//! `TaskTemplate.custom` is a `google.protobuf.Struct`: every JSON number in it is a double.
//! The typed fields of the contract (docs/json-contract.md) are safe there by construction:
//! 32-bit integers and enum numbers fit a double, 64-bit integers are decimal strings, float
//! and double are doubles already (NaN and infinities are strings), bytes are base64, the
//! time types and FieldMask are strings, map keys are strings. What is not safe is a field
//! whose JSON is *free-form*:
//!
//! - `google.protobuf.Struct`, `Value` and `ListValue` (singular, repeated or as map values):
//!   any JSON number is a double, so an integer beyond 2^53 would be rounded; the SDKs refuse
//!   such integers there (an encode error naming the path) rather than round them.
//! - `google.protobuf.Any`: its members pass through as plain JSON (the SDKs carry no registry
//!   of packed types), with the same limit, and are not checked against the packed type.
//!
//! And one field that silently carries nothing:
//!
//! - a singular `google.protobuf.NullValue` field without `optional` (and outside a oneof):
//!   its only value is its default, which an implicit-presence field never writes, and every
//!   number it accepts prints as `null` (docs/json-contract.md, "Details").
//!
//! Not warned about, because nothing is lost: 64-bit integers (strings), float/double,
//! `map<int64, ...>` (string keys), bytes, wrappers, recursion (any depth is representable),
//! names that languages spell differently (the JSON key is fixed by the IR).

use std::collections::BTreeSet;
use std::fmt;

use crate::error::Location;
use crate::ir::{Field, FieldType, Ir, Label, Message, Wkt};

/// A warning about one field of the IDL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where the field is declared.
    pub location: Location,
    /// What is wrong and what to do, in one line.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.location, self.message)
    }
}

/// The warnings for every field of every message reachable from a plugin, each once (a
/// message reachable from two plugins is linted once), sorted by location.
pub fn lint(ir: &Ir) -> Vec<Warning> {
    let mut out = BTreeSet::new();
    for plugin in &ir.plugins {
        for message in &plugin.messages {
            for field in &message.fields {
                if let Some(w) = lint_field(message, field) {
                    out.insert(w);
                }
            }
        }
    }
    out.into_iter().collect()
}

const FREE_FORM: &str = "integers beyond 2^53 lose precision in a Struct; SDKs refuse them; \
                         prefer typed fields or int64 (written as strings)";

fn lint_field(message: &Message, field: &Field) -> Option<Warning> {
    let FieldType::WellKnown { wkt } = field.ty else {
        return None;
    };
    let name = format!("{}.{}", message.full_name, field.proto_name);
    let ty = declared_type(field, wkt);
    let message = match wkt {
        Wkt::Struct | Wkt::Value | Wkt::ListValue => {
            format!("`{name}` ({ty}) holds free-form JSON: {FREE_FORM}")
        }
        Wkt::Any => format!(
            "`{name}` ({ty}) passes its members through as plain JSON, unchecked against the \
             packed type: {FREE_FORM}"
        ),
        Wkt::NullValue if field.label == Label::Singular && !field.explicit_presence => format!(
            "`{name}` ({ty}) carries nothing: its only value is the default, which is never \
             written, and any number it is given prints as null; make it `optional`, a oneof \
             member or a google.protobuf.Value"
        ),
        _ => return None,
    };
    Some(Warning {
        location: field.location.clone(),
        message,
    })
}

/// The field's type as written in the `.proto` (`map<string, google.protobuf.Value>`).
fn declared_type(field: &Field, wkt: Wkt) -> String {
    let value = wkt.full_name();
    match &field.label {
        Label::Singular => value,
        Label::Repeated => format!("repeated {value}"),
        Label::Map { key } => format!("map<{}, {value}>", key.proto_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn example() -> crate::Project {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("flyteplug.toml");
        crate::Project::open(&path).expect("the example manifest loads")
    }

    /// `file:line:col` and the text of the line there, read from the `.proto` itself.
    fn source_line(w: &Warning) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("idl")
            .join(&w.location.file);
        let text = std::fs::read_to_string(&path).expect("the warned file exists");
        let line = text
            .lines()
            .nth(w.location.line as usize - 1)
            .expect("the warned line exists");
        line.chars()
            .skip(w.location.col as usize - 1)
            .collect::<String>()
    }

    #[test]
    fn example_warnings_point_at_the_free_form_fields() {
        let warnings = lint(&example().ir);
        // Expected from idl/ (grep for Struct, Value, ListValue, Any, NullValue there).
        let want = [
            (
                "acme/kitchen/v1/kitchen.proto",
                63,
                "repeated google.protobuf.Value r_value",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                87,
                "map<string, google.protobuf.Value> v_value",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                103,
                "google.protobuf.Struct w_struct",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                104,
                "google.protobuf.Value w_value",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                105,
                "google.protobuf.ListValue w_list",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                106,
                "google.protobuf.NullValue w_null",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                110,
                "google.protobuf.Any w_any",
            ),
            (
                "acme/kitchen/v1/kitchen.proto",
                179,
                "google.protobuf.Value choice_value",
            ),
            (
                "acme/spark/v1/spark.proto",
                44,
                "google.protobuf.Struct databricks_conf",
            ),
        ];
        let got: Vec<(String, u32, String)> = warnings
            .iter()
            .map(|w| (w.location.file.clone(), w.location.line, source_line(w)))
            .collect();
        assert_eq!(got.len(), want.len(), "{warnings:#?}");
        for ((file, line, text), (wf, wl, wt)) in got.iter().zip(want) {
            assert_eq!((file.as_str(), *line), (wf, wl), "{warnings:#?}");
            assert!(text.starts_with(wt), "{file}:{line}: {text:?}");
        }
        let spark = warnings.last().unwrap();
        assert_eq!(
            spark.to_string(),
            format!(
                "acme/spark/v1/spark.proto:44:{}: warning: `acme.spark.v1.SparkJob.databricks_conf` \
                 (google.protobuf.Struct) holds free-form JSON: integers beyond 2^53 lose precision \
                 in a Struct; SDKs refuse them; prefer typed fields or int64 (written as strings)",
                spark.location.col
            )
        );
        assert!(
            warnings[1]
                .message
                .contains("(map<string, google.protobuf.Value>)")
        );
        assert!(warnings[5].message.contains("carries nothing"));
        assert!(
            warnings[6]
                .message
                .contains("unchecked against the packed type")
        );
        assert_eq!(lint(&example().ir), warnings, "deterministic");
    }

    const TINY: &str = r#"syntax = "proto3";
package t.v1;

import "google/protobuf/any.proto";
import "google/protobuf/struct.proto";

message Shared {
  google.protobuf.Struct extra = 1;
}

message A {
  int64 big = 1;
  double d = 2;
  float f = 3;
  map<int64, string> by_id = 4;
  bytes blob = 5;
  optional google.protobuf.NullValue maybe_null = 6;
  repeated google.protobuf.NullValue nulls = 7;
  oneof choice {
    google.protobuf.NullValue nothing = 8;
    google.protobuf.Any packed = 9;
  }
  map<int64, google.protobuf.ListValue> lists = 10;
  Shared shared = 11;
  google.protobuf.NullValue always_null = 12;
  A self = 13;
}

message B {
  Shared shared = 1;
}
"#;

    fn tiny() -> (tempfile::TempDir, crate::Project) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("idl/t/v1")).unwrap();
        std::fs::write(dir.path().join("idl/t/v1/t.proto"), TINY).unwrap();
        std::fs::write(
            dir.path().join("flyteplug.toml"),
            r#"[idl]
include = ["idl"]

[output]
dir = "generated"
targets = ["python"]

[[plugin]]
name = "a"
proto = "t/v1/t.proto"
message = "t.v1.A"
task_type = "a"
task_type_version = 0
backend = "core"

[[plugin]]
name = "b"
proto = "t/v1/t.proto"
message = "t.v1.B"
task_type = "b"
task_type_version = 0
backend = "core"
"#,
        )
        .unwrap();
        let project = crate::Project::open(&dir.path().join("flyteplug.toml")).unwrap();
        (dir, project)
    }

    #[test]
    fn only_lossy_or_surprising_fields_warn_each_once_in_source_order() {
        let (_dir, project) = tiny();
        let warnings = lint(&project.ir);
        let lines: Vec<(u32, u32)> = warnings
            .iter()
            .map(|w| (w.location.line, w.location.col))
            .collect();
        // Shared.extra (line 8) once, though reachable from both plugins; then A.packed
        // (line 21), A.lists (23), A.always_null (25). Not: int64, double, float,
        // map<int64, string>, bytes, optional/repeated/oneof NullValue, recursion.
        assert_eq!(
            lines,
            vec![(8, 3), (21, 5), (23, 3), (25, 3)],
            "{warnings:#?}"
        );
        assert!(warnings.iter().all(|w| w.location.file == "t/v1/t.proto"));
        assert!(
            warnings[0]
                .message
                .starts_with("`t.v1.Shared.extra` (google.protobuf.Struct)")
        );
        assert!(
            warnings[1]
                .message
                .starts_with("`t.v1.A.packed` (google.protobuf.Any)")
        );
        assert!(
            warnings[2]
                .message
                .starts_with("`t.v1.A.lists` (map<int64, google.protobuf.ListValue>)")
        );
        assert!(
            warnings[3]
                .message
                .starts_with("`t.v1.A.always_null` (google.protobuf.NullValue) carries nothing")
        );
        assert!(
            warnings[3]
                .to_string()
                .starts_with("t/v1/t.proto:25:3: warning: ")
        );
    }
}
