//! Tree names and key encodings. Integers are big-endian so that key order is number order.

use crate::engine::ledger::ReplyWindow;
use crate::types::{EmailAddress, MessageId, TicketId, Timestamp};

/// The schema this build reads and writes. Bump it with a migration, never silently.
pub const SCHEMA_VERSION: u32 = 3;

/// Tree of store-wide values: schema version and counters.
pub const META: &str = "meta";
/// Tickets by id.
pub const TICKETS: &str = "tickets";
/// Message records by (ticket, sequence).
pub const MESSAGES: &str = "messages";
/// Raw inbound message bytes, by the same key as their record: since schema 3 a
/// reference to their journal file (`value`).
pub const RAW: &str = "raw";
/// Message-ID → where messages with that id are stored.
pub const MESSAGE_INDEX: &str = "message_index";
/// Customers by address.
pub const CUSTOMERS: &str = "customers";
/// Append-only history by (ticket, sequence).
pub const HISTORY: &str = "history";
/// Outgoing mail records by outbox id.
pub const OUTBOX: &str = "outbox";
/// Outgoing mail bytes by outbox id: since schema 3 zstd-compressed, or a reference to
/// a journal file when large (`value`).
pub const OUTBOX_RAW: &str = "outbox_raw";
/// Outbox ids still to send.
pub const OUTBOX_PENDING: &str = "outbox_pending";
/// Quarantined messages by id.
pub const QUARANTINE: &str = "quarantine";
/// Raw bytes of quarantined messages, by quarantine id: since schema 3 a reference to
/// their journal file.
pub const QUARANTINE_RAW: &str = "quarantine_raw";
/// Journal files of inbound mail → what refers to them (`m` and a message's key, or `q`
/// and a quarantine id): how start-up tells a committed file from an orphan (schema 3).
pub const MAIL_FILES: &str = "mail_files";
/// IMAP sync state per mailbox: UIDVALIDITY and the last UID taken in.
pub const SYNC: &str = "sync";
/// Automatic replies counted per recipient per hour and for everyone per minute, for
/// the loop brakes (schema 2; schema 1 kept lists of times in `auto_replies`).
pub const AUTO_REPLY_COUNTS: &str = "auto_reply_counts";

/// Timers of tickets by (due time, ticket, kind): the scheduler reads only what is due.
pub const TIMERS: &str = "timers";
/// Agents' load and presence by agent id.
pub const AGENTS: &str = "agents";

/// Tickets changed since the search index last took them in, by id; the value tells one
/// change from the next, so that taking a ticket in clears only the change it saw.
pub const TO_INDEX: &str = "to_index";

/// Every tree a commit may write, in the order of `Trees`' fields.
pub const COMMIT_TREES: [&str; 15] = [
    META,
    TICKETS,
    MESSAGES,
    RAW,
    MESSAGE_INDEX,
    CUSTOMERS,
    HISTORY,
    OUTBOX,
    OUTBOX_RAW,
    OUTBOX_PENDING,
    AUTO_REPLY_COUNTS,
    TIMERS,
    AGENTS,
    MAIL_FILES,
    TO_INDEX,
];

/// `meta` key of the schema version.
pub const SCHEMA_KEY: &[u8] = b"schema_version";
/// `meta` key of the last ticket number given out.
pub const LAST_TICKET_KEY: &[u8] = b"last_ticket";
/// `meta` key of the last outbox id given out.
pub const LAST_OUTBOX_KEY: &[u8] = b"last_outbox";
/// The tree of automatic-reply lists that schema 1 kept (dropped by the migration to 2).
pub const OLD_AUTO_REPLIES: &str = "auto_replies";

/// Keys longer than this are stored as a hash of themselves (`bounded`).
pub const MAX_KEY: usize = 200;

/// A key made from outside text (a Message-ID, an address), kept short so that sled's
/// pages stay small (see `value`): a longer one becomes 0xFF and its SHA-256, which no
/// text key can start with.
pub fn bounded(key: Vec<u8>) -> Vec<u8> {
    if key.len() <= MAX_KEY {
        return key;
    }
    let mut hashed = vec![0xFF];
    hashed.extend_from_slice(&<sha2::Sha256 as sha2::Digest>::digest(&key));
    hashed
}

/// Key of a Message-ID in the message index.
pub fn message_index(id: &MessageId) -> Vec<u8> {
    bounded(id.as_str().as_bytes().to_vec())
}

/// Key of a customer.
pub fn customer(address: &EmailAddress) -> Vec<u8> {
    bounded(address.as_str().as_bytes().to_vec())
}

/// Value in `MAIL_FILES` for a journal file that a ticket's message refers to.
pub fn mail_file_of_message(id: TicketId, seq: u32) -> Vec<u8> {
    mail_file_of_message_key(&ticket_item(id, seq))
}

/// Value in `MAIL_FILES` for a journal file that a quarantined mail refers to.
pub fn mail_file_of_quarantine(id: u64) -> Vec<u8> {
    mail_file_of_quarantine_key(&id.to_be_bytes())
}

/// Key of an automatic-reply counter: `s`, the address, NUL, the window's start; or `*`
/// and the window's start for everyone; `r` for a customer's satisfaction questions.
pub fn reply_window(window: &ReplyWindow) -> Vec<u8> {
    let (mut key, start) = match window {
        ReplyWindow::Sender { address, start } => {
            let mut key = b"s".to_vec();
            key.extend_from_slice(address.as_str().as_bytes());
            key.push(0);
            (key, start)
        }
        ReplyWindow::All { start } => (b"*".to_vec(), start),
        ReplyWindow::Opened { address, start } => {
            let mut key = b"o".to_vec();
            key.extend_from_slice(address.as_str().as_bytes());
            key.push(0);
            (key, start)
        }
        ReplyWindow::RatingAsked { address, start } => {
            let mut key = b"r".to_vec();
            key.extend_from_slice(address.as_str().as_bytes());
            key.push(0);
            (key, start)
        }
    };
    key.extend_from_slice(&start.0.to_be_bytes());
    bounded(key)
}

/// `meta` key of a scheduled report's state: the end of the last period it went out for.
pub fn report_state(name: &str) -> Vec<u8> {
    let mut key = b"report:".to_vec();
    key.extend_from_slice(name.as_bytes());
    key
}

/// Key of a ticket.
pub fn ticket(id: TicketId) -> [u8; 8] {
    id.0.to_be_bytes()
}

/// Key of the `seq`-th item (message or history entry) of a ticket.
pub fn ticket_item(id: TicketId, seq: u32) -> [u8; 12] {
    let mut key = [0u8; 12];
    key[..8].copy_from_slice(&id.0.to_be_bytes());
    key[8..].copy_from_slice(&seq.to_be_bytes());
    key
}

/// Reads the sequence part of a `ticket_item` key.
pub fn item_seq(key: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(key.get(8..12)?.try_into().ok()?))
}

/// Reads a big-endian u64 key or value.
pub fn read_u64(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?))
}

/// Key of a timer: due time (order-preserving for negative times too), ticket, kind.
pub fn timer(due: Timestamp, ticket: TicketId, kind: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(16 + kind.len());
    key.extend_from_slice(&due_bytes(due));
    key.extend_from_slice(&ticket.0.to_be_bytes());
    key.extend_from_slice(kind.as_bytes());
    key
}

/// The first 8 bytes of a timer key: all timers due at or before `due` sort before
/// `due_bytes(due + 1)`.
pub fn due_bytes(due: Timestamp) -> [u8; 8] {
    ((due.0 as u64) ^ (1 << 63)).to_be_bytes()
}

/// Reads a timer key back: (due, ticket, kind).
pub fn read_timer(key: &[u8]) -> Option<(Timestamp, TicketId, String)> {
    let due = u64::from_be_bytes(key.get(..8)?.try_into().ok()?) ^ (1 << 63);
    let ticket = u64::from_be_bytes(key.get(8..16)?.try_into().ok()?);
    let kind = std::str::from_utf8(key.get(16..)?).ok()?;
    Some((Timestamp(due as i64), TicketId(ticket), kind.to_string()))
}

/// `mail_file_of_message` from a `ticket_item` key (the migration reads keys back).
pub fn mail_file_of_message_key(key: &[u8]) -> Vec<u8> {
    let mut value = b"m".to_vec();
    value.extend_from_slice(key);
    value
}

/// `mail_file_of_quarantine` from a quarantine key.
pub fn mail_file_of_quarantine_key(key: &[u8]) -> Vec<u8> {
    let mut value = b"q".to_vec();
    value.extend_from_slice(key);
    value
}
