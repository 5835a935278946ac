//! The ticket engine: every helpdesk rule, as a pure function.
//!
//! `step(ticket, event, policy, now)` returns the new ticket and the effects to apply.
//! No I/O, no clock, no randomness: no tokio, sled, lettre or `std::fs` under this folder.

mod agent;
pub mod arrival;
pub mod commands;
mod customer;
pub mod effect;
pub mod escalation;
pub mod event;
pub mod knowledge;
pub mod ledger;
pub mod loops;
mod outgoing;
pub mod procedure;
mod routing;
pub mod satisfaction;
pub mod service;
pub mod sla;
pub mod snapshot;
pub mod ticket;
pub mod timer;
pub mod trust;
pub mod visit;

pub use effect::{Effect, Filed, Happening, HistoryEntry, OutgoingKind, OutgoingMail};
pub use event::{AgentLoad, AgentMail, Author, DeliveryFailure, Directory, Event, Inbound, Staff};
pub use outgoing::{desk_of, reply_subject, tag};
pub use snapshot::{KnownMessage, Snapshot};
pub use ticket::{Status, Ticket};

use crate::config::Policy;
use crate::types::Timestamp;

/// The result of one step: the ticket as it is now, and what must happen because of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The changed ticket.
    pub ticket: Ticket,
    /// Mails and history entries, in order.
    pub effects: Vec<Effect>,
    /// How the mail that caused the step is filed (for other events: `Auto`).
    pub filed: Filed,
    /// Other tickets the step changed (the ticket a `#merge` went into), each with the
    /// history entries it gains: committed together with this one.
    pub others: Vec<(Ticket, Vec<Happening>)>,
}

/// Applies one event to a ticket.
pub fn step(ticket: &Ticket, event: Event<'_>, policy: &Policy, now: Timestamp) -> Step {
    let mut step = Step {
        ticket: ticket.clone(),
        effects: Vec::new(),
        filed: Filed::Auto,
        others: Vec::new(),
    };
    match event {
        Event::Mail(inbound) => on_mail(&mut step, &inbound, policy, now),
        Event::DeliveryFailed(failure) => on_delivery_failed(&mut step, failure, now),
        Event::Merged(from) => agent::on_merged(&mut step, from, now),
        Event::Timer { timer, staff } => escalation::on_timer(&mut step, timer, staff, policy, now),
    }
    sla::reconcile(ticket, &mut step, policy, now);
    if let Event::Mail(Inbound {
        author: Author::Agent(agent_mail),
        ..
    }) = event
    {
        take_in_merges(&mut step, agent_mail.tickets, policy, now);
    }
    step
}

/// The tickets this one was merged into take in its people, copies and thread, as it is
/// after the whole step.
fn take_in_merges(step: &mut Step, tickets: Directory<'_>, policy: &Policy, now: Timestamp) {
    let targets: Vec<_> = step
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::MergeInto(target) => tickets.ticket(*target),
            _ => None,
        })
        .collect();
    for into in targets {
        let merged = self::step(into, Event::Merged(&step.ticket), policy, now);
        let history = merged
            .effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Record(happening) => Some(happening),
                _ => None,
            })
            .collect();
        step.others.push((merged.ticket, history));
    }
}

fn on_mail(step: &mut Step, inbound: &Inbound<'_>, policy: &Policy, now: Timestamp) {
    let is_first = step.ticket.message_count == 0;
    if is_first {
        let opened = Happening::Opened {
            matched_by: inbound.matched_by,
            linked_to: step.ticket.linked_to,
        };
        step.effects.push(Effect::Record(opened));
    }
    record_mail(step, inbound, now);
    match inbound.author {
        Author::Agent(agent_mail) if !is_first => {
            agent::on_agent_mail(step, inbound, agent_mail, policy, now)
        }
        Author::Specialist if !is_first => agent::on_specialist_mail(step, inbound, policy, now),
        _ => customer::on_customer_mail(step, inbound, is_first, policy, now),
    }
}

fn record_mail(step: &mut Step, inbound: &Inbound<'_>, now: Timestamp) {
    let mail = inbound.mail;
    let ticket = &mut step.ticket;
    ticket.message_count += 1;
    ticket.updated_at = now;
    // Staff mail is not part of the customer's thread: its id, which names the staff
    // member's own mail server, never goes into a customer's References.
    if mail.has_own_message_id && matches!(inbound.author, Author::Customer) {
        ticket.remember_in_thread(&mail.message_id);
    }
    step.effects.push(Effect::Record(Happening::MailReceived {
        message_id: mail.message_id.clone(),
        class: inbound.class.clone(),
        matched_by: inbound.matched_by,
    }));
}

/// A refused mail is recorded on the ticket, so that agents see the customer did not get it.
fn on_delivery_failed(step: &mut Step, failure: &DeliveryFailure, now: Timestamp) {
    step.ticket.updated_at = now;
    step.effects.push(Effect::Record(Happening::DeliveryFailed {
        message_id: failure.message_id.clone(),
        recipients: failure.recipients.clone(),
        error: failure.error.clone(),
    }));
}

#[cfg(test)]
mod sla_tests;
#[cfg(test)]
mod test_kit;
#[cfg(test)]
mod tests;

#[cfg(test)]
mod knowledge_tests;
