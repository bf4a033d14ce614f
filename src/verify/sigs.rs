//! Signature checking for full verification: batch verification on all cores.
//!
//! A batch of n signatures is checked with one multiscalar multiplication,
//! the standard Ed25519 batch equation with random 128-bit weights `z_i`:
//!
//! ```text
//! Σ z_i·R_i + Σ_keys (Σ_{i signed by A} z_i·h_i)·A − (Σ z_i·s_i)·B == identity
//! ```
//!
//! where `h_i = SHA-512(R_i || A_i || M_i) mod ℓ`. It holds whenever every
//! `[s_i]B = R_i + [h_i]A_i` holds, and (for points of prime order) fails
//! otherwise except with probability about 2⁻¹²⁷. The one thing we add to
//! `ed25519_dalek::verify_batch` is the grouping by key: a ledger's entries
//! are signed by few keys, so the multiplication has about n + k points
//! instead of 2n + 1: 106,837–121,046 against 78,630–80,700 signatures/s on
//! one core in batches of 1,024 by one key, over three runs of
//! `cargo bench --bench ledger` (docs/performance.md, the first table).
//!
//! Making the batch refuse what `verify_strict` refuses:
//! - non-canonical `S`: refused when parsing the scalar;
//! - non-canonical or small-order `R`: refused by [`r_is_acceptable`];
//! - weak or mixed-order `A`: refused when the key is parsed ([`PublicKey`]);
//! - the weights are uniform 128-bit numbers from the operating system's
//!   CSPRNG (through `rand::thread_rng`), so whoever made the signatures
//!   cannot predict them.
//!
//! What is left, as with any batch verification: a signature whose `R` has a
//! small-order component satisfies RFC 8032's cofactored equation but not the
//! cofactorless one `verify_strict` checks. Its leftover in the batch is
//! `z_i·T_i` for a point `T_i` of order 2, 4 or 8, which vanishes when `z_i`
//! is a multiple of that order. So a batch holding such signatures passes with
//! probability at most ½ (order 2), and each run draws new weights. Only the
//! key's holder can make such a signature, and the append path refused it
//! with `verify_strict`; docs/format.md states this. An exact check
//! (`[ℓ]R_i = 0` for every signature) would cost about as much as verifying
//! each signature on its own. An earlier version forced the weights odd,
//! which caught a lone such signature every time but let a pair of order-2
//! ones through every time; uniform weights bound every case by ½.
//!
//! When a batch fails we fall back to `verify_strict` one by one to name the
//! first bad signature.

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
    // Bigger batches amortise the multiscalar multiplication; still split so
    // that every core gets work.
    let per_core = jobs.len().div_ceil(2 * rayon::current_num_threads().max(1));
    let batch = per_core.clamp(64, 1024);
    jobs.par_chunks(batch)
        .filter_map(|chunk| {
            if batch_verifies(chunk) {
                return None;
            }
            chunk
                .iter()
                .filter(|j| !j.key.verify_strict(&j.msg, &j.sig))
                .map(|j| j.entry)
                .min()
        })
        .min()
}

/// Whether every signature in `jobs` verifies (see the module docs).
fn batch_verifies(jobs: &[SigJob]) -> bool {
    use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
    use rand::RngCore;
    use sha2::{Digest as _, Sha512};

    let mut rng = rand::thread_rng();
    let mut b_coefficient = Scalar::ZERO;
    let mut scalars = Vec::with_capacity(jobs.len() + 9);
    let mut points = Vec::with_capacity(jobs.len() + 9);
    let mut per_key: std::collections::HashMap<[u8; 32], (Scalar, EdwardsPoint)> =
        std::collections::HashMap::new();
    for j in jobs {
        if !r_is_acceptable(&j.sig) {
            return false;
        }
        let mut r = [0u8; 32];
        r.copy_from_slice(&j.sig.0[..32]);
        let mut s = [0u8; 32];
        s.copy_from_slice(&j.sig.0[32..]);
        let Some(s) = Option::<Scalar>::from(Scalar::from_canonical_bytes(s)) else {
            return false;
        };
        let Some(r_point) = CompressedEdwardsY(r).decompress() else {
            return false;
        };
        let key = j.key.as_bytes();
        let mut h = Sha512::new();
        h.update(r);
        h.update(key);
        h.update(j.msg.as_slice());
        let h = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
        let mut zb = [0u8; 16];
        rng.fill_bytes(&mut zb);
        let z = Scalar::from(u128::from_le_bytes(zb));
        b_coefficient += z * s;
        scalars.push(z);
        points.push(r_point);
        let slot = per_key
            .entry(*key)
            .or_insert_with(|| (Scalar::ZERO, j.key.verifying_key().to_edwards()));
        slot.0 += z * h;
    }
    scalars.push(-b_coefficient);
    points.push(curve25519_dalek::constants::ED25519_BASEPOINT_POINT);
    for (c, a) in per_key.into_values() {
        scalars.push(c);
        points.push(a);
    }
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).is_identity()
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

    /// Random batches: every valid batch passes, and any one change to a
    /// signature, a message or a key is caught and named.
    #[test]
    fn the_batch_equation_agrees_with_verify_strict() {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        for round in 0..40 {
            let n = rng.gen_range(1..200);
            let keys = rng.gen_range(1..6u8);
            let mut jobs: Vec<SigJob> = (0..n)
                .map(|i| {
                    job(
                        i,
                        (i % keys as usize) as u8 + 1,
                        format!("m{round}-{i}").as_bytes(),
                    )
                })
                .collect();
            assert!(batch_verifies(&jobs), "round {round}");
            assert_eq!(first_bad(&jobs), None);
            let victim = rng.gen_range(0..n);
            match round % 4 {
                0 => jobs[victim].sig.0[rng.gen_range(0..64)] ^= 1 << rng.gen_range(0..8),
                1 => {
                    let mut m = (*jobs[victim].msg).clone();
                    m.push(0);
                    jobs[victim].msg = Arc::new(m);
                }
                2 => jobs[victim].key = Keypair::from_seed([99; 32]).public(),
                _ => {
                    // Same key, another message's signature.
                    let other = job(victim, (victim % keys as usize) as u8 + 1, b"other");
                    jobs[victim].sig = other.sig;
                }
            }
            assert!(!batch_verifies(&jobs), "round {round}");
            assert_eq!(first_bad(&jobs), Some(victim), "round {round}");
        }
    }

    /// Two errors that would cancel under equal weights: s + d on one
    /// signature, s − d on another by the same key. Random weights catch it.
    #[test]
    fn errors_that_cancel_under_equal_weights_are_caught() {
        use curve25519_dalek::scalar::Scalar;
        let mut jobs: Vec<SigJob> = (0..10).map(|i| job(i, 1, &[i as u8])).collect();
        let d = Scalar::from(12_345u64);
        for (i, sign) in [(3usize, true), (6, false)] {
            let mut s = [0u8; 32];
            s.copy_from_slice(&jobs[i].sig.0[32..]);
            let s = Scalar::from_canonical_bytes(s).unwrap();
            let t = if sign { s + d } else { s - d };
            jobs[i].sig.0[32..].copy_from_slice(t.as_bytes());
        }
        for _ in 0..20 {
            assert!(!batch_verifies(&jobs));
        }
        assert_eq!(first_bad(&jobs), Some(3));
    }

    #[test]
    fn a_non_canonical_s_is_refused_by_the_batch() {
        let mut jobs: Vec<SigJob> = (0..4).map(|i| job(i, 1, &[i as u8])).collect();
        // s + ℓ satisfies the same point equation but is not canonical; it
        // still fits in 32 bytes because s < ℓ < 2^253.
        const ELL: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (i, l) in ELL.iter().enumerate() {
            let v = u16::from(jobs[2].sig.0[32 + i]) + u16::from(*l) + carry;
            jobs[2].sig.0[32 + i] = v as u8;
            carry = v >> 8;
        }
        assert_eq!(carry, 0);
        assert!(!batch_verifies(&jobs));
        assert_eq!(first_bad(&jobs), Some(2));
    }

    /// A signature by key seed 5 whose `R` is `r·B + t`, made with the secret
    /// scalar (only a key's holder can): `[s]B − R − [h]A = −t`.
    fn torsion_signature(entry: usize, r: u64, t: curve25519_dalek::EdwardsPoint) -> SigJob {
        use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
        use curve25519_dalek::scalar::Scalar;
        use sha2::{Digest as _, Sha512};
        let k = Keypair::from_seed([5; 32]);
        let a = k.signing_key().to_scalar();
        let msg = format!("torsion {entry}").into_bytes();
        let r = Scalar::from(r);
        let big_r = (ED25519_BASEPOINT_POINT * r + t).compress();
        let mut h = Sha512::new();
        h.update(big_r.as_bytes());
        h.update(k.public().as_bytes());
        h.update(&msg);
        let h = Scalar::from_bytes_mod_order_wide(&h.finalize().into());
        let s = r + h * a;
        let mut sig = [0u8; 64];
        sig[..32].copy_from_slice(big_r.as_bytes());
        sig[32..].copy_from_slice(s.as_bytes());
        SigJob {
            entry,
            key: k.public(),
            sig: Signature(sig),
            msg: Arc::new(msg),
        }
    }

    /// Signatures with a torsion component in `R` fail `verify_strict`. The
    /// batch lets them through with probability at most ½ per run (the
    /// module docs say why), whatever the order of the component and however
    /// many there are; when it refuses, the fallback names the first.
    #[test]
    fn torsion_components_in_r_pass_a_batch_at_most_half_the_time() {
        use curve25519_dalek::constants::EIGHT_TORSION;
        // EIGHT_TORSION[4] has order 2, [2] and [6] order 4, the odd ones order 8.
        for (name, torsion) in [
            ("one of order 8", vec![(4, 1)]),
            ("one of order 2", vec![(4, 4)]),
            ("a pair of order 2", vec![(2, 4), (6, 4)]),
            ("a pair of order 4", vec![(2, 2), (6, 6)]),
        ] {
            let mut jobs: Vec<SigJob> = (0..8).map(|i| job(i, 5, &[i as u8])).collect();
            for (at, t) in &torsion {
                jobs[*at] = torsion_signature(*at, 987_654_321 + *at as u64, EIGHT_TORSION[*t]);
                assert!(
                    r_is_acceptable(&jobs[*at].sig),
                    "{name}: not small order itself"
                );
                assert!(!jobs[*at].key.verify_strict(&jobs[*at].msg, &jobs[*at].sig));
            }
            let runs = 400;
            let passed = (0..runs).filter(|_| batch_verifies(&jobs)).count();
            // Binomial(400, ≤ ½): more than 260 has probability below 1e-9.
            assert!(passed <= 260, "{name}: passed {passed} of {runs}");
            // A batch that refuses names the first such signature.
            let named = (0..50).filter_map(|_| first_bad(&jobs)).collect::<Vec<_>>();
            assert!(!named.is_empty(), "{name}");
            assert!(
                named.iter().all(|e| *e == torsion[0].0),
                "{name}: {named:?}"
            );
        }
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
