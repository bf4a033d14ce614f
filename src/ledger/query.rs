//! Reading entries: one by number, or filtered pages through an index.

use super::open::{read_entry, read_entry_with};
use super::Ledger;
use crate::error::ReadError;
use crate::hash::Digest;
use crate::ids::Seq;
use crate::keys::PublicKey;
use crate::statement::{Statement, StatementJson, StatementSignature};
use crate::store::postings::{self, Postings};
use crate::store::{runs, Index};
use serde::{Deserialize, Serialize};

/// An entry as readers see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntryView {
    /// Sequence number.
    pub seq: Seq,
    /// Leaf hash.
    #[serde(with = "crate::hash::hex_digest")]
    pub leaf_hash: Digest,
    /// Previous leaf hash (chain link).
    #[serde(with = "crate::hash::hex_digest")]
    pub prev: Digest,
    /// Body hash.
    #[serde(with = "crate::hash::hex_digest")]
    pub body_hash: Digest,
    /// Ledger clock, Unix ms.
    pub recorded_at_ms: i64,
    /// Ledger clock, RFC 3339 (Asia/Shanghai).
    pub recorded_at: String,
    /// Signatures.
    pub signatures: Vec<StatementSignature>,
    /// The statement, unless its body is withheld.
    pub statement: Option<StatementJson>,
}

/// Filters for listing entries. All given filters must match.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Case id.
    pub case: Option<String>,
    /// Kind.
    pub kind: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// Signer key.
    pub signer: Option<PublicKey>,
    /// Recorded at or after (Unix ms).
    pub from_ms: Option<i64>,
    /// Recorded before (Unix ms).
    pub to_ms: Option<i64>,
    /// Cursor: only entries with seq greater than this.
    pub after: Option<Seq>,
    /// Page size.
    pub limit: usize,
}

/// A page of entries.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The entries, in ledger order.
    pub entries: Vec<EntryView>,
    /// Pass as `after` for the next page; absent at the end.
    pub next_cursor: Option<Seq>,
}

impl Ledger {
    /// Entry `seq` as stored.
    ///
    /// # Errors
    /// No such entry, or an unreadable store.
    pub fn stored_entry(&self, seq: Seq) -> Result<crate::entry::StoredEntry, ReadError> {
        if seq >= self.size() {
            return Err(ReadError::NotFound(format!(
                "no entry {seq}: the ledger has {} entries",
                self.size()
            )));
        }
        read_entry(self.store(), seq).map_err(ReadError::Storage)
    }

    /// Entry `seq` for readers.
    ///
    /// # Errors
    /// No such entry, or an unreadable store.
    pub fn entry(&self, seq: Seq) -> Result<EntryView, ReadError> {
        view(seq, self.stored_entry(seq)?)
    }

    /// Committed entry `seq` for readers, through `reader` (pages and cases
    /// read entries that mostly share runs).
    fn entry_with(&self, reader: &mut runs::Reader<'_>, seq: Seq) -> Result<EntryView, ReadError> {
        view(
            seq,
            read_entry_with(reader, seq).map_err(ReadError::Storage)?,
        )
    }

    /// The entry whose body hash is `h`, if it is in the published tree.
    ///
    /// # Errors
    /// Unreadable store.
    pub fn seq_of_body(&self, h: &Digest) -> Result<Option<Seq>, ReadError> {
        // A group being written (or left half-written by a failed write, which
        // halts the ledger) has its body-index keys in the store before the
        // tree counts them: never name an entry past the published head.
        let size = self.size();
        Ok(self
            .store()
            .get(&crate::store::body_key(&h.0))?
            .and_then(|v| v.as_slice().try_into().ok().map(u64::from_be_bytes))
            .filter(|seq| *seq < size))
    }

    /// Every entry of a case, in order.
    ///
    /// # Errors
    /// Unreadable store.
    pub fn case_entries(&self, case: &str) -> Result<Vec<EntryView>, ReadError> {
        let prefix = Index::Case.prefix(case.as_bytes());
        let size = self.size();
        let mut out = Vec::new();
        let mut reader = runs::Reader::new(self.store());
        for seq in Postings::new(self.store(), &prefix, 0)? {
            let seq = seq?;
            if seq >= size {
                // Written by a group still committing.
                break;
            }
            out.push(self.entry_with(&mut reader, seq)?);
        }
        Ok(out)
    }

    /// Distinct case ids, with their committed entry counts.
    ///
    /// # Errors
    /// Unreadable store, or a corrupt index posting.
    pub fn cases(&self) -> Result<Vec<(String, u64)>, ReadError> {
        let size = self.size();
        let all = self.store().scan(b"C", b"D", false, usize::MAX)?;
        let mut out: Vec<(String, u64)> = Vec::new();
        for (k, v) in all {
            let Some(len) = k
                .get(1..5)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_be_bytes)
            else {
                continue;
            };
            let Some(name) = k.get(5..5 + len as usize) else {
                continue;
            };
            let name = String::from_utf8_lossy(name).into_owned();
            // Only what is committed: a group still on its way to the disk
            // is not counted (and never will be if the ledger halts).
            let n = postings::decode(&k, &v)?
                .into_iter()
                .filter(|seq| *seq < size)
                .count() as u64;
            if n == 0 {
                continue;
            }
            match out.last_mut() {
                Some((last, c)) if *last == name => *c += n,
                _ => out.push((name, n)),
            }
        }
        Ok(out)
    }

    /// A page of entries matching `q`.
    ///
    /// # Errors
    /// Unreadable store.
    pub fn query(&self, q: &Query) -> Result<Page, ReadError> {
        let limit = q.limit.clamp(1, 1000);
        // Walk the most selective index given; check the other filters per entry.
        let prefix = if let Some(c) = &q.case {
            Some(Index::Case.prefix(c.as_bytes()))
        } else if let Some(s) = &q.subject {
            Some(Index::Subject.prefix(s.as_bytes()))
        } else if let Some(k) = &q.signer {
            Some(Index::Signer.prefix(k.as_bytes()))
        } else {
            q.kind.as_ref().map(|k| Index::Kind.prefix(k.as_bytes()))
        };
        let mut start_seq = q.after.map_or(0, |a| a.saturating_add(1));
        // recorded_at never decreases along the ledger, so a time range is a
        // range of sequence numbers: found by binary search, no time index.
        if let Some(from) = q.from_ms {
            start_seq = start_seq.max(self.first_recorded_at_or_after(from)?);
        }
        let size = match q.to_ms {
            Some(to) => self.first_recorded_at_or_after(to)?,
            None => self.size(),
        };
        let seqs: Box<dyn Iterator<Item = Result<Seq, crate::store::StoreError>>> = match &prefix {
            Some(p) => Box::new(Postings::new(self.store(), p, start_seq)?),
            None => Box::new((start_seq..size).map(Ok)),
        };
        let mut out = Vec::new();
        let mut reader = runs::Reader::new(self.store());
        for seq in seqs {
            let seq = seq?;
            if seq >= size {
                // Past the time range, or written by a group still committing.
                break;
            }
            let e = self.entry_with(&mut reader, seq)?;
            if matches(q, &e) {
                out.push(e);
                if out.len() == limit {
                    break;
                }
            }
        }
        let next_cursor = if out.len() == limit {
            out.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(Page {
            entries: out,
            next_cursor,
        })
    }
}

impl Ledger {
    /// The first sequence number recorded at or after `ms` (the size if none).
    fn first_recorded_at_or_after(&self, ms: i64) -> Result<Seq, ReadError> {
        let (mut lo, mut hi) = (0, self.size());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.stored_entry(mid)?.leaf.recorded_at_ms < ms {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }
}

/// An entry as readers see it.
fn view(seq: Seq, e: crate::entry::StoredEntry) -> Result<EntryView, ReadError> {
    let statement = match &e.body {
        None => None,
        Some(b) => Some(
            Statement::from_body_bytes(b)
                .map_err(|err| ReadError::Storage(format!("entry {seq}: {err}")))?
                .to_json(),
        ),
    };
    Ok(EntryView {
        seq,
        leaf_hash: e.leaf.hash(),
        prev: e.leaf.prev,
        body_hash: e.leaf.body_hash,
        recorded_at_ms: e.leaf.recorded_at_ms,
        recorded_at: crate::ids::rfc3339_ms(e.leaf.recorded_at_ms),
        signatures: e.leaf.signatures,
        statement,
    })
}

fn matches(q: &Query, e: &EntryView) -> bool {
    let st = e.statement.as_ref();
    let eq =
        |want: &Option<String>, got: Option<&String>| want.as_ref().is_none_or(|w| got == Some(w));
    eq(&q.case, st.map(|s| &s.case))
        && eq(&q.kind, st.map(|s| &s.kind))
        && eq(&q.subject, st.map(|s| &s.subject))
        && q.signer
            .is_none_or(|k| e.signatures.iter().any(|s| s.public_key == k))
        && q.from_ms.is_none_or(|f| e.recorded_at_ms >= f)
        && q.to_ms.is_none_or(|t| e.recorded_at_ms < t)
}
