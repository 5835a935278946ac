//! Turning one engine step into one store `Change`: the arrived message, the history
//! entries, the outgoing mails (formatted, forwards carrying the conversation), the loop
//! ledgers, a merged ticket, and the index entries and agents' loads that follow.
//!
//! Pure: it reads only the snapshot and the conversation loaded before; the worker
//! commits what it returns.

use super::load::Conversation;
use crate::engine::arrival::Placed;
use crate::engine::ledger::{self, TimerChanges};
use crate::engine::{
    self, Author, Effect, Filed, HistoryEntry, Inbound, OutgoingKind, OutgoingMail, Snapshot,
    Staff, Step, Ticket,
};
use crate::mail::files;
use crate::outbox::{compose, Composed};
use crate::store::{
    Change, Customer, Direction, DueTimer, MailHash, MessageKind, MessageRecord, NewMessage,
    NewOutboxMail, NewText, OutboxRecord, OutboxState,
};
use crate::thread::MatchedBy;
use crate::types::{TicketId, Timestamp};
use tracing::error;

/// What turning a step into a change may read, all of it loaded before the step.
pub(super) struct Drafting<'a> {
    /// The store as it was before the step.
    pub(super) snapshot: &'a Snapshot,
    /// The ticket's conversation, when a mail of the step carries it.
    pub(super) conversation: &'a Conversation,
    /// The raw bytes of the mail that caused the step, whose files notifications carry.
    pub(super) arrival: Option<&'a [u8]>,
    /// The time of the step.
    pub(super) now: Timestamp,
}

/// The journal files an arrived mail was written to before it reached the worker.
pub(super) struct MailFiles {
    /// Its raw bytes.
    pub(super) raw: MailHash,
    /// Its readable text, when too long to keep in the message's record.
    pub(super) text: Option<MailHash>,
}

/// The change an arrived mail makes: the mail itself and all its step caused.
pub(super) fn for_mail(
    placed: &Placed,
    step: Step,
    inbound: &Inbound<'_>,
    files: &MailFiles,
    drafting: &Drafting<'_>,
) -> Change {
    let before = &placed.ticket;
    let mut change = Change::to_ticket(step.ticket.clone(), placed.is_new);
    let mut record = inbound_record(before, inbound, step.filed, drafting.now);
    if let Some(text_file) = files.text {
        record.text = String::new();
        record.text_file = Some(text_file);
    }
    change.messages.push(NewMessage {
        record,
        raw: Some(files.raw),
    });
    if let Author::Customer = inbound.author {
        change.new_customer = new_customer(inbound, drafting);
    }
    let opener = inbound
        .mail
        .from
        .as_ref()
        .filter(|_| inbound.class.is_person());
    if let Some(from) = opener.filter(|_| placed.is_new) {
        let snapshot = drafting.snapshot;
        ledger::count_opened(&mut change.auto_replies, &from.address, drafting.now, |w| {
            snapshot.replies_in(w)
        });
    }
    let seq = before.message_count + 1;
    let before = (!placed.is_new).then_some(before);
    with_effects(change, before, step, seq, drafting)
}

/// The change a step without an arrived mail makes (a timer, a delivery failure).
pub(super) fn for_ticket(before: &Ticket, step: Step, drafting: &Drafting<'_>) -> Change {
    let change = Change::to_ticket(step.ticket.clone(), false);
    with_effects(change, Some(before), step, before.message_count, drafting)
}

/// Adds the step's effects, the tickets it changed beside this one, and what follows in
/// the timer index and the agents' loads. Outgoing mails are numbered from `seq`.
fn with_effects(
    mut change: Change,
    before: Option<&Ticket>,
    step: Step,
    mut seq: u32,
    drafting: &Drafting<'_>,
) -> Change {
    let now = drafting.now;
    let mut away = Vec::new();
    for effect in step.effects {
        match effect {
            Effect::Record(happening) => {
                if let engine::Happening::ResolutionReported {
                    rating_asked_of: Some(customer),
                    ..
                } = &happening
                {
                    let snapshot = drafting.snapshot;
                    ledger::count_rating_asked(&mut change.auto_replies, customer, now, |w| {
                        snapshot.replies_in(w)
                    });
                }
                change.history.push(HistoryEntry { at: now, happening })
            }
            Effect::Send(mail) => queue(&mut change, *mail, &mut seq, drafting),
            // The ticket merged into comes changed in `step.others`.
            Effect::MergeInto(_) => {}
            Effect::SetAway {
                agent,
                away: is_away,
            } => away.push((agent, is_away)),
        }
    }
    for (other, happenings) in step.others {
        let history = happenings
            .into_iter()
            .map(|happening| HistoryEntry { at: now, happening })
            .collect();
        change.others.push((other, history));
    }
    let snapshot = drafting.snapshot;
    let mut changed = vec![(before, &change.ticket)];
    for (other, _) in &change.others {
        changed.push((snapshot.tickets.get(&other.id), other));
    }
    let mut timers_set = Vec::new();
    let mut timers_removed = Vec::new();
    for (before, after) in &changed {
        let TimerChanges { set, removed } = ledger::timer_changes(*before, after);
        timers_set.extend(set.iter().map(|t| DueTimer::of(after.id, t)));
        timers_removed.extend(removed.iter().map(|t| DueTimer::of(after.id, t)));
    }
    let agent_loads = ledger::agent_loads(&changed, &away, Staff(&snapshot.agents));
    change.timers_set = timers_set;
    change.timers_removed = timers_removed;
    change.agent_loads = agent_loads;
    change
}

fn queue(change: &mut Change, mut mail: OutgoingMail, seq: &mut u32, drafting: &Drafting<'_>) {
    let now = drafting.now;
    let conversation = drafting.conversation;
    let attachments = match mail.kind {
        engine::OutgoingKind::Forward => match &conversation.with_files {
            Some((history, files)) => {
                mail.body.push_str(history);
                files.clone()
            }
            None => Vec::new(),
        },
        engine::OutgoingKind::TicketFiles => match &conversation.files {
            Some((listed, files)) => {
                mail.body.push_str(listed);
                files.clone()
            }
            None => Vec::new(),
        },
        engine::OutgoingKind::LeadReport => {
            if let Some(history) = &conversation.text_only {
                mail.body.push_str(history);
            }
            Vec::new()
        }
        _ => Vec::new(),
    };
    let mut attachments = attachments;
    if let (false, Some(raw)) = (mail.arrival_files.is_empty(), drafting.arrival) {
        let carried = files::attachments(raw)
            .into_iter()
            .enumerate()
            .filter(|(at, _)| mail.arrival_files.contains(at))
            .map(|(_, file)| file);
        attachments.extend(carried);
    }
    let composed = match compose(&mail, &attachments) {
        Ok(composed) => composed,
        Err(reason) => {
            error!(ticket = %change.ticket.id, error = %reason, "outgoing mail could not be formatted");
            let happening = engine::Happening::AcknowledgementSuppressed { reason };
            change.history.push(HistoryEntry { at: now, happening });
            return;
        }
    };
    change.messages.push(NewMessage {
        record: outbound_record(change.ticket.id, *seq, &mail),
        raw: None,
    });
    *seq += 1;
    change.outbox.push(NewOutboxMail {
        record: outbox_record(change.ticket.id, &mail, &composed, now),
        raw: composed.raw,
        carries_files: !attachments.is_empty(),
    });
    if mail.kind == engine::OutgoingKind::Acknowledgement {
        let snapshot = drafting.snapshot;
        let to = &mail.to.address;
        ledger::count_reply(&mut change.auto_replies, to, now, |w| {
            snapshot.replies_in(w)
        });
    }
}

fn new_customer(inbound: &Inbound<'_>, drafting: &Drafting<'_>) -> Option<Customer> {
    let from = inbound
        .mail
        .from
        .as_ref()
        .filter(|_| inbound.class.is_person())?;
    if drafting.snapshot.known_customers.contains(&from.address) {
        return None;
    }
    Some(Customer {
        address: from.address.clone(),
        name: from.name.clone(),
        organisation: from.address.domain().to_string(),
        first_seen: drafting.now,
    })
}

fn inbound_record(
    before: &Ticket,
    inbound: &Inbound<'_>,
    filed: Filed,
    now: Timestamp,
) -> MessageRecord {
    let mail = inbound.mail;
    let kind = match filed {
        Filed::Customer => MessageKind::Customer,
        Filed::Agent => MessageKind::Agent,
        Filed::Note => MessageKind::Note,
        Filed::Auto => MessageKind::Auto,
    };
    MessageRecord {
        ticket: before.id,
        seq: before.message_count,
        message_id: mail.message_id.clone(),
        from: mail.from.clone(),
        to: mail.to.iter().map(|c| c.address.clone()).collect(),
        direction: Direction::Inbound,
        kind,
        matched_by: inbound.matched_by,
        class: Some(inbound.class.clone()),
        date: mail.date.unwrap_or(now),
        stored_at: now,
        subject: mail.subject.clone(),
        text: mail.text.clone(),
        text_file: None,
        new_text: Some(NewText::of(&mail.new_text, &mail.text)),
        attachments: mail
            .attachments
            .iter()
            .map(|a| (a.name.clone(), a.size))
            .collect(),
        problems: mail.problems.clone(),
        fingerprint: mail.fingerprint.clone(),
    }
}

/// Who a sent mail speaks for, as the ticket shows it.
fn outbound_kind(kind: OutgoingKind) -> MessageKind {
    match kind {
        OutgoingKind::AgentReply => MessageKind::Agent,
        OutgoingKind::Acknowledgement | OutgoingKind::Visit | OutgoingKind::Resolution => {
            MessageKind::Auto
        }
        OutgoingKind::Notification
        | OutgoingKind::CommandError
        | OutgoingKind::Unverified
        | OutgoingKind::Forward
        | OutgoingKind::LeadReport
        | OutgoingKind::Report
        | OutgoingKind::TicketFiles => MessageKind::Notification,
    }
}

fn outbound_record(ticket: TicketId, seq: u32, mail: &OutgoingMail) -> MessageRecord {
    MessageRecord {
        ticket,
        seq,
        message_id: mail.message_id.clone(),
        from: Some(mail.from.clone()),
        to: vec![mail.to.address.clone()],
        direction: Direction::Outbound,
        kind: outbound_kind(mail.kind),
        matched_by: MatchedBy::Outbound,
        class: None,
        date: mail.date,
        stored_at: mail.date,
        subject: mail.subject.clone(),
        text: mail.body.clone(),
        text_file: None,
        new_text: None,
        attachments: Vec::new(),
        problems: Vec::new(),
        fingerprint: match mail.auto_submitted {
            Some(_) => crate::engine::snapshot::OWN_AUTOMATIC.to_string(),
            None => String::new(),
        },
    }
}

/// The outbox record of a mail just composed for `ticket`: pending, to be sent now.
pub(super) fn outbox_record(
    ticket: TicketId,
    mail: &OutgoingMail,
    composed: &Composed,
    now: Timestamp,
) -> OutboxRecord {
    OutboxRecord {
        id: 0,
        ticket,
        message_id: mail.message_id.clone(),
        envelope_from: composed.envelope_from.clone(),
        envelope_to: composed.envelope_to.clone(),
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt: now,
        last_error: None,
        queued_at: now,
    }
}
