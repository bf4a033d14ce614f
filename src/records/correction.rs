//! `correction`: a signed correction of one field of an earlier entry.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::date::Date;
use super::error::{fail, RecordError};
use super::record::{Record, Rules};
use super::refs::ReferencedEntry;
use super::text::Text;

/// A correction of one field of an earlier entry, which stays as it was:
/// readers see both. Event date: the day of the correction. References:
/// exactly one entry, of any kind — the one corrected.
///
/// `corrected_field` is named the way errors name fields: `event_date`, or a
/// path into the payload such as `payload.amount_fen` or
/// `payload.tasks[3].units`. The path must exist in the corrected entry, or
/// name a new member of an object that exists. The value must differ from the
/// current one, and must be valid where it stands: the corrected entry of a
/// record kind is validated again (without its references, which are
/// unchanged) and an error at the corrected field or inside it refuses the
/// correction. An error elsewhere — a figure as written that no longer
/// matches the corrected number — is what the correction records, and is
/// left for readers to see. A corrected `event_date` must leave the entry
/// valid throughout.
///
/// ```json
/// {"corrected_field": "payload.amount_fen", "corrected_value": 50000000,
///  "reason": "缴纳金额应为500000.00元（伍拾万元整），原文“500000 万元”系笔误"}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Which field: `event_date` or `payload.…`.
    pub corrected_field: Text,
    /// The right value, as JSON.
    pub corrected_value: Value,
    /// Why, as written.
    pub reason: Text,
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    Key(String),
    Index(usize),
}

/// Parses `payload.a.b[3].c` into steps below `payload`.
///
/// # Errors
/// The rule in words when the path is not of that shape.
pub(crate) fn parse_path(path: &str) -> Result<Vec<Step>, String> {
    let bad = || {
        format!("{path:?} is not event_date or a payload path like payload.amount_fen or payload.tasks[3].units")
    };
    let mut rest = path.strip_prefix("payload").ok_or_else(bad)?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let key = &r[..end];
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(bad());
            }
            steps.push(Step::Key(key.to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let (digits, r) = r.split_once(']').ok_or_else(bad)?;
            let i = (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok())
                .flatten()
                .ok_or_else(bad)?;
            steps.push(Step::Index(i));
            rest = r;
        } else {
            return Err(bad());
        }
    }
    if steps.is_empty() {
        return Err(format!(
            "{path:?} names the whole payload; correct one field at a time"
        ));
    }
    Ok(steps)
}

fn get<'v>(mut v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    for s in steps {
        v = match s {
            Step::Key(k) => v.get(k)?,
            Step::Index(i) => v.get(*i)?,
        };
    }
    Some(v)
}

/// Sets the value at `steps`, adding a new object member if needed.
fn set(v: &mut Value, steps: &[Step], new: Value) -> Option<()> {
    let (last, parents) = steps.split_last()?;
    let mut parent = v;
    for s in parents {
        parent = match s {
            Step::Key(k) => parent.get_mut(k)?,
            Step::Index(i) => parent.get_mut(*i)?,
        };
    }
    match last {
        Step::Key(k) => {
            parent.as_object_mut()?.insert(k.clone(), new);
        }
        Step::Index(i) => *parent.get_mut(*i)? = new,
    }
    Some(())
}

impl Correction {
    /// The corrected entry's event date and payload as they read once this
    /// correction is applied; the originals are left untouched. This is what
    /// readers reconcile with, while they still show the original.
    ///
    /// ```
    /// use serde_json::json;
    /// use tiezheng::records::Correction;
    /// let c: Correction = serde_json::from_value(json!({"corrected_field": "payload.amount_fen",
    ///     "corrected_value": 50_000_000, "reason": "笔误"})).unwrap();
    /// let (date, payload) = c.apply("2025-10-30", &json!({"amount_fen": 500_000_000_000u64})).unwrap();
    /// assert_eq!((date.as_str(), &payload["amount_fen"]), ("2025-10-30", &json!(50_000_000)));
    /// ```
    ///
    /// # Errors
    /// The rule in words when the field is not a path of that payload (or a
    /// new member of an object in it), or a corrected event date is not a string.
    pub fn apply(&self, event_date: &str, payload: &Value) -> Result<(String, Value), String> {
        let field = self.corrected_field.as_str();
        if field == "event_date" {
            let date = self
                .corrected_value
                .as_str()
                .ok_or("a corrected event_date is a string YYYY-MM-DD")?;
            return Ok((date.to_string(), payload.clone()));
        }
        let steps = parse_path(field)?;
        let mut corrected = payload.clone();
        set(&mut corrected, &steps, self.corrected_value.clone())
            .ok_or_else(|| format!("the corrected entry has no {field}"))?;
        Ok((event_date.to_string(), corrected))
    }

    /// The value the corrected field holds in `payload` (or the event date),
    /// if it has one.
    pub fn current_value(&self, event_date: &str, payload: &Value) -> Option<Value> {
        let field = self.corrected_field.as_str();
        if field == "event_date" {
            return Some(Value::String(event_date.to_string()));
        }
        get(payload, &parse_path(field).ok()?).cloned()
    }
}

impl Rules for Correction {
    /// Rules: the field is `event_date` or a well-formed payload path; a
    /// corrected event date is a real date.
    fn check(&self, _event_date: Option<Date>) -> Result<(), RecordError> {
        if self.corrected_field.as_str() == "event_date" {
            let ok = self.corrected_value.as_str().map(Date::parse);
            return match ok {
                Some(Ok(_)) => Ok(()),
                Some(Err(e)) => fail("payload.corrected_value", e),
                None => fail(
                    "payload.corrected_value",
                    "a corrected event_date is a string YYYY-MM-DD",
                ),
            };
        }
        parse_path(&self.corrected_field)
            .map(|_| ())
            .map_err(|e| RecordError::new("payload.corrected_field", e))
    }

    /// Rules: the field exists in the corrected entry (or is a new member of
    /// an existing object); the value changes; the corrected entry of a record
    /// kind still validates.
    fn check_refs(
        &self,
        refs: &[ReferencedEntry<'_>],
        _event_date: Date,
    ) -> Result<(), RecordError> {
        let Some(target) = refs.first() else {
            return fail("refs", "a correction must reference the entry it corrects");
        };
        let mut payload = target.payload.clone();
        let mut date = target.event_date.to_string();
        let field = self.corrected_field.as_str();
        let unchanged = || {
            fail(
                "payload.corrected_value",
                format!("equals the current {field} of refs[0] (seq {}); a correction must change something", target.seq),
            )
        };
        if field == "event_date" {
            if self.corrected_value.as_str() == Some(target.event_date) {
                return unchanged();
            }
            date = self
                .corrected_value
                .as_str()
                .unwrap_or_default()
                .to_string();
        } else {
            let steps =
                parse_path(field).map_err(|e| RecordError::new("payload.corrected_field", e))?;
            if get(target.payload, &steps) == Some(&self.corrected_value) {
                return unchanged();
            }
            if set(&mut payload, &steps, self.corrected_value.clone()).is_none() {
                return fail(
                    "payload.corrected_field",
                    format!(
                        "refs[0] (a {}, seq {}) has no {field} to correct",
                        target.kind, target.seq
                    ),
                );
            }
        }
        if !super::RECORD_KINDS.contains(&target.kind) || target.kind == "correction" {
            return Ok(());
        }
        let date =
            Date::parse(&date).map_err(|e| RecordError::new("payload.corrected_value", e))?;
        let Err(e) = Record::parse_dated(target.kind, &payload, Some(date)) else {
            return Ok(());
        };
        // An error elsewhere (a figure as written that no longer matches the
        // corrected number) is what the correction is about, not a fault in it.
        let at_field = |f: &str| {
            f == field
                || f.strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with(['.', '[']))
        };
        if field == "event_date" || at_field(&e.field) {
            return fail(
                "payload.corrected_value",
                format!("the corrected {} would be invalid: {e}", target.kind),
            );
        }
        Ok(())
    }
}
