//! Inclusion and consistency proofs, checked against a naive transcription of
//! RFC 6962 section 2.1 for every tree size up to 300, and the stored-hash
//! layout checked against the naive root.

use proptest::prelude::*;
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use tiezheng::hash::Digest;
use tiezheng::merkle::{self, CompactRange};
use tlog_tiles::{Hash, HashReader};

const MAX: usize = 300;

fn leaf(data: &[u8]) -> Digest {
    Digest(
        Sha256::new()
            .chain_update([0u8])
            .chain_update(data)
            .finalize()
            .into(),
    )
}
fn node(l: Digest, r: Digest) -> Digest {
    Digest(
        Sha256::new()
            .chain_update([1u8])
            .chain_update(l.0)
            .chain_update(r.0)
            .finalize()
            .into(),
    )
}
/// Largest power of two smaller than n (n > 1).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}
/// RFC 6962 MTH over `d`, memoised by (first leaf, length) so the exhaustive
/// checks stay fast; the recursion is still the RFC's.
struct Naive<'a> {
    d: &'a [Digest],
    memo: std::cell::RefCell<HashMap<(usize, usize), Digest>>,
}

impl<'a> Naive<'a> {
    fn new(d: &'a [Digest]) -> Self {
        Naive {
            d,
            memo: Default::default(),
        }
    }
    /// MTH(D[lo..lo+n]).
    fn mth(&self, lo: usize, n: usize) -> Digest {
        if let Some(h) = self.memo.borrow().get(&(lo, n)) {
            return *h;
        }
        let h = match n {
            0 => Digest(Sha256::digest([]).into()),
            1 => self.d[lo],
            _ => {
                let k = split(n);
                node(self.mth(lo, k), self.mth(lo + k, n - k))
            }
        };
        self.memo.borrow_mut().insert((lo, n), h);
        h
    }
    /// PATH(m, D[lo..lo+n]).
    fn path(&self, m: usize, lo: usize, n: usize) -> Vec<Digest> {
        if n == 1 {
            return vec![];
        }
        let k = split(n);
        if m < k {
            let mut p = self.path(m, lo, k);
            p.push(self.mth(lo + k, n - k));
            p
        } else {
            let mut p = self.path(m - k, lo + k, n - k);
            p.push(self.mth(lo, k));
            p
        }
    }
    /// SUBPROOF(m, D[lo..lo+n], b).
    fn subproof(&self, m: usize, lo: usize, n: usize, b: bool) -> Vec<Digest> {
        if m == n {
            return if b { vec![] } else { vec![self.mth(lo, n)] };
        }
        let k = split(n);
        if m <= k {
            let mut p = self.subproof(m, lo, k, b);
            p.push(self.mth(lo + k, n - k));
            p
        } else {
            let mut p = self.subproof(m - k, lo + k, n - k, false);
            p.push(self.mth(lo, k));
            p
        }
    }
}

fn mth(d: &[Digest]) -> Digest {
    Naive::new(d).mth(0, d.len())
}

struct Mem(HashMap<u64, Hash>);
impl HashReader for Mem {
    fn read_hashes(&self, idx: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        idx.iter()
            .map(|i| {
                self.0
                    .get(i)
                    .copied()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

fn build(leaves: &[Digest]) -> Mem {
    let mut m = Mem(HashMap::new());
    for (n, l) in leaves.iter().enumerate() {
        let start = tlog_tiles::stored_hash_index(0, n as u64);
        for (i, h) in merkle::hashes_for_leaf(n as u64, *l, &m)
            .unwrap()
            .into_iter()
            .enumerate()
        {
            m.0.insert(start + i as u64, h);
        }
    }
    m
}

fn leaves(seed: u8, n: usize) -> Vec<Digest> {
    (0..n)
        .map(|i| leaf(&[seed, (i >> 8) as u8, i as u8]))
        .collect()
}

#[test]
fn roots_match_the_naive_rfc6962_root_for_every_size_up_to_300() {
    let d = leaves(0, MAX);
    let m = build(&d);
    let naive = Naive::new(&d);
    let mut compact = CompactRange::new();
    for n in 1..=MAX {
        compact.push(d[n - 1]);
        let want = naive.mth(0, n);
        assert_eq!(merkle::root(n as u64, &m).unwrap(), want, "size {n}");
        assert_eq!(compact.root(), want, "compact range, size {n}");
    }
}

#[test]
fn inclusion_proofs_match_rfc6962_paths_for_every_leaf_of_every_size_up_to_300() {
    let d = leaves(1, MAX);
    let m = build(&d);
    let naive = Naive::new(&d);
    for n in 1..=MAX {
        let root = naive.mth(0, n);
        for (i, leaf) in d.iter().enumerate().take(n) {
            let p = merkle::inclusion_proof(i as u64, n as u64, &m).unwrap();
            assert_eq!(p, naive.path(i, 0, n), "leaf {i} of {n}");
            assert!(merkle::check_inclusion(&p, n as u64, root, i as u64, *leaf));
        }
    }
}

#[test]
fn consistency_proofs_match_rfc6962_for_every_pair_of_sizes_up_to_300() {
    let d = leaves(2, MAX);
    let m = build(&d);
    let naive = Naive::new(&d);
    let roots: Vec<Digest> = (0..=MAX).map(|n| naive.mth(0, n)).collect();
    for n in 1..=MAX {
        for k in 1..=n {
            let p = merkle::consistency_proof(k as u64, n as u64, &m).unwrap();
            assert_eq!(p, naive.subproof(k, 0, n, true), "{k} -> {n}");
            assert!(merkle::check_consistency(
                &p, k as u64, roots[k], n as u64, roots[n]
            ));
        }
    }
}

#[test]
fn proofs_that_cannot_exist_are_errors_not_panics() {
    let d = leaves(3, 10);
    let m = build(&d);
    assert!(merkle::inclusion_proof(10, 10, &m).is_err());
    assert!(merkle::consistency_proof(0, 5, &m).is_err());
    assert!(merkle::consistency_proof(6, 5, &m).is_err());
    // A size beyond what is stored: the reader reports missing hashes.
    assert!(merkle::inclusion_proof(3, 20, &m).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_proof_with_any_hash_changed_fails(n in 2usize..MAX, pick in any::<prop::sample::Index>(), bit in 0usize..256) {
        let d = leaves(4, n);
        let m = build(&d);
        let i = pick.index(n);
        let root = mth(&d);
        let mut p = merkle::inclusion_proof(i as u64, n as u64, &m).unwrap();
        prop_assume!(!p.is_empty());
        let j = bit % p.len();
        p[j].0[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(!merkle::check_inclusion(&p, n as u64, root, i as u64, d[i]));
    }

    #[test]
    fn consistency_fails_against_a_different_history(n in 2usize..MAX, k_pick in any::<prop::sample::Index>()) {
        let k = 1 + k_pick.index(n - 1);
        let d = leaves(5, n);
        let m = build(&d);
        let p = merkle::consistency_proof(k as u64, n as u64, &m).unwrap();
        let other = mth(&leaves(6, k));
        prop_assert!(!merkle::check_consistency(&p, k as u64, other, n as u64, mth(&d)));
    }
}
