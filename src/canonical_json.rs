//! The one canonical JSON text of a statement's payload.
//!
//! Payloads are JSON objects. Their canonical text (what the body hash covers)
//! is: no insignificant white space; object members sorted by the UTF-8 bytes
//! of their keys; strings escaped as serde_json escapes them (`"` `\\` and
//! control characters only, everything else literal UTF-8); numbers only as
//! integers in the i64/u64 range. Floats are refused: money is integer fen,
//! and float formatting is not portable across languages.

use serde_json::Value;

/// The deepest nesting a payload may have.
pub const MAX_DEPTH: usize = 32;

/// Why a payload has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct CanonicalError {
    /// Where, e.g. `payload.amount_fen`.
    pub path: String,
    /// What rule it breaks.
    pub rule: String,
}

/// Canonical text of `v`, which must be an object.
///
/// # Errors
/// A non-object payload, a float, or nesting deeper than [`MAX_DEPTH`].
pub fn canonical_payload(v: &Value) -> Result<String, CanonicalError> {
    if !v.is_object() {
        return Err(CanonicalError {
            path: "payload".into(),
            rule: "must be a JSON object".into(),
        });
    }
    let mut out = String::new();
    write_value(v, "payload", 0, &mut out)?;
    Ok(out)
}

fn write_value(
    v: &Value,
    path: &str,
    depth: usize,
    out: &mut String,
) -> Result<(), CanonicalError> {
    if depth > MAX_DEPTH {
        return Err(CanonicalError {
            path: path.into(),
            rule: format!("nested deeper than {MAX_DEPTH} levels"),
        });
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&n.to_string());
            } else {
                return Err(CanonicalError {
                    path: path.into(),
                    rule: format!(
                        "{n} is not an integer; numbers must be whole (money is integer fen)"
                    ),
                });
            }
        }
        Value::String(s) => push_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, &format!("{path}[{i}]"), depth + 1, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_string(k, out);
                out.push(':');
                if let Some(child) = map.get(k) {
                    write_value(child, &format!("{path}.{k}"), depth + 1, out)?;
                }
            }
            out.push('}');
        }
    }
    Ok(())
}

fn push_string(s: &str, out: &mut String) {
    // serde_json's string escaping is the documented one; serializing a &str
    // cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_dropped() {
        let v = json!({"b": 1, "a": {"z": [1, 2], "y": "铁证"}});
        assert_eq!(
            canonical_payload(&v).unwrap(),
            r#"{"a":{"y":"铁证","z":[1,2]},"b":1}"#
        );
    }

    #[test]
    fn floats_are_refused_with_their_path() {
        let v = json!({"amount_fen": 100.5});
        let e = canonical_payload(&v).unwrap_err();
        assert_eq!(e.path, "payload.amount_fen");
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(canonical_payload(&json!([1])).is_err());
    }
}
