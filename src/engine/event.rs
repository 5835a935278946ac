//! What can happen to a ticket, as input to `engine::step`.

use super::loops::AutoReplyBudget;
use super::trust::Verification;
use crate::config::policy::Agent;
use crate::mail::{Class, Mail};
use crate::thread::MatchedBy;
use crate::types::{EmailAddress, MessageId};

/// One thing that happened to a ticket.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A mail arrived and was placed on this ticket.
    Mail(Inbound<'a>),
    /// A mail Loket sent for this ticket was refused for good.
    DeliveryFailed(&'a DeliveryFailure),
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
}

/// Who wrote an arrived mail.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    /// The customer's side: the requester, someone in copy, or anyone opening a ticket.
    Customer,
    /// One of the desk's agents (by the From: address), with how that was verified.
    Agent {
        /// The agent.
        agent: &'a Agent,
        /// Whether the mail proved it.
        verification: Verification,
        /// Whether it was sent to the desk's comment address (always a note).
        to_comment_address: bool,
    },
    /// An outside specialist the ticket was forwarded to, answering.
    Specialist,
}
