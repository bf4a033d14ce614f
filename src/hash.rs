//! Hashes and the named domains of everything Tiezheng hashes or signs.
//!
//! Every byte string that is hashed or signed starts with one of the domain
//! labels below, so that a hash or signature made for one purpose can never be
//! reinterpreted as another. The labels are ASCII, newline-terminated, and
//! versioned; docs/format.md lists them with the exact bytes that follow.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::str::FromStr;

/// Domain label of a statement body hash: `SHA-256(BODY_HASH_DOMAIN || body)`.
pub const BODY_HASH_DOMAIN: &[u8] = b"tiezheng/v1/body\n";
/// Domain label of the message every statement signer signs.
pub const STATEMENT_SIGNATURE_DOMAIN: &[u8] = b"tiezheng/v1/statement-signature\n";
/// Domain label that opens every Merkle leaf's record data.
///
/// The RFC 6962 leaf hash is then `SHA-256(0x00 || LEAF_DOMAIN || leaf)`.
pub const LEAF_DOMAIN: &[u8] = b"tiezheng/v1/leaf\n";
/// RFC 6962 leaf hash prefix.
pub const LEAF_HASH_PREFIX: u8 = 0x00;
/// RFC 6962 interior node hash prefix.
pub const NODE_HASH_PREFIX: u8 = 0x01;

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest: the `prev` link of the genesis entry.
    pub const ZERO: Digest = Digest([0; 32]);

    /// SHA-256 over the concatenation of `parts`.
    pub fn of(parts: &[&[u8]]) -> Digest {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        Digest(h.finalize().into())
    }

    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Why a hex digest did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected 64 hex characters (a SHA-256 digest), got {0:?}")]
pub struct BadDigest(pub String);

impl FromStr for Digest {
    type Err = BadDigest;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| BadDigest(truncate(s)))?;
        Ok(Digest(out))
    }
}

pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

impl From<tlog_tiles::Hash> for Digest {
    fn from(h: tlog_tiles::Hash) -> Self {
        Digest(h.0)
    }
}

impl From<Digest> for tlog_tiles::Hash {
    fn from(d: Digest) -> Self {
        tlog_tiles::Hash(d.0)
    }
}

/// `SHA-256(BODY_HASH_DOMAIN || body)`.
pub fn body_hash(body: &[u8]) -> Digest {
    Digest::of(&[BODY_HASH_DOMAIN, body])
}

/// The RFC 6962 leaf hash of an encoded leaf: `SHA-256(0x00 || LEAF_DOMAIN || leaf)`.
pub fn leaf_hash(encoded_leaf: &[u8]) -> Digest {
    Digest::of(&[&[LEAF_HASH_PREFIX], LEAF_DOMAIN, encoded_leaf])
}

/// Serde helper: a digest as a 64-character hex string in JSON.
pub mod hex_digest {
    use super::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialize as hex.
    pub fn serialize<S: Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.to_hex())
    }

    /// Deserialize from hex.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde helper: a list of digests as hex strings.
pub mod hex_digests {
    use super::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialize as a list of hex strings.
    pub fn serialize<S: Serializer>(v: &[Digest], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|d| d.to_hex()))
    }

    /// Deserialize from a list of hex strings.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Digest>, D::Error> {
        let v = Vec::<String>::deserialize(d)?;
        v.iter()
            .map(|s| s.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_hash_uses_the_rfc6962_leaf_prefix() {
        let data = b"x";
        let ours = leaf_hash(data);
        let mut framed = LEAF_DOMAIN.to_vec();
        framed.extend_from_slice(data);
        assert_eq!(ours, Digest::from(tlog_tiles::record_hash(&framed)));
    }

    #[test]
    fn digest_hex_round_trips_and_rejects_junk() {
        let d = body_hash(b"abc");
        assert_eq!(d.to_hex().parse::<Digest>(), Ok(d));
        assert!("zz".parse::<Digest>().is_err());
        assert!(d.to_hex()[..62].parse::<Digest>().is_err());
    }
}
