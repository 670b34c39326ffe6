//! Small helpers to build and read Flyte literals (task inputs and outputs).

use crate::proto::flyteidl::core::{
    Literal, LiteralMap, Primitive, Scalar, literal, primitive, scalar,
};

fn primitive(value: primitive::Value) -> Literal {
    Literal {
        value: Some(literal::Value::Scalar(Box::new(Scalar {
            value: Some(scalar::Value::Primitive(Primitive { value: Some(value) })),
        }))),
        ..Literal::default()
    }
}

/// An integer literal.
pub fn integer(v: i64) -> Literal {
    primitive(primitive::Value::Integer(v))
}

/// A float literal.
pub fn float(v: f64) -> Literal {
    primitive(primitive::Value::FloatValue(v))
}

/// A string literal.
pub fn string(v: impl Into<String>) -> Literal {
    primitive(primitive::Value::StringValue(v.into()))
}

/// A boolean literal.
pub fn boolean(v: bool) -> Literal {
    primitive(primitive::Value::Boolean(v))
}

/// A literal map from name/literal pairs.
pub fn literal_map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Literal)>) -> LiteralMap {
    LiteralMap {
        literals: entries.into_iter().map(|(k, v)| (k.into(), v)).collect(),
    }
}

fn as_primitive(l: &Literal) -> Option<&primitive::Value> {
    let Some(literal::Value::Scalar(scalar)) = &l.value else {
        return None;
    };
    match &scalar.value {
        Some(scalar::Value::Primitive(Primitive { value: Some(v) })) => Some(v),
        _ => None,
    }
}

/// Typed reads of primitive literals in a [`LiteralMap`].
pub trait LiteralMapExt {
    /// The integer named `name`, if it is one.
    fn get_integer(&self, name: &str) -> Option<i64>;
    /// The float named `name`, if it is one.
    fn get_float(&self, name: &str) -> Option<f64>;
    /// The string named `name`, if it is one.
    fn get_string(&self, name: &str) -> Option<&str>;
    /// The boolean named `name`, if it is one.
    fn get_boolean(&self, name: &str) -> Option<bool>;
}

impl LiteralMapExt for LiteralMap {
    fn get_integer(&self, name: &str) -> Option<i64> {
        match as_primitive(self.literals.get(name)?) {
            Some(primitive::Value::Integer(v)) => Some(*v),
            _ => None,
        }
    }

    fn get_float(&self, name: &str) -> Option<f64> {
        match as_primitive(self.literals.get(name)?) {
            Some(primitive::Value::FloatValue(v)) => Some(*v),
            _ => None,
        }
    }

    fn get_string(&self, name: &str) -> Option<&str> {
        match as_primitive(self.literals.get(name)?) {
            Some(primitive::Value::StringValue(v)) => Some(v),
            _ => None,
        }
    }

    fn get_boolean(&self, name: &str) -> Option<bool> {
        match as_primitive(self.literals.get(name)?) {
            Some(primitive::Value::Boolean(v)) => Some(*v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_and_read() {
        let m = literal_map([
            ("i", integer(-3)),
            ("f", float(1.5)),
            ("s", string("x")),
            ("b", boolean(true)),
        ]);
        assert_eq!(m.get_integer("i"), Some(-3));
        assert_eq!(m.get_float("f"), Some(1.5));
        assert_eq!(m.get_string("s"), Some("x"));
        assert_eq!(m.get_boolean("b"), Some(true));
        assert_eq!(m.get_integer("s"), None);
        assert_eq!(m.get_integer("missing"), None);
    }
}
