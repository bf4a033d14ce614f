//! Public keys, signatures and key files.
//!
//! A [`PublicKey`] can only be built from 32 bytes that decompress to a point
//! that is not of small order, so a weak key never enters the registry.
//! Signatures are checked with `verify_strict` at append time.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::io::Write as _;
use std::path::Path;
use std::str::FromStr;

/// An Ed25519 public key that is well-formed and not weak.
///
/// It keeps the decompressed point beside the bytes: decompression is the
/// costly part of checking a key, and a replay meets the same few keys on
/// every entry. Equality, order and hashing are by the 32 bytes.
#[derive(Clone, Copy)]
pub struct PublicKey([u8; 32], VerifyingKey);

impl PartialEq for PublicKey {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}
impl Eq for PublicKey {}
impl std::hash::Hash for PublicKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h)
    }
}
impl PartialOrd for PublicKey {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for PublicKey {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.cmp(&o.0)
    }
}

/// Keys already validated, so decoding stored entries does not decompress
/// the same signer's key again for every entry. Bounded: past the cap, keys
/// are validated without being remembered.
fn validated_cache(
) -> &'static parking_lot::RwLock<std::collections::HashMap<[u8; 32], VerifyingKey>> {
    static C: std::sync::OnceLock<
        parking_lot::RwLock<std::collections::HashMap<[u8; 32], VerifyingKey>>,
    > = std::sync::OnceLock::new();
    C.get_or_init(Default::default)
}
const VALIDATED_CACHE_CAP: usize = 65_536;

/// Why a public key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not 64 hex characters.
    #[error("public key must be 64 hex characters (32 bytes), got {0:?}")]
    Encoding(String),
    /// Not a point on the curve.
    #[error("public key {0} is not a valid Ed25519 point")]
    NotAPoint(String),
    /// A small-order point (any signature would verify against it), or a
    /// point with a small-order component (which no honest key generation
    /// makes, and which lets batch and single verification disagree).
    #[error(
        "public key {0} is a weak Ed25519 key (of small order, or with a small-order component)"
    )]
    Weak(String),
}

impl PublicKey {
    /// Validates raw bytes.
    ///
    /// # Errors
    /// [`KeyError::NotAPoint`] or [`KeyError::Weak`].
    pub fn from_bytes(b: [u8; 32]) -> Result<Self, KeyError> {
        if let Some(vk) = validated_cache().read().get(&b) {
            return Ok(PublicKey(b, *vk));
        }
        let vk = VerifyingKey::from_bytes(&b).map_err(|_| KeyError::NotAPoint(hex::encode(b)))?;
        if vk.is_weak() || !vk.to_edwards().is_torsion_free() {
            return Err(KeyError::Weak(hex::encode(b)));
        }
        let mut cache = validated_cache().write();
        if cache.len() < VALIDATED_CACHE_CAP {
            cache.insert(b, vk);
        }
        Ok(PublicKey(b, vk))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lowercase hex: also the key's id in the API.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The dalek verifying key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.1
    }

    /// `verify_strict` of `sig` over `msg`.
    pub fn verify_strict(&self, msg: &[u8], sig: &Signature) -> bool {
        let s = ed25519_dalek::Signature::from_bytes(&sig.0);
        self.1.verify_strict(msg, &s).is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}
impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl FromStr for PublicKey {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        let mut b = [0u8; 32];
        hex::decode_to_slice(s.trim(), &mut b)
            .map_err(|_| KeyError::Encoding(crate::hash::truncate(s)))?;
        PublicKey::from_bytes(b)
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.to_hex())
        } else {
            self.0.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            s.parse().map_err(serde::de::Error::custom)
        } else {
            // Stored keys are re-validated on read: a store is outside input too.
            let b = <[u8; 32]>::deserialize(d)?;
            PublicKey::from_bytes(b).map_err(serde::de::Error::custom)
        }
    }
}

/// A key's identity in errors and indexes: its 32 bytes, shown as hex.
/// (Small, unlike [`PublicKey`], which carries its decompressed point.)
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 32]);

impl Serialize for KeyId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", hex::encode(self.0))
    }
}
impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}
impl From<PublicKey> for KeyId {
    fn from(k: PublicKey) -> Self {
        KeyId(k.0)
    }
}
impl From<&PublicKey> for KeyId {
    fn from(k: &PublicKey) -> Self {
        KeyId(k.0)
    }
}
impl PartialEq<PublicKey> for KeyId {
    fn eq(&self, o: &PublicKey) -> bool {
        self.0 == o.0
    }
}

impl PublicKey {
    /// This key's id.
    pub fn id(&self) -> KeyId {
        KeyId(self.0)
    }
}

/// A 64-byte Ed25519 signature. In bincode it is 64 raw bytes; in JSON, hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", hex::encode(self.0))
    }
}

impl Signature {
    /// Lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl FromStr for Signature {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut b = [0u8; 64];
        hex::decode_to_slice(s.trim(), &mut b).map_err(|_| {
            format!(
                "signature must be 128 hex characters (64 bytes), got {:?}",
                crate::hash::truncate(s)
            )
        })?;
        Ok(Signature(b))
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        if s.is_human_readable() {
            return s.serialize_str(&self.to_hex());
        }
        let mut t = s.serialize_tuple(64)?;
        for b in &self.0 {
            t.serialize_element(b)?;
        }
        t.end()
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = String::deserialize(d)?;
            return s.parse().map_err(serde::de::Error::custom);
        }
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Signature;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("64 signature bytes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Signature, A::Error> {
                let mut out = [0u8; 64];
                for (i, slot) in out.iter_mut().enumerate() {
                    *slot = a
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
                }
                Ok(Signature(out))
            }
        }
        d.deserialize_tuple(64, V)
    }
}

/// A private signing key. `Debug` never prints the secret; dalek zeroizes it on drop.
pub struct Keypair {
    inner: SigningKey,
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Keypair(public={})", self.public().to_hex())
    }
}

/// Errors reading or writing key files.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    /// The file exists and we refuse to overwrite a key.
    #[error("refusing to overwrite existing key file {0}")]
    Exists(String),
    /// I/O on the key file.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not hold a key in our format.
    #[error("key file {path}: {why}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        why: String,
    },
}

/// The first line of a private key file.
const KEY_FILE_HEADER: &str = "tiezheng-ed25519-private-key-v1";

impl Keypair {
    /// A fresh random key from the OS RNG.
    pub fn generate() -> Self {
        Keypair {
            inner: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    /// From a 32-byte seed (test vectors and demo keys).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Keypair {
            inner: SigningKey::from_bytes(&seed),
        }
    }

    /// The public half. A freshly generated key is never weak.
    pub fn public(&self) -> PublicKey {
        let vk = self.inner.verifying_key();
        PublicKey(vk.to_bytes(), vk)
    }

    /// Signs `msg` (deterministic Ed25519).
    pub fn sign(&self, msg: &[u8]) -> Signature {
        Signature(self.inner.sign(msg).to_bytes())
    }

    /// The dalek signing key, for signed-note signers.
    pub fn signing_key(&self) -> &SigningKey {
        &self.inner
    }

    /// Writes the key to a new file with mode 0600, refusing to overwrite.
    ///
    /// # Errors
    /// [`KeyFileError::Exists`] if the file exists, or I/O errors.
    pub fn write_new(&self, path: &Path) -> Result<(), KeyFileError> {
        let p = path.display().to_string();
        let io = |source| KeyFileError::Io {
            path: p.clone(),
            source,
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = match opts.open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(KeyFileError::Exists(p))
            }
            Err(e) => return Err(io(e)),
        };
        let text = format!(
            "{KEY_FILE_HEADER}\n{}\n{}\n",
            hex::encode(self.inner.to_bytes()),
            self.public().to_hex()
        );
        f.write_all(text.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)
    }

    /// Reads a key file written by [`Keypair::write_new`].
    ///
    /// # Errors
    /// I/O errors, or a file that is not a key in our format.
    pub fn read(path: &Path) -> Result<Self, KeyFileError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KeyFileError::Io {
            path: p.clone(),
            source,
        })?;
        let fmt_err = |why: &str| KeyFileError::Format {
            path: p.clone(),
            why: why.to_string(),
        };
        let mut lines = text.lines();
        if lines.next() != Some(KEY_FILE_HEADER) {
            return Err(fmt_err("not a tiezheng private key file (bad first line)"));
        }
        let mut seed = [0u8; 32];
        hex::decode_to_slice(lines.next().unwrap_or("").trim(), &mut seed)
            .map_err(|_| fmt_err("second line must be the 64-hex-character secret seed"))?;
        let kp = Keypair::from_seed(seed);
        if let Some(pub_line) = lines.next() {
            if pub_line.trim() != kp.public().to_hex() {
                return Err(fmt_err("public key line does not match the secret seed"));
            }
        }
        Ok(kp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_keys_are_refused() {
        // The identity point (small order) encoded as y = 1.
        let mut b = [0u8; 32];
        b[0] = 1;
        assert!(matches!(PublicKey::from_bytes(b), Err(KeyError::Weak(_))));
    }

    #[test]
    fn keys_with_a_small_order_component_are_refused() {
        let honest = Keypair::from_seed([3; 32]).public();
        assert!(PublicKey::from_bytes(*honest.as_bytes()).is_ok());
        for t in &curve25519_dalek::constants::EIGHT_TORSION[1..] {
            let mixed = (honest.verifying_key().to_edwards() + t).compress();
            assert!(
                matches!(
                    PublicKey::from_bytes(mixed.to_bytes()),
                    Err(KeyError::Weak(_))
                ),
                "{}",
                hex::encode(mixed.to_bytes())
            );
        }
    }

    #[test]
    fn signature_round_trips_through_bincode_as_64_raw_bytes() {
        let kp = Keypair::from_seed([7; 32]);
        let sig = kp.sign(b"m");
        let enc = bincode::serialize(&sig).unwrap();
        assert_eq!(enc.len(), 64);
        assert_eq!(bincode::deserialize::<Signature>(&enc).unwrap(), sig);
        assert!(kp.public().verify_strict(b"m", &sig));
        assert!(!kp.public().verify_strict(b"n", &sig));
    }

    #[test]
    fn key_file_is_0600_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.key");
        let kp = Keypair::generate();
        kp.write_new(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(kp.write_new(&path), Err(KeyFileError::Exists(_))));
        assert_eq!(Keypair::read(&path).unwrap().public(), kp.public());
    }
}
