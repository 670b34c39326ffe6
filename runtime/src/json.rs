//! Conversions between `google.protobuf.Struct` (how Flyte carries JSON) and `serde_json`.

use prost_types::value::Kind;
use serde_json::{Map, Number, Value};

use crate::context::CustomError;

/// The largest integer a double holds exactly (2^53).
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// Converts a `Struct` to a JSON object.
///
/// A `Struct` stores every number as a double; an integral double within ±2^53 comes back as a
/// JSON integer (`3`, not `3.0`), any other finite double as a JSON float. NaN and infinities
/// cannot be JSON: they are an error naming the JSON path (`(root)`, `a.b`, `list[2]`).
pub fn struct_to_json(s: &prost_types::Struct) -> Result<Map<String, Value>, CustomError> {
    let mut path = String::new();
    fields_to_json(s, &mut path)
}

fn fields_to_json(
    s: &prost_types::Struct,
    path: &mut String,
) -> Result<Map<String, Value>, CustomError> {
    let mut keys: Vec<&String> = s.fields.keys().collect();
    keys.sort();
    let mut out = Map::new();
    for key in keys {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
        let value = value_to_json(&s.fields[key], path)?;
        path.truncate(len);
        out.insert(key.clone(), value);
    }
    Ok(out)
}

fn value_to_json(v: &prost_types::Value, path: &mut String) -> Result<Value, CustomError> {
    Ok(match &v.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::BoolValue(b)) => Value::Bool(*b),
        Some(Kind::StringValue(s)) => Value::String(s.clone()),
        Some(Kind::NumberValue(n)) => Value::Number(number(*n).ok_or_else(|| {
            let at = if path.is_empty() { "(root)" } else { path };
            CustomError::new(format!("{at}: {n} is not a JSON number"))
        })?),
        Some(Kind::StructValue(s)) => Value::Object(fields_to_json(s, path)?),
        Some(Kind::ListValue(l)) => {
            let mut out = Vec::with_capacity(l.values.len());
            for (i, item) in l.values.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                out.push(value_to_json(item, path)?);
                path.truncate(len);
            }
            Value::Array(out)
        }
    })
}

fn number(n: f64) -> Option<Number> {
    if n.fract() == 0.0 && n.abs() <= MAX_EXACT {
        // Exact: |n| <= 2^53 fits an i64 without rounding.
        Some(Number::from(n as i64))
    } else {
        Number::from_f64(n)
    }
}

/// Converts a JSON object to a `Struct`. Numbers become doubles (as any `Struct` holds them).
pub fn json_to_struct(map: &Map<String, Value>) -> prost_types::Struct {
    prost_types::Struct {
        fields: map
            .iter()
            .map(|(k, v)| (k.clone(), json_to_value(v)))
            .collect(),
    }
}

/// Converts a JSON value to a `google.protobuf.Value`.
pub fn json_to_value(v: &Value) -> prost_types::Value {
    let kind = match v {
        Value::Null => Kind::NullValue(0),
        Value::Bool(b) => Kind::BoolValue(*b),
        Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Kind::StringValue(s.clone()),
        Value::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.iter().map(json_to_value).collect(),
        }),
        Value::Object(map) => Kind::StructValue(json_to_struct(map)),
    };
    prost_types::Value { kind: Some(kind) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn num(n: f64) -> prost_types::Value {
        prost_types::Value {
            kind: Some(Kind::NumberValue(n)),
        }
    }

    #[test]
    fn integral_doubles_become_integers() {
        let mut s = prost_types::Struct::default();
        s.fields.insert("a".into(), num(3.0));
        s.fields.insert("b".into(), num(2.5));
        s.fields.insert("c".into(), num(MAX_EXACT));
        s.fields.insert("d".into(), num(1e300));
        let got = struct_to_json(&s).unwrap();
        assert_eq!(got["a"].to_string(), "3");
        assert_eq!(got["b"].to_string(), "2.5");
        assert_eq!(got["c"].to_string(), "9007199254740992");
        // Beyond 2^53 a double is no exact integer: it stays a float.
        assert!(got["d"].is_f64() && got["d"].as_f64() == Some(1e300));
    }

    #[test]
    fn non_finite_numbers_name_their_path() {
        let inner = prost_types::Struct {
            fields: [(
                "xs".to_string(),
                prost_types::Value {
                    kind: Some(Kind::ListValue(prost_types::ListValue {
                        values: vec![num(1.0), num(f64::NAN)],
                    })),
                },
            )]
            .into(),
        };
        let mut s = prost_types::Struct::default();
        s.fields.insert(
            "outer".into(),
            prost_types::Value {
                kind: Some(Kind::StructValue(inner)),
            },
        );
        let err = struct_to_json(&s).unwrap_err();
        assert!(err.to_string().starts_with("outer.xs[1]: "), "{err}");
    }

    #[test]
    fn round_trip() {
        let v = json!({"a": [1, "x", null, true, {"b": 2.5}], "c": {}});
        let Value::Object(map) = v.clone() else {
            unreachable!()
        };
        assert_eq!(
            Value::Object(struct_to_json(&json_to_struct(&map)).unwrap()),
            v
        );
    }
}
