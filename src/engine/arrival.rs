//! Where an arrived mail goes and who wrote it: the rules the worker applies before the
//! engine's step, as pure functions of the mail, the snapshot, the policy and `now`.
//!
//! The worker asks `wanted` what to load, loads it into a `Snapshot`, then calls `place`
//! and `author`; none of them reads the store.

use super::commands::{self, Command};
use super::event::{AgentMail, Author, Directory};
use super::snapshot::Snapshot;
use super::ticket::{Status, Ticket};
use super::trust;
use crate::config::Policy;
use crate::mail::{quote, Class, Mail};
use crate::thread::{self, MatchedBy, Placement};
use crate::types::{DeskId, EmailAddress, MessageId, TicketId, Timestamp};

/// How many `merged_into` links are followed from a ticket to the one that took it in.
pub const MAX_MERGE_HOPS: usize = 8;

/// What the worker must load before deciding about a mail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Message-IDs whose stored copies matter: the mail's own (duplicates) and those it
    /// refers to (threading).
    pub message_ids: Vec<MessageId>,
    /// Tickets named in the subject's tags or by `#merge` commands; each is loaded with
    /// its merge chain, as are the tickets the message ids belong to.
    pub tickets: Vec<TicketId>,
    /// Addresses whose auto-reply ledger and customer record matter.
    pub addresses: Vec<EmailAddress>,
}

/// What a decision about `mail` needs from the store.
pub fn wanted(mail: &Mail, class: &Class, policy: &Policy) -> Wanted {
    let reported: &[MessageId] = match class {
        Class::Bounce(_) => &mail.automation.reported_message_ids,
        _ => &[],
    };
    let message_ids = std::iter::once(&mail.message_id)
        .chain(&mail.in_reply_to)
        .chain(&mail.references)
        .chain(reported)
        .cloned()
        .collect();
    let mut tickets = thread::find_tags(&mail.subject, &policy.tag_prefixes());
    tickets.extend(merge_targets(mail, policy));
    Wanted {
        message_ids,
        tickets,
        addresses: mail.from.iter().map(|c| c.address.clone()).collect(),
    }
}

/// Tickets an agent's mail wants to `#merge` into (checked by the engine, loaded first).
fn merge_targets(mail: &Mail, policy: &Policy) -> Vec<TicketId> {
    let from = mail.from.as_ref().map(|c| &c.address);
    if from.is_none_or(|a| policy.agent_by_address(a).is_none()) {
        return Vec::new();
    }
    let Ok(reading) = commands::read(&mail.subject, &quote::new_text(&mail.text), policy) else {
        return Vec::new();
    };
    reading
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::Merge(target) => Some(*target),
            _ => None,
        })
        .collect()
}

/// Same Message-ID and same content: the same message delivered again. A different
/// message that reuses a known Message-ID is stored like any other.
pub fn is_duplicate(mail: &Mail, snapshot: &Snapshot) -> bool {
    snapshot
        .messages
        .get(&mail.message_id)
        .is_some_and(|known| known.iter().any(|m| m.fingerprint == mail.fingerprint))
}

/// Where a mail goes: the ticket it continues (after merges) or a new one.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The ticket as it is before the mail (a new one is freshly opened).
    pub ticket: Ticket,
    /// How threading found it.
    pub matched_by: MatchedBy,
    /// Whether the mail opens it.
    pub is_new: bool,
}

/// Threads a mail onto a ticket of the snapshot, or opens a new one at `desk` (the desk of
/// the mailbox it came in at, else the one it was addressed to).
pub fn place(
    mail: &Mail,
    class: &Class,
    desk: Option<DeskId>,
    snapshot: &Snapshot,
    policy: &Policy,
    now: Timestamp,
) -> Placed {
    let is_staff = |a: &EmailAddress| policy.agent_by_address(a).is_some();
    let placement = match thread::resolve(mail, class, &policy.tag_prefixes(), snapshot, &is_staff)
    {
        Ok(placement) => placement,
        Err(never) => match never {},
    };
    let placement = past_reopen_window(mail, placement, snapshot, policy, now);
    let (linked_to, matched_by) = match placement {
        Placement::Existing { ticket, matched_by } => match follow_merges(ticket, snapshot) {
            Some(found) => {
                return Placed {
                    ticket: found.clone(),
                    matched_by,
                    is_new: false,
                }
            }
            None => (None, MatchedBy::New),
        },
        Placement::New {
            linked_to,
            matched_by,
        } => (linked_to, matched_by),
    };
    let desk = desk.unwrap_or_else(|| desk_for(mail, policy));
    Placed {
        ticket: Ticket::open(snapshot.next_ticket, desk, mail, linked_to, now),
        matched_by,
        is_new: true,
    }
}

/// A customer writing long after their ticket was resolved starts a new one, linked.
pub fn past_reopen_window(
    mail: &Mail,
    placement: Placement,
    snapshot: &Snapshot,
    policy: &Policy,
    now: Timestamp,
) -> Placement {
    let Placement::Existing { ticket, .. } = placement else {
        return placement;
    };
    let sender = mail.from.as_ref().map(|c| &c.address);
    if sender.is_some_and(|a| policy.agent_by_address(a).is_some()) {
        return placement;
    }
    let Some(found) = snapshot.tickets.get(&ticket) else {
        return placement;
    };
    let window = policy
        .desk(&found.desk)
        .map_or(0, |d| d.reopen_within.as_secs() as i64);
    let expired = matches!(found.status, Status::Resolved | Status::Closed)
        && found.resolved_at.is_some_and(|at| now.0 - at.0 > window);
    if expired {
        Placement::New {
            linked_to: Some(ticket),
            matched_by: MatchedBy::New,
        }
    } else {
        placement
    }
}

/// A ticket, or the one it was merged into (a few hops at most).
pub fn follow_merges(id: TicketId, snapshot: &Snapshot) -> Option<&Ticket> {
    let mut ticket = snapshot.tickets.get(&id);
    for _ in 0..MAX_MERGE_HOPS {
        match ticket.and_then(|t| t.merged_into) {
            Some(into) => ticket = snapshot.tickets.get(&into).or(ticket),
            None => break,
        }
    }
    ticket
}

/// The desk a new mail was addressed to, else the default desk.
pub fn desk_for(mail: &Mail, policy: &Policy) -> DeskId {
    let recipients = mail.to.iter().chain(&mail.cc);
    let desk = recipients
        .filter_map(|c| policy.desk_by_address(&c.address))
        .next();
    desk.unwrap_or_else(|| policy.default_desk()).id.clone()
}

/// Who wrote a mail on a ticket: the customer's side for a mail that opens it; else an
/// agent (by From:, with how that is verified), a specialist, or the customer's side.
pub fn author<'p>(
    mail: &Mail,
    placed: &Placed,
    policy: &'p Policy,
    tickets: Directory<'p>,
) -> Author<'p> {
    if placed.is_new {
        return Author::Customer;
    }
    let ticket = &placed.ticket;
    let from = mail.from.as_ref().map(|c| &c.address);
    if from.is_some_and(|a| ticket.specialists.contains(a)) {
        return Author::Specialist;
    }
    let Some((agent, address)) = from.and_then(|a| Some((policy.agent_by_address(a)?, a))) else {
        return Author::Customer;
    };
    let desk = policy
        .desk(&ticket.desk)
        .unwrap_or_else(|| policy.default_desk());
    let security = &policy.security;
    let verification = trust::verify(
        mail,
        &desk.address,
        ticket.id,
        &agent.id,
        address,
        &security.reply_key,
        &security.trusted_authserv_ids,
    );
    let comment = desk.comment_address.as_ref();
    let to_comment_address = mail
        .to
        .iter()
        .chain(&mail.cc)
        .any(|c| Some(&c.address) == comment);
    Author::Agent(AgentMail {
        agent,
        verification,
        to_comment_address,
        tickets,
    })
}
