//! Making sled's files durable. sled 0.34's `flush` writes its log with
//! `sync_file_range`, which flushes neither the file's metadata nor the device cache, and
//! it writes large values to files under `blobs/` that it never syncs at all: after a
//! power cut such a store may not open. So after sled's flush the store fsyncs the log,
//! the config, every blob file it has not synced before, and the folders that gained
//! entries; only then is a commit durable.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The store folder's files and which blob files are already on disk for good.
#[derive(Debug)]
pub(super) struct DurableFiles {
    folder: PathBuf,
    synced_blobs: Mutex<BTreeSet<OsString>>,
}

impl DurableFiles {
    /// The files of the sled folder at `folder`. Nothing is assumed synced yet: the first
    /// `sync` covers every blob file, including those a crash left behind.
    pub(super) fn new(folder: &Path) -> DurableFiles {
        DurableFiles {
            folder: folder.to_path_buf(),
            synced_blobs: Mutex::new(BTreeSet::new()),
        }
    }

    /// Fsyncs what sled wrote since the last call: new blob files and their folder, the
    /// log and the config, and the store folder itself.
    pub(super) fn sync(&self) -> io::Result<()> {
        let blobs = self.folder.join("blobs");
        let mut synced = self
            .synced_blobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // The blob files present now, synced: what the next call need not sync again.
        // (Files sled removed drop out of the set by not being listed.)
        let mut present = BTreeSet::new();
        let mut new_blobs = false;
        if blobs.is_dir() {
            for entry in std::fs::read_dir(&blobs)? {
                let name = entry?.file_name();
                if synced.contains(&name) {
                    present.insert(name);
                    continue;
                }
                // sled may remove a blob it no longer needs while this runs.
                if sync_file_if_present(&blobs.join(&name))? {
                    present.insert(name);
                    new_blobs = true;
                }
            }
            if new_blobs {
                sync_file(&blobs)?;
            }
        }
        *synced = present;
        for name in ["db", "conf"] {
            sync_file_if_present(&self.folder.join(name))?;
        }
        for entry in std::fs::read_dir(&self.folder)? {
            let entry = entry?;
            let is_snapshot = entry.file_name().to_string_lossy().starts_with("snap.");
            if is_snapshot {
                sync_file_if_present(&entry.path())?;
            }
        }
        sync_file(&self.folder)
    }
}

/// fsync of a file or a folder (a folder's fsync makes its entries durable).
fn sync_file(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

/// fsync of a file that may not be there (removed by sled since it was listed, or not
/// written yet): `false` if it is not.
fn sync_file_if_present(path: &Path) -> io::Result<bool> {
    match sync_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_files_that_sled_removes_are_no_error_and_new_ones_are_synced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path();
        std::fs::create_dir(folder.join("blobs")).expect("blobs");
        for name in ["db", "conf", "blobs/1"] {
            std::fs::write(folder.join(name), b"x").expect("writes");
        }
        let files = DurableFiles::new(folder);
        files.sync().expect("syncs");
        std::fs::remove_file(folder.join("blobs/1")).expect("removes");
        std::fs::write(folder.join("blobs/2"), b"y").expect("writes");
        files.sync().expect("a removed blob is not an error");
        let synced = files.synced_blobs.lock().expect("lock").clone();
        assert!(synced.contains(&OsString::from("2")));
        // Removed between listing and opening (sled's blob collection runs meanwhile).
        assert!(!sync_file_if_present(&folder.join("blobs/3")).expect("not an error"));
    }
}
