//! Turning one engine step into one store `Change`: the arrived message, the history
//! entries, the outgoing mails (formatted, forwards enriched from the store), the loop
//! ledgers, a merged ticket. Reads the store; writes nothing (the worker commits).

use crate::config::Policy;
use crate::engine::loops::AutoReplyBudget;
use crate::engine::{
    self, Author, Effect, Event, Filed, HistoryEntry, Inbound, OutgoingMail, Ticket,
};
use crate::outbox::{compose, forward};
use crate::store::{
    self, Change, Customer, Direction, MessageKind, MessageRecord, NewMessage, NewOutboxMail,
    OutboxRecord, OutboxState, Store,
};
use crate::thread::MatchedBy;
use crate::types::{EmailAddress, TicketId, Timestamp};
use tracing::{error, info};

/// Builds changes against the store as it is now.
pub(super) struct ChangeBuilder<'a> {
    pub(super) store: &'a Store,
    pub(super) policy: &'a Policy,
}

impl ChangeBuilder<'_> {
    /// Automatic replies recently sent to this sender and to everyone, for the loop brakes.
    pub(super) fn budget(
        &self,
        sender: Option<&EmailAddress>,
        now: Timestamp,
    ) -> store::Result<AutoReplyBudget> {
        let to_sender = match sender {
            Some(address) => recent(
                &self.store.auto_replies(Some(address))?,
                now.minus_secs(3600),
            ),
            None => 0,
        };
        let to_all = recent(&self.store.auto_replies(None)?, now.minus_secs(60));
        Ok(AutoReplyBudget {
            to_sender_last_hour: to_sender,
            to_all_last_minute: to_all,
        })
    }

    pub(super) fn change(
        &self,
        before: &Ticket,
        step: engine::Step,
        inbound: &Inbound<'_>,
        raw: &[u8],
        is_new: bool,
        now: Timestamp,
    ) -> store::Result<Change> {
        let mut change = empty_change(step.ticket, is_new);
        change.messages.push(NewMessage {
            record: inbound_record(before, inbound, step.filed, now),
            raw: Some(raw.to_vec()),
        });
        if let Author::Customer = inbound.author {
            change.new_customer = self.new_customer(inbound, now)?;
        }
        self.apply_effects(&mut change, step.effects, before.message_count + 1, now)?;
        Ok(change)
    }

    /// Turns the engine's effects into history entries and queued mail; outgoing mails
    /// are stored as messages numbered from `seq`.
    pub(super) fn apply_effects(
        &self,
        change: &mut Change,
        effects: Vec<Effect>,
        mut seq: u32,
        now: Timestamp,
    ) -> store::Result<()> {
        for effect in effects {
            match effect {
                Effect::Record(happening) => {
                    change.history.push(HistoryEntry { at: now, happening })
                }
                Effect::Send(mail) => self.queue(change, *mail, &mut seq, now)?,
                Effect::MergeInto(target) => self.merge_into(change, target, now)?,
                Effect::SetAway { agent, away } => change.away.push((agent, away)),
            }
        }
        Ok(())
    }

    /// Runs the merge on the ticket that takes the other in; both are committed together.
    fn merge_into(
        &self,
        change: &mut Change,
        target: TicketId,
        now: Timestamp,
    ) -> store::Result<()> {
        let Some(into) = self.store.load_ticket(target)? else {
            return Ok(());
        };
        let step = engine::step(&into, Event::Merged(&change.ticket), self.policy, now);
        let history = step
            .effects
            .into_iter()
            .filter_map(|e| match e {
                Effect::Record(happening) => Some(HistoryEntry { at: now, happening }),
                _ => None,
            })
            .collect();
        info!(ticket = %change.ticket.id, into = %target, "ticket merged");
        change.others.push((step.ticket, history));
        Ok(())
    }

    fn queue(
        &self,
        change: &mut Change,
        mail: OutgoingMail,
        seq: &mut u32,
        now: Timestamp,
    ) -> store::Result<()> {
        let mut mail = mail;
        let attachments = match mail.kind {
            engine::OutgoingKind::Forward => {
                let (history, files) = forward::conversation(self.store, change.ticket.id)?;
                mail.body.push_str(&history);
                files
            }
            engine::OutgoingKind::LeadReport => {
                mail.body
                    .push_str(&forward::history(self.store, change.ticket.id)?);
                Vec::new()
            }
            _ => Vec::new(),
        };
        let composed = match compose(&mail, &attachments) {
            Ok(composed) => composed,
            Err(reason) => {
                error!(ticket = %change.ticket.id, error = %reason, "outgoing mail could not be formatted");
                let happening = engine::Happening::AcknowledgementSuppressed { reason };
                change.history.push(HistoryEntry { at: now, happening });
                return Ok(());
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
        });
        if mail.kind == engine::OutgoingKind::Acknowledgement {
            change
                .auto_replies
                .extend(self.ledger_updates(&mail.to.address, now)?);
        }
        Ok(())
    }

    fn ledger_updates(
        &self,
        to: &EmailAddress,
        now: Timestamp,
    ) -> store::Result<Vec<(Vec<u8>, Vec<Timestamp>)>> {
        let sender = prune(
            self.store.auto_replies(Some(to))?,
            now.minus_secs(3600),
            now,
        );
        let all = prune(self.store.auto_replies(None)?, now.minus_secs(60), now);
        Ok(vec![
            (to.as_str().as_bytes().to_vec(), sender),
            (b"*".to_vec(), all),
        ])
    }

    fn new_customer(
        &self,
        inbound: &Inbound<'_>,
        now: Timestamp,
    ) -> store::Result<Option<Customer>> {
        let Some(from) = inbound
            .mail
            .from
            .as_ref()
            .filter(|_| inbound.class.is_person())
        else {
            return Ok(None);
        };
        if self.store.customer(&from.address)?.is_some() {
            return Ok(None);
        }
        Ok(Some(Customer {
            address: from.address.clone(),
            name: from.name.clone(),
            organisation: from.address.domain().to_string(),
            first_seen: now,
        }))
    }
}

pub(super) fn empty_change(ticket: Ticket, is_new_ticket: bool) -> Change {
    Change {
        others: Vec::new(),
        away: Vec::new(),
        ticket,
        is_new_ticket,
        messages: Vec::new(),
        history: Vec::new(),
        outbox: Vec::new(),
        new_customer: None,
        auto_replies: Vec::new(),
    }
}

fn recent(times: &[Timestamp], since: Timestamp) -> u32 {
    times.iter().filter(|t| **t > since).count() as u32
}

fn prune(mut times: Vec<Timestamp>, since: Timestamp, now: Timestamp) -> Vec<Timestamp> {
    times.retain(|t| *t > since);
    times.push(now);
    times
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
        attachments: mail
            .attachments
            .iter()
            .map(|a| (a.name.clone(), a.size))
            .collect(),
        problems: mail.problems.clone(),
        fingerprint: mail.fingerprint.clone(),
    }
}

fn outbound_record(ticket: crate::types::TicketId, seq: u32, mail: &OutgoingMail) -> MessageRecord {
    MessageRecord {
        ticket,
        seq,
        message_id: mail.message_id.clone(),
        from: Some(mail.from.clone()),
        to: vec![mail.to.address.clone()],
        direction: Direction::Outbound,
        kind: MessageKind::Auto,
        matched_by: MatchedBy::Outbound,
        class: None,
        date: mail.date,
        stored_at: mail.date,
        subject: mail.subject.clone(),
        text: mail.body.clone(),
        attachments: Vec::new(),
        problems: Vec::new(),
        fingerprint: String::new(),
    }
}

fn outbox_record(
    ticket: crate::types::TicketId,
    mail: &OutgoingMail,
    composed: &compose::Composed,
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
