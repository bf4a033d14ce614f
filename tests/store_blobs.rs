//! sled 0.34 writes a log item over a quarter of its 512 KiB segment (a
//! large value, or a whole node when it rewrites one) to a separate blob file,
//! without fsync, and its recovery skips a blob file that is missing. Entry
//! runs are capped (store::runs::MAX_RUN_BYTES) so that ordinary entries never
//! send a node there. This test writes runs the way the writer does, through
//! the real sled store, and shows both sides: capped runs leave no blob file,
//! runs of 20 KiB (an uncapped group of about 30 entries) make some
//! (`-- --nocapture` prints how many).

use tiezheng::entry::{Leaf, StoredEntry};
use tiezheng::hash::Digest;
use tiezheng::store::{entry_key, runs, SledStore, Store};

/// An entry the size of the benchmark's penalty decisions (~700 bytes).
fn entry(seq: u64) -> Vec<u8> {
    StoredEntry {
        leaf: Leaf {
            seq,
            recorded_at_ms: 1_744_243_200_000,
            prev: Digest::ZERO,
            body_hash: Digest::ZERO,
            signatures: vec![],
        },
        body: Some(vec![b'x'; 600]),
    }
    .encode()
}

/// Writes `groups` groups of `per_group` entries, one batch each, in runs
/// built like the writer's (`runs::push`) when `cap` is `None`, or of at most
/// `cap` bytes; returns how many blob files sled made.
fn blob_files(groups: u64, per_group: u64, cap: Option<usize>) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    let mut seq = 0;
    for _ in 0..groups {
        let mut built: Vec<runs::Run> = Vec::new();
        for _ in 0..per_group {
            let e = entry(seq);
            match (cap, built.last_mut()) {
                (None, _) => runs::push(&mut built, seq, e),
                (Some(cap), Some(run)) if run.bytes.len() + e.len() <= cap => {
                    run.bytes.extend(e);
                    run.entries += 1;
                }
                (Some(_), _) => built.push(runs::Run {
                    first: seq,
                    entries: 1,
                    bytes: e,
                }),
            }
            seq += 1;
        }
        let batch = built
            .into_iter()
            .map(|r| (entry_key(r.first), r.bytes))
            .collect();
        store.apply(batch).unwrap();
    }
    store.sync().unwrap();
    std::fs::read_dir(dir.path().join("blobs")).map_or(0, |d| d.count())
}

#[test]
fn capped_runs_keep_nodes_out_of_blob_files() {
    // Small groups, the benchmark's ~40-entry groups, and large ones.
    for (groups, per_group) in [(2000, 5), (400, 40), (40, 2000)] {
        assert_eq!(
            blob_files(groups, per_group, None),
            0,
            "{groups} groups of {per_group} entries"
        );
    }
}

#[test]
fn uncapped_runs_send_nodes_to_blob_files() {
    // The same writes in runs of 20 KiB: the control that shows the test can
    // fail.
    let made = blob_files(400, 300, Some(20 * 1024));
    eprintln!("runs of 20 KiB: {made} blob files");
    assert!(made > 0);
}
