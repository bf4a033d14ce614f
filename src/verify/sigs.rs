//! Signature checking for full verification: batch verification on all cores.
//!
//! `ed25519_dalek::verify_batch` verifies about three times as many signatures
//! per second on one core as `verify_strict` one by one (`cargo bench --bench
//! ledger`, docs/performance.md), but accepts a few encodings `verify_strict`
//! refuses.
//! We close the gaps that matter for a replay: a non-canonical or small-order
//! `R`, and (through [`PublicKey`]) a weak `A`; non-canonical `S` is refused by
//! dalek's signature parsing in both. What remains is the cofactored batch
//! equation against mixed-order points, which only a key's own holder could
//! exploit, and only for their own signatures; the append path used
//! `verify_strict` on every signature (docs/format.md). When a batch fails we
//! fall back to `verify_strict` one by one to name the first bad signature.

use crate::keys::{PublicKey, Signature};
use std::sync::OnceLock;

/// One signature to check.
pub struct SigJob {
    /// Index of the entry in the chunk.
    pub entry: usize,
    /// The key.
    pub key: PublicKey,
    /// The signature.
    pub sig: Signature,
    /// The signed message.
    pub msg: std::sync::Arc<Vec<u8>>,
}

/// Encodings of the eight small-order points, with either sign bit.
fn small_order_encodings() -> &'static Vec<[u8; 32]> {
    static SET: OnceLock<Vec<[u8; 32]>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut v = Vec::new();
        for p in curve25519_dalek::constants::EIGHT_TORSION {
            let b = p.compress().to_bytes();
            let mut flipped = b;
            flipped[31] ^= 0x80;
            v.push(b);
            v.push(flipped);
        }
        v
    })
}

/// Whether the y coordinate encoded in `r` is ≥ p = 2^255 − 19.
fn y_not_canonical(r: &[u8; 32]) -> bool {
    r[31] & 0x7f == 0x7f && r[1..31].iter().all(|&b| b == 0xff) && r[0] >= 0xed
}

/// Cheap checks that make a batch accept only what `verify_strict` accepts.
pub fn r_is_acceptable(sig: &Signature) -> bool {
    let mut r = [0u8; 32];
    r.copy_from_slice(&sig.0[..32]);
    !y_not_canonical(&r) && !small_order_encodings().contains(&r)
}

/// Checks `jobs` (any order). Returns the lowest entry index with a bad
/// signature, or `None` when all verify.
pub fn first_bad(jobs: &[SigJob]) -> Option<usize> {
    use rayon::prelude::*;
    // Bigger batches amortise the multiscalar multiplication: on one core,
    // 128 per batch gave 68,277 signatures/s and 1,024 gave 79,609/s (see
    // docs/performance.md). Still split so that every core gets work.
    let per_core = jobs.len().div_ceil(2 * rayon::current_num_threads().max(1));
    let batch = per_core.clamp(64, 1024);
    let bad: Option<usize> = jobs
        .par_chunks(batch)
        .filter_map(|chunk| {
            let ok_r = chunk.iter().all(|j| r_is_acceptable(&j.sig));
            let msgs: Vec<&[u8]> = chunk.iter().map(|j| j.msg.as_slice()).collect();
            let sigs: Vec<ed25519_dalek::Signature> = chunk
                .iter()
                .map(|j| ed25519_dalek::Signature::from_bytes(&j.sig.0))
                .collect();
            let keys: Vec<ed25519_dalek::VerifyingKey> =
                chunk.iter().map(|j| j.key.verifying_key()).collect();
            if ok_r && ed25519_dalek::verify_batch(&msgs, &sigs, &keys).is_ok() {
                return None;
            }
            chunk
                .iter()
                .filter(|j| !j.key.verify_strict(&j.msg, &j.sig))
                .map(|j| j.entry)
                .min()
        })
        .min();
    bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Keypair;
    use std::sync::Arc;

    fn job(entry: usize, seed: u8, msg: &[u8]) -> SigJob {
        let k = Keypair::from_seed([seed; 32]);
        SigJob {
            entry,
            key: k.public(),
            sig: k.sign(msg),
            msg: Arc::new(msg.to_vec()),
        }
    }

    #[test]
    fn a_bad_signature_in_a_large_batch_is_named() {
        let mut jobs: Vec<SigJob> = (0..300)
            .map(|i| job(i, (i % 7) as u8 + 1, &[i as u8]))
            .collect();
        assert_eq!(first_bad(&jobs), None);
        jobs[211].sig.0[5] ^= 1;
        jobs[250].sig.0[5] ^= 1;
        assert_eq!(first_bad(&jobs), Some(211));
    }

    #[test]
    fn small_order_r_is_refused_even_if_a_batch_would_take_it() {
        let mut s = job(0, 1, b"m").sig;
        s.0[..32].copy_from_slice(&small_order_encodings()[0]);
        assert!(!r_is_acceptable(&s));
        let mut big = [0xffu8; 32];
        big[31] = 0x7f;
        s.0[..32].copy_from_slice(&big);
        assert!(!r_is_acceptable(&s));
    }
}
