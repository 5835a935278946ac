//! The engine worker: takes arrived mail in order, threads it, runs the engine, commits,
//! flushes once per batch, and only then tells the sources which receipts are safe.
//!
//! It is the only writer of tickets, so threading always sees every earlier commit and
//! two replies to a brand-new ticket cannot open two tickets.

use super::change::{empty_change, ChangeBuilder};
use crate::config::Policy;
use crate::engine::timer::{Timer, TimerKind};
use crate::engine::{
    self, trust, AgentLoad, AgentMail, Author, DeliveryFailure, Directory, Event, Inbound, Staff,
    Status, Ticket,
};
use crate::intake::{Arrival, Batch, Receipt};
use crate::mail::{self, Mail};
use crate::store::{self, Change, DueTimer, Store};
use crate::thread::{self, MatchedBy, Placement};
use crate::types::{AgentId, DeskId, EmailAddress, TicketId, Timestamp};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tracing::{debug, info, warn};

/// What became of one batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Messages newly stored.
    pub stored: usize,
    /// Messages already stored (redeliveries).
    pub duplicates: usize,
    /// Messages set aside after failing too often.
    pub quarantined: usize,
    /// Messages that failed this time and stay at their source for another attempt.
    pub retried: usize,
    /// Receipts that are safe to acknowledge to their sources now.
    pub safe: Vec<Receipt>,
    /// Outgoing mails queued.
    pub queued_mail: usize,
}

/// Timers read per round, and rounds per call: a call fires at most this many, so that
/// mail waiting behind a burst of timers is not held up long.
const TIMER_BATCH: usize = 256;
const MAX_TIMER_ROUNDS: usize = 16;

/// What one pass over the due timers did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimerReport {
    /// Timers fired.
    pub fired: usize,
    /// Mails they queued.
    pub queued_mail: usize,
    /// When the next timer is due.
    pub next_due: Option<Timestamp>,
}

/// Everything that may enter the worker's queue.
#[derive(Debug)]
pub enum Input {
    /// Mail from a source.
    Mail(Batch),
    /// A mail of a ticket was refused for good.
    DeliveryFailed {
        /// The ticket.
        ticket: TicketId,
        /// What failed.
        failure: DeliveryFailure,
    },
    /// Fire the timers that are due; the answer is the pass's report.
    Timers(tokio::sync::oneshot::Sender<TimerReport>),
}

impl From<Batch> for Input {
    fn from(batch: Batch) -> Input {
        Input::Mail(batch)
    }
}

/// The single writer of tickets.
pub struct Worker {
    store: Store,
    policy: Arc<Policy>,
    failures: HashMap<Receipt, u32>,
    /// Tests make messages containing this text panic, to exercise quarantine.
    #[cfg(test)]
    panic_marker: Option<&'static str>,
}

enum Prepared {
    Duplicate,
    Change(Box<Change>),
}

enum Outcome {
    Done,
    Retry,
}

impl Worker {
    fn builder(&self) -> ChangeBuilder<'_> {
        ChangeBuilder {
            store: &self.store,
            policy: &self.policy,
        }
    }

    /// What the store knows of an agent, for assignment. An unreadable record counts as
    /// "nothing known" (the config's view): assignment is a preference, not a guarantee.
    fn agent_load(&self, id: &AgentId) -> AgentLoad {
        self.store.agent_load(id).unwrap_or_default()
    }

    /// A worker writing into `store` under `policy`.
    pub fn new(store: Store, policy: Arc<Policy>) -> Worker {
        Worker {
            store,
            policy,
            failures: HashMap::new(),
            #[cfg(test)]
            panic_marker: None,
        }
    }

    /// Processes a batch: commit each message, flush once, then report the safe receipts.
    /// An `Err` means the store failed: nothing of this batch may be acknowledged.
    pub fn process_batch(
        &mut self,
        arrivals: Vec<Arrival>,
        now: Timestamp,
    ) -> store::Result<BatchReport> {
        let mut report = BatchReport::default();
        let mut safe = Vec::with_capacity(arrivals.len());
        for arrival in arrivals {
            match self.process_one(&arrival, now, &mut report)? {
                Outcome::Done => safe.push(arrival.receipt),
                Outcome::Retry => report.retried += 1,
            }
        }
        self.store.flush()?;
        report.safe = safe;
        Ok(report)
    }

    fn process_one(
        &mut self,
        arrival: &Arrival,
        now: Timestamp,
        report: &mut BatchReport,
    ) -> store::Result<Outcome> {
        let prepared = catch_unwind(AssertUnwindSafe(|| self.prepare(arrival, now)));
        match prepared {
            Ok(Ok(Prepared::Duplicate)) => report.duplicates += 1,
            Ok(Ok(Prepared::Change(change))) => {
                let outbox_ids = self.store.commit(&change)?;
                log_commit(&change, &outbox_ids);
                report.stored += 1;
                report.queued_mail += outbox_ids.len();
            }
            Ok(Err(e)) => return Err(e),
            Err(panic) => return self.on_panic(arrival, panic_text(&panic), now, report),
        }
        self.failures.remove(&arrival.receipt);
        Ok(Outcome::Done)
    }

    fn on_panic(
        &mut self,
        arrival: &Arrival,
        why: String,
        now: Timestamp,
        report: &mut BatchReport,
    ) -> store::Result<Outcome> {
        let attempts = self.failures.entry(arrival.receipt.clone()).or_default();
        *attempts += 1;
        let attempts = *attempts;
        if attempts < self.policy.intake.max_attempts {
            warn!(receipt = %arrival.receipt, attempt = attempts, error = %why, "message failed; will retry");
            return Ok(Outcome::Retry);
        }
        let reason = format!("processing failed {attempts} times: {why}");
        let record = self.store.quarantine(
            &arrival.receipt.to_string(),
            &reason,
            attempts,
            &arrival.raw,
            now,
        )?;
        warn!(receipt = %arrival.receipt, quarantine_id = record.id, error = %why, "message quarantined");
        self.failures.remove(&arrival.receipt);
        report.quarantined += 1;
        Ok(Outcome::Done)
    }

    fn prepare(&self, arrival: &Arrival, now: Timestamp) -> store::Result<Prepared> {
        let raw = &arrival.raw;
        #[cfg(test)]
        if let Some(marker) = self.panic_marker {
            assert!(
                !String::from_utf8_lossy(raw).contains(marker),
                "injected failure"
            );
        }
        let mail = mail::parse(raw);
        let class = mail::classify(&mail, |a| self.policy.is_own_address(a));
        if self.is_duplicate(&mail)? {
            debug!(message_id = %mail.message_id, "duplicate delivery ignored");
            return Ok(Prepared::Duplicate);
        }
        if !mail.problems.is_empty() {
            let problems = mail.problems.join("; ");
            info!(message_id = %mail.message_id, problems = %problems, "message partly unreadable; stored raw");
        }
        let tags = self.policy.tag_prefixes();
        let is_staff = |a: &EmailAddress| self.policy.agent_by_address(a).is_some();
        let placement = thread::resolve(&mail, &class, &tags, &self.store, &is_staff)?;
        let placement = self.past_reopen_window(&mail, placement, now)?;
        let desk = arrival.desk.clone().unwrap_or_else(|| self.desk_for(&mail));
        let (ticket, matched_by, is_new) = self.ticket_for(&mail, desk, placement, now)?;
        let budget = self
            .builder()
            .budget(ticket.requester.as_ref().map(|c| &c.address), now)?;
        let status_of = |id: TicketId| self.store.load_ticket(id).ok().flatten().map(|t| t.status);
        let load_of = |id: &AgentId| self.agent_load(id);
        let author = if is_new {
            Author::Customer
        } else {
            self.author(&mail, &ticket, Directory(&status_of))
        };
        let inbound = Inbound {
            mail: &mail,
            class: &class,
            matched_by,
            budget,
            author,
            staff: Staff(&load_of),
        };
        let step = engine::step(&ticket, Event::Mail(inbound), &self.policy, now);
        log_author(&ticket, &inbound);
        let change = self
            .builder()
            .change(&ticket, step, &inbound, raw, is_new, now)?;
        Ok(Prepared::Change(Box::new(change)))
    }

    /// Who wrote a mail on an existing ticket: an agent (by From:, with how it is
    /// verified) or the customer's side.
    fn author<'p>(&'p self, mail: &Mail, ticket: &Ticket, tickets: Directory<'p>) -> Author<'p> {
        let from = mail.from.as_ref().map(|c| &c.address);
        if from.is_some_and(|a| ticket.specialists.contains(a)) {
            return Author::Specialist;
        }
        let Some((agent, address)) = from.and_then(|a| Some((self.policy.agent_by_address(a)?, a)))
        else {
            return Author::Customer;
        };
        let desk = self
            .policy
            .desk(&ticket.desk)
            .unwrap_or_else(|| self.policy.default_desk());
        let security = &self.policy.security;
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

    /// A customer writing long after their ticket was resolved starts a new one, linked.
    fn past_reopen_window(
        &self,
        mail: &Mail,
        placement: Placement,
        now: Timestamp,
    ) -> store::Result<Placement> {
        let Placement::Existing { ticket, .. } = placement else {
            return Ok(placement);
        };
        let sender = mail.from.as_ref().map(|c| &c.address);
        if sender.is_some_and(|a| self.policy.agent_by_address(a).is_some()) {
            return Ok(placement);
        }
        let Some(found) = self.store.load_ticket(ticket)? else {
            return Ok(placement);
        };
        let window = self
            .policy
            .desk(&found.desk)
            .map_or(0, |d| d.reopen_within.as_secs() as i64);
        let expired = matches!(found.status, Status::Resolved | Status::Closed)
            && found.resolved_at.is_some_and(|at| now.0 - at.0 > window);
        Ok(if expired {
            Placement::New {
                linked_to: Some(ticket),
                matched_by: MatchedBy::New,
            }
        } else {
            placement
        })
    }

    /// Same Message-ID and same content: the same message delivered again. A different
    /// message that reuses a known Message-ID is stored like any other.
    fn is_duplicate(&self, mail: &Mail) -> store::Result<bool> {
        let known = self.store.lookup_message(&mail.message_id)?;
        if known.iter().any(|e| e.fingerprint == mail.fingerprint) {
            return Ok(true);
        }
        if let Some(first) = known.first() {
            warn!(message_id = %mail.message_id, ticket = %first.ticket, "a different message reuses a known Message-ID; stored anyway");
        }
        Ok(false)
    }

    fn ticket_for(
        &self,
        mail: &Mail,
        desk: DeskId,
        placement: Placement,
        now: Timestamp,
    ) -> store::Result<(Ticket, MatchedBy, bool)> {
        let (linked_to, matched_by) = match placement {
            Placement::Existing { ticket, matched_by } => match self.follow_merges(ticket)? {
                Some(found) => return Ok((found, matched_by, false)),
                None => (None, MatchedBy::New),
            },
            Placement::New {
                linked_to,
                matched_by,
            } => (linked_to, matched_by),
        };
        let id = self.store.next_ticket_id()?;
        let ticket = Ticket::open(id, desk, mail, linked_to, now);
        Ok((ticket, matched_by, true))
    }

    /// A ticket, or the one it was merged into (a few hops at most).
    fn follow_merges(&self, id: TicketId) -> store::Result<Option<Ticket>> {
        let mut ticket = self.store.load_ticket(id)?;
        for _ in 0..8 {
            match ticket.as_ref().and_then(|t| t.merged_into) {
                Some(into) => ticket = self.store.load_ticket(into)?.or(ticket),
                None => break,
            }
        }
        Ok(ticket)
    }

    /// The desk a new mail was addressed to, else the default desk.
    fn desk_for(&self, mail: &Mail) -> DeskId {
        let recipients = mail.to.iter().chain(&mail.cc);
        let desk = recipients
            .filter_map(|c| self.policy.desk_by_address(&c.address))
            .next();
        desk.unwrap_or_else(|| self.policy.default_desk())
            .id
            .clone()
    }

    /// Fires every timer due at `now`, each in its own commit (state change, mails and
    /// the timer's removal together), then flushes once. A timer fires at most once:
    /// firing removes it or moves it on, in the same transaction.
    pub fn fire_due(&mut self, now: Timestamp) -> store::Result<TimerReport> {
        let mut report = TimerReport::default();
        for _ in 0..MAX_TIMER_ROUNDS {
            let due = self.store.due_timers(now, TIMER_BATCH)?;
            for timer in &due {
                report.queued_mail += self.fire(timer, now)?;
                report.fired += 1;
            }
            if due.len() < TIMER_BATCH {
                break;
            }
        }
        // The scheduler asks every second; an idle pass changes nothing and needs no flush.
        if report.fired > 0 {
            self.store.flush()?;
        }
        report.next_due = self.store.next_timer()?;
        Ok(report)
    }

    /// Fires one timer; returns the mails it queued.
    fn fire(&mut self, due: &DueTimer, now: Timestamp) -> store::Result<usize> {
        let ticket = self.store.load_ticket(due.ticket)?;
        let kind = TimerKind::parse(&due.kind);
        let timer = kind.map(|kind| Timer { due: due.due, kind });
        let (Some(ticket), Some(timer)) = (ticket, timer) else {
            warn!(ticket = %due.ticket, timer = %due.kind, "timer without its ticket; dropped");
            self.store.drop_timer(due)?;
            return Ok(0);
        };
        if !ticket.timers().contains(&timer) {
            warn!(ticket = %due.ticket, timer = %due.kind, "stale timer; dropped");
            self.store.drop_timer(due)?;
            return Ok(0);
        }
        let load_of = |id: &AgentId| self.agent_load(id);
        let event = Event::Timer {
            timer,
            staff: Staff(&load_of),
        };
        let step = engine::step(&ticket, event, &self.policy, now);
        let mut change = empty_change(step.ticket, false);
        self.builder()
            .apply_effects(&mut change, step.effects, ticket.message_count, now)?;
        let outbox_ids = self.store.commit(&change)?;
        info!(ticket = %ticket.id, timer = %due.kind, due = %due.due.to_rfc3339(), mails = outbox_ids.len(), "timer fired");
        Ok(outbox_ids.len())
    }

    /// Records a permanent delivery failure on its ticket, durably.
    pub fn process_failure(
        &mut self,
        ticket: TicketId,
        failure: &DeliveryFailure,
        now: Timestamp,
    ) -> store::Result<()> {
        let Some(before) = self.store.load_ticket(ticket)? else {
            warn!(ticket = %ticket, message_id = %failure.message_id, "delivery failure for an unknown ticket");
            return Ok(());
        };
        let step = engine::step(&before, Event::DeliveryFailed(failure), &self.policy, now);
        let mut change = empty_change(step.ticket, false);
        self.builder()
            .apply_effects(&mut change, step.effects, before.message_count, now)?;
        self.store.commit(&change)?;
        self.store.flush()
    }
}

/// One line when an agent's mail arrives, saying whether it was trusted.
fn log_author(ticket: &Ticket, inbound: &Inbound<'_>) {
    if let Author::Agent(AgentMail {
        agent,
        verification,
        ..
    }) = inbound.author
    {
        let message_id = &inbound.mail.message_id;
        match verification {
            trust::Verification::Unverified => {
                warn!(ticket = %ticket.id, agent = %agent.id, message_id = %message_id, "agent mail not verified; commands ignored")
            }
            _ => {
                debug!(ticket = %ticket.id, agent = %agent.id, verification = ?verification, "agent mail verified")
            }
        }
    }
}

fn log_commit(change: &Change, outbox_ids: &[u64]) {
    let ticket = change.ticket.id;
    let first = &change.messages[0].record;
    if change.is_new_ticket {
        info!(ticket = %ticket, message_id = %first.message_id, matched_by = %first.matched_by, "ticket created");
    } else {
        info!(ticket = %ticket, message_id = %first.message_id, matched_by = %first.matched_by, "ticket threaded");
    }
    for id in outbox_ids {
        info!(ticket = %ticket, outbox_id = id, "mail queued");
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
#[path = "worker_tests.rs"]
mod tests;
