//! What the worker reads from the store before it decides: plain data, so that every
//! rule that looks at other tickets, known messages, agents' loads or the auto-reply
//! ledgers is a pure function of it.

use super::event::AgentLoad;
use super::ledger::ReplyWindow;
use super::ticket::Ticket;
use crate::thread::ThreadLookup;
use crate::types::{AgentId, EmailAddress, MessageId, TicketId};
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;

/// Everything one decision may read, loaded before it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The tickets the input may concern: found by tag or header, their merge chains,
    /// tickets named by `#merge`, the ticket a timer or a delivery failure belongs to.
    pub tickets: BTreeMap<TicketId, Ticket>,
    /// Stored copies of the Message-IDs the mail carries (its own, In-Reply-To,
    /// References, the ids a bounce reports). An id absent here is not stored.
    pub messages: BTreeMap<MessageId, Vec<KnownMessage>>,
    /// Every configured agent's load.
    pub agents: BTreeMap<AgentId, AgentLoad>,
    /// Automatic replies sent in the current hour to each address that may be answered.
    pub auto_replies: BTreeMap<EmailAddress, u32>,
    /// Automatic replies sent to anyone in the current minute.
    pub auto_replies_to_all: u32,
    /// Satisfaction questions sent today to each requester of the loaded tickets.
    pub ratings_asked: BTreeMap<EmailAddress, u32>,
    /// Tickets opened in the last 30 days by each address the mail names.
    pub opened_last_30_days: BTreeMap<EmailAddress, u32>,
    /// Of those, the ones opened today (the window a new ticket is counted into).
    pub opened_today: BTreeMap<EmailAddress, u32>,
    /// Customers already on record (of the addresses that were looked up).
    pub known_customers: BTreeSet<EmailAddress>,
    /// The number a new ticket would get.
    pub next_ticket: TicketId,
}

/// A stored message with a given Message-ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownMessage {
    /// Its ticket.
    pub ticket: TicketId,
    /// A hash of its raw bytes, to tell a redelivery from a reused Message-ID.
    pub fingerprint: String,
}

/// The fingerprint recorded for a mail Loket wrote itself and sent as automatic
/// (acknowledgement, notice, error reply): no inbound mail hashes to it.
pub const OWN_AUTOMATIC: &str = "loket:automatic";

impl KnownMessage {
    /// Whether it is an automatic mail of Loket's own.
    pub fn is_own_automatic(&self) -> bool {
        self.fingerprint == OWN_AUTOMATIC
    }
}

impl Default for Snapshot {
    /// Nothing known: an empty store, whose first ticket is number 1.
    fn default() -> Snapshot {
        Snapshot {
            tickets: BTreeMap::new(),
            messages: BTreeMap::new(),
            agents: BTreeMap::new(),
            auto_replies: BTreeMap::new(),
            auto_replies_to_all: 0,
            ratings_asked: BTreeMap::new(),
            opened_last_30_days: BTreeMap::new(),
            opened_today: BTreeMap::new(),
            known_customers: BTreeSet::new(),
            next_ticket: TicketId(1),
        }
    }
}

impl Snapshot {
    /// Automatic replies sent to `address` in the current hour, as far as they were loaded.
    pub fn auto_replies_to(&self, address: &EmailAddress) -> u32 {
        self.auto_replies.get(address).copied().unwrap_or(0)
    }
}

impl Snapshot {
    /// The replies counted in `window` when the snapshot was loaded (its current windows).
    pub fn replies_in(&self, window: &ReplyWindow) -> u32 {
        match window {
            ReplyWindow::Sender { address, .. } => self.auto_replies_to(address),
            ReplyWindow::All { .. } => self.auto_replies_to_all,
            ReplyWindow::RatingAsked { address, .. } => {
                self.ratings_asked.get(address).copied().unwrap_or(0)
            }
            ReplyWindow::Opened { address, .. } => {
                self.opened_today.get(address).copied().unwrap_or(0)
            }
        }
    }
}

impl ThreadLookup for Snapshot {
    type Error = Infallible;

    fn participants(&self, ticket: TicketId) -> Result<Option<Vec<EmailAddress>>, Infallible> {
        // Specialists a ticket was forwarded to may answer into it (as internal notes).
        Ok(self
            .tickets
            .get(&ticket)
            .map(|t| [t.participants.as_slice(), &t.specialists].concat()))
    }

    fn requester(&self, ticket: TicketId) -> Result<Option<EmailAddress>, Infallible> {
        Ok(self
            .tickets
            .get(&ticket)
            .and_then(|t| t.requester.as_ref())
            .map(|c| c.address.clone()))
    }

    fn ticket_of(&self, message: &MessageId) -> Result<Option<TicketId>, Infallible> {
        Ok(self
            .messages
            .get(message)
            .and_then(|known| known.first())
            .map(|m| m.ticket))
    }
}
