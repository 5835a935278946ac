//! Making sled's files durable. sled 0.34's `flush` writes its log with
//! `sync_file_range`, which flushes neither the file's metadata nor the device cache, and
//! it writes large values to files under `blobs/` that it never syncs at all: after a
//! power cut such a store may not open. So after sled's flush the store fsyncs the log,
//! and once each the config and every snapshot or blob file it has not synced before,
//! with the folders that gained them; only then is a commit durable. (Loket keeps its
//! values small so that sled writes no blob file at all: see `value`.)

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The store folder's files and which of them are already on disk for good.
#[derive(Debug)]
pub(super) struct DurableFiles {
    folder: PathBuf,
    synced: Mutex<Synced>,
}

/// Files whose every write is on disk: sled never writes to them again (its config,
/// snapshots and blob files are written once), so syncing them once is enough.
#[derive(Debug, Default)]
struct Synced {
    snapshots: BTreeSet<OsString>,
    blobs: BTreeSet<OsString>,
    config: bool,
}

impl DurableFiles {
    /// The files of the sled folder at `folder`. Nothing is assumed synced yet: the first
    /// `sync` covers every file, including those a crash left behind.
    pub(super) fn new(folder: &Path) -> DurableFiles {
        DurableFiles {
            folder: folder.to_path_buf(),
            synced: Mutex::new(Synced::default()),
        }
    }

    /// Fsyncs what sled wrote since the last call: the log, and any new snapshot, blob
    /// file or config with the folder that gained it. sled writes no blob file while
    /// every value is small (`value`); they are synced here all the same.
    pub(super) fn sync(&self) -> io::Result<()> {
        let mut synced = self
            .synced
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let blobs = self.folder.join("blobs");
        if sync_new_files(&blobs, |_| true, &mut synced.blobs)? {
            sync_file(&blobs)?;
        }
        let is_snapshot = |name: &str| name.starts_with("snap.");
        let mut folder_changed = sync_new_files(&self.folder, is_snapshot, &mut synced.snapshots)?;
        if !synced.config {
            sync_file_if_present(&self.folder.join("conf"))?;
            synced.config = true;
            folder_changed = true;
        }
        sync_file_if_present(&self.folder.join("db"))?;
        if folder_changed {
            sync_file(&self.folder)?;
        }
        Ok(())
    }
}

/// Fsyncs the files of `folder` (those `wanted`) that are not in `synced`, and makes
/// `synced` the set present now (files sled removed drop out by not being listed).
/// Returns whether any new file was synced.
fn sync_new_files(
    folder: &Path,
    wanted: impl Fn(&str) -> bool,
    synced: &mut BTreeSet<OsString>,
) -> io::Result<bool> {
    if !folder.is_dir() {
        return Ok(false);
    }
    let mut present = BTreeSet::new();
    let mut new_files = false;
    for entry in std::fs::read_dir(folder)? {
        let name = entry?.file_name();
        if !wanted(&name.to_string_lossy()) {
            continue;
        }
        if synced.contains(&name) {
            present.insert(name);
            continue;
        }
        // sled may remove a file it no longer needs while this runs.
        if sync_file_if_present(&folder.join(&name))? {
            present.insert(name);
            new_files = true;
        }
    }
    *synced = present;
    Ok(new_files)
}

/// fsync of a file or a folder (a folder's fsync makes its entries durable): the one
/// the whole store uses.
pub(super) fn sync_file(path: &Path) -> io::Result<()> {
    File::open(path)?.sync_all()
}

/// fsync of every file under `folder` and of the folders themselves: sled's files,
/// written by sled with no fsync of its own, made durable at once.
pub(super) fn sync_tree(folder: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(folder)? {
        let path = entry?.path();
        if path.is_dir() {
            sync_tree(&path)?;
        } else {
            sync_file(&path)?;
        }
    }
    sync_file(folder)
}

/// fsync of a folder, making its entries (renames, removals) durable.
pub(super) fn sync_dir(folder: &Path) -> io::Result<()> {
    sync_file(folder)
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
        let synced = files.synced.lock().expect("lock").blobs.clone();
        assert_eq!(synced, BTreeSet::from([OsString::from("2")]));
        // Removed between listing and opening (sled's blob collection runs meanwhile).
        assert!(!sync_file_if_present(&folder.join("blobs/3")).expect("not an error"));
    }
}
