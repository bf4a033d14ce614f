//! Who may certify what: the signer registry.
//!
//! The genesis entry names the root authorities; it must be signed by every
//! root it names. Enrolments and revocations are entries too. An enrolment is
//! signed by a root or by an enrolled key with the right to enrol; it binds a
//! key to a person, a unit, a role, the kinds it may sign and a validity period.
//! A revocation takes effect from its own position in the ledger on: entries
//! recorded before it stay valid.
//!
//! The same [`Registry::admit`] runs at append time and during full
//! verification, so the rules are checked the same way by both.

use crate::ids::{core_kinds, EventDate, Kind, Seq};
use crate::keys::{KeyId, PublicKey};
use crate::statement::{FieldError, Statement};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A person's identity bound to a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// The person (as the documents name them).
    pub person: String,
    /// Their unit, e.g. 米东区纪委监委.
    pub unit: String,
    /// Their role, e.g. 审理室主任.
    pub role: String,
}

/// A root authority named in the genesis entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootSpec {
    /// Its key.
    pub public_key: PublicKey,
    /// Who holds it.
    #[serde(flatten)]
    pub identity: Identity,
}

/// Payload of the `genesis` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisPayload {
    /// Must equal the ledger's origin.
    pub origin: String,
    /// Root authorities (at least one).
    pub roots: Vec<RootSpec>,
    /// What this ledger records.
    #[serde(default)]
    pub description: String,
}

/// Payload of a `key_enrolment` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentPayload {
    /// The key enrolled.
    pub public_key: PublicKey,
    /// Who holds it.
    #[serde(flatten)]
    pub identity: Identity,
    /// Record kinds it may sign (not the core kinds).
    pub kinds: Vec<Kind>,
    /// Whether it may enrol and revoke other keys.
    #[serde(default)]
    pub may_enrol: bool,
    /// First day it may sign (Asia/Shanghai).
    pub valid_from: EventDate,
    /// Last day it may sign, if limited.
    #[serde(default)]
    pub valid_until: Option<EventDate>,
}

/// Payload of a `key_revocation` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevocationPayload {
    /// The key revoked.
    pub public_key: PublicKey,
    /// Why.
    pub reason: String,
}

/// A revocation as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevocationRecord {
    /// Entry that revoked the key.
    pub seq: Seq,
    /// Its recorded-at time.
    pub recorded_at_ms: i64,
    /// Who signed the revocation.
    pub by: Vec<PublicKey>,
    /// Why.
    pub reason: String,
}

/// Everything the registry knows of one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRecord {
    /// The key.
    pub public_key: PublicKey,
    /// Who holds it.
    pub identity: Identity,
    /// A root authority (named in genesis).
    pub root: bool,
    /// Record kinds it may sign.
    pub kinds: BTreeSet<Kind>,
    /// May enrol and revoke.
    pub may_enrol: bool,
    /// Validity start, Unix ms.
    pub valid_from_ms: i64,
    /// Validity end (exclusive), Unix ms.
    pub valid_until_ms: Option<i64>,
    /// The entry that enrolled it (0 for roots: the genesis entry).
    pub enrolled_seq: Seq,
    /// Who signed the enrolment (empty for roots).
    pub enrolled_by: Vec<PublicKey>,
    /// Its revocation, if any.
    pub revoked: Option<RevocationRecord>,
}

/// A key's standing for one signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum KeyStatus {
    /// Enrolled, in its period, not revoked, in scope.
    Active,
    /// Not in the registry (at that point).
    Unknown,
    /// Revoked by entry `seq`.
    Revoked {
        /// The revoking entry.
        seq: Seq,
    },
    /// Outside its validity period.
    Expired {
        /// Validity start, Unix ms.
        valid_from_ms: i64,
        /// Validity end, Unix ms.
        valid_until_ms: Option<i64>,
    },
    /// Not enrolled for this kind.
    OutOfScope {
        /// The kind it tried to sign.
        kind: String,
    },
}

/// Why the registry refused an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The signer's key is not enrolled.
    #[error("signer {0} is not an enrolled key")]
    UnknownKey(KeyId),
    /// The signer's key was revoked.
    #[error("signer {key} was revoked by entry {seq}")]
    RevokedKey {
        /// Key.
        key: KeyId,
        /// Revoking entry.
        seq: Seq,
    },
    /// Outside the key's validity period.
    #[error("signer {key} is outside its validity period ({period})")]
    ExpiredKey {
        /// Key.
        key: KeyId,
        /// The period, in words.
        period: String,
    },
    /// The key may not sign this kind.
    #[error("signer {key} ({unit}, {role}) is not enrolled to sign {kind} entries")]
    OutOfScope {
        /// Key.
        key: KeyId,
        /// Kind refused.
        kind: String,
        /// Its unit.
        unit: String,
        /// Its role.
        role: String,
    },
    /// An entry with no signature at all.
    #[error("entry has no signature; every entry is certified by at least one key")]
    Unsigned,
    /// The ledger has no genesis yet, or a second genesis was attempted.
    #[error("{0}")]
    Sequence(String),
    /// An enrolment/revocation conflicts with the registry's state.
    #[error("{0}")]
    Conflict(String),
    /// A field of a registry payload is invalid.
    #[error(transparent)]
    Field(#[from] FieldError),
}

/// The registry state at some point of the ledger.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    origin: String,
    keys: BTreeMap<PublicKey, KeyRecord>,
}

fn parse<T: serde::de::DeserializeOwned>(s: &Statement) -> Result<T, FieldError> {
    serde_json::from_value(s.payload.clone())
        .map_err(|e| FieldError::new("statement.payload", e.to_string()))
}

impl Registry {
    /// An empty registry for the ledger named `origin`.
    pub fn new(origin: &str) -> Self {
        Registry {
            origin: origin.to_string(),
            keys: BTreeMap::new(),
        }
    }

    /// Every known key.
    pub fn keys(&self) -> impl Iterator<Item = &KeyRecord> {
        self.keys.values()
    }

    /// One key.
    pub fn key(&self, pk: &PublicKey) -> Option<&KeyRecord> {
        self.keys.get(pk)
    }

    /// The standing of `pk` signing a `kind` entry at position `seq`, time `at_ms`.
    pub fn status(&self, pk: &PublicKey, kind: &str, seq: Seq, at_ms: i64) -> KeyStatus {
        let Some(k) = self.keys.get(pk) else {
            return KeyStatus::Unknown;
        };
        if k.enrolled_seq >= seq && !(k.root && seq == 0) {
            return KeyStatus::Unknown;
        }
        if let Some(r) = &k.revoked {
            if r.seq < seq {
                return KeyStatus::Revoked { seq: r.seq };
            }
        }
        let in_period = at_ms >= k.valid_from_ms && k.valid_until_ms.is_none_or(|u| at_ms < u);
        if !in_period {
            return KeyStatus::Expired {
                valid_from_ms: k.valid_from_ms,
                valid_until_ms: k.valid_until_ms,
            };
        }
        let in_scope = if kind == core_kinds::KEY_ENROLMENT || kind == core_kinds::KEY_REVOCATION {
            k.may_enrol
        } else {
            k.kinds.iter().any(|x| x.as_str() == kind)
        };
        if !in_scope {
            return KeyStatus::OutOfScope {
                kind: kind.to_string(),
            };
        }
        KeyStatus::Active
    }

    fn require_active(
        &self,
        pk: &PublicKey,
        kind: &str,
        seq: Seq,
        at_ms: i64,
    ) -> Result<&KeyRecord, RegistryError> {
        match self.status(pk, kind, seq, at_ms) {
            KeyStatus::Active => self.keys.get(pk).ok_or(RegistryError::UnknownKey(pk.id())),
            KeyStatus::Unknown => Err(RegistryError::UnknownKey(pk.id())),
            KeyStatus::Revoked { seq } => Err(RegistryError::RevokedKey { key: pk.id(), seq }),
            KeyStatus::Expired {
                valid_from_ms,
                valid_until_ms,
            } => Err(RegistryError::ExpiredKey {
                key: pk.id(),
                period: format!(
                    "from {} until {}",
                    crate::ids::rfc3339_ms(valid_from_ms),
                    valid_until_ms.map_or("no end".into(), crate::ids::rfc3339_ms)
                ),
            }),
            KeyStatus::OutOfScope { kind } => {
                let k = self.keys.get(pk);
                Err(RegistryError::OutOfScope {
                    key: pk.id(),
                    kind,
                    unit: k.map(|k| k.identity.unit.clone()).unwrap_or_default(),
                    role: k.map(|k| k.identity.role.clone()).unwrap_or_default(),
                })
            }
        }
    }

    /// Checks that every signer may sign a `kind` entry (not a core kind) at
    /// position `seq`, time `at_ms`. Changes nothing.
    ///
    /// # Errors
    /// The first signer refused, or an entry with no signature.
    pub fn authorize(
        &self,
        seq: Seq,
        at_ms: i64,
        kind: &str,
        signers: &[PublicKey],
    ) -> Result<(), RegistryError> {
        if signers.is_empty() {
            return Err(RegistryError::Unsigned);
        }
        if seq == 0 && kind != core_kinds::GENESIS {
            return Err(RegistryError::Sequence(format!(
                "the ledger is empty: its first entry must be a genesis entry, not {kind}"
            )));
        }
        for pk in signers {
            self.require_active(pk, kind, seq, at_ms)?;
        }
        Ok(())
    }

    /// Checks that entry `seq` (statement `s`, signed by `signers`, recorded at
    /// `at_ms`) is allowed, and if so applies its effect on the registry.
    ///
    /// # Errors
    /// The first rule broken; the registry is unchanged.
    pub fn admit(
        &mut self,
        seq: Seq,
        at_ms: i64,
        s: &Statement,
        signers: &[PublicKey],
    ) -> Result<(), RegistryError> {
        let kind = s.kind.as_str();
        if signers.is_empty() {
            return Err(RegistryError::Unsigned);
        }
        match kind {
            core_kinds::GENESIS => self.genesis(seq, s, signers),
            _ if seq == 0 => self.authorize(seq, at_ms, kind, signers),
            core_kinds::KEY_ENROLMENT => self.enrol(seq, at_ms, s, signers),
            core_kinds::KEY_REVOCATION => self.revoke(seq, at_ms, s, signers),
            _ => self.authorize(seq, at_ms, kind, signers),
        }
    }

    fn genesis(
        &mut self,
        seq: Seq,
        s: &Statement,
        signers: &[PublicKey],
    ) -> Result<(), RegistryError> {
        if seq != 0 {
            return Err(RegistryError::Sequence(format!(
                "a genesis entry must be entry 0; this ledger already has {seq} entries"
            )));
        }
        let g: GenesisPayload = parse(s)?;
        if g.origin != self.origin {
            return Err(FieldError::new(
                "statement.payload.origin",
                format!(
                    "is {:?} but this ledger's origin is {:?}",
                    g.origin, self.origin
                ),
            )
            .into());
        }
        if g.roots.is_empty() {
            return Err(FieldError::new(
                "statement.payload.roots",
                "must name at least one root authority",
            )
            .into());
        }
        let roots: BTreeSet<PublicKey> = g.roots.iter().map(|r| r.public_key).collect();
        if roots.len() != g.roots.len() {
            return Err(FieldError::new("statement.payload.roots", "names a key twice").into());
        }
        let signed: BTreeSet<PublicKey> = signers.iter().copied().collect();
        if signed != roots {
            return Err(RegistryError::Conflict(
                "a genesis entry must be signed by exactly the root authorities it names".into(),
            ));
        }
        for r in g.roots {
            self.keys.insert(
                r.public_key,
                KeyRecord {
                    public_key: r.public_key,
                    identity: r.identity,
                    root: true,
                    kinds: BTreeSet::new(),
                    may_enrol: true,
                    valid_from_ms: i64::MIN,
                    valid_until_ms: None,
                    enrolled_seq: 0,
                    enrolled_by: vec![],
                    revoked: None,
                },
            );
        }
        Ok(())
    }

    fn enrol(
        &mut self,
        seq: Seq,
        at_ms: i64,
        s: &Statement,
        signers: &[PublicKey],
    ) -> Result<(), RegistryError> {
        let e: EnrolmentPayload = parse(s)?;
        if let Some(k) = e.kinds.iter().find(|k| k.is_core()) {
            return Err(FieldError::new(
                "statement.payload.kinds",
                format!("{k} is a core kind; grant enrolment rights with may_enrol"),
            )
            .into());
        }
        if e.valid_until.is_some_and(|u| u < e.valid_from) {
            return Err(
                FieldError::new("statement.payload.valid_until", "is before valid_from").into(),
            );
        }
        if self.keys.contains_key(&e.public_key) {
            return Err(RegistryError::Conflict(format!(
                "key {} is already enrolled; a key is enrolled once (revoked keys stay revoked)",
                e.public_key
            )));
        }
        for pk in signers {
            let enroller = self.require_active(pk, core_kinds::KEY_ENROLMENT, seq, at_ms)?;
            if !enroller.root {
                if let Some(k) = e.kinds.iter().find(|k| !enroller.kinds.contains(*k)) {
                    return Err(RegistryError::OutOfScope {
                        key: pk.id(),
                        kind: k.to_string(),
                        unit: enroller.identity.unit.clone(),
                        role: enroller.identity.role.clone(),
                    });
                }
            }
        }
        self.keys.insert(
            e.public_key,
            KeyRecord {
                public_key: e.public_key,
                identity: e.identity,
                root: false,
                kinds: e.kinds.into_iter().collect(),
                may_enrol: e.may_enrol,
                valid_from_ms: e.valid_from.start_ms(),
                valid_until_ms: e.valid_until.map(|d| d.end_ms()),
                enrolled_seq: seq,
                enrolled_by: signers.to_vec(),
                revoked: None,
            },
        );
        Ok(())
    }

    fn revoke(
        &mut self,
        seq: Seq,
        at_ms: i64,
        s: &Statement,
        signers: &[PublicKey],
    ) -> Result<(), RegistryError> {
        let r: RevocationPayload = parse(s)?;
        let Some(target) = self.keys.get(&r.public_key) else {
            return Err(RegistryError::Conflict(format!(
                "key {} is not enrolled",
                r.public_key
            )));
        };
        if let Some(prev) = &target.revoked {
            return Err(RegistryError::Conflict(format!(
                "key {} was already revoked by entry {}",
                r.public_key, prev.seq
            )));
        }
        for pk in signers {
            if *pk == r.public_key {
                continue; // a key may always revoke itself (e.g. when it is lost)
            }
            let by = self.require_active(pk, core_kinds::KEY_REVOCATION, seq, at_ms)?;
            if !by.root && !target.enrolled_by.contains(pk) {
                return Err(RegistryError::Conflict(format!(
                    "signer {pk} may only revoke keys it enrolled; {} was enrolled by others",
                    r.public_key
                )));
            }
        }
        if let Some(t) = self.keys.get_mut(&r.public_key) {
            t.revoked = Some(RevocationRecord {
                seq,
                recorded_at_ms: at_ms,
                by: signers.to_vec(),
                reason: r.reason,
            });
        }
        Ok(())
    }
}
