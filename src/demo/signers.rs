//! The demo's keys: a root authority generated at run time, and one key per
//! unit or person that certifies facts, enrolled for exactly the kinds it signs.
//!
//! Private keys live only in this process's memory ([`Keypair`] zeroizes on
//! drop); nothing here writes a key anywhere.

use std::collections::{BTreeMap, BTreeSet};

use super::data::SourceDocument;
use super::DemoError;
use crate::builders;
use crate::ids::{EventDate, Kind};
use crate::keys::{Keypair, PublicKey};
use crate::ledger::Ledger;
use crate::registry::{EnrolmentPayload, Identity};
use serde::Serialize;

/// Who the demo's root authority says it is.
pub fn root_identity() -> Identity {
    Identity {
        person: "演示根证书机构".into(),
        unit: "铁证演示账本（Tiezheng demo ledger）".into(),
        role: "demo root authority: enrols the demo keys; its key exists only while the demo runs"
            .into(),
    }
}

/// One enrolled demo key, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoSigner {
    /// The signer's id in the data files: `bole_yjj`.
    pub id: String,
    /// The document it certifies facts of.
    pub document: String,
    /// Who holds the key.
    pub identity: Identity,
    /// The key.
    pub public_key: PublicKey,
    /// The kinds it is enrolled for: exactly those it signs.
    pub kinds: Vec<String>,
    /// The enrolment entry.
    pub enrolment_seq: u64,
}

/// The demo's keys, in memory.
pub(crate) struct Keyring {
    pub root: Keypair,
    pub keys: BTreeMap<String, Keypair>,
    pub signers: Vec<DemoSigner>,
}

/// Appends the genesis entry naming a fresh root authority.
pub(crate) fn genesis(ledger: &Ledger) -> Result<Keypair, DemoError> {
    let root = Keypair::generate();
    let g = builders::genesis(
        ledger.origin(),
        &[(root.public(), root_identity())],
        "铁证演示账本：五份事故责任追究与整改评估文件所载事实（演示密钥于运行时生成，不留存）",
    );
    super::sign_and_append(ledger, &g, &[&root], "genesis".into())?;
    Ok(root)
}

/// The kinds each signer of `doc` signs.
fn kinds_signed(doc: &SourceDocument) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut out: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in &doc.facts {
        for s in &f.signers {
            out.entry(s.as_str()).or_default().insert(f.kind.as_str());
        }
    }
    out
}

/// Generates and enrols a key for every signer of every document, signed by `root`.
pub(crate) fn enrol_all(
    ledger: &Ledger,
    root: Keypair,
    docs: &[SourceDocument],
    today: EventDate,
) -> Result<Keyring, DemoError> {
    let mut ring = Keyring {
        root,
        keys: BTreeMap::new(),
        signers: Vec::new(),
    };
    for doc in docs {
        let kinds = kinds_signed(doc);
        for s in &doc.signers {
            let what = format!("{}: enrolment of {}", doc.document, s.id);
            if ring.keys.contains_key(&s.id) {
                return Err(DemoError::Data {
                    document: doc.document.clone(),
                    reason: format!("signer id {} is used twice", s.id),
                });
            }
            let signs: Vec<String> = kinds
                .get(s.id.as_str())
                .map(|k| k.iter().map(|k| k.to_string()).collect())
                .unwrap_or_default();
            let key = Keypair::generate();
            let identity = Identity {
                person: s.person.clone(),
                unit: s.unit.clone(),
                role: s.role.clone(),
            };
            let payload = EnrolmentPayload {
                public_key: key.public(),
                identity: identity.clone(),
                kinds: signs
                    .iter()
                    .map(|k| Kind::new(k))
                    .collect::<Result<_, _>>()
                    .map_err(|reason| DemoError::Build {
                        what: what.clone(),
                        reason,
                    })?,
                may_enrol: false,
                valid_from: today,
                valid_until: None,
            };
            let stmt = builders::enrolment(&payload);
            let receipt = super::sign_and_append(ledger, &stmt, &[&ring.root], what)?;
            ring.signers.push(DemoSigner {
                id: s.id.clone(),
                document: doc.document.clone(),
                identity,
                public_key: key.public(),
                kinds: signs,
                enrolment_seq: receipt.seq,
            });
            ring.keys.insert(s.id.clone(), key);
        }
    }
    Ok(ring)
}
