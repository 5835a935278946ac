//! The ticket record and its states.

use super::sla::SlaState;
use super::visit::Visit;
use crate::config::policy::{Category, Policy};
use crate::mail::Mail;
use crate::types::Priority;
use crate::types::{
    AgentId, Contact, DeskId, EmailAddress, MessageId, TeamId, TicketId, Tier, Timestamp,
};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a ticket is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Opened, no agent has answered yet.
    New,
    /// An agent is working on it.
    Open,
    /// Waiting on the customer.
    Pending,
    /// Answered; reopens when the customer writes again.
    Resolved,
    /// Finished.
    Closed,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        };
        f.write_str(text)
    }
}

/// A change of a ticket's status: the one way a status moves. Each says what happened,
/// and `Status::after` says where it leads or why it cannot happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// An agent answered: a new ticket is now being worked on.
    Answered,
    /// The customer wrote: a ticket waiting on them, or finished, is open again.
    CustomerWrote,
    /// `#reopen`: the desk takes the ticket up again.
    Reopen,
    /// `#pending`: the desk waits on the customer.
    WaitOnCustomer,
    /// `#resolve` / `#close`: answered; it reopens if the customer writes again.
    Resolve,
    /// `#merge`: the ticket continues in another and is finished here.
    MergedAway,
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Transition::Answered => "answered",
            Transition::CustomerWrote => "customer wrote",
            Transition::Reopen => "#reopen",
            Transition::WaitOnCustomer => "#pending",
            Transition::Resolve => "#resolve",
            Transition::MergedAway => "#merge",
        };
        f.write_str(text)
    }
}

impl Status {
    /// The status `transition` leads to from this one (possibly the same), or why it
    /// makes no sense here.
    pub fn after(self, transition: Transition) -> Result<Status, String> {
        use Status::*;
        match (transition, self) {
            (Transition::Answered, New) => Ok(Open),
            (Transition::Answered, status) => Ok(status),
            (Transition::CustomerWrote, Pending | Resolved | Closed) => Ok(Open),
            (Transition::CustomerWrote, status) => Ok(status),
            (Transition::Reopen, _) => Ok(Open),
            (Transition::WaitOnCustomer, Resolved | Closed) => {
                Err(format!("the ticket is {self}; #reopen it first"))
            }
            (Transition::WaitOnCustomer, _) => Ok(Pending),
            (Transition::Resolve, Closed) => Err("the ticket is closed; #reopen it first".into()),
            (Transition::Resolve, _) => Ok(Resolved),
            (Transition::MergedAway, _) => Ok(Closed),
        }
    }

    /// Whether the ticket is finished (resolved or closed).
    pub fn is_finished(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
}

/// The first new text of a mail, on one line and shortened, or `None` when it has none.
fn problem_of(mail: &Mail) -> Option<String> {
    let text = mail
        .new_text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then(|| super::outgoing::shortened(&text, MAX_PROBLEM))
}

/// Longest list of conversation Message-IDs kept for the References of outgoing mail.
const MAX_THREAD_IDS: usize = 20;

/// One customer problem and everything known about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// Its number.
    pub id: TicketId,
    /// The desk it came in at.
    pub desk: DeskId,
    /// Subject of the first mail.
    pub subject: String,
    /// Where it is in its life.
    pub status: Status,
    /// Who opened it (absent only when the first mail had no readable From:).
    pub requester: Option<Contact>,
    /// Addresses that may write to it: the requester and those the customer Cc'd.
    pub participants: Vec<EmailAddress>,
    /// Support level now handling it.
    pub tier: Tier,
    /// The ticket its first mail tried to join, when the sender was not a participant there.
    pub linked_to: Option<TicketId>,
    /// When it was opened.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Messages stored with it, inbound and outbound.
    pub message_count: u32,
    /// Message-IDs of the conversation, oldest first, for threading outgoing mail.
    pub thread: Vec<MessageId>,
    /// The agent in charge.
    #[serde(default)]
    pub assignee: Option<AgentId>,
    /// How urgent it is.
    #[serde(default)]
    pub priority: Priority,
    /// What kind of problem it is, for reports.
    #[serde(default)]
    pub category: Option<String>,
    /// People the customer's side keeps in copy (they get agents' replies too).
    #[serde(default)]
    pub cc: Vec<EmailAddress>,
    /// When it was last resolved.
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    /// The customer's latest Message-ID, which agents' replies answer.
    #[serde(default)]
    pub last_customer_message: Option<MessageId>,
    /// Outside specialists the ticket was forwarded to; their answers are internal notes.
    #[serde(default)]
    pub specialists: Vec<EmailAddress>,
    /// The ticket this one was merged into; its mail goes there now.
    #[serde(default)]
    pub merged_into: Option<TicketId>,
    /// The team handling it.
    #[serde(default)]
    pub team: Option<TeamId>,
    /// Labels set by routing rules, for reports.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Its SLA clocks and breaches, when a policy applies.
    #[serde(default)]
    pub sla: Option<SlaState>,
    /// On-site visits scheduled for it.
    #[serde(default)]
    pub visits: Vec<Visit>,
    /// What was done about it: the line it was closed with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Where it stands in its category's procedure.
    #[serde(default, skip_serializing_if = "super::procedure::Procedure::is_empty")]
    pub procedure: super::procedure::Procedure,
    /// The problem as the customer put it: the new text of the first mail, shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The agents who worked on it, each once, with the tier they worked at first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handled_by: Vec<(Tier, AgentId)>,
    /// How often it was resolved, and which of those resolutions asked for and got a
    /// rating.
    #[serde(default, skip_serializing_if = "Satisfaction::is_empty")]
    pub satisfaction: Satisfaction,
    /// The written answer its acknowledgement offered (self-service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered: Option<super::knowledge::Offered>,
}

/// Where a ticket stands with its satisfaction questions: one rating counts per
/// resolution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// How often the ticket was resolved; the latest resolution has this number.
    pub resolutions: u32,
    /// The resolution whose report last asked for a rating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asked: Option<u32>,
    /// The resolution whose rating was last counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated: Option<u32>,
}

impl Satisfaction {
    /// Never resolved.
    pub fn is_empty(&self) -> bool {
        *self == Satisfaction::default()
    }

    /// Whether a rating now answers the latest resolution and is the first for it.
    pub fn counts_now(&self) -> bool {
        self.asked == Some(self.resolutions) && self.rated != self.asked
    }
}

/// Longest problem text kept on the ticket, in characters.
const MAX_PROBLEM: usize = 300;

impl Ticket {
    /// Its category, when the config defines it (with its procedure and fields).
    pub fn category_in<'p>(&self, policy: &'p Policy) -> Option<&'p Category> {
        self.category.as_deref().and_then(|c| policy.category(c))
    }

    /// A new ticket for the first mail of a conversation; `step` then records that mail.
    pub fn open(
        id: TicketId,
        desk: DeskId,
        mail: &Mail,
        linked_to: Option<TicketId>,
        now: Timestamp,
    ) -> Ticket {
        Ticket {
            id,
            desk,
            subject: mail.subject.clone(),
            status: Status::New,
            requester: mail.from.clone(),
            participants: mail.from.iter().map(|c| c.address.clone()).collect(),
            tier: Tier::FIRST,
            linked_to,
            created_at: now,
            updated_at: now,
            message_count: 0,
            thread: Vec::new(),
            assignee: None,
            priority: Priority::Normal,
            category: None,
            cc: Vec::new(),
            resolved_at: None,
            last_customer_message: None,
            specialists: Vec::new(),
            merged_into: None,
            team: None,
            tags: Vec::new(),
            sla: None,
            visits: Vec::new(),
            procedure: Default::default(),
            resolution: None,
            problem: problem_of(mail),
            handled_by: Vec::new(),
            satisfaction: Satisfaction::default(),
            offered: None,
        }
    }

    /// Notes that `agent` worked on the ticket (at its tier now), once.
    pub fn worked_on_by(&mut self, agent: &AgentId) {
        if !self.handled_by.iter().any(|(_, a)| a == agent) {
            self.handled_by.push((self.tier, agent.clone()));
        }
    }

    /// Whether it still needs work (not resolved or closed).
    pub fn is_open(&self) -> bool {
        matches!(self.status, Status::New | Status::Open | Status::Pending)
    }

    /// Whether an address may write to this ticket.
    pub fn has_participant(&self, address: &EmailAddress) -> bool {
        self.participants.contains(address)
    }

    /// Adds a participant once.
    pub fn add_participant(&mut self, address: &EmailAddress) {
        if !self.has_participant(address) {
            self.participants.push(address.clone());
        }
    }

    /// Keeps an address in copy of the agents' answers (once).
    pub fn add_cc(&mut self, address: &EmailAddress) {
        if !self.cc.contains(address) {
            self.cc.push(address.clone());
        }
    }

    /// The people in copy, as the Cc of a mail to the customer's side.
    pub fn cc_contacts(&self) -> Vec<Contact> {
        self.cc
            .iter()
            .map(|a| Contact {
                name: None,
                address: a.clone(),
            })
            .collect()
    }

    /// The people in copy, as one line for the history.
    pub fn cc_line(&self) -> String {
        self.cc
            .iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Remembers a Message-ID of the conversation, keeping the list short.
    pub fn remember_in_thread(&mut self, id: &MessageId) {
        if self.thread.contains(id) {
            return;
        }
        self.thread.push(id.clone());
        if self.thread.len() > MAX_THREAD_IDS {
            // Keep the first (the conversation's root) and the most recent ones.
            self.thread.remove(1);
        }
    }
}
