//! Deserializing a payload with the path of every error.
//!
//! `serde_json::from_value` reports "invalid type" or "missing field" without
//! saying where. This is a small deserializer over a borrowed
//! [`serde_json::Value`] that remembers the path of the value it is reading
//! (`payload.tasks[3].units`) and pins every error to the innermost path that
//! produced it. The typed structs keep their plain `#[derive(Deserialize)]`
//! with `deny_unknown_fields`, so there is one schema, not two.
//!
//! Only the shapes the record structs use are supported: structs, sequences,
//! options, newtypes, strings, numbers, booleans and unit-variant enums
//! written as strings. No `flatten` and no untagged or internally tagged
//! enums: those buffer their input and would lose the path.

use serde::de::{self, DeserializeOwned, Error as _, Visitor};
use serde_json::{Map, Value};
use std::fmt;

use super::error::RecordError;

/// Deserializes `value` as a `T`, reporting errors at paths below `root`.
///
/// # Errors
/// The first error met, at the innermost path where it arose.
pub(crate) fn from_value<T: DeserializeOwned>(value: &Value, root: &str) -> Result<T, RecordError> {
    let de = PathDe {
        value,
        path: root.to_string(),
    };
    T::deserialize(de).map_err(|e| e.into_record_error(root))
}

/// A deserialization error, with the path where it arose once known.
#[derive(Debug)]
pub(crate) struct DeError {
    path: Option<String>,
    msg: String,
}

impl DeError {
    /// Pins the error to `path` unless a deeper value already did.
    fn at(mut self, path: &str) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_string());
        }
        self
    }

    /// Rewrites serde's generic messages into the project's wording.
    fn into_record_error(self, root: &str) -> RecordError {
        let path = self.path.unwrap_or_else(|| root.to_string());
        if let Some(name) = between(&self.msg, "missing field `", "`") {
            return RecordError::new(format!("{path}.{name}"), "is required but missing");
        }
        if self.msg.starts_with("unknown field `") {
            let expected = self
                .msg
                .split_once(", expected ")
                .map(|(_, rest)| format!("; allowed: {}", rest.trim_start_matches("one of ")))
                .unwrap_or_default();
            return RecordError::new(path, format!("is not a field here{expected}"));
        }
        RecordError::new(path, plain_words(&self.msg))
    }
}

/// serde's type names in JSON's words: `unit value` is null, a `sequence` an array.
fn plain_words(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("invalid type: ") else {
        return msg.to_string();
    };
    let rest = rest
        .replacen("unit value", "null", 1)
        .replace("a sequence", "an array")
        .replace("sequence", "array")
        .replacen("map,", "object,", 1);
    format!("wrong JSON type: {rest}")
}

fn between<'s>(s: &'s str, start: &str, end: &str) -> Option<&'s str> {
    let rest = s.strip_prefix(start)?;
    rest.split_once(end).map(|(name, _)| name)
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            path: None,
            msg: msg.to_string(),
        }
    }
}

/// Reads one borrowed value found at `path`.
struct PathDe<'a> {
    value: &'a Value,
    path: String,
}

impl<'de> de::Deserializer<'de> for PathDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let path = self.path;
        let out = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(SeqAcc {
                items: items.iter(),
                path: &path,
                index: 0,
            }),
            Value::Object(map) => visitor.visit_map(MapAcc {
                entries: map.iter(),
                pending: None,
                path: &path,
            }),
        };
        out.map_err(|e| e.at(&path))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.value {
            Value::Null => visitor.visit_none().map_err(|e: DeError| e.at(&self.path)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.value {
            Value::String(s) => {
                let de = de::value::BorrowedStrDeserializer::<'de, DeError>::new(s);
                visitor.visit_enum(de).map_err(|e| e.at(&self.path))
            }
            other => Err(DeError::custom(format!(
                "must be a string naming one of the allowed values, not {}",
                json_type(other)
            ))
            .at(&self.path)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// The JSON type of a value, for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct SeqAcc<'a, 'p> {
    items: std::slice::Iter<'a, Value>,
    path: &'p str,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqAcc<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let path = format!("{}[{}]", self.path, self.index);
        self.index += 1;
        let value = seed.deserialize(PathDe {
            value: item,
            path: path.clone(),
        });
        value.map(Some).map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapAcc<'a, 'p> {
    entries: serde_json::map::Iter<'a>,
    pending: Option<(String, &'a Value)>,
    path: &'p str,
}

impl<'de> de::MapAccess<'de> for MapAcc<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let path = format!("{}.{}", self.path, key);
        let de = de::value::BorrowedStrDeserializer::<'de, DeError>::new(key);
        let parsed = seed.deserialize(de).map_err(|e| e.at(&path))?;
        self.pending = Some((path, value));
        Ok(Some(parsed))
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DeError> {
        let Some((path, value)) = self.pending.take() else {
            return Err(DeError::custom("value requested before its key").at(self.path));
        };
        seed.deserialize(PathDe {
            value,
            path: path.clone(),
        })
        .map_err(|e| e.at(&path))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Requires `value` to be a JSON object, naming `path` if it is not.
///
/// # Errors
/// `must be a JSON object` at `path`.
pub(crate) fn object<'v>(
    value: &'v Value,
    path: &str,
) -> Result<&'v Map<String, Value>, RecordError> {
    value.as_object().ok_or_else(|| {
        RecordError::new(
            path,
            format!("must be a JSON object, not {}", json_type(value)),
        )
    })
}
