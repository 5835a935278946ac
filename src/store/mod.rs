//! The ticket store: sled for tickets, messages, indexes, history, the outbox and
//! timers, and the mail journal (`journal`) for raw mail and any value too large for a
//! sled page (`value`), referred to from sled by hash.
//!
//! Reads are plain methods named after what callers need. Every write that changes a
//! ticket goes through `Store::commit`, one sled transaction, whose journal files are
//! on disk before it runs; `Store::flush` makes the commits durable (sled's flush, then
//! an fsync of the files it wrote: `durable`), and only after it may a source be told
//! the mail is safe.
//!
//! The surface, by caller. This is the seam at which another database could replace
//! sled for a site that outgrows one machine; whatever replaces it must keep the
//! atomicity and durability promises written here.
//!
//! - **Intake** (each source, in parallel): `journal().stage` for each mail (file synced
//!   and renamed into `new/`), `journal().sync_new` once per batch, all **before** the
//!   batch is submitted; `sync_state` / `set_sync_state` for IMAP (UIDVALIDITY and the
//!   last UID seen).
//! - **Worker** (the only writer of tickets):
//!   - loads: `lookup_message`, `load_ticket`, `next_ticket_id`, `agent_load`,
//!     `auto_reply_count`, `customer`, and for a forward or a lead report `messages` and
//!     `raw_message`;
//!   - `commit(Change)`: **atomic together**: the ticket and any other ticket it changed
//!     (a merge), its new messages with the references to their journal files and their
//!     Message-ID index entries, its history entries, the outbox mails it caused, the
//!     timer-index entries set and removed, the agents' loads, the auto-reply counters, a
//!     new customer, the ticket and outbox counters;
//!   - timers: `due_timers`, `next_timer`, `drop_timer`;
//!   - `quarantine` (a mail set aside, referring to its journal file);
//!   - `flush`, once per batch, **before** any receipt is acknowledged; then
//!     `refers_to` and `journal().settle` for the batch's files.
//! - **Sender**: `pending_outbox` (only ids up to the last durable commit are handed to
//!   it), `update_outbox` (sent, deferred, failed), `flush_async` for a batch of results.
//! - **CLI and control socket** (reads): `tickets`, `load_ticket`, `messages`, `history`,
//!   `outbox`, `quarantined`, `quarantined_raw`; `fsck`.
//! - **Start-up**: `open` (refuses a store in use, damaged or of a newer schema, upgrades
//!   an older one: `migrate`), `reconcile` (the journal after a crash) and
//!   `discard_unreferenced`, `last_outbox_id`.

mod codec;
mod commit;
mod durable;
pub mod erase;
mod fsck;
pub mod indexing;
mod journal;
pub mod keys;
mod migrate;
pub mod records;
mod recovery;
mod value;

pub use commit::{Change, NewMessage, NewOutboxMail};
pub use fsck::{FsckReport, Reconciled};
pub use journal::{Journal, MailHash, Staged};
pub use records::{
    Customer, Direction, IndexEntry, MessageKind, MessageRecord, NewText, OutboxRecord,
    OutboxState, QuarantineRecord, SyncState,
};

use crate::engine::ledger;
use crate::engine::timer::Timer;
use crate::engine::{AgentLoad, HistoryEntry, Ticket};
use crate::types::{AgentId, EmailAddress, MessageId, TicketId, Timestamp};
use serde::de::DeserializeOwned;
use sled::Transactional;
use std::path::{Path, PathBuf};

/// An entry of the due-time index of timers: one timer of one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DueTimer {
    /// When it was due.
    pub due: Timestamp,
    /// Its ticket.
    pub ticket: TicketId,
    /// Its kind, as written in the key.
    pub kind: String,
}

impl DueTimer {
    /// The index entry of one timer of a ticket.
    pub fn of(ticket: TicketId, timer: &Timer) -> DueTimer {
        DueTimer {
            due: timer.due,
            ticket,
            kind: timer.kind.to_string(),
        }
    }
}

/// What went wrong with the store. Every variant means: stop, acknowledge nothing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another process (usually a running daemon) holds the store.
    #[error("the store at {path} is in use by another loket process")]
    Locked {
        /// The store folder.
        path: PathBuf,
    },
    /// The store was written by a newer Loket (or is not a Loket store).
    #[error("the store at {path} has schema version {found}; this loket reads version {expected} and upgrades older ones: run the loket version that wrote it, or restore a backup")]
    UnknownSchema {
        /// The store folder.
        path: PathBuf,
        /// The version in the store.
        found: String,
        /// The version this build reads.
        expected: u32,
    },
    /// sled failed (disk full, I/O error, corruption).
    #[error("store error: {0}")]
    Sled(#[from] sled::Error),
    /// sled's files could not be made durable (fsync failed: disk full, I/O error).
    #[error("cannot make the store's files durable: {0}")]
    Durability(std::io::Error),
    /// The mail journal could not be written or read (disk full, I/O error, a damaged file).
    #[error("the store's mail journal failed: {0}")]
    Journal(std::io::Error),
    /// A record refers to a journal file that is not there.
    #[error("store record {what} refers to journal file {hash}, which is missing: run `loket fsck` and restore the file from a backup")]
    MissingFile {
        /// Which record.
        what: String,
        /// The file's name.
        hash: MailHash,
    },
    /// sled could not recover the store (it panicked, or found its files corrupt).
    #[error("{}", damage_message(.path, .reason, .before.as_deref()))]
    Damaged {
        /// The store folder.
        path: PathBuf,
        /// What sled said.
        reason: String,
        /// The copy of sled's files as they were before this attempt, when there is one.
        before: Option<PathBuf>,
    },
    /// A record could not be read back.
    #[error("store record {what} is unreadable: {error}")]
    Corrupt {
        /// Which record.
        what: String,
        /// What the decoder said.
        error: String,
    },
}

impl From<sled::transaction::TransactionError<Error>> for Error {
    fn from(e: sled::transaction::TransactionError<Error>) -> Error {
        match e {
            sled::transaction::TransactionError::Abort(inner) => inner,
            sled::transaction::TransactionError::Storage(inner) => Error::Sled(inner),
        }
    }
}

/// sled's page cache. Its default (1 GiB) is sized for a database server; Loket's hot
/// set is the recent tickets and the indexes, and raw mail is written once, read rarely.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// Result of store operations.
pub type Result<T> = std::result::Result<T, Error>;

/// The open store. Cheap to clone; clones share the same database.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    files: std::sync::Arc<durable::DurableFiles>,
    journal: std::sync::Arc<Journal>,
    _closing: std::sync::Arc<Closing>,
}

/// Marks the store closed cleanly when the last handle goes, after a last flush.
struct Closing {
    db: sled::Db,
    files: std::sync::Arc<durable::DurableFiles>,
    hold: recovery::Hold,
}

impl Drop for Closing {
    fn drop(&mut self) {
        let flushed = self.db.flush().is_ok() && self.files.sync().is_ok();
        if flushed {
            if let Err(e) = self.hold.closed_cleanly() {
                tracing::warn!(error = %e, "cannot mark the store closed cleanly; the next start copies sled's files first");
            }
        }
    }
}

impl Store {
    /// Opens (or creates) the store at `path`, refusing stores of another schema version.
    pub fn open(path: &Path) -> Result<Store> {
        let (hold, copied) = match recovery::take(path).map_err(Error::Durability)? {
            recovery::Taken::Held { hold, copied } => (hold, copied),
            recovery::Taken::Locked => {
                return Err(Error::Locked {
                    path: path.to_path_buf(),
                })
            }
        };
        if copied {
            tracing::info!(store = %path.display(), "no mark of a clean close (a crash, kill -9, or a Loket older than schema 3): sled's files copied to {}/ while sled checks them", recovery::BEFORE_RECOVERY);
        }
        // A rewrite (`erase::rewrite`) cut short after its new files were complete.
        erase::finish_rewrite(path).map_err(Error::Durability)?;
        let db = open_sled(path)?;
        hold.opened().map_err(Error::Durability)?;
        let journal = Journal::open(path).map_err(Error::Journal)?;
        let files = std::sync::Arc::new(durable::DurableFiles::new(path));
        let store = Store {
            _closing: std::sync::Arc::new(Closing {
                db: db.clone(),
                files: files.clone(),
                hold,
            }),
            db,
            files,
            journal: std::sync::Arc::new(journal),
        };
        store.check_schema(path)?;
        Ok(store)
    }

    /// The mail journal, where intake writes raw mail before submitting it.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Opens the store, waiting up to `patience` while another process holds it (a CLI
    /// command reading it for a moment, or a daemon that is still shutting down).
    pub fn open_patiently(path: &Path, patience: std::time::Duration) -> Result<Store> {
        let deadline = std::time::Instant::now() + patience;
        loop {
            match Store::open(path) {
                Err(Error::Locked { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    fn check_schema(&self, path: &Path) -> Result<()> {
        let meta = self.tree(keys::META)?;
        let unknown = |found: String| Error::UnknownSchema {
            path: path.into(),
            found,
            expected: keys::SCHEMA_VERSION,
        };
        match meta.get(keys::SCHEMA_KEY)? {
            Some(bytes) if bytes.as_ref() == keys::SCHEMA_VERSION.to_be_bytes() => Ok(()),
            Some(bytes) => match <[u8; 4]>::try_from(bytes.as_ref()).map(u32::from_be_bytes) {
                Ok(old) if (1..keys::SCHEMA_VERSION).contains(&old) => {
                    migrate::upgrade(self, path, old)
                }
                _ => Err(unknown(describe_version(&bytes))),
            },
            None if self.is_empty()? => {
                meta.insert(keys::SCHEMA_KEY, &keys::SCHEMA_VERSION.to_be_bytes())?;
                self.flush()?;
                Ok(())
            }
            None => Err(unknown("none (data without a version)".into())),
        }
    }

    fn is_empty(&self) -> Result<bool> {
        for name in keys::COMMIT_TREES {
            if !self.tree(name)?.is_empty() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn tree(&self, name: &str) -> Result<sled::Tree> {
        Ok(self.db.open_tree(name)?)
    }

    /// Makes every commit so far durable on disk: sled's flush, then an fsync of each
    /// file it wrote (see `durable`). Only after this may a source be told.
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        self.sync_files()
    }

    /// `flush` for async callers.
    pub async fn flush_async(&self) -> Result<()> {
        self.db.flush_async().await?;
        let files = self.files.clone();
        tokio::task::spawn_blocking(move || files.sync())
            .await
            .map_err(|e| Error::Durability(std::io::Error::other(e.to_string())))?
            .map_err(Error::Durability)
    }

    fn sync_files(&self) -> Result<()> {
        self.files.sync().map_err(Error::Durability)
    }

    /// Where messages with this Message-ID are stored.
    pub fn lookup_message(&self, id: &MessageId) -> Result<Vec<IndexEntry>> {
        self.get_json(keys::MESSAGE_INDEX, &keys::message_index(id))
            .map(Option::unwrap_or_default)
    }

    /// A ticket by number.
    pub fn load_ticket(&self, id: TicketId) -> Result<Option<Ticket>> {
        self.get_json(keys::TICKETS, &keys::ticket(id))
    }

    /// The number the next new ticket gets.
    pub fn next_ticket_id(&self) -> Result<TicketId> {
        Ok(TicketId(self.meta_counter(keys::LAST_TICKET_KEY)? + 1))
    }

    fn meta_counter(&self, key: &[u8]) -> Result<u64> {
        let value = self.tree(keys::META)?.get(key)?;
        Ok(value.and_then(|v| keys::read_u64(&v)).unwrap_or(0))
    }

    /// Every ticket, by number.
    pub fn tickets(&self) -> Result<Vec<Ticket>> {
        self.tree(keys::TICKETS)?
            .iter()
            .values()
            .map(|v| self.decode("ticket", &v?))
            .collect()
    }

    /// Calls `visit` with every ticket numbered from `first` up to (not including)
    /// `end` (to the last when `None`), with its history, by number: one pass over each
    /// tree, so that a report over every ticket holds one history at a time. Ranges that
    /// do not overlap may be walked at once from several threads.
    pub fn each_ticket_with_history(
        &self,
        first: TicketId,
        end: Option<TicketId>,
        mut visit: impl FnMut(Ticket, Vec<HistoryEntry>),
    ) -> Result<()> {
        let from = keys::ticket(first);
        let until = end.map(keys::ticket);
        let tickets = self.tree(keys::TICKETS)?;
        let history = self.tree(keys::HISTORY)?;
        let (tickets, entries) = match until {
            Some(until) => (tickets.range(from..until), history.range(from..until)),
            None => (tickets.range(from..), history.range(from..)),
        };
        let mut entries = entries.peekable();
        for value in tickets.values() {
            let ticket: Ticket = self.decode("ticket", &value?)?;
            let id = keys::ticket(ticket.id);
            let mut history = Vec::new();
            while let Some(Ok((key, _))) = entries.peek() {
                match key[..8.min(key.len())].cmp(&id[..]) {
                    std::cmp::Ordering::Less => {
                        entries.next();
                    }
                    std::cmp::Ordering::Equal => {
                        let (_, value) = entries.next().expect("peeked")?;
                        history.push(self.decode(keys::HISTORY, &value)?);
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            if let Some(Err(_)) = entries.peek() {
                entries.next().expect("peeked")?;
            }
            visit(ticket, history);
        }
        Ok(())
    }

    /// The messages of a ticket, in arrival order, each with its whole text.
    pub fn messages(&self, id: TicketId) -> Result<Vec<MessageRecord>> {
        let mut messages: Vec<MessageRecord> = self.scan_ticket(keys::MESSAGES, id)?;
        for message in &mut messages {
            if let Some(file) = &message.text_file {
                let text = self.resolve(keys::MESSAGES, &value::reference(file))?;
                message.text = String::from_utf8_lossy(&text).into_owned();
            }
        }
        Ok(messages)
    }

    /// The raw bytes of an inbound message.
    pub fn raw_message(&self, id: TicketId, seq: u32) -> Result<Option<Vec<u8>>> {
        match self.tree(keys::RAW)?.get(keys::ticket_item(id, seq))? {
            Some(value) => self.resolve(keys::RAW, &value).map(Some),
            None => Ok(None),
        }
    }

    /// The history of a ticket, oldest first.
    pub fn history(&self, id: TicketId) -> Result<Vec<HistoryEntry>> {
        self.scan_ticket(keys::HISTORY, id)
    }

    fn scan_ticket<T: DeserializeOwned>(&self, name: &str, id: TicketId) -> Result<Vec<T>> {
        let tree = self.tree(name)?;
        tree.scan_prefix(keys::ticket(id))
            .values()
            .map(|v| self.decode(name, &v?))
            .collect()
    }

    /// A customer by address.
    pub fn customer(&self, address: &EmailAddress) -> Result<Option<Customer>> {
        self.get_json(keys::CUSTOMERS, &keys::customer(address))
    }

    /// Automatic replies counted in one window (zero when none were sent).
    pub fn auto_reply_count(&self, window: &ledger::ReplyWindow) -> Result<u32> {
        let value = self
            .tree(keys::AUTO_REPLY_COUNTS)?
            .get(keys::reply_window(window))?;
        Ok(value
            .and_then(|v| <[u8; 4]>::try_from(v.as_ref()).ok())
            .map_or(0, u32::from_be_bytes))
    }

    /// What the store knows of an agent: open tickets, last assignment, away or back.
    pub fn agent_load(&self, agent: &AgentId) -> Result<AgentLoad> {
        self.get_json(keys::AGENTS, agent.0.as_bytes())
            .map(Option::unwrap_or_default)
    }

    /// Up to `limit` timers due at or before `now`, earliest first: (due, ticket, kind).
    /// The work is proportional to what is due, not to the number of tickets.
    pub fn due_timers(&self, now: Timestamp, limit: usize) -> Result<Vec<DueTimer>> {
        let end = keys::due_bytes(Timestamp(now.0.saturating_add(1)));
        let mut due = Vec::new();
        for key in self
            .tree(keys::TIMERS)?
            .range(..end.to_vec())
            .keys()
            .take(limit)
        {
            let key = key?;
            let Some((at, ticket, kind)) = keys::read_timer(&key) else {
                return Err(Error::Corrupt {
                    what: "timers".into(),
                    error: format!("unreadable key {}", hex::encode(&key)),
                });
            };
            due.push(DueTimer {
                due: at,
                ticket,
                kind,
            });
        }
        Ok(due)
    }

    /// When the earliest timer is due, if there is any.
    pub fn next_timer(&self) -> Result<Option<Timestamp>> {
        let first = self.tree(keys::TIMERS)?.first()?;
        Ok(first
            .and_then(|(key, _)| keys::read_timer(&key))
            .map(|(due, _, _)| due))
    }

    /// Removes a timer entry whose ticket no longer has it (never expected; kept so that
    /// a damaged index cannot make the scheduler spin).
    pub fn drop_timer(&self, timer: &DueTimer) -> Result<()> {
        let key = keys::timer(timer.due, timer.ticket, &timer.kind);
        self.tree(keys::TIMERS)?.remove(key)?;
        Ok(())
    }

    /// Up to `limit` outgoing mails waiting to be sent with ids above `after`, oldest first.
    pub fn pending_outbox(&self, after: u64, limit: usize) -> Result<Vec<(OutboxRecord, Vec<u8>)>> {
        let pending = self.tree(keys::OUTBOX_PENDING)?;
        let mut out = Vec::new();
        for key in pending
            .range((after + 1).to_be_bytes()..)
            .keys()
            .take(limit)
        {
            let key = key?;
            let record: Option<OutboxRecord> = self.get_json(keys::OUTBOX, &key)?;
            if let (Some(record), Some(raw)) = (record, self.outbox_raw(&key)?) {
                out.push((record, raw));
            }
        }
        Ok(out)
    }

    /// The bytes of an outgoing mail by its outbox key.
    fn outbox_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.tree(keys::OUTBOX_RAW)?.get(key)? {
            Some(value) => self.resolve(keys::OUTBOX_RAW, &value).map(Some),
            None => Ok(None),
        }
    }

    /// Every outgoing mail record, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxRecord>> {
        self.tree(keys::OUTBOX)?
            .iter()
            .values()
            .map(|v| self.decode("outbox", &v?))
            .collect()
    }

    /// The highest outbox id given out so far.
    pub fn last_outbox_id(&self) -> Result<u64> {
        self.meta_counter(keys::LAST_OUTBOX_KEY)
    }

    /// Records the result of a delivery attempt; a mail that is no longer pending leaves the queue.
    pub fn update_outbox(&self, record: &OutboxRecord) -> Result<()> {
        let key = record.id.to_be_bytes();
        self.tree(keys::OUTBOX)?.insert(key, encode(record))?;
        if record.state != OutboxState::Pending {
            self.tree(keys::OUTBOX_PENDING)?.remove(key)?;
        }
        Ok(())
    }

    /// Sets a message aside, durably: `file` is its raw bytes' journal file, `size`
    /// their length.
    pub fn quarantine(
        &self,
        source: &str,
        reason: &str,
        attempts: u32,
        file: &MailHash,
        size: usize,
        at: Timestamp,
    ) -> Result<QuarantineRecord> {
        let id = self.db.generate_id()?;
        let record = QuarantineRecord {
            id,
            source: source.into(),
            reason: reason.into(),
            attempts,
            at,
            size,
        };
        let key = id.to_be_bytes();
        let value = self.stored_form(encode(&record))?;
        let trees = [keys::QUARANTINE_RAW, keys::QUARANTINE, keys::MAIL_FILES]
            .map(|name| self.tree(name))
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
        trees.as_slice().transaction(|tx| {
            tx[0].insert(&key, value::reference(file))?;
            tx[1].insert(&key, value.as_slice())?;
            tx[2].insert(&file.0, keys::mail_file_of_quarantine(id))?;
            Ok::<_, sled::transaction::ConflictableTransactionError<Error>>(())
        })?;
        self.flush()?;
        Ok(record)
    }

    /// The raw bytes of a quarantined mail.
    pub fn quarantined_raw(&self, id: u64) -> Result<Option<Vec<u8>>> {
        match self.tree(keys::QUARANTINE_RAW)?.get(id.to_be_bytes())? {
            Some(value) => self.resolve(keys::QUARANTINE_RAW, &value).map(Some),
            None => Ok(None),
        }
    }

    /// Whether a record refers to this journal file of inbound mail (so a crash between
    /// writing it and the commit did not happen, or happened after the commit).
    pub fn refers_to(&self, file: &MailHash) -> Result<bool> {
        Ok(self.tree(keys::MAIL_FILES)?.contains_key(file.0)?)
    }

    /// Where reading an IMAP mailbox left off.
    pub fn sync_state(&self, mailbox: &str) -> Result<Option<SyncState>> {
        self.get_json(keys::SYNC, mailbox.as_bytes())
    }

    /// Remembers where reading an IMAP mailbox left off. Losing this write only makes the
    /// mailbox be read again from an earlier UID, which the duplicate check absorbs.
    pub fn set_sync_state(&self, mailbox: &str, state: &SyncState) -> Result<()> {
        self.tree(keys::SYNC)?
            .insert(mailbox.as_bytes(), encode(state))?;
        Ok(())
    }

    /// Every quarantined message's record, oldest first.
    pub fn quarantined(&self) -> Result<Vec<QuarantineRecord>> {
        self.tree(keys::QUARANTINE)?
            .iter()
            .values()
            .map(|v| self.decode("quarantine", &v?))
            .collect()
    }

    fn get_json<T: DeserializeOwned>(&self, tree: &str, key: &[u8]) -> Result<Option<T>> {
        match self.tree(tree)?.get(key)? {
            Some(bytes) => self.decode(tree, &bytes).map(Some),
            None => Ok(None),
        }
    }

    /// A record from its sled value, which may be compressed or refer to the journal.
    fn decode<T: DeserializeOwned>(&self, what: &str, value: &[u8]) -> Result<T> {
        if value::is_packed(value) {
            return decode(what, &self.resolve(what, value)?);
        }
        decode(what, value)
    }

    /// The bytes a sled value stands for: itself, its decompressed bytes, or the
    /// journal file it refers to.
    fn resolve(&self, what: &str, value: &[u8]) -> Result<Vec<u8>> {
        if value.starts_with(&codec::ZSTD_MAGIC) {
            return codec::decompress(value).map_err(|e| Error::Corrupt {
                what: what.to_string(),
                error: e.to_string(),
            });
        }
        let Some(hash) = value::referenced(value) else {
            return Ok(value.to_vec());
        };
        match self.journal.read(&hash).map_err(Error::Journal)? {
            Some(bytes) => Ok(bytes),
            None => Err(Error::MissingFile {
                what: what.to_string(),
                hash,
            }),
        }
    }

    /// A value as sled keeps it (see `value`): itself when small, compressed when that
    /// is small enough, else written to the journal (durably) and referred to.
    pub(super) fn stored_form(&self, bytes: Vec<u8>) -> Result<Vec<u8>> {
        if bytes.len() <= value::COMPRESS_ABOVE && value::fits_inline(&bytes) {
            return Ok(bytes);
        }
        let compressed = codec::compress(&bytes).map_err(Error::Journal)?;
        if compressed.len() <= value::MAX_INLINE {
            return Ok(compressed);
        }
        let hash = self.journal.put_settled(&bytes).map_err(Error::Journal)?;
        Ok(value::reference(&hash))
    }
}

/// How large bytes would be as the store keeps them compressed (in a record, or a
/// journal file): lets the intake tell which texts will not fit a record.
pub fn packed_size(bytes: &[u8]) -> usize {
    codec::compress(bytes).map_or(bytes.len(), |packed| packed.len())
}

/// Opens sled, turning a panic in its recovery (seen after power cuts on damaged
/// stores) and corruption reports into `Damaged`.
fn open_sled(path: &Path) -> Result<sled::Db> {
    // sled's panic is an answer here, not a bug of Loket's: keep it out of the log.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let opened = std::panic::catch_unwind(|| {
        sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
    });
    std::panic::set_hook(hook);
    let damaged = |reason: String| Error::Damaged {
        path: path.to_path_buf(),
        reason,
        before: Some(path.join(recovery::BEFORE_RECOVERY)).filter(|p| p.is_dir()),
    };
    match opened {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(sled::Error::Corruption { .. })) => Err(damaged("sled reports corruption".into())),
        Ok(Err(e)) => Err(classify_open_error(path, e)),
        Err(panic) => Err(damaged(format!(
            "sled panicked in recovery: {}",
            crate::shutdown::panic_text(&*panic)
        ))),
    }
}

/// What to tell the admin about a store sled cannot open.
fn damage_message(path: &Path, reason: &str, before: Option<&Path>) -> String {
    let first = format!(
        "the store at {} is damaged and cannot be opened ({reason})",
        path.display()
    );
    match before {
        Some(copy) => format!("{first}; sled's files as they were before this attempt are in {}: copy the whole folder aside before anything else, then restore a backup", copy.display()),
        None => format!("{first}: copy the whole folder aside before anything else, then restore a backup"),
    }
}

fn classify_open_error(path: &Path, error: sled::Error) -> Error {
    let locked = matches!(&error, sled::Error::Io(io) if io.to_string().contains("lock"));
    if locked {
        Error::Locked {
            path: path.to_path_buf(),
        }
    } else {
        Error::Sled(error)
    }
}

fn describe_version(bytes: &[u8]) -> String {
    match <[u8; 4]>::try_from(bytes) {
        Ok(b) => u32::from_be_bytes(b).to_string(),
        Err(_) => format!("unreadable ({} bytes)", bytes.len()),
    }
}

/// Serialises a record for sled.
pub(crate) fn encode<T: serde::Serialize>(record: &T) -> Vec<u8> {
    serde_json::to_vec(record).expect("records are plain data and always serialise")
}

fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::Corrupt {
        what: what.to_string(),
        error: e.to_string(),
    })
}

#[cfg(test)]
mod tests;
