//! Rolling back a group that a crash tore.
//!
//! The writer stores a group key by key (`writer::apply_group`): first the
//! group marker, `Mgroup` = (first seq, end seq), then the group's entries,
//! tree hashes, body-index keys and postings, and the tree size last. The
//! store keeps a prefix of those writes after a crash
//! ([`Store::apply_in_order`]), and each group is made durable before the
//! next is written, so only the last group can be torn, and then the stored
//! size is still its first seq while the marker's end is past it.
//!
//! Nobody was told of a torn group's entries (appenders are answered after
//! the fsync that covers the whole group), but its keys would be wrong to
//! keep: a body-index key would answer a resubmission of the same statement
//! as a duplicate of an entry that does not exist, and a stray entry run
//! would be read as the next entry's. So opening the ledger removes every
//! key of an entry at or past the stored size before anything reads it.

use super::open::{stored_size, META_GROUP, META_ORIGIN};
use crate::error::OpenError;
use crate::store::{entry_key, hash_key, meta_key, prefix_end, Index, Store, StoreError};

/// The marker's value: the group's first seq and the seq after its last.
pub(crate) fn encode_marker(first: u64, end: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(16);
    v.extend_from_slice(&first.to_be_bytes());
    v.extend_from_slice(&end.to_be_bytes());
    v
}

fn decode_marker(v: &[u8]) -> Option<(u64, u64)> {
    let first = u64::from_be_bytes(v.get(..8)?.try_into().ok()?);
    let end = u64::from_be_bytes(v.get(8..)?.try_into().ok()?);
    Some((first, end))
}

/// What a roll-back removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RolledBack {
    /// The stored tree size: the torn group's first seq.
    pub size: u64,
    /// The seq after the torn group's last entry.
    pub end: u64,
    /// Keys removed.
    pub keys: usize,
}

/// Removes the keys a torn last group left, if it left any; returns what
/// it removed. A store without a marker (written before markers, or empty)
/// or whose marker ends at the stored size has nothing torn.
///
/// # Errors
/// The marker or the size is unreadable, they contradict each other, or
/// the store failed.
pub(crate) fn roll_back_torn_group(store: &dyn Store) -> Result<Option<RolledBack>, OpenError> {
    let Some(marker) = store.get(&meta_key(META_GROUP))? else {
        return Ok(None);
    };
    let (first, end) = decode_marker(&marker).ok_or_else(|| {
        OpenError::Invalid(format!(
            "the stored group marker is {} bytes, not 16",
            marker.len()
        ))
    })?;
    let size = stored_size(store)?;
    if end <= size {
        return Ok(None);
    }
    if first != size {
        return Err(OpenError::Invalid(format!(
            "the last group was to store entries {first}..{end}, but the stored tree size is \
             {size}: the store is inconsistent; run `tiezheng verify --data`"
        )));
    }
    let mut keys = torn_keys(store, size)?;
    if size == 0 {
        // The torn group was the first: it also stored the origin, which
        // binds the store to a ledger nobody has heard of yet.
        keys.push(meta_key(META_ORIGIN));
    }
    store.remove(&keys)?;
    // Durable once `remove` returns; now say the last group ends here, so the
    // next open does not scan again. A crash before this scans again and
    // finds nothing left to remove.
    store.commit(vec![(meta_key(META_GROUP), encode_marker(size, size))])?;
    Ok(Some(RolledBack {
        size,
        end,
        keys: keys.len(),
    }))
}

/// Every stored key of an entry numbered `size` or more: entry runs and
/// tree hashes by key range, body-index keys and index postings by a scan of
/// their whole family (only ever after a crash tore a group).
///
/// The exact body-index and posting keys could be derived from the torn
/// group's runs instead (runs are written first, so if any of those keys
/// survived, every run did), which would make this O(group) instead of
/// O(ledger). The scan is kept on purpose: it does not depend on the order
/// inside a group surviving a power cut, which rests on sled's recovery
/// rather than on anything this crate controls. It costs about 0.3 s per
/// 100,000 entries (docs/durability.md).
fn torn_keys(store: &dyn Store, size: u64) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut keys = Vec::new();
    let numbered = |k: &[u8]| k.len() == 9;
    for (start, tag) in [(entry_key(size), b'E'), (hash_key(size), b'H')] {
        scan_all(store, &start, &prefix_end(&[tag]), &mut |k, _| {
            if numbered(k) {
                keys.push(k.to_vec());
            }
        })?;
    }
    scan_all(store, b"B", &prefix_end(b"B"), &mut |k, v| {
        let seq = <[u8; 8]>::try_from(v).ok().map(u64::from_be_bytes);
        if seq.is_some_and(|s| s >= size) {
            keys.push(k.to_vec());
        }
    })?;
    for index in [Index::Case, Index::Subject, Index::Kind, Index::Signer] {
        let tag = [index.tag()];
        scan_all(store, &tag, &prefix_end(&tag), &mut |k, _| {
            if Index::seq_of(k).is_some_and(|s| s >= size) {
                keys.push(k.to_vec());
            }
        })?;
    }
    Ok(keys)
}

/// Keys read per scan.
const PAGE: usize = 4096;

/// Calls `each` on every pair with `start <= key < end`, a page at a time.
fn scan_all(
    store: &dyn Store,
    start: &[u8],
    end: &[u8],
    each: &mut dyn FnMut(&[u8], &[u8]),
) -> Result<(), StoreError> {
    let mut from = start.to_vec();
    loop {
        let page = store.scan(&from, end, false, PAGE)?;
        for (k, v) in &page {
            each(k, v);
        }
        match page.last() {
            Some((last, _)) if page.len() == PAGE => {
                from = last.clone();
                from.push(0);
            }
            _ => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;

    #[test]
    fn a_marker_round_trips_and_a_short_one_is_refused() {
        assert_eq!(decode_marker(&encode_marker(7, 12)), Some((7, 12)));
        let store = MemoryStore::new();
        store.raw_put(meta_key(META_GROUP), vec![0; 15]);
        let e = roll_back_torn_group(&store).unwrap_err();
        assert!(e.to_string().contains("15 bytes, not 16"), "{e}");
    }

    #[test]
    fn a_marker_that_contradicts_the_size_is_refused_and_nothing_removed() {
        let store = MemoryStore::new();
        store.raw_put(
            meta_key(super::super::open::META_SIZE),
            5u64.to_be_bytes().to_vec(),
        );
        store.raw_put(meta_key(META_GROUP), encode_marker(3, 9));
        store.raw_put(entry_key(6), vec![1]);
        let e = roll_back_torn_group(&store).unwrap_err();
        assert!(e.to_string().contains("entries 3..9"), "{e}");
        assert!(store.get(&entry_key(6)).unwrap().is_some());
    }

    #[test]
    fn scanning_in_pages_sees_every_key_once() {
        let store = MemoryStore::new();
        for i in 0..(2 * PAGE as u64 + 3) {
            store.raw_put(hash_key(i), vec![]);
        }
        let mut seen = Vec::new();
        scan_all(&store, b"H", b"I", &mut |k, _| seen.push(k.to_vec())).unwrap();
        let want: Vec<_> = (0..(2 * PAGE as u64 + 3)).map(hash_key).collect();
        assert_eq!(seen, want);
    }
}
