//! The journal and the records agree: start-up reconciliation and `loket fsck`.
//!
//! A crash between writing a mail's journal file and the commit that refers to it leaves
//! the file in `new/` with no record. The mail is normally still at its source (nothing
//! is acknowledged before the commit), but a source can be emptied by other hands, so
//! start-up takes such orphans in again through the normal duplicate check. `fsck`
//! lists them, and also records whose file is missing and files that are damaged.

use super::journal::MailHash;
use super::{keys, value, Error, Result, Store};
use std::collections::BTreeSet;

/// What start-up reconciliation found.
#[derive(Debug, Default)]
pub struct Reconciled {
    /// Files in `new/` that a record refers to, moved to their place.
    pub settled: usize,
    /// Half-written files removed from `tmp/`.
    pub cleared: usize,
    /// Files in `new/` that nothing refers to, with their bytes: to be taken in again.
    pub orphans: Vec<(MailHash, Vec<u8>)>,
}

/// What `fsck` found.
#[derive(Debug, Default)]
pub struct FsckReport {
    /// Journal files read and checked against their names.
    pub files: usize,
    /// References from records checked.
    pub references: usize,
    /// Inbound mail in `new/` that no record refers to (taken in by `--repair`).
    pub orphans: Vec<MailHash>,
    /// Inbound mail in `new/` that a record refers to: moved into place at start-up.
    pub unsettled: Vec<MailHash>,
    /// Records whose journal file is missing: (tree, file).
    pub missing: Vec<(String, MailHash)>,
    /// Files whose bytes do not match their name, or do not decompress: (file, why).
    pub damaged: Vec<(MailHash, String)>,
    /// Settled files no record refers to (written for a commit that a crash stopped).
    pub unreferenced: usize,
}

impl FsckReport {
    /// Whether nothing needs the admin: no orphan, nothing missing, nothing damaged.
    pub fn is_clean(&self) -> bool {
        self.orphans.is_empty() && self.missing.is_empty() && self.damaged.is_empty()
    }
}

impl Store {
    /// Start-up, before any intake runs: clears `tmp/`, settles the files in `new/` that
    /// a record refers to, and returns those nothing refers to, to be taken in again.
    pub fn reconcile(&self) -> Result<Reconciled> {
        let journal = &self.journal;
        let mut found = Reconciled {
            cleared: journal.clear_tmp().map_err(Error::Journal)?,
            ..Reconciled::default()
        };
        for hash in journal.waiting().map_err(Error::Journal)? {
            if self.refers_to(&hash)? {
                journal.settle(&hash).map_err(Error::Journal)?;
                found.settled += 1;
                continue;
            }
            match journal.read(&hash) {
                Ok(Some(bytes)) => found.orphans.push((hash, bytes)),
                Ok(None) => {}
                // A damaged orphan was never acknowledged anywhere; its source still has it.
                Err(e) => {
                    tracing::warn!(file = %hash, error = %e, "damaged journal file nothing refers to; removed");
                    journal.discard_new(&hash).map_err(Error::Journal)?;
                }
            }
        }
        Ok(found)
    }

    /// After orphans went through the worker: removes those still unreferenced (they
    /// were duplicates of stored mail); returns how many.
    pub fn discard_unreferenced(&self, files: &[MailHash]) -> Result<usize> {
        let mut removed = 0;
        for hash in files {
            if !self.refers_to(hash)? {
                self.journal.discard_new(hash).map_err(Error::Journal)?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Checks that every reference has its file and every file its bytes, and lists
    /// the orphans. Reads the whole journal.
    pub fn fsck(&self) -> Result<FsckReport> {
        let journal = &self.journal;
        let mut report = FsckReport::default();
        let mut referenced = BTreeSet::new();
        for name in self.db.tree_names() {
            let tree = self.db.open_tree(&name)?;
            let tree_name = String::from_utf8_lossy(&name).into_owned();
            for value in tree.iter().values() {
                let Some(hash) = value::referenced(&value?) else {
                    continue;
                };
                report.references += 1;
                if !journal.contains(&hash) {
                    report.missing.push((tree_name.clone(), hash));
                }
                referenced.insert(hash);
            }
        }
        // Long texts of messages: referred to from inside their records.
        for value in self.tree(keys::MESSAGES)?.iter().values() {
            let record: super::MessageRecord = self.decode(keys::MESSAGES, &value?)?;
            if let Some(hash) = record.text_file {
                report.references += 1;
                if !journal.contains(&hash) {
                    report.missing.push((keys::MESSAGES.to_string(), hash));
                }
                referenced.insert(hash);
            }
        }
        for key in self.tree(keys::MAIL_FILES)?.iter().keys() {
            if let Ok(bytes) = <[u8; 32]>::try_from(key?.as_ref()) {
                referenced.insert(MailHash(bytes));
            }
        }
        for hash in journal.waiting().map_err(Error::Journal)? {
            self.check_file(&hash, &mut report);
            if referenced.contains(&hash) {
                report.unsettled.push(hash);
            } else {
                report.orphans.push(hash);
            }
        }
        for hash in journal.settled().map_err(Error::Journal)? {
            self.check_file(&hash, &mut report);
            if !referenced.contains(&hash) {
                report.unreferenced += 1;
            }
        }
        Ok(report)
    }

    fn check_file(&self, hash: &MailHash, report: &mut FsckReport) {
        report.files += 1;
        match self.journal.read(hash) {
            Ok(Some(bytes)) if MailHash::of(&bytes) == *hash => {}
            Ok(Some(_)) => report
                .damaged
                .push((*hash, "its bytes do not match its name".into())),
            Ok(None) => {}
            Err(e) => report.damaged.push((*hash, e.to_string())),
        }
    }
}
