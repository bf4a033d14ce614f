//! `cases` and `case ID`: case dossiers as the server reconciles them.

use super::common::emit;
use super::Global;
use anyhow::Result;
use clap::Args;
use serde_json::Value;
use tiezheng::client::Client;

/// `case`.
#[derive(Args)]
pub struct CaseArgs {
    /// The case id, e.g. bole-2024-11-25.
    id: String,
}

/// Percent-encodes a path segment (case ids are often Chinese).
fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or("")
}

/// `cases`.
pub fn list(g: &Global) -> Result<()> {
    let v = Client::new(&g.url).get_value("/v1/cases")?;
    emit(g, &v, || {
        let cases = v["cases"].as_array().cloned().unwrap_or_default();
        if cases.is_empty() {
            return "no cases yet".into();
        }
        cases
            .iter()
            .map(|c| {
                format!(
                    "{}  {}  {} entries, {} penalties, {} of {} recommendations open, {} unresolved anomalies",
                    s(c, "case_id"),
                    s(c, "title"),
                    c["entries"],
                    c["penalties"],
                    c["open_recommendations"],
                    c["recommendations"],
                    c["unresolved_anomalies"]
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn certifiers(e: &Value) -> String {
    let names: Vec<String> = e["certified_by"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| format!("{} ({}, {})", s(c, "person"), s(c, "unit"), s(c, "role")))
        .collect();
    names.join("; ")
}

/// `case ID`.
pub fn show(g: &Global, a: CaseArgs) -> Result<()> {
    let d = Client::new(&g.url).get_value(&format!("/v1/cases/{}", segment(&a.id)))?;
    emit(g, &d, || human(&d))
}

fn human(d: &Value) -> String {
    let mut out = vec![format!(
        "case {}  {}  (as of {})",
        s(d, "case_id"),
        s(d, "title"),
        s(d, "as_of")
    )];
    let list = |k: &str| d[k].as_array().cloned().unwrap_or_default();
    out.push("entries:".into());
    for e in list("entries") {
        out.push(format!(
            "  #{:<5} {}  {}  {}\n          certified by {}",
            e["seq"],
            s(&e, "event_date"),
            s(&e, "kind_label"),
            s(&e, "summary"),
            certifiers(&e)
        ));
    }
    let penalties = list("penalties");
    if !penalties.is_empty() {
        out.push("penalties:".into());
    }
    for p in penalties {
        out.push(format!(
            "  #{:<5} {}: due {} 元 ({}), paid {} 元, balance {} 元, deadline {} — {}",
            p["decision"],
            s(&p, "party"),
            s(&p, "amount_due_yuan"),
            s(&p, "amount_due_capitals"),
            s(&p, "paid_yuan"),
            p["balance_yuan"].as_str().unwrap_or("?"),
            p["deadline"].as_str().unwrap_or("?"),
            s(&p, "state_label")
        ));
    }
    let recs = list("recommendations");
    if !recs.is_empty() {
        out.push("recommendations:".into());
    }
    for r in recs {
        let by: Vec<String> = r["carried_out_by"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| format!("#{} {}", c["seq"], s(c, "kind_label")))
            .collect();
        out.push(format!(
            "  #{:<5} {}: {} — {}{}",
            r["seq"],
            s(&r, "party"),
            s(&r, "handling_label"),
            s(&r, "status_label"),
            if by.is_empty() {
                String::new()
            } else {
                format!(" ({})", by.join(", "))
            }
        ));
    }
    let anomalies = list("anomalies");
    if !anomalies.is_empty() {
        out.push("anomalies:".into());
    }
    for a in anomalies {
        let resolved = a["resolved_by"]
            .as_u64()
            .map(|c| format!(" (resolved by correction #{c})"))
            .unwrap_or_default();
        out.push(format!(
            "  #{:<5} {}: {}{resolved}",
            a["entry"],
            s(&a, "label"),
            s(&a, "message")
        ));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn case_ids_are_percent_encoded() {
        assert_eq!(
            super::segment("11·25 事故"),
            "11%C2%B725%20%E4%BA%8B%E6%95%85"
        );
        assert_eq!(super::segment("bole-2024-11-25"), "bole-2024-11-25");
    }
}
