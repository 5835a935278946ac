//! The ticket engine: every helpdesk rule, as a pure function.
//!
//! `step(ticket, event, policy, now)` returns the new ticket and the effects to apply.
//! No I/O, no clock, no randomness: no tokio, sled, lettre or `std::fs` under this folder.

pub mod commands;
pub mod effect;
pub mod event;
pub mod loops;
pub mod ticket;
pub mod trust;

pub use effect::{Effect, Happening, HistoryEntry, OutgoingKind, OutgoingMail};
pub use event::{DeliveryFailure, Event, Inbound};
pub use ticket::{Status, Ticket};

use crate::config::policy::{Desk, Policy};
use crate::mail::sanitize;
use crate::templates::AcknowledgementVars;
use crate::types::{Contact, MessageId, Timestamp};

/// The result of one step: the ticket as it is now, and what must happen because of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The changed ticket.
    pub ticket: Ticket,
    /// Mails and history entries, in order.
    pub effects: Vec<Effect>,
}

/// Applies one event to a ticket.
pub fn step(ticket: &Ticket, event: Event<'_>, policy: &Policy, now: Timestamp) -> Step {
    match event {
        Event::Mail(inbound) => on_mail(ticket.clone(), inbound, policy, now),
        Event::DeliveryFailed(failure) => on_delivery_failed(ticket.clone(), failure, now),
    }
}

/// A refused mail is recorded on the ticket, so that agents see the customer did not get it.
fn on_delivery_failed(mut ticket: Ticket, failure: &DeliveryFailure, now: Timestamp) -> Step {
    ticket.updated_at = now;
    let failed = Happening::DeliveryFailed {
        message_id: failure.message_id.clone(),
        recipients: failure.recipients.clone(),
        error: failure.error.clone(),
    };
    Step {
        ticket,
        effects: vec![Effect::Record(failed)],
    }
}

fn on_mail(mut ticket: Ticket, inbound: Inbound<'_>, policy: &Policy, now: Timestamp) -> Step {
    let is_first = ticket.message_count == 0;
    let mut effects = Vec::new();
    if is_first {
        let opened = Happening::Opened {
            matched_by: inbound.matched_by,
            linked_to: ticket.linked_to,
        };
        effects.push(Effect::Record(opened));
    }
    record_mail(&mut ticket, &inbound, now, &mut effects);
    if is_first {
        acknowledge(&mut ticket, &inbound, policy, now, &mut effects);
    }
    Step { ticket, effects }
}

fn record_mail(
    ticket: &mut Ticket,
    inbound: &Inbound<'_>,
    now: Timestamp,
    effects: &mut Vec<Effect>,
) {
    let mail = inbound.mail;
    ticket.message_count += 1;
    ticket.updated_at = now;
    if mail.has_own_message_id {
        ticket.remember_in_thread(&mail.message_id);
    }
    add_participants(ticket, inbound);
    effects.push(Effect::Record(Happening::MailReceived {
        message_id: mail.message_id.clone(),
        class: inbound.class.clone(),
        matched_by: inbound.matched_by,
    }));
}

/// The sender and the people they Cc'd may write to the ticket from now on.
fn add_participants(ticket: &mut Ticket, inbound: &Inbound<'_>) {
    if !inbound.class.is_person() {
        return;
    }
    let mail = inbound.mail;
    for contact in mail.from.iter().chain(&mail.cc) {
        ticket.add_participant(&contact.address);
    }
}

fn acknowledge(
    ticket: &mut Ticket,
    inbound: &Inbound<'_>,
    policy: &Policy,
    now: Timestamp,
    effects: &mut Vec<Effect>,
) {
    let desk = policy
        .desk(&ticket.desk)
        .unwrap_or_else(|| policy.default_desk());
    let allowed = loops::may_auto_reply(
        inbound.class,
        ticket.requester.as_ref(),
        inbound.budget,
        &policy.limits,
    );
    let mail = allowed.and_then(|()| acknowledgement(ticket, inbound, desk, policy, now));
    match mail {
        Ok(mail) => {
            ticket.message_count += 1;
            ticket.remember_in_thread(&mail.message_id);
            let queued = Happening::AcknowledgementQueued {
                message_id: mail.message_id.clone(),
            };
            effects.push(Effect::Send(mail));
            effects.push(Effect::Record(queued));
        }
        Err(reason) => effects.push(Effect::Record(Happening::AcknowledgementSuppressed {
            reason,
        })),
    }
}

fn acknowledgement(
    ticket: &Ticket,
    inbound: &Inbound<'_>,
    desk: &Desk,
    policy: &Policy,
    now: Timestamp,
) -> Result<OutgoingMail, String> {
    let requester = ticket
        .requester
        .clone()
        .ok_or("the ticket has no requester")?;
    let tag = tag(desk, ticket);
    let vars = AcknowledgementVars {
        ticket: ticket.id.0,
        tag: tag.clone(),
        desk: desk.name.clone(),
        customer: requester
            .name
            .clone()
            .unwrap_or_else(|| requester.address.to_string()),
        subject: ticket.subject.clone(),
    };
    let body = policy.templates.acknowledgement(desk.language, &vars)?;
    let mail = inbound.mail;
    Ok(OutgoingMail {
        kind: OutgoingKind::Acknowledgement,
        message_id: outgoing_id(ticket, desk),
        from: Contact {
            name: Some(desk.name.clone()),
            address: desk.address.clone(),
        },
        to: requester,
        subject: reply_subject(&ticket.subject, &tag, &policy.tag_prefixes()),
        in_reply_to: mail.has_own_message_id.then(|| mail.message_id.clone()),
        references: ticket.thread.clone(),
        body,
        auto_submitted: Some("auto-replied".into()),
        date: now,
    })
}

/// The subject tag of a ticket at its desk: `[HD #42]`.
pub fn tag(desk: &Desk, ticket: &Ticket) -> String {
    format!("[{} #{}]", desk.tag, ticket.id)
}

/// `Re: <subject> [HD #42]`, without doubling `Re:` and without tags of other tickets.
pub fn reply_subject(subject: &str, tag: &str, prefixes: &[&str]) -> String {
    let bare = strip_tags(subject, prefixes);
    let bare = strip_reply_prefixes(&bare);
    let text = if bare.is_empty() {
        tag.to_string()
    } else {
        format!("Re: {bare} {tag}")
    };
    sanitize::subject(&text)
}

fn strip_tags(subject: &str, prefixes: &[&str]) -> String {
    let mut out = String::with_capacity(subject.len());
    let mut rest = subject;
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']').map(|c| open + c);
        let Some(close) = close else { break };
        out.push_str(&rest[..open]);
        if crate::thread::find_tags(&rest[open..=close], prefixes).is_empty() {
            out.push_str(&rest[open..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_reply_prefixes(subject: &str) -> String {
    let mut text = subject.trim();
    loop {
        let lower = text.to_lowercase();
        let prefix = ["re:", "aw:", "fw:", "fwd:", "balas:"]
            .iter()
            .find(|p| lower.starts_with(*p));
        match prefix {
            Some(p) => text = text[p.len()..].trim_start(),
            None => return text.to_string(),
        }
    }
}

/// A Message-ID for the next outgoing mail of a ticket: unique per ticket and message,
/// and across stores through the ticket's creation time.
fn outgoing_id(ticket: &Ticket, desk: &Desk) -> MessageId {
    let text = format!(
        "loket.{}.{}.{}@{}",
        ticket.id,
        ticket.message_count,
        ticket.created_at.0,
        desk.address.domain()
    );
    MessageId::parse(&text).expect("ids and a domain make a valid Message-ID")
}

#[cfg(test)]
mod tests;
