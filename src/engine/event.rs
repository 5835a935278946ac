//! What can happen to a ticket, as input to `engine::step`.

use super::loops::AutoReplyBudget;
use super::ticket::{Status, Ticket};
use super::timer::Timer;
use super::trust::Verification;
use crate::config::policy::Agent;
use crate::mail::{Class, Mail};
use crate::thread::MatchedBy;
use crate::types::{AgentId, EmailAddress, MessageId, TicketId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One thing that happened to a ticket.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A mail arrived and was placed on this ticket.
    Mail(Inbound<'a>),
    /// Another ticket was merged into this one.
    Merged(&'a Ticket),
    /// A mail Loket sent for this ticket was refused for good.
    DeliveryFailed(&'a DeliveryFailure),
    /// One of the ticket's timers is due.
    Timer {
        /// Which.
        timer: Timer,
        /// The agents' state, for reassignment.
        staff: Staff<'a>,
    },
}

/// What the store knows about an agent beyond the config: their load and whether they
/// said they are away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentLoad {
    /// Tickets assigned to them that are not resolved or closed.
    pub open: u32,
    /// When they were last given a ticket.
    pub last_assigned: Option<Timestamp>,
    /// Away (`#away`) or back (`#back`); `None` leaves the config's `away`.
    pub away: Option<bool>,
}

/// The agents' state as the worker loaded it before the step: data, never a look back
/// into the store.
#[derive(Debug, Clone, Copy)]
pub struct Staff<'a>(pub &'a BTreeMap<AgentId, AgentLoad>);

/// Nobody has tickets, nobody said they are away.
static NO_LOADS: BTreeMap<AgentId, AgentLoad> = BTreeMap::new();

impl Staff<'static> {
    /// No state beyond the config: nobody has tickets, nobody said they are away.
    pub fn config_only() -> Staff<'static> {
        Staff(&NO_LOADS)
    }
}

impl Staff<'_> {
    /// The state of an agent (nothing known: no tickets, not away by their own word).
    pub fn load(&self, agent: &AgentId) -> AgentLoad {
        self.0.get(agent).copied().unwrap_or_default()
    }

    /// Whether an agent is away now: their own word by mail, else the config.
    pub fn is_away(&self, agent: &Agent) -> bool {
        self.load(&agent.id).away.unwrap_or(agent.away)
    }
}

/// A permanent delivery failure reported by the transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryFailure {
    /// The Message-ID of the mail that failed.
    pub message_id: MessageId,
    /// Its recipients.
    pub recipients: Vec<EmailAddress>,
    /// What the transport said.
    pub error: String,
}

/// An arrived mail with what intake and threading found out about it.
#[derive(Debug, Clone, Copy)]
pub struct Inbound<'a> {
    /// The parsed mail.
    pub mail: &'a Mail,
    /// Person, automatic or bounce.
    pub class: &'a Class,
    /// How threading placed it.
    pub matched_by: MatchedBy,
    /// Automatic replies already sent recently, for the loop brakes.
    pub budget: AutoReplyBudget,
    /// Who wrote it, as far as the desk is concerned.
    pub author: Author<'a>,
    /// The agents' state, for assignment.
    pub staff: Staff<'a>,
    /// What the search index knows that is like it.
    pub hints: &'a super::knowledge::Hints,
}

/// Who wrote an arrived mail.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    /// The customer's side: the requester, someone in copy, or anyone opening a ticket.
    Customer,
    /// One of the desk's agents (by the From: address), with how that was verified.
    Agent(AgentMail<'a>),
    /// An outside specialist the ticket was forwarded to, answering.
    Specialist,
}

/// What is known of an agent's mail before the engine reads it.
#[derive(Debug, Clone, Copy)]
pub struct AgentMail<'a> {
    /// The agent.
    pub agent: &'a Agent,
    /// Whether the mail proved it.
    pub verification: Verification,
    /// Whether it was sent to the desk's comment address (always a note).
    pub to_comment_address: bool,
    /// The status of other tickets, for `#merge`.
    pub tickets: Directory<'a>,
}

/// Other tickets a mail's commands name (`#merge N`), as the worker loaded them before
/// the step.
#[derive(Debug, Clone, Copy)]
pub struct Directory<'a>(pub &'a BTreeMap<TicketId, Ticket>);

impl Directory<'_> {
    /// The status of a ticket, or `None` when there is no such ticket.
    pub fn status(&self, id: TicketId) -> Option<Status> {
        self.0.get(&id).map(|t| t.status)
    }

    /// A ticket, when it was loaded.
    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.0.get(&id)
    }
}
