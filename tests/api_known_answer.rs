//! The checkpoint and proofs the server serves, checked by a verifier that
//! shares no code with the server: RFC 6962/9162 proof verification and C2SP
//! signed-note verification written out below from the specifications, and
//! first proven against known-answer vectors of independent implementations.
//!
//! Provenance of the vectors (the same ones tests/known_answer_rfc6962.rs cites):
//! * Merkle: transparency-dev/merkle `log_verifier_test.go` at commit
//!   24812aa171badc68c621b6cab6910481b8e87af0 (`leaves`, `roots`,
//!   `inclusionProofs`, `consistencyProofs`), identical to
//!   google/certificate-transparency `cpp/merkletree/merkle_tree_test.cc` at
//!   c25edc2cced17500dec7bdc4e1fb51e9aeca5683. Leaf numbers there are 1-based.
//! * Signed note: golang.org/x/mod `sumdb/note/note_test.go` at commit
//!   02c991387e35f9e4c0a9b7ce137717055f8d716d (`PeterNeumann` key, text, signature).
//!
//! Our leaves carry a domain label, so a Tiezheng tree never equals the
//! vector tree; what is tested is that the server's proofs and checkpoints
//! pass a verifier that itself passes the vectors.

#[path = "api_support/mod.rs"]
mod support;

use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use support::*;

type H = [u8; 32];

fn node(l: &H, r: &H) -> H {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(l)
        .chain_update(r)
        .finalize()
        .into()
}

fn leaf_hash(data: &[u8]) -> H {
    Sha256::new()
        .chain_update([0u8])
        .chain_update(data)
        .finalize()
        .into()
}

/// RFC 6962 §2.1 MTH over leaf hashes.
fn mth(leaves: &[H]) -> H {
    match leaves.len() {
        0 => Sha256::digest(b"").into(),
        1 => leaves[0],
        n => {
            let k = (n.next_power_of_two()) / 2;
            node(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// RFC 9162 §2.1.3.2.
fn verify_inclusion(index: u64, size: u64, leaf: H, proof: &[H], root: H) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnn, mut sn, mut r) = (index, size - 1, leaf);
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fnn & 1 == 1 || fnn == sn {
            r = node(p, &r);
            while fnn & 1 == 0 && fnn != 0 {
                fnn >>= 1;
                sn >>= 1;
            }
        } else {
            r = node(&r, p);
        }
        fnn >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == root
}

/// RFC 9162 §2.1.4.2.
fn verify_consistency(first: u64, second: u64, first_hash: H, second_hash: H, proof: &[H]) -> bool {
    if first == second {
        return proof.is_empty() && first_hash == second_hash;
    }
    if first == 0 || first > second || proof.is_empty() {
        return false;
    }
    let mut path = proof.to_vec();
    if first.is_power_of_two() {
        path.insert(0, first_hash);
    }
    let (mut fnn, mut sn) = (first - 1, second - 1);
    while fnn & 1 == 1 {
        fnn >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if sn == 0 {
            return false;
        }
        if fnn & 1 == 1 || fnn == sn {
            fr = node(c, &fr);
            sr = node(c, &sr);
            while fnn & 1 == 0 && fnn != 0 {
                fnn >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node(&sr, c);
        }
        fnn >>= 1;
        sn >>= 1;
    }
    fr == first_hash && sr == second_hash && sn == 0
}

/// C2SP signed-note verification for one Ed25519 verifier key; returns the text.
fn open_note(note: &str, vkey: &str) -> Option<String> {
    let mut parts = vkey.splitn(3, '+');
    let (name, id_hex, key_b64) = (parts.next()?, parts.next()?, parts.next()?);
    let key = base64::engine::general_purpose::STANDARD
        .decode(key_b64)
        .ok()?;
    let (alg, pk) = key.split_first()?;
    let id = Sha256::new()
        .chain_update(name)
        .chain_update(b"\n")
        .chain_update(&key)
        .finalize();
    if *alg != 1 || hex::encode(&id[..4]) != id_hex {
        return None;
    }
    let vk = ed25519_dalek::VerifyingKey::from_bytes(pk.try_into().ok()?).ok()?;
    let split = note.rfind("\n\n")? + 1;
    let (text, sigs) = note.split_at(split);
    for line in sigs[1..].lines() {
        let rest = line.strip_prefix("— ")?;
        let (who, b64) = rest.split_once(' ')?;
        let raw = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        if who == name && raw.len() == 68 && raw[..4] == id[..4] {
            let sig = ed25519_dalek::Signature::from_bytes(raw[4..].try_into().ok()?);
            return vk
                .verify_strict(text.as_bytes(), &sig)
                .is_ok()
                .then(|| text.to_string());
        }
    }
    None
}

fn h(s: &str) -> H {
    hex::decode(s).unwrap().try_into().unwrap()
}

#[test]
fn the_independent_verifier_passes_the_known_answer_vectors() {
    let leaves: Vec<H> = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|x| leaf_hash(&hex::decode(x).unwrap()))
    .collect();
    let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    for (i, r) in roots.iter().enumerate() {
        assert_eq!(mth(&leaves[..=i]), h(r), "root of size {}", i + 1);
    }
    let incl: &[(u64, u64, &[&str])] = &[
        (
            6,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            3,
            3,
            &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
        ),
        (
            2,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (leaf1, size, path) in incl {
        let p: Vec<H> = path.iter().map(|x| h(x)).collect();
        let (i, root) = (leaf1 - 1, h(roots[*size as usize - 1]));
        assert!(verify_inclusion(i, *size, leaves[i as usize], &p, root));
        assert!(!verify_inclusion(
            i,
            *size,
            leaves[(i as usize + 1) % 8],
            &p,
            root
        ));
    }
    let cons: &[(u64, u64, &[&str])] = &[
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
    ];
    for (a, b, path) in cons {
        let p: Vec<H> = path.iter().map(|x| h(x)).collect();
        let (ra, rb) = (h(roots[*a as usize - 1]), h(roots[*b as usize - 1]));
        assert!(verify_consistency(*a, *b, ra, rb, &p), "{a} -> {b}");
        assert!(!verify_consistency(*a, *b, rb, ra, &p));
    }
    let peter = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    let note = format!("{text}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
    assert_eq!(open_note(&note, peter).as_deref(), Some(text));
    assert_eq!(
        open_note(&note.replace("cryptography", "Cryptography"), peter),
        None
    );
}

#[test]
fn the_servers_checkpoint_and_proofs_pass_the_independent_verifier() {
    let s = TestServer::with_officer();
    let mut checkpoints = Vec::new();
    for i in 0..9 {
        s.append(&signed(&decision(&format!("单位{i}")), &[&officer(1)]));
        checkpoints.push(get(&s.url, "/v1/checkpoint").body);
    }
    let vkey = s.client.info().unwrap().verifier_key;
    let leaves: Vec<H> = (0..s.size())
        .map(|i| s.client.entry(i).unwrap().leaf_hash.0)
        .collect();
    let mut roots = vec![[0u8; 32]];
    for size in 1..=leaves.len() {
        roots.push(mth(&leaves[..size]));
    }
    for note in &checkpoints {
        let text = open_note(note, &vkey).expect("checkpoint signed by the ledger key");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], ORIGIN);
        let size: usize = lines[1].parse().unwrap();
        let root = base64::engine::general_purpose::STANDARD
            .decode(lines[2])
            .unwrap();
        assert_eq!(
            root, roots[size],
            "checkpoint root of size {size} equals the independent MTH"
        );
    }
    let n = leaves.len() as u64;
    for size in 1..=n {
        for seq in 0..size {
            let p = s.client.inclusion(seq, Some(size)).unwrap();
            let proof: Vec<H> = p.proof.iter().map(|d| d.0).collect();
            assert!(
                verify_inclusion(
                    seq,
                    size,
                    leaves[seq as usize],
                    &proof,
                    roots[size as usize]
                ),
                "{seq} in {size}"
            );
        }
        for from in 1..=size {
            let c = s.client.consistency(from, Some(size)).unwrap();
            let proof: Vec<H> = c.proof.iter().map(|d| d.0).collect();
            assert!(
                verify_consistency(
                    from,
                    size,
                    roots[from as usize],
                    roots[size as usize],
                    &proof
                ),
                "{from} -> {size}"
            );
        }
    }
}
