//! The ticket store on sled: raw mail, messages, tickets, customers, history and outbox.
//!
//! Reads are plain methods named after what callers need. Every write that changes a
//! ticket goes through `Store::commit`, one sled transaction; `Store::flush` makes the
//! commits durable (sled's flush, then an fsync of the files it wrote: `durable`), and
//! only after it may a source be told the mail is safe.
//!
//! The surface, by caller. This is the seam at which another database could replace
//! sled for a site that outgrows one machine; whatever replaces it must keep the
//! atomicity and durability promises written here.
//!
//! - **Worker** (the only writer of tickets):
//!   - loads: `lookup_message`, `load_ticket`, `next_ticket_id`, `agent_load`,
//!     `auto_reply_count`, `customer`, and for a forward or a lead report `messages` and
//!     `raw_message`;
//!   - `commit(Change)`: **atomic together**: the ticket and any other ticket it changed
//!     (a merge), its new messages with their raw bytes and Message-ID index entries, its
//!     history entries, the outbox mails it caused, the timer-index entries set and
//!     removed, the agents' loads, the auto-reply counters, a new customer, the ticket and
//!     outbox counters;
//!   - timers: `due_timers`, `next_timer`, `drop_timer`;
//!   - `quarantine` (a mail set aside, with its raw bytes);
//!   - `flush`, once per batch, **before** any receipt is acknowledged.
//! - **Sender**: `pending_outbox` (only ids up to the last durable commit are handed to
//!   it), `update_outbox` (sent, deferred, failed), `flush_async` for a batch of results.
//! - **IMAP intake**: `sync_state` / `set_sync_state` (UIDVALIDITY and the last UID seen).
//! - **CLI and control socket** (reads): `tickets`, `load_ticket`, `messages`, `history`,
//!   `outbox`, `quarantined`.
//! - **Start-up**: `open` (refuses a store in use or of a newer schema, upgrades an older
//!   one: `migrate`), `last_outbox_id`.

mod commit;
mod durable;
pub mod keys;
mod migrate;
pub mod records;

pub use commit::{Change, NewMessage, NewOutboxMail};
pub use records::{
    Customer, Direction, IndexEntry, MessageKind, MessageRecord, OutboxRecord, OutboxState,
    QuarantineRecord, SyncState,
};

use crate::engine::ledger;
use crate::engine::timer::Timer;
use crate::engine::{AgentLoad, HistoryEntry, Ticket};
use crate::types::{AgentId, EmailAddress, MessageId, TicketId, Timestamp};
use serde::de::DeserializeOwned;
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
}

impl Store {
    /// Opens (or creates) the store at `path`, refusing stores of another schema version.
    pub fn open(path: &Path) -> Result<Store> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(CACHE_BYTES)
            .open()
            .map_err(|e| classify_open_error(path, e))?;
        let store = Store {
            db,
            files: std::sync::Arc::new(durable::DurableFiles::new(path)),
        };
        store.check_schema(path)?;
        Ok(store)
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
        self.get_json(keys::MESSAGE_INDEX, id.as_str().as_bytes())
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
            .map(|v| decode("ticket", &v?))
            .collect()
    }

    /// The messages of a ticket, in arrival order.
    pub fn messages(&self, id: TicketId) -> Result<Vec<MessageRecord>> {
        self.scan_ticket(keys::MESSAGES, id)
    }

    /// The raw bytes of an inbound message.
    pub fn raw_message(&self, id: TicketId, seq: u32) -> Result<Option<Vec<u8>>> {
        Ok(self
            .tree(keys::RAW)?
            .get(keys::ticket_item(id, seq))?
            .map(|v| v.to_vec()))
    }

    /// The history of a ticket, oldest first.
    pub fn history(&self, id: TicketId) -> Result<Vec<HistoryEntry>> {
        self.scan_ticket(keys::HISTORY, id)
    }

    fn scan_ticket<T: DeserializeOwned>(&self, name: &str, id: TicketId) -> Result<Vec<T>> {
        let tree = self.tree(name)?;
        tree.scan_prefix(keys::ticket(id))
            .values()
            .map(|v| decode(name, &v?))
            .collect()
    }

    /// A customer by address.
    pub fn customer(&self, address: &EmailAddress) -> Result<Option<Customer>> {
        self.get_json(keys::CUSTOMERS, address.as_str().as_bytes())
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
            let raw = self.tree(keys::OUTBOX_RAW)?.get(&key)?;
            if let (Some(record), Some(raw)) = (record, raw) {
                out.push((record, raw.to_vec()));
            }
        }
        Ok(out)
    }

    /// Every outgoing mail record, oldest first.
    pub fn outbox(&self) -> Result<Vec<OutboxRecord>> {
        self.tree(keys::OUTBOX)?
            .iter()
            .values()
            .map(|v| decode("outbox", &v?))
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

    /// Sets a message aside with its raw bytes, durably.
    pub fn quarantine(
        &self,
        source: &str,
        reason: &str,
        attempts: u32,
        raw: &[u8],
        at: Timestamp,
    ) -> Result<QuarantineRecord> {
        let id = self.db.generate_id()?;
        let record = QuarantineRecord {
            id,
            source: source.into(),
            reason: reason.into(),
            attempts,
            at,
            size: raw.len(),
        };
        self.tree(keys::QUARANTINE_RAW)?
            .insert(id.to_be_bytes(), raw)?;
        self.tree(keys::QUARANTINE)?
            .insert(id.to_be_bytes(), encode(&record))?;
        self.flush()?;
        Ok(record)
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
            .map(|v| decode("quarantine", &v?))
            .collect()
    }

    fn get_json<T: DeserializeOwned>(&self, tree: &str, key: &[u8]) -> Result<Option<T>> {
        match self.tree(tree)?.get(key)? {
            Some(bytes) => decode(tree, &bytes).map(Some),
            None => Ok(None),
        }
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
