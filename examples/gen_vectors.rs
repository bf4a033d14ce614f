//! Writes the test vectors in tests/vectors/ledger-v1.json from fixed inputs.
//!
//! `cargo run --example gen_vectors > tests/vectors/ledger-v1.json`
//!
//! The keys below are TEST-VECTOR KEYS ONLY (fixed seeds, published here on
//! purpose); never use them for a real ledger. tests/vectors.rs recomputes
//! every value from the inputs and compares.

use serde_json::{json, Value};
use tiezheng::checkpoint::LedgerSigner;
use tiezheng::entry::Leaf;
use tiezheng::hash::Digest;
use tiezheng::keys::Keypair;
use tiezheng::merkle::{self, CompactRange};
use tiezheng::statement::{signing_message, Statement, StatementJson, StatementSignature};

const ORIGIN: &str = "tiezheng.example/vectors";

fn statements(root: &Keypair, officer: &Keypair) -> Vec<(StatementJson, Vec<usize>)> {
    let genesis = json!({"origin": ORIGIN, "description": "test vectors",
        "roots": [{"public_key": root.public().to_hex(), "person": "root", "unit": "博乐市安委会", "role": "root authority"}]});
    let enrol = json!({"public_key": officer.public().to_hex(), "person": "崔鑫", "unit": "博乐市应急管理局",
        "role": "局长", "kinds": ["penalty_decision"], "may_enrol": false, "valid_from": "2024-01-01", "valid_until": null});
    let mk = |kind: &str,
              case: &str,
              subject: &str,
              date: &str,
              refs: Vec<String>,
              ms: i64,
              payload: Value| StatementJson {
        kind: kind.into(),
        case: case.into(),
        subject: subject.into(),
        event_date: date.into(),
        refs,
        signed_at_ms: ms,
        payload,
    };
    let g = mk(
        "genesis",
        "registry",
        ORIGIN,
        "2025-01-01",
        vec![],
        1_735_660_800_000,
        genesis,
    );
    let e = mk(
        "key_enrolment",
        "registry",
        "崔鑫 (博乐市应急管理局)",
        "2025-01-02",
        vec![],
        1_735_747_200_000,
        enrol,
    );
    let p = mk(
        "penalty_decision",
        "博乐11·25",
        "博乐市XXXX有限责任公司",
        "2025-04-10",
        vec![],
        1_744_243_200_000,
        json!({"party": {"party_type": "unit", "name": "博乐市XXXX有限责任公司"}, "amount_fen": 50_000_000u64, "amount_capitals": "伍拾万元整"}),
    );
    let ph = Statement::from_json(&p)
        .map(|s| s.body_hash().to_hex())
        .unwrap_or_default();
    let r = mk(
        "payment_receipt",
        "博乐11·25",
        "博乐市XXXX有限责任公司",
        "2025-04-20",
        vec![ph],
        1_745_107_200_000,
        json!({"payer": "博乐市XXXX有限责任公司", "amount_fen": 50_000_000u64}),
    );
    vec![(g, vec![0]), (e, vec![0]), (p, vec![1]), (r, vec![1])]
}

fn main() {
    let seeds: Vec<[u8; 32]> = vec![[0x11; 32], [0x22; 32]];
    let keys: Vec<Keypair> = seeds.iter().map(|s| Keypair::from_seed(*s)).collect();
    let cp_seed = [0x33; 32];
    let signer =
        LedgerSigner::new(ORIGIN, Keypair::from_seed(cp_seed)).unwrap_or_else(|e| panic!("{e}"));
    let mut prev = Digest::ZERO;
    let mut tree = CompactRange::new();
    let mut leaves = Vec::new();
    let mut entries = Vec::new();
    let mut roots = Vec::new();
    for (i, (sj, signers)) in statements(&keys[0], &keys[1]).into_iter().enumerate() {
        let s = Statement::from_json(&sj).unwrap_or_else(|e| panic!("{e}"));
        let body = s.body_bytes();
        let bh = s.body_hash();
        let msg = signing_message(ORIGIN, &bh);
        let mut sigs: Vec<StatementSignature> = signers
            .iter()
            .map(|&k| StatementSignature {
                public_key: keys[k].public(),
                signature: keys[k].sign(&msg),
            })
            .collect();
        sigs.sort();
        let leaf = Leaf {
            seq: i as u64,
            recorded_at_ms: 1_763_856_000_000 + i as i64 * 1000,
            prev,
            body_hash: bh,
            signatures: sigs.clone(),
        };
        let lh = leaf.hash();
        tree.push(lh);
        leaves.push(lh);
        roots.push(json!({"size": tree.size(), "root": tree.root().to_hex()}));
        entries.push(json!({
            "statement": sj,
            "signer_key_indexes": signers,
            "body_hex": hex::encode(&body),
            "body_hash": bh.to_hex(),
            "signing_message_hex": hex::encode(&msg),
            "signatures": sigs.iter().map(|s| json!({"public_key": s.public_key.to_hex(), "signature": s.signature.to_hex()})).collect::<Vec<_>>(),
            "recorded_at_ms": leaf.recorded_at_ms,
            "prev": prev.to_hex(),
            "leaf_hex": hex::encode(leaf.encode()),
            "leaf_hash": lh.to_hex(),
        }));
        prev = lh;
    }
    // Proofs from the stored-hash layout.
    let mut mem = std::collections::HashMap::new();
    struct R<'a>(&'a std::collections::HashMap<u64, tlog_tiles::Hash>);
    impl tlog_tiles::HashReader for R<'_> {
        fn read_hashes(&self, idx: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
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
    for (n, l) in leaves.iter().enumerate() {
        let start = tlog_tiles::stored_hash_index(0, n as u64);
        for (i, h) in merkle::hashes_for_leaf(n as u64, *l, &R(&mem))
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            mem.insert(start + i as u64, h);
        }
    }
    let n = leaves.len() as u64;
    let hexes = |v: Vec<Digest>| v.iter().map(Digest::to_hex).collect::<Vec<_>>();
    let inclusion: Vec<Value> = (0..n)
        .map(|i| json!({"seq": i, "size": n, "proof": hexes(merkle::inclusion_proof(i, n, &R(&mem)).unwrap_or_default())}))
        .collect();
    let consistency: Vec<Value> = (1..n)
        .map(|m| json!({"from": m, "to": n, "proof": hexes(merkle::consistency_proof(m, n, &R(&mem)).unwrap_or_default())}))
        .collect();
    let cp = signer.sign(n, tree.root());
    let out = json!({
        "_comment": "Tiezheng format v1 test vectors. The seeds are TEST-VECTOR KEYS ONLY. See docs/format.md.",
        "origin": ORIGIN,
        "signer_seeds_hex": seeds.iter().map(hex::encode).collect::<Vec<_>>(),
        "signer_public_keys": keys.iter().map(|k| k.public().to_hex()).collect::<Vec<_>>(),
        "checkpoint_seed_hex": hex::encode(cp_seed),
        "entries": entries,
        "roots": roots,
        "inclusion_proofs": inclusion,
        "consistency_proofs": consistency,
        "checkpoint": cp.note,
        "checkpoint_verifier_key": signer.verifier_key(),
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
}
