//! The records the store keeps, as serialised into sled values (JSON).

use super::journal::MailHash;
use crate::mail::Class;
use crate::thread::MatchedBy;
use crate::types::{Contact, EmailAddress, MessageId, TicketId, Timestamp};
use serde::{Deserialize, Serialize};

/// Which way a message travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Came in.
    Inbound,
    /// Loket sent it.
    Outbound,
}

/// Who wrote a message, as shown on the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// The customer or another participant.
    Customer,
    /// An agent's public reply.
    Agent,
    /// An internal note, never shown to the customer.
    Note,
    /// A machine: auto-replies, bounces, Loket's own acknowledgements.
    Auto,
    /// What Loket wrote to staff: notifications, command errors, reports, forwards.
    Notification,
}

/// A stored message of a ticket (its raw bytes are in the `raw` tree under the same key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageRecord {
    /// Ticket it belongs to.
    pub ticket: TicketId,
    /// Its place in the ticket, from 0.
    pub seq: u32,
    /// Its Message-ID (derived from its bytes when it had none).
    pub message_id: MessageId,
    /// Author.
    pub from: Option<Contact>,
    /// Recipients.
    pub to: Vec<EmailAddress>,
    /// Which way.
    pub direction: Direction,
    /// Who wrote it.
    pub kind: MessageKind,
    /// Why it landed on this ticket.
    pub matched_by: MatchedBy,
    /// Person, automatic or bounce (inbound only).
    pub class: Option<Class>,
    /// Date: header, else when Loket received it.
    pub date: Timestamp,
    /// When Loket stored it.
    pub stored_at: Timestamp,
    /// Subject.
    pub subject: String,
    /// Readable text.
    pub text: String,
    /// Where the text is when it is too long to keep in the record (a journal file);
    /// reading the record fills `text` from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_file: Option<MailHash>,
    /// What the author wrote in it (inbound mail; `text` without quoted history and
    /// signature). Records written before Loket kept it have none: see `new_text()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_text: Option<NewText>,
    /// Attachment names and sizes.
    pub attachments: Vec<(String, usize)>,
    /// What could not be read.
    pub problems: Vec<String>,
    /// Hash of the message's content, for the duplicate check.
    pub fingerprint: String,
}

/// Where a message with a given Message-ID is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Its ticket.
    pub ticket: TicketId,
    /// Its place in the ticket.
    pub seq: u32,
    /// Its content hash: equal means the same message delivered again.
    pub fingerprint: String,
}

/// A person who wrote to a desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// Their address.
    pub address: EmailAddress,
    /// Their display name, as last seen.
    pub name: Option<String>,
    /// Their organisation, from the address's domain.
    pub organisation: String,
    /// First mail.
    pub first_seen: Timestamp,
}

/// Where an outgoing mail is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting to be sent (again).
    Pending,
    /// Accepted by the transport.
    Sent {
        /// When.
        at: Timestamp,
    },
    /// Refused for good.
    Failed {
        /// When.
        at: Timestamp,
        /// What the transport said.
        error: String,
    },
}

/// An outgoing mail (its bytes are in `outbox_raw`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxRecord {
    /// Outbox id.
    pub id: u64,
    /// The ticket that caused it.
    pub ticket: TicketId,
    /// Its Message-ID.
    pub message_id: MessageId,
    /// Envelope sender.
    pub envelope_from: EmailAddress,
    /// Envelope recipients.
    pub envelope_to: Vec<EmailAddress>,
    /// Where it is.
    pub state: OutboxState,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not before this time (backoff after a temporary failure).
    pub next_attempt: Timestamp,
    /// The last temporary failure.
    pub last_error: Option<String>,
    /// When it was queued.
    pub queued_at: Timestamp,
}

/// A message that could not be processed, kept with its raw bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantineRecord {
    /// Quarantine id.
    pub id: u64,
    /// Where it came from (spool file name, mailbox and UID).
    pub source: String,
    /// Why it was set aside.
    pub reason: String,
    /// Attempts made.
    pub attempts: u32,
    /// When.
    pub at: Timestamp,
    /// Size of the raw bytes.
    pub size: usize,
}

/// How far an IMAP mailbox has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The mailbox's UIDVALIDITY when it was read; a change means UIDs were reassigned.
    pub uidvalidity: u32,
    /// Every message up to this UID is committed and acknowledged.
    pub last_uid: u32,
}

/// What the author wrote in a message, as its record keeps it: most first mails quote
/// nothing, and their text is not stored twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NewText {
    /// The whole text (outer blank lines aside).
    Whole,
    /// Part of the text: the rest was quoted history or signature.
    Part(String),
}

impl NewText {
    /// How a record keeps `new_text`, the new text of a mail whose whole text is `text`.
    pub fn of(new_text: &str, text: &str) -> NewText {
        if new_text == text.trim() {
            NewText::Whole
        } else {
            NewText::Part(new_text.to_string())
        }
    }
}

impl MessageRecord {
    /// What the author wrote in this message: the new text kept at intake, else (older
    /// records) the text with quoted history and signature cut. What Loket sent is its
    /// own text, whole.
    pub fn new_text(&self) -> std::borrow::Cow<'_, str> {
        if self.direction == Direction::Outbound {
            return std::borrow::Cow::Borrowed(self.text.trim());
        }
        match &self.new_text {
            Some(NewText::Whole) => std::borrow::Cow::Borrowed(self.text.trim()),
            Some(NewText::Part(text)) => std::borrow::Cow::Borrowed(text),
            None => std::borrow::Cow::Owned(crate::mail::quote::new_text(&self.text)),
        }
    }
}
