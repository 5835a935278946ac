//! The mail journal: raw mail, and any value too large for sled, as files named by the
//! SHA-256 of their bytes, compressed with zstd, under the store folder's `mail/`.
//!
//! It is the truth for raw mail, the way Postfix's queue and Maildir are: a file is
//! written to `tmp/`, fdatasync'd, renamed into place, and its folder fsync'd, all before
//! the commit that refers to it. Like a Maildir, the journal has three places:
//!
//! - `new/`: inbound mail on disk whose commit is not known to be durable yet; after a
//!   crash, start-up takes what no record refers to in again (`Store::reconcile`). Mail
//!   is written here under a `.tmp.` name and renamed within the folder: a rename across
//!   folders takes a lock of the whole file system, and intake writes in parallel;
//! - `ab/<hash>`: settled files, under the first two hex digits of their hash;
//! - `tmp/`: large values being written before they go straight to their settled place.
//!
//! Half-written `.tmp.` files in `new/` and files in `tmp/` are removed at start-up:
//! nothing refers to them.
//!
//! Files are never changed once written, and a name says what the bytes are, so writing
//! the same bytes twice is harmless and a damaged file is found by hashing it (`fsck`).

use super::durable::sync_file;
use sha2::{Digest, Sha256};
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};

/// The SHA-256 of a journal file's (uncompressed) bytes: its name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MailHash(pub [u8; 32]);

impl MailHash {
    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> MailHash {
        MailHash(Sha256::digest(bytes).into())
    }

    /// Reads a hash from its 64 hex digits.
    pub fn parse(hex_digits: &str) -> Option<MailHash> {
        let bytes = hex::decode(hex_digits).ok()?;
        Some(MailHash(bytes.try_into().ok()?))
    }

    /// The 64 hex digits.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for MailHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl serde::Serialize for MailHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}

impl<'de> serde::Deserialize<'de> for MailHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        MailHash::parse(&text).ok_or_else(|| serde::de::Error::custom("not a SHA-256 in hex"))
    }
}

impl fmt::Debug for MailHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MailHash({})", &self.hex()[..12])
    }
}

/// Inbound mail written to the journal, waiting in `new/` for its commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staged {
    /// Its name.
    pub hash: MailHash,
    /// False when the file was already settled (the same bytes stored before): there is
    /// then nothing in `new/` to settle.
    pub in_new: bool,
}

/// The journal folder of a store.
#[derive(Debug)]
pub struct Journal {
    root: PathBuf,
    counter: AtomicU64,
    settler: Mutex<Option<mpsc::Sender<Vec<MailHash>>>>,
}

/// How a temporary file's name starts.
const TMP_PREFIX: &str = ".tmp.";

impl Journal {
    /// The journal under `store_folder`, creating its folders (and making them durable)
    /// when missing.
    pub fn open(store_folder: &Path) -> io::Result<Journal> {
        let root = store_folder.join("mail");
        let journal = Journal {
            root,
            counter: AtomicU64::new(0),
            settler: Mutex::new(None),
        };
        if !journal.root.join("ff").is_dir() {
            journal.create_folders()?;
        }
        Ok(journal)
    }

    fn create_folders(&self) -> io::Result<()> {
        fs::create_dir_all(&self.root)?;
        for sub in ["tmp", "new"] {
            fs::create_dir_all(self.root.join(sub))?;
        }
        for byte in 0..=255u8 {
            fs::create_dir_all(self.root.join(format!("{byte:02x}")))?;
        }
        sync_file(&self.root)?;
        if let Some(parent) = self.root.parent() {
            sync_file(parent)?;
        }
        Ok(())
    }

    /// The settled place of a file.
    pub fn settled_path(&self, hash: &MailHash) -> PathBuf {
        settled_path_in(&self.root, hash)
    }

    /// The place of a file waiting for its commit.
    pub fn new_path(&self, hash: &MailHash) -> PathBuf {
        new_path_in(&self.root, hash)
    }

    /// Writes inbound mail into `new/`, on disk when this returns (file data synced and
    /// renamed in; call `sync_new` once for a batch to make the names durable). Bytes
    /// already settled are not written again.
    pub fn stage(&self, raw: &[u8]) -> io::Result<Staged> {
        let hash = MailHash::of(raw);
        if self.settled_path(&hash).exists() {
            return Ok(Staged {
                hash,
                in_new: false,
            });
        }
        self.write_synced(raw, &self.root.join("new"), &self.new_path(&hash))?;
        Ok(Staged { hash, in_new: true })
    }

    /// Makes the names written into `new/` durable (one folder fsync for a whole batch).
    pub fn sync_new(&self) -> io::Result<()> {
        sync_file(&self.root.join("new"))
    }

    /// Writes bytes straight to their settled place, durably (file and folder synced):
    /// for values that no start-up check takes in again, such as large outgoing mail.
    pub fn put_settled(&self, bytes: &[u8]) -> io::Result<MailHash> {
        let hash = MailHash::of(bytes);
        let path = self.settled_path(&hash);
        if !path.exists() {
            self.write_synced(bytes, &self.root.join("tmp"), &path)?;
            sync_file(path.parent().expect("a settled path has a folder"))?;
        }
        Ok(hash)
    }

    /// Moves a committed file from `new/` to its settled place. Not synced: if a crash
    /// loses the rename, start-up finds the file in `new/`, sees that it is referred
    /// to, and settles it again.
    pub fn settle(&self, hash: &MailHash) -> io::Result<()> {
        settle_in(&self.root, hash)
    }

    /// `settle` for committed files, on a thread of the journal's own: the renames need
    /// not hold up the worker, and one that a crash loses is redone at start-up.
    pub fn settle_later(&self, files: Vec<MailHash>) {
        let mut settler = self
            .settler
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let files = match settler.as_ref() {
            Some(running) => match running.send(files) {
                Ok(()) => return,
                Err(mpsc::SendError(files)) => files,
            },
            None => files,
        };
        let (send, receive) = mpsc::channel::<Vec<MailHash>>();
        let root = self.root.clone();
        let spawned = std::thread::Builder::new()
            .name("journal-settle".into())
            .spawn(move || {
                for files in receive {
                    for hash in files {
                        if let Err(e) = settle_in(&root, &hash) {
                            tracing::warn!(file = %hash, error = %e, "cannot move a journal file into place; the next start does");
                        }
                    }
                }
            });
        match spawned {
            Ok(_) => {
                let _ = send.send(files);
                *settler = Some(send);
            }
            // No thread: settle here.
            Err(_) => files.iter().for_each(|hash| {
                let _ = self.settle(hash);
            }),
        }
    }

    /// Removes a file from `new/` that nothing refers to (start-up and `fsck --repair`
    /// only, when no intake is writing).
    pub fn discard_new(&self, hash: &MailHash) -> io::Result<()> {
        match fs::remove_file(self.new_path(hash)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    /// Removes a settled file that nothing refers to any more (an erasure, a retention
    /// pass), durably.
    pub fn remove(&self, hash: &MailHash) -> io::Result<()> {
        let path = self.settled_path(hash);
        match fs::remove_file(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            other => other?,
        }
        match path.parent() {
            Some(folder) => fs::File::open(folder)?.sync_all(),
            None => Ok(()),
        }
    }

    /// The bytes of a file, settled or waiting; `None` if there is no such file.
    pub fn read(&self, hash: &MailHash) -> io::Result<Option<Vec<u8>>> {
        for path in [self.settled_path(hash), self.new_path(hash)] {
            match fs::read(&path) {
                Ok(compressed) => return decompress(&compressed, &path).map(Some),
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }

    /// Whether a file exists, settled or waiting.
    pub fn contains(&self, hash: &MailHash) -> bool {
        self.settled_path(hash).exists() || self.new_path(hash).exists()
    }

    /// The hashes of the files waiting in `new/`.
    pub fn waiting(&self) -> io::Result<Vec<MailHash>> {
        list_hashes(&self.root.join("new"))
    }

    /// The hashes of every settled file (a walk of the whole journal: `fsck` only).
    pub fn settled(&self) -> io::Result<Vec<MailHash>> {
        let mut all = Vec::new();
        for byte in 0..=255u8 {
            all.extend(list_hashes(&self.root.join(format!("{byte:02x}")))?);
        }
        Ok(all)
    }

    /// Removes what a crash left half-written (in `tmp/`, and `.tmp.` files in `new/`):
    /// nothing refers to it.
    pub fn clear_tmp(&self) -> io::Result<usize> {
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("tmp"))? {
            fs::remove_file(entry?.path())?;
            removed += 1;
        }
        for entry in fs::read_dir(self.root.join("new"))? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// A temporary file in `folder`, written and fdatasync'd, then renamed to `target`.
    fn write_synced(&self, bytes: &[u8], folder: &Path, target: &Path) -> io::Result<()> {
        let compressed = super::codec::compress(bytes)?;
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let tmp = folder.join(format!("{TMP_PREFIX}{}.{count}", std::process::id()));
        let written = (|| {
            let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
            file.write_all(&compressed)?;
            file.sync_data()?;
            fs::rename(&tmp, target)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written
    }
}

/// Where a file of the journal at `root` is settled.
fn settled_path_in(root: &Path, hash: &MailHash) -> PathBuf {
    let hex = hash.hex();
    root.join(&hex[..2]).join(hex)
}

/// Where a file of the journal at `root` waits for its commit.
fn new_path_in(root: &Path, hash: &MailHash) -> PathBuf {
    root.join("new").join(hash.hex())
}

/// Moves a file of the journal at `root` from `new/` to its place; already moved is done.
fn settle_in(root: &Path, hash: &MailHash) -> io::Result<()> {
    match fs::rename(new_path_in(root, hash), settled_path_in(root, hash)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn decompress(compressed: &[u8], path: &Path) -> io::Result<Vec<u8>> {
    super::codec::decompress(compressed).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("journal file {} is damaged: {e}", path.display()),
        )
    })
}

fn list_hashes(folder: &Path) -> io::Result<Vec<MailHash>> {
    let mut hashes = Vec::new();
    for entry in fs::read_dir(folder)? {
        let name = entry?.file_name();
        if let Some(hash) = name.to_str().and_then(MailHash::parse) {
            hashes.push(hash);
        }
    }
    hashes.sort();
    Ok(hashes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_mail_is_readable_waits_in_new_and_settles_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let journal = Journal::open(dir.path()).expect("opens");
        let raw = b"Subject: hello\r\n\r\nbody\r\n".repeat(100);
        let staged = journal.stage(&raw).expect("stages");
        assert!(staged.in_new);
        assert_eq!(journal.waiting().expect("lists"), vec![staged.hash]);
        assert_eq!(
            journal.read(&staged.hash).expect("reads"),
            Some(raw.clone())
        );
        journal.settle(&staged.hash).expect("settles");
        journal
            .settle(&staged.hash)
            .expect("settling twice is fine");
        assert!(journal.waiting().expect("lists").is_empty());
        assert_eq!(journal.settled().expect("walks"), vec![staged.hash]);
        let again = journal.stage(&raw).expect("stages again");
        assert!(!again.in_new, "settled bytes are not written twice");
        assert_eq!(journal.read(&staged.hash).expect("reads"), Some(raw));
        let on_disk = fs::metadata(journal.settled_path(&staged.hash)).expect("file");
        assert!(on_disk.len() < 200, "repetitive mail is compressed");
        assert_eq!(journal.clear_tmp().expect("clears"), 0);
    }

    #[test]
    fn a_damaged_file_is_an_error_that_names_it_and_a_missing_one_is_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let journal = Journal::open(dir.path()).expect("opens");
        let hash = journal.put_settled(b"value").expect("writes");
        fs::write(journal.settled_path(&hash), b"not zstd").expect("damages");
        let error = journal.read(&hash).expect_err("damaged");
        assert!(error.to_string().contains(&hash.hex()), "{error}");
        assert_eq!(journal.read(&MailHash::of(b"other")).expect("reads"), None);
    }
}
