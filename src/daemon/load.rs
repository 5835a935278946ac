//! The worker's first step for each input: read from the store everything the decision
//! needs into a `Snapshot` (and, when a step forwards a ticket or reports it to a lead,
//! its conversation). Reads only; the decision that follows never touches the store.

use crate::config::Policy;
use crate::engine::arrival::{self, MAX_MERGE_HOPS};
use crate::engine::ledger::ReplyWindow;
use crate::engine::{Effect, KnownMessage, OutgoingKind, Snapshot, Step};
use crate::mail::{Class, Mail};
use crate::outbox::compose::FileAttachment;
use crate::outbox::forward;
use crate::store::{self, Store};
use crate::types::{EmailAddress, MessageId, TicketId, Timestamp};

/// What a decision about an arrived mail reads: the tickets it may concern with their
/// merge chains, the stored copies of the Message-IDs it carries, every agent's load, the
/// auto-reply ledgers and customer records of the people involved.
pub(super) fn for_mail(
    store: &Store,
    mail: &Mail,
    class: &Class,
    policy: &Policy,
    now: Timestamp,
) -> store::Result<Snapshot> {
    let wanted = arrival::wanted(mail, class, policy);
    let mut snapshot = Snapshot {
        next_ticket: store.next_ticket_id()?,
        ..Snapshot::default()
    };
    let mut tickets = wanted.tickets;
    let mut ids = wanted.message_ids.into_iter();
    let own = ids.next();
    if let Some(own) = own {
        if let Some(known) = known_copies(store, &own)? {
            snapshot.messages.insert(own, known);
        }
    }
    // Threading takes the first referred id that is known; the rest need not be read.
    for id in ids {
        if let Some(known) = known_copies(store, &id)? {
            tickets.push(known[0].ticket);
            snapshot.messages.insert(id, known);
            break;
        }
    }
    for id in tickets {
        with_merge_chain(store, id, &mut snapshot)?;
    }
    agents(store, policy, &mut snapshot)?;
    let requesters: Vec<EmailAddress> = snapshot
        .tickets
        .values()
        .filter_map(|t| t.requester.as_ref().map(|c| c.address.clone()))
        .collect();
    for address in wanted.addresses.iter().chain(&requesters) {
        if !snapshot.auto_replies.contains_key(address) {
            let count = store.auto_reply_count(&ReplyWindow::sender(address, now))?;
            snapshot.auto_replies.insert(address.clone(), count);
        }
    }
    snapshot.auto_replies_to_all = store.auto_reply_count(&ReplyWindow::all(now))?;
    for address in &wanted.addresses {
        let mut opened = 0;
        for (day, window) in ReplyWindow::opened_in_30_days(address, now)
            .iter()
            .enumerate()
        {
            let count = store.auto_reply_count(window)?;
            if day == 0 {
                snapshot.opened_today.insert(address.clone(), count);
            }
            opened += count;
        }
        snapshot.opened_last_30_days.insert(address.clone(), opened);
    }
    for address in &requesters {
        let asked = store.auto_reply_count(&ReplyWindow::rating_asked(address, now))?;
        snapshot.ratings_asked.insert(address.clone(), asked);
    }
    for address in &wanted.addresses {
        if store.customer(address)?.is_some() {
            snapshot.known_customers.insert(address.clone());
        }
    }
    Ok(snapshot)
}

/// The stored copies of a Message-ID, if any.
fn known_copies(store: &Store, id: &MessageId) -> store::Result<Option<Vec<KnownMessage>>> {
    let known: Vec<KnownMessage> = store
        .lookup_message(id)?
        .into_iter()
        .map(|e| KnownMessage {
            ticket: e.ticket,
            fingerprint: e.fingerprint,
        })
        .collect();
    Ok((!known.is_empty()).then_some(known))
}

/// What a decision about one ticket reads (a timer, a delivery failure): the ticket and
/// every agent's load.
pub(super) fn for_ticket(store: &Store, id: TicketId, policy: &Policy) -> store::Result<Snapshot> {
    let mut snapshot = Snapshot::default();
    if let Some(ticket) = store.load_ticket(id)? {
        snapshot.tickets.insert(id, ticket);
    }
    agents(store, policy, &mut snapshot)?;
    Ok(snapshot)
}

/// A ticket and the tickets it was merged into, as far as `arrival::follow_merges` looks.
fn with_merge_chain(store: &Store, id: TicketId, snapshot: &mut Snapshot) -> store::Result<()> {
    let mut next = Some(id);
    for _ in 0..=MAX_MERGE_HOPS {
        let Some(id) = next.take() else { break };
        if snapshot.tickets.contains_key(&id) {
            next = snapshot.tickets[&id].merged_into;
            continue;
        }
        let Some(ticket) = store.load_ticket(id)? else {
            break;
        };
        next = ticket.merged_into;
        snapshot.tickets.insert(id, ticket);
    }
    Ok(())
}

fn agents(store: &Store, policy: &Policy, snapshot: &mut Snapshot) -> store::Result<()> {
    for agent in &policy.agents {
        let load = store.agent_load(&agent.id)?;
        snapshot.agents.insert(agent.id.clone(), load);
    }
    Ok(())
}

/// A ticket's conversation as stored before this step, for the mails that carry it.
#[derive(Debug, Clone, Default)]
pub(super) struct Conversation {
    /// For a forward: the public messages as quoted text, and the customers' files.
    pub(super) with_files: Option<(String, Vec<FileAttachment>)>,
    /// For a lead's report: the same text without reading any raw mail.
    pub(super) text_only: Option<String>,
    /// For `#attachments`: every file of the ticket's mails, and the lines naming those
    /// that did not fit.
    pub(super) files: Option<(String, Vec<FileAttachment>)>,
}

/// The conversation a step's mails carry, read only as far as one needs it, in the
/// language of the ticket's desk.
pub(super) fn conversation_for(
    store: &Store,
    step: &Step,
    policy: &Policy,
) -> store::Result<Conversation> {
    let ticket = step.ticket.id;
    let desk = policy
        .desk(&step.ticket.desk)
        .unwrap_or_else(|| policy.default_desk());
    let reader = forward::Reader {
        language: desk.language,
        calendar: &desk.calendar,
    };
    let needs = |kind| {
        step.effects
            .iter()
            .filter_map(Effect::as_mail)
            .any(|m| m.kind == kind)
    };
    let mut conversation = Conversation::default();
    if needs(OutgoingKind::Forward) {
        conversation.with_files = Some(forward::conversation(store, ticket, &reader)?);
    }
    if needs(OutgoingKind::LeadReport) {
        conversation.text_only = Some(forward::history(store, ticket, &reader)?);
    }
    if needs(OutgoingKind::TicketFiles) {
        conversation.files = Some(forward::ticket_files(store, ticket, &reader)?);
    }
    Ok(conversation)
}
