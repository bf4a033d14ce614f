//! The committed format vectors (tests/vectors/ledger-v1.json, written by
//! `cargo run --example gen_vectors`): our code must reproduce every byte, and
//! each value is also re-derived here from docs/format.md using only sha2,
//! ed25519-dalek and signed_note, as a verifier in another language would.
//! The seeds in the file are TEST-VECTOR KEYS ONLY.

use serde_json::Value;
use sha2::{Digest as _, Sha256};
use tiezheng::checkpoint::{verify_checkpoint, LedgerSigner};
use tiezheng::entry::Leaf;
use tiezheng::hash::Digest;
use tiezheng::keys::Keypair;
use tiezheng::merkle;
use tiezheng::statement::{signing_message, Statement, StatementJson};

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/ledger-v1.json")).expect("vectors parse")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k} missing"))
}

fn sha(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

#[test]
fn bodies_hashes_signatures_and_leaves_are_reproduced_byte_for_byte() {
    let v = vectors();
    let origin = s(&v, "origin");
    let seeds: Vec<Keypair> = v["signer_seeds_hex"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            Keypair::from_seed(
                hex::decode(h.as_str().unwrap())
                    .unwrap()
                    .try_into()
                    .unwrap(),
            )
        })
        .collect();
    for e in v["entries"].as_array().unwrap() {
        let sj: StatementJson = serde_json::from_value(e["statement"].clone()).unwrap();
        let st = Statement::from_json(&sj).unwrap();
        let body = st.body_bytes();
        assert_eq!(hex::encode(&body), s(e, "body_hex"));
        // body hash = SHA-256("tiezheng/v1/body\n" || body)
        assert_eq!(sha(&[b"tiezheng/v1/body\n", &body]), s(e, "body_hash"));
        assert_eq!(st.body_hash().to_hex(), s(e, "body_hash"));
        // signing message = domain || u64le(len origin) || origin || body hash
        let bh = hex::decode(s(e, "body_hash")).unwrap();
        let mut msg = b"tiezheng/v1/statement-signature\n".to_vec();
        msg.extend_from_slice(&(origin.len() as u64).to_le_bytes());
        msg.extend_from_slice(origin.as_bytes());
        msg.extend_from_slice(&bh);
        assert_eq!(hex::encode(&msg), s(e, "signing_message_hex"));
        assert_eq!(signing_message(origin, &st.body_hash()), msg);
        for (sig, idx) in e["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .zip(e["signer_key_indexes"].as_array().unwrap())
        {
            let key = &seeds[idx.as_u64().unwrap() as usize];
            assert_eq!(key.public().to_hex(), s(sig, "public_key"));
            assert_eq!(key.sign(&msg).to_hex(), s(sig, "signature"));
            let vk = ed25519_dalek::VerifyingKey::from_bytes(
                &hex::decode(s(sig, "public_key"))
                    .unwrap()
                    .try_into()
                    .unwrap(),
            )
            .unwrap();
            let sg =
                ed25519_dalek::Signature::from_slice(&hex::decode(s(sig, "signature")).unwrap())
                    .unwrap();
            vk.verify_strict(&msg, &sg).unwrap();
        }
        // leaf hash = SHA-256(0x00 || "tiezheng/v1/leaf\n" || leaf)
        let leaf_bytes = hex::decode(s(e, "leaf_hex")).unwrap();
        assert_eq!(
            sha(&[&[0u8], b"tiezheng/v1/leaf\n", &leaf_bytes]),
            s(e, "leaf_hash")
        );
        let leaf: Leaf = tiezheng::codec::decode(&leaf_bytes).unwrap();
        assert_eq!(leaf.encode(), leaf_bytes);
        assert_eq!(leaf.prev.to_hex(), s(e, "prev"));
        assert_eq!(leaf.body_hash.to_hex(), s(e, "body_hash"));
        // Leaf layout: seq u64le, recorded_at i64le, prev[32], body_hash[32], u64le count, (key[32] sig[64])*
        assert_eq!(&leaf_bytes[..8], &leaf.seq.to_le_bytes());
        assert_eq!(&leaf_bytes[16..48], leaf.prev.as_bytes());
        assert_eq!(
            leaf_bytes.len(),
            8 + 8 + 32 + 32 + 8 + 96 * leaf.signatures.len()
        );
    }
}

#[test]
fn chain_links_roots_and_proofs_match() {
    let v = vectors();
    let entries = v["entries"].as_array().unwrap();
    let leaves: Vec<Digest> = entries
        .iter()
        .map(|e| s(e, "leaf_hash").parse().unwrap())
        .collect();
    for (i, e) in entries.iter().enumerate().skip(1) {
        assert_eq!(
            s(e, "prev"),
            leaves[i - 1].to_hex(),
            "entry {i} chains to entry {}",
            i - 1
        );
    }
    assert_eq!(s(&entries[0], "prev"), Digest::ZERO.to_hex());
    let mut tree = merkle::CompactRange::new();
    let mut roots = vec![];
    for l in &leaves {
        tree.push(*l);
        roots.push(tree.root());
    }
    for r in v["roots"].as_array().unwrap() {
        let n = r["size"].as_u64().unwrap() as usize;
        assert_eq!(roots[n - 1].to_hex(), s(r, "root"));
    }
    let n = leaves.len() as u64;
    let root = roots[leaves.len() - 1];
    for p in v["inclusion_proofs"].as_array().unwrap() {
        let proof: Vec<Digest> = p["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().parse().unwrap())
            .collect();
        let i = p["seq"].as_u64().unwrap();
        assert!(merkle::check_inclusion(
            &proof,
            n,
            root,
            i,
            leaves[i as usize]
        ));
    }
    for p in v["consistency_proofs"].as_array().unwrap() {
        let proof: Vec<Digest> = p["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap().parse().unwrap())
            .collect();
        let m = p["from"].as_u64().unwrap();
        assert!(merkle::check_consistency(
            &proof,
            m,
            roots[m as usize - 1],
            n,
            root
        ));
    }
}

#[test]
fn the_checkpoint_is_reproduced_and_verifies_with_signed_note_alone() {
    let v = vectors();
    let origin = s(&v, "origin");
    let seed: [u8; 32] = hex::decode(s(&v, "checkpoint_seed_hex"))
        .unwrap()
        .try_into()
        .unwrap();
    let signer = LedgerSigner::new(origin, Keypair::from_seed(seed)).unwrap();
    assert_eq!(signer.verifier_key(), s(&v, "checkpoint_verifier_key"));
    let note = s(&v, "checkpoint");
    let cp = verify_checkpoint(note, s(&v, "checkpoint_verifier_key")).unwrap();
    assert_eq!(signer.sign(cp.size, cp.root).note, note);
    // Independently: the stock signed_note verifier (as Go's sumdb/note would).
    let verifier = signed_note::StandardVerifier::new(s(&v, "checkpoint_verifier_key")).unwrap();
    let parsed = signed_note::Note::from_bytes(note.as_bytes()).unwrap();
    parsed
        .verify(&signed_note::VerifierList::new(vec![Box::new(verifier)]))
        .unwrap();
    let bad = note.replacen("\n4\n", "\n5\n", 1);
    assert!(verify_checkpoint(&bad, s(&v, "checkpoint_verifier_key")).is_err());
}
