//! Opening the store safely: one process at a time, and after an unclean stop a copy of
//! sled's files first, because sled writes to its files while it recovers them, and a
//! damaged store must reach the admin as it was.
//!
//! A store closed cleanly carries a `closed-cleanly` mark; opening removes it. Without
//! the mark (a crash, a power cut, kill -9) sled's files are copied to `before-recovery/`
//! before sled opens them, and the copy is removed once sled has opened them. If sled
//! cannot, the copy is the store as the crash left it. The journal is never touched by
//! sled and is not copied.

use super::durable::sync_file;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The mark of a clean close.
const CLEAN: &str = "closed-cleanly";
/// Where sled's files are copied before recovery.
pub(super) const BEFORE_RECOVERY: &str = "before-recovery";
/// The lock held while the store is open.
const LOCK: &str = "loket.lock";

/// The open store's hold on its folder: the lock, and whether it may be marked clean.
#[derive(Debug)]
pub(super) struct Hold {
    folder: PathBuf,
    _lock: File,
}

/// What `take` found.
pub(super) enum Taken {
    /// The folder is ours; `copied` when sled's files were copied first.
    Held { hold: Hold, copied: bool },
    /// Another process holds it.
    Locked,
}

/// Takes the folder: locks it (or says who has it), and after an unclean stop copies
/// sled's files aside before sled touches them.
pub(super) fn take(folder: &Path) -> io::Result<Taken> {
    fs::create_dir_all(folder)?;
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(folder.join(LOCK))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Ok(Taken::Locked),
        Err(fs::TryLockError::Error(e)) => return Err(e),
    }
    let copied = !folder.join(CLEAN).exists()
        && folder.join("db").exists()
        && !folder.join(BEFORE_RECOVERY).exists()
        && copy_sled_files(folder)?;
    Ok(Taken::Held {
        hold: Hold {
            folder: folder.to_path_buf(),
            _lock: lock,
        },
        copied,
    })
}

impl Hold {
    /// sled opened the files: the copy is not needed, and until the next clean close
    /// the store counts as in use (no mark).
    pub(super) fn opened(&self) -> io::Result<()> {
        let before = self.folder.join(BEFORE_RECOVERY);
        if before.exists() {
            fs::remove_dir_all(&before)?;
        }
        match fs::remove_file(self.folder.join(CLEAN)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        sync_file(&self.folder)
    }

    /// Marks a clean close (call after the last flush).
    pub(super) fn closed_cleanly(&self) -> io::Result<()> {
        File::create(self.folder.join(CLEAN))?.sync_all()?;
        sync_file(&self.folder)
    }
}

/// Copies sled's own files (log, config, snapshots, blobs) to `before-recovery/`,
/// synced. Returns whether there was anything to copy.
fn copy_sled_files(folder: &Path) -> io::Result<bool> {
    let target = folder.join(BEFORE_RECOVERY);
    let partial = folder.join(format!("{BEFORE_RECOVERY}.partial"));
    if partial.exists() {
        fs::remove_dir_all(&partial)?;
    }
    fs::create_dir(&partial)?;
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_sled = name == "db" || name == "conf" || name.starts_with("snap.");
        if is_sled && entry.file_type()?.is_file() {
            copy_synced(&entry.path(), &partial.join(&*name))?;
        }
    }
    let blobs = folder.join("blobs");
    if blobs.is_dir() {
        fs::create_dir(partial.join("blobs"))?;
        for entry in fs::read_dir(&blobs)? {
            let entry = entry?;
            copy_synced(
                &entry.path(),
                &partial.join("blobs").join(entry.file_name()),
            )?;
        }
        sync_file(&partial.join("blobs"))?;
    }
    sync_file(&partial)?;
    fs::rename(&partial, &target)?;
    sync_file(folder)?;
    Ok(true)
}

fn copy_synced(from: &Path, to: &Path) -> io::Result<()> {
    fs::copy(from, to)?;
    sync_file(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sled_files_are_copied_only_after_an_unclean_stop_and_the_lock_is_exclusive() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path();
        fs::write(folder.join("db"), b"log").expect("writes");
        let Taken::Held { hold, copied } = take(folder).expect("takes") else {
            panic!("nobody else holds it");
        };
        assert!(copied, "no clean mark: copied first");
        assert_eq!(
            fs::read(folder.join(BEFORE_RECOVERY).join("db")).expect("copy"),
            b"log"
        );
        assert!(matches!(take(folder).expect("tries"), Taken::Locked));
        hold.opened().expect("opened");
        assert!(!folder.join(BEFORE_RECOVERY).exists());
        hold.closed_cleanly().expect("closes");
        drop(hold);
        let Taken::Held { copied, .. } = take(folder).expect("takes") else {
            panic!("released");
        };
        assert!(!copied, "closed cleanly: nothing to copy");
    }
}
