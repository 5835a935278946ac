//! Builders shared by the engine's tests, so that each test states only what it is about:
//! an arrived mail as the engine reads it, an agent's mail, the tickets and agents' loads
//! a snapshot would hold.

use super::event::{AgentLoad, AgentMail, Author, Directory, Inbound, Staff};
use super::loops::AutoReplyBudget;
use super::ticket::{Status, Ticket};
use super::trust::Verification;
use crate::config::policy::{Agent, Policy};
use crate::mail::{parse, Class, Mail};
use crate::thread::MatchedBy;
use crate::types::{AgentId, DeskId, TicketId, Timestamp};
use std::collections::BTreeMap;

/// A mail from a person, as the engine reads it: no automatic reply sent to them lately,
/// nobody's load known.
pub(super) fn person<'a>(mail: &'a Mail, matched_by: MatchedBy, author: Author<'a>) -> Inbound<'a> {
    Inbound {
        mail,
        class: &Class::Person,
        matched_by,
        budget: AutoReplyBudget::default(),
        author,
        staff: Staff::config_only(),
        hints: crate::engine::knowledge::Hints::NONE,
    }
}

/// An agent writing to the desk's address (not the comment address), verified as given.
pub(super) fn agent<'a>(
    agent: &'a Agent,
    verification: Verification,
    tickets: Directory<'a>,
) -> Author<'a> {
    Author::Agent(AgentMail {
        agent,
        verification,
        to_comment_address: false,
        tickets,
    })
}

/// Tickets with the given numbers and statuses, as a snapshot holds them.
pub(super) fn tickets(statuses: &[(u64, Status)]) -> BTreeMap<TicketId, Ticket> {
    statuses
        .iter()
        .map(|&(id, status)| {
            let mut ticket = ticket(id);
            ticket.status = status;
            (ticket.id, ticket)
        })
        .collect()
}

/// A new ticket of the support desk, opened by Budi at time 1000.
pub(super) fn ticket(id: u64) -> Ticket {
    let mail = parse(b"From: Budi <budi@example.id>\r\nTo: support@example.com\r\nSubject: Printer rusak\r\nMessage-ID: <kit@example.id>\r\n\r\nPrinter saya rusak.\r\n");
    Ticket::open(
        TicketId(id),
        DeskId("support".into()),
        &mail,
        None,
        Timestamp(1000),
    )
}

/// The loads of the policy's agents, as `load` gives them.
pub(super) fn loads(
    policy: &Policy,
    load: impl Fn(&AgentId) -> AgentLoad,
) -> BTreeMap<AgentId, AgentLoad> {
    policy
        .agents
        .iter()
        .map(|a| (a.id.clone(), load(&a.id)))
        .collect()
}

/// The mails of `kind` a step sent.
pub(super) fn of_kind(step: &super::Step, kind: super::OutgoingKind) -> Vec<&super::OutgoingMail> {
    step.effects
        .iter()
        .filter_map(super::Effect::as_mail)
        .filter(|m| m.kind == kind)
        .collect()
}
