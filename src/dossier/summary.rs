//! One line in Chinese per entry, from its payload as recorded (a
//! correction's own line says what it changes).

use super::reconcile::{kind_label, typed, Item, Items};
use crate::records::{Fen, Party, Record, Text};

fn money(fen: Fen) -> String {
    format!("{}元（{}）", fen.display_yuan(), fen.to_capitals())
}

fn opt(t: &Option<Text>) -> &str {
    t.as_deref().unwrap_or("")
}

fn who(p: &Party) -> String {
    p.display_name()
}

/// The line for `it`; `items` names what a correction corrects.
pub(crate) fn line(it: &Item, items: &Items) -> String {
    let Some(record) = typed(&it.kind, &it.payload) else {
        return format!("{}：{}", kind_label(&it.kind), it.subject);
    };
    match record {
        Record::Case(c) => {
            let mut s = format!(
                "{}，{}，死亡{}人",
                c.title.as_deref().unwrap_or(&c.name),
                c.grade.label(),
                c.deaths
            );
            if let Some(n) = c.injuries {
                s += &format!("，受伤{n}人");
            }
            if let Some(loss) = &c.direct_economic_loss {
                s += &format!("，直接经济损失{}", loss.as_written);
            }
            s
        }
        Record::Directive(d) => format!(
            "{}《{}》（{}），{}项任务",
            d.issuer,
            d.title,
            d.document_number.as_str(),
            d.tasks.len()
        ),
        Record::Recommendation(r) => match &r.not_pursued_reason {
            Some(why) => format!("{}：{}（{}）", who(&r.party), r.handling_as_written, why),
            None => format!("{}：{}", who(&r.party), r.handling_as_written),
        },
        Record::PenaltyDecision(p) => {
            let fine = p
                .amount_fen
                .map_or(String::new(), |f| format!("，罚款{}", money(f)));
            format!("{}对{}作出行政处罚{fine}", opt(&p.issuer), who(&p.party))
        }
        Record::PaymentDeferral(d) => format!(
            "{}于{}申请延期缴纳罚款，{}同意延期至{}",
            opt(&d.applicant),
            d.applied_on,
            opt(&d.approved_by),
            d.new_deadline
        ),
        Record::PaymentReceipt(p) => {
            let written = p
                .amount_as_written
                .as_ref()
                .map_or(String::new(), |w| format!("，原文“{w}”"));
            let bank = p.bank.as_ref().map_or(String::new(), |b| format!("至{b}"));
            format!("{}缴纳罚款{}{written}{bank}", p.payer, money(p.amount_fen))
        }
        Record::DisciplinaryAction(d) => {
            let measures: Vec<&str> = d.measures.iter().map(|m| m.label()).collect();
            let internal = d
                .internal_measure
                .as_ref()
                .map_or(String::new(), |m| format!("（{m}）"));
            format!(
                "{}对{}：{}{internal}",
                opt(&d.authority),
                who(&d.subject),
                measures.join("、")
            )
        }
        Record::CriminalReferral(r) => {
            format!("{}将{}移送司法机关", opt(&r.referred_by), who(&r.subject))
        }
        Record::ProsecutionOutcome(o) => {
            let number = o
                .document_number
                .as_ref()
                .map_or(String::new(), |n| format!("（{}）", n.as_str()));
            format!("{}：{}{number}", who(&o.subject), o.outcome.label())
        }
        Record::RectificationReport(r) => {
            let mut s = format!("{}：整改措施{}项", r.unit, r.actions.len());
            for h in &r.hazards {
                s += &format!("，发现隐患{}项", h.found);
                if let Some(f) = h.fixed {
                    s += &format!("，已整改{f}项");
                }
                if let Some(p) = h.in_progress {
                    s += &format!("，正在整改{p}项");
                }
            }
            s
        }
        Record::VerificationFinding(f) => {
            let verdict = f
                .overall_verdict
                .map_or(String::new(), |v| format!("，总体{}", v.label()));
            format!("{}：评估{}项{verdict}", f.group, f.items.len())
        }
        Record::Correction(c) => {
            let target = it
                .case_refs()
                .next()
                .and_then(|s| items.get(s))
                .map_or("所引用记录".to_string(), |t| {
                    format!("第{}号记录（{}）", t.seq, kind_label(&t.kind))
                });
            format!(
                "更正{target}的{}为{}：{}",
                c.corrected_field, c.corrected_value, c.reason
            )
        }
    }
}
