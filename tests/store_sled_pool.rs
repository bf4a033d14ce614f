//! The vendored sled (vendor/sled/TIEZHENG.md) writes its log on the thread
//! that seals a buffer, with no pool of `sled-io` threads. If the
//! `[patch.crates-io]` goes, or the patch is lost, upstream's pool comes back
//! with the wake-up cost docs/performance.md measured, and this test fails.
#![cfg(target_os = "linux")]

use tiezheng::store::{SledStore, Store};

/// The names of this process's threads, from /proc.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .map(|n| n.trim_end().to_string())
        .collect()
}

#[test]
fn sled_writes_its_log_without_a_pool_of_io_threads() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    // Enough to fill and write several of sled's 512 KiB log buffers, each
    // of which upstream hands to its pool.
    for i in 0u32..4_000 {
        store
            .commit(vec![(format!("k{i:05}").into_bytes(), vec![7; 600])])
            .unwrap();
    }
    assert_eq!(store.get(b"k03999").unwrap(), Some(vec![7; 600]));
    let names = thread_names();
    assert!(!names.is_empty(), "no threads listed in /proc/self/task");
    assert!(
        names.iter().all(|n| !n.starts_with("sled-io")),
        "sled started its I/O thread pool: {names:?}"
    );
}
