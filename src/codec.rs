//! The one canonical binary encoding: bincode 1.3.3 with fixed-width little-endian
//! integers (the encoding of `bincode::serialize`).
//!
//! Integers are little-endian at their full width (u64 = 8 bytes); a string or
//! byte vector is a u64 length then its bytes; a fixed array is its elements
//! with no length; an `Option` is one byte 0/1 then the value; a struct is its
//! fields in order. Decoding refuses trailing bytes and anything over
//! [`MAX_DECODE_BYTES`], so stored or downloaded bytes cannot make us allocate
//! without bound. bincode 1.3.3 is pinned (`=1.3.3`): the format is frozen, which is
//! what a ledger needs (RUSTSEC-2025-0141 marks the crate unmaintained, not unsound).

use bincode::Options;
use serde::{de::DeserializeOwned, Serialize};

/// Largest value we decode.
pub const MAX_DECODE_BYTES: u64 = 16 * 1024 * 1024;

fn opts() -> impl Options {
    bincode::options()
        .with_fixint_encoding()
        .with_little_endian()
        .reject_trailing_bytes()
        .with_limit(MAX_DECODE_BYTES)
}

/// Encodes `v`. Our types contain no maps or unsized sequences that could fail.
pub fn encode<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    opts().serialize(v).unwrap_or_default()
}

/// Decodes exactly one value from `bytes`.
///
/// # Errors
/// Malformed, oversized or trailing bytes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, bincode::Error> {
    opts().deserialize(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_bincode_serialize_byte_for_byte() {
        let v = ("origin", 7u64, vec![1u8, 2], Some(3i64));
        assert_eq!(encode(&v), bincode::serialize(&v).unwrap());
    }

    #[test]
    fn trailing_bytes_are_refused() {
        let mut b = encode(&5u64);
        b.push(0);
        assert!(decode::<u64>(&b).is_err());
    }
}
