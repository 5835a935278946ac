//! The Maildir spool: `loket ingest` delivers into it, the daemon reads and empties it.
//!
//! Delivery is atomic (write into `tmp/`, sync, rename into `new/`, sync the folder), so a
//! file in `new/` is always whole. A file is removed only after its message is on disk in
//! the store; a crash in between makes the daemon read it again, and the duplicate check
//! turns that into a no-op.

use super::{Arrival, Receipt};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A Maildir folder used as Loket's spool.
#[derive(Debug, Clone)]
pub struct Spool {
    root: PathBuf,
}

const SUBFOLDERS: [&str; 3] = ["tmp", "new", "cur"];

impl Spool {
    /// The spool at `root` (nothing is created until needed).
    pub fn new(root: &Path) -> Spool {
        Spool {
            root: root.to_path_buf(),
        }
    }

    /// Creates `tmp/`, `new/` and `cur/` when missing.
    pub fn create_folders(&self) -> io::Result<()> {
        SUBFOLDERS
            .iter()
            .try_for_each(|sub| fs::create_dir_all(self.root.join(sub)))
    }

    /// Writes one message atomically into `new/`; returns once it is on disk.
    pub fn deliver(&self, raw: &[u8]) -> io::Result<PathBuf> {
        self.create_folders()?;
        let name = unique_name();
        let tmp = self.root.join("tmp").join(&name);
        let new = self.root.join("new").join(&name);
        write_synced(&tmp, raw).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
        fs::rename(&tmp, &new)?;
        File::open(self.root.join("new"))?.sync_all()?;
        Ok(new)
    }

    /// Up to `limit` waiting files from `new/` and `cur/`, oldest name first.
    pub fn waiting(&self, limit: usize) -> io::Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        for sub in ["new", "cur"] {
            for entry in fs::read_dir(self.root.join(sub))? {
                let entry = entry?;
                if entry.file_type()?.is_file() {
                    files.push(entry.path());
                }
            }
        }
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        files.truncate(limit);
        Ok(files)
    }

    /// Reads up to `limit` waiting messages. A file that vanished meanwhile is skipped.
    pub fn take(&self, limit: usize) -> io::Result<Vec<Arrival>> {
        Spool::read(&self.waiting(limit)?)
    }

    /// Reads the messages of listed files. A file that vanished meanwhile is skipped.
    pub fn read(paths: &[PathBuf]) -> io::Result<Vec<Arrival>> {
        let mut arrivals = Vec::new();
        for path in paths {
            match fs::read(path) {
                Ok(raw) => arrivals.push(Arrival {
                    raw,
                    receipt: Receipt::Spool(path.clone()),
                    desk: None,
                }),
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(arrivals)
    }
}

/// Acknowledges the spool receipts among `safe` by removing their files; returns how many
/// were removed. A file that cannot be removed is read again later, as a duplicate.
pub fn acknowledge(safe: &[Receipt]) -> usize {
    let mut removed = 0;
    for receipt in safe {
        let Receipt::Spool(path) = receipt else {
            continue;
        };
        match remove(path) {
            Ok(()) => removed += 1,
            Err(e) => tracing::warn!(receipt = %receipt, error = %e,
                "cannot remove spool file; it will be read again as a duplicate"),
        }
    }
    removed
}

/// Removes a spool file once its message is safe; already gone counts as done.
pub fn remove(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn write_synced(path: &Path, raw: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(raw)?;
    file.sync_all()
}

/// A Maildir-style unique name: time, process and a counter, then the host.
fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{}.M{:06}P{}Q{}.{}",
        now.as_secs(),
        now.subsec_micros(),
        std::process::id(),
        count,
        host_name()
    )
}

fn host_name() -> String {
    let name = fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let clean: String = name
        .trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect();
    if clean.is_empty() {
        "localhost".into()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivered_mail_waits_until_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let spool = Spool::new(dir.path());
        let first = spool.deliver(b"one").expect("delivers");
        let second = spool.deliver(b"two").expect("delivers");
        assert_eq!(
            spool.waiting(10).expect("lists"),
            vec![first.clone(), second]
        );
        assert_eq!(
            fs::read_dir(dir.path().join("tmp")).expect("tmp").count(),
            0
        );
        let taken = spool.take(1).expect("reads");
        assert_eq!(taken[0].raw, b"one");
        remove(&first).expect("removes");
        remove(&first).expect("removing twice is fine");
        assert_eq!(spool.waiting(10).expect("lists").len(), 1);
    }
}
