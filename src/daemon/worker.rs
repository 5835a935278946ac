//! The engine worker: the only writer of tickets. Each input (a mail, a due timer, a
//! delivery failure) goes through the same three steps:
//!
//! 1. load: `load` reads what the decision needs into a `Snapshot`;
//! 2. decide: `decide` and `change` work out the whole `Change`, purely;
//! 3. apply: `Store::commit` writes it, and nothing else.
//!
//! Mail is flushed once per batch and only then are its receipts reported safe. Being
//! the only writer means threading always sees every earlier commit, so two replies to a
//! brand-new ticket cannot open two tickets. A panic while handling one item is caught:
//! the item is set aside (a mail quarantined, a timer dropped after repeated failures, a
//! delivery failure logged) and the worker goes on.

use super::change::{self, Drafting};
use super::decide::{self, TimerStep};
use super::indexing::Knowledge;
use super::load::{self, Conversation};
use crate::config::Policy;
use crate::engine::knowledge::{Found, Hints, Offer, Solved};
use crate::engine::loops::SetAside;
use crate::engine::{
    trust, AgentMail, Author, DeliveryFailure, Happening, HistoryEntry, Inbound, Ticket,
};
use crate::intake::{Batch, Prepared, Receipt};
use crate::search::Probe;
use crate::shutdown::panic_text;
use crate::store::{self, Change, DueTimer, Store};
use crate::types::{TicketId, Timestamp};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tracing::{debug, error, info, warn};

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

/// How often a timer may fail before it is dropped from the index.
const TIMER_ATTEMPTS: u32 = 3;

/// The single writer of tickets.
pub struct Worker {
    store: Store,
    policy: Arc<Policy>,
    failures: HashMap<Receipt, u32>,
    timer_failures: HashMap<DueTimer, u32>,
    /// When the next retention pass is due (`None`: at the first look).
    retention_due: Option<Timestamp>,
    /// The search index, asked for similar tickets and answers (`None`: no search).
    knowledge: Option<Arc<Knowledge>>,
    /// Tests make the items that contain this text panic, to exercise containment: a mail
    /// whose raw text has it, a timer whose kind has it, a failure whose error has it.
    #[cfg(test)]
    pub(super) panic_marker: Option<&'static str>,
}

enum Outcome {
    Done,
    Retry,
}

/// What handling a mail came to, short of a store failure.
enum Handled {
    Duplicate,
    Stored { queued: usize },
    SetAside,
}

impl Worker {
    /// A worker writing into `store` under `policy`.
    pub fn new(store: Store, policy: Arc<Policy>) -> Worker {
        Worker {
            store,
            policy,
            failures: HashMap::new(),
            timer_failures: HashMap::new(),
            retention_due: None,
            knowledge: None,
            #[cfg(test)]
            panic_marker: None,
        }
    }

    /// Gives the worker the search index to ask.
    pub fn set_knowledge(&mut self, knowledge: Option<Arc<Knowledge>>) {
        self.knowledge = knowledge;
    }

    /// Processes a batch: commit each message, flush once, then report the safe receipts.
    /// An `Err` means the store failed: nothing of this batch may be acknowledged.
    pub fn process_batch(
        &mut self,
        arrivals: Vec<Prepared>,
        now: Timestamp,
    ) -> store::Result<BatchReport> {
        let mut report = BatchReport::default();
        let mut safe = Vec::with_capacity(arrivals.len());
        for prepared in &arrivals {
            match self.process_one(prepared, now, &mut report)? {
                Outcome::Done => safe.push(prepared.arrival.receipt.clone()),
                Outcome::Retry => report.retried += 1,
            }
        }
        let flushing = std::time::Instant::now();
        self.store.flush()?;
        debug!(
            flush_ms = flushing.elapsed().as_millis() as u64,
            "batch flushed"
        );
        self.settle_files(&arrivals)?;
        report.safe = safe;
        Ok(report)
    }

    /// After the flush: the journal files that commits now refer to move to their place
    /// (in the background). The others (duplicates, mail to retry) stay in `new/` until
    /// start-up, which takes them in again or removes them: an intake may be writing the
    /// same bytes right now.
    fn settle_files(&self, arrivals: &[Prepared]) -> store::Result<()> {
        let mut committed = Vec::new();
        for staged in arrivals.iter().map(|p| &p.staged).filter(|s| s.in_new) {
            if self.store.refers_to(&staged.hash)? {
                committed.push(staged.hash);
            }
        }
        self.store.journal().settle_later(committed);
        Ok(())
    }

    fn process_one(
        &mut self,
        prepared: &Prepared,
        now: Timestamp,
        report: &mut BatchReport,
    ) -> store::Result<Outcome> {
        let arrival = &prepared.arrival;
        let handled = match &prepared.reading {
            Ok(_) => catch_unwind(AssertUnwindSafe(|| self.handle_mail(prepared, now))),
            Err(why) => Err(Box::new(why.clone()) as Box<dyn std::any::Any + Send>),
        };
        match handled {
            Ok(Ok(Handled::Duplicate)) => report.duplicates += 1,
            Ok(Ok(Handled::Stored { queued })) => {
                report.stored += 1;
                report.queued_mail += queued;
            }
            Ok(Ok(Handled::SetAside)) => report.quarantined += 1,
            Ok(Err(e)) => return Err(e),
            Err(panic) => return self.on_panic(prepared, panic_text(&*panic), now, report),
        }
        self.failures.remove(&arrival.receipt);
        Ok(Outcome::Done)
    }

    fn on_panic(
        &mut self,
        prepared: &Prepared,
        why: String,
        now: Timestamp,
        report: &mut BatchReport,
    ) -> store::Result<Outcome> {
        let arrival = &prepared.arrival;
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
            &prepared.staged.hash,
            arrival.raw.len(),
            now,
        )?;
        warn!(receipt = %arrival.receipt, quarantine_id = record.id, error = %why, "message quarantined");
        self.failures.remove(&arrival.receipt);
        report.quarantined += 1;
        Ok(Outcome::Done)
    }

    /// A mail that must not become a ticket, kept in the quarantine with why; the same
    /// bytes again change nothing.
    fn set_aside(
        &self,
        prepared: &Prepared,
        aside: &SetAside,
        now: Timestamp,
    ) -> store::Result<Handled> {
        if self.store.refers_to(&prepared.staged.hash)? {
            return Ok(Handled::Duplicate);
        }
        let arrival = &prepared.arrival;
        let record = self.store.quarantine(
            &arrival.receipt.to_string(),
            &aside.reason(),
            0,
            &prepared.staged.hash,
            arrival.raw.len(),
            now,
        )?;
        info!(receipt = %arrival.receipt, quarantine_id = record.id, kind = aside.kind, "{}; set aside, not a ticket", aside.why);
        Ok(Handled::SetAside)
    }

    /// One mail: load, decide, apply.
    fn handle_mail(&self, prepared: &Prepared, now: Timestamp) -> store::Result<Handled> {
        #[cfg(test)]
        self.inject_panic(&String::from_utf8_lossy(&prepared.arrival.raw));
        let Ok(reading) = &prepared.reading else {
            unreachable!("a mail that could not be read is set aside before handling")
        };
        let (mail, class) = (&reading.mail, &reading.class);
        let policy = &self.policy;
        let snapshot = load::for_mail(&self.store, mail, class, policy, now)?;
        if let Some(aside) = crate::engine::loops::set_aside(mail, class, policy, &snapshot) {
            return self.set_aside(prepared, &aside, now);
        }
        let desk = prepared.arrival.desk.clone();
        let Some(placed) = decide::placement(mail, class, desk, &snapshot, policy, now) else {
            debug!(message_id = %mail.message_id, "duplicate delivery ignored");
            return Ok(Handled::Duplicate);
        };
        let mut hints = match decide::probe(&placed, mail, class, policy) {
            Some(probe) => self.hints(&probe, placed.is_new),
            None => Hints::default(),
        };
        let searches = decide::searches(mail, policy);
        if !searches.is_empty() {
            hints.searches = self.searches(&searches, &placed.ticket.desk);
        }
        let decided = decide::mail(placed, mail, class, &snapshot, &hints, policy, now);
        if let Some(first) = snapshot
            .messages
            .get(&mail.message_id)
            .and_then(|k| k.first())
        {
            warn!(message_id = %mail.message_id, ticket = %first.ticket, "a different message reuses a known Message-ID; stored anyway");
        }
        if !mail.problems.is_empty() {
            let problems = mail.problems.join("; ");
            info!(message_id = %mail.message_id, problems = %problems, "message partly unreadable; stored raw");
        }
        let forged = trust::forged_results(mail, &policy.security.trusted_authserv_ids);
        if forged > 0 {
            warn!(message_id = %mail.message_id, headers = forged, "Authentication-Results naming our own server below its topmost one; ignored as a probable forgery");
        }
        log_author(&decided.placed.ticket, &decided.inbound);
        let conversation = load::conversation_for(&self.store, &decided.step, &self.policy)?;
        let drafting = Drafting {
            arrival: Some(&prepared.arrival.raw),
            ..drafting(&snapshot, &conversation, now)
        };
        let files = change::MailFiles {
            raw: prepared.staged.hash,
            text: reading.text_file,
        };
        let change = change::for_mail(
            &decided.placed,
            decided.step,
            &decided.inbound,
            &files,
            &drafting,
        );
        let outbox_ids = self.store.commit(&change)?;
        log_commit(&change, &outbox_ids);
        Ok(Handled::Stored {
            queued: outbox_ids.len(),
        })
    }

    /// What the search index knows like `probe`: similar solved tickets, and for a new
    /// ticket at a desk that offers answers, the best one. Nothing while the index is
    /// missing or being built, or when asking it fails (logged: the mail goes on).
    fn hints(&self, probe: &Probe, is_new: bool) -> Hints {
        let Some(index) = self.knowledge.as_ref().and_then(|k| k.index().ok()) else {
            return Hints::default();
        };
        let knowledge = &self.policy.knowledge;
        let similar = match index.similar(probe, knowledge.similar, knowledge.similar_min) {
            Ok(similar) => similar,
            Err(e) => {
                warn!(error = %e, "similar tickets not found; the notification lists none");
                Vec::new()
            }
        };
        let offers = self
            .policy
            .desk(&crate::types::DeskId(probe.desk.clone()))
            .and_then(|d| d.self_service)
            .filter(|_| is_new);
        let answer = offers.and_then(|min| match index.best_answer(probe, min) {
            Ok(answer) => answer,
            Err(e) => {
                warn!(error = %e, "no answer offered: the search index failed");
                None
            }
        });
        Hints {
            similar: similar
                .into_iter()
                .map(|s| Solved {
                    ticket: TicketId(s.ticket),
                    subject: s.subject,
                    resolution: s.resolution,
                    opened: Timestamp(s.created),
                })
                .collect(),
            answer: answer.map(|a| Offer {
                source: match (&a.article, a.ticket) {
                    (Some(slug), _) => format!("article {slug}"),
                    (None, Some(id)) => format!("ticket #{id}"),
                    (None, None) => "answer".into(),
                },
                title: a.title,
                text: a.text,
                likeness: a.likeness,
            }),
            searches: None,
        }
    }

    /// What an agent's `#search` queries find at the ticket's desk, ten each; `None`
    /// when the index cannot be asked.
    fn searches(
        &self,
        queries: &[String],
        desk: &crate::types::DeskId,
    ) -> Option<Vec<(String, Vec<Found>)>> {
        let index = self.knowledge.as_ref()?.index().ok()?;
        let mut answered = Vec::new();
        for text in queries {
            let query = crate::search::Query {
                text: text.clone(),
                desk: Some(desk.0.clone()),
                limit: 10,
                ..Default::default()
            };
            let hits = match index.search(&query) {
                Ok(hits) => hits,
                Err(e) => {
                    warn!(error = %e, query = %text, "#search failed");
                    return None;
                }
            };
            let found = hits
                .into_iter()
                .map(|hit| Found {
                    what: match (hit.ticket, &hit.article) {
                        (Some(id), _) => format!("#{id}"),
                        (None, Some(article)) => format!("article {article}"),
                        (None, None) => String::new(),
                    },
                    subject: hit.subject,
                    status: if hit.ticket.is_some() {
                        hit.status
                    } else {
                        String::new()
                    },
                    resolution: hit.resolution,
                    snippet: hit.snippet,
                })
                .collect();
            answered.push((text.clone(), found));
        }
        Some(answered)
    }

    /// Fires every timer due at `now`, each in its own commit (state change, mails and
    /// the timer's removal together), then flushes once. A timer fires at most once:
    /// firing removes it or moves it on, in the same transaction.
    pub fn fire_due(&mut self, now: Timestamp) -> store::Result<TimerReport> {
        let mut report = TimerReport::default();
        for _ in 0..MAX_TIMER_ROUNDS {
            let due = self.store.due_timers(now, TIMER_BATCH)?;
            let mut failed = 0;
            for timer in &due {
                match self.fire_contained(timer, now)? {
                    Some(queued) => {
                        report.queued_mail += queued;
                        report.fired += 1;
                    }
                    None => failed += 1,
                }
            }
            // A round of nothing but failing timers would only fail again at once.
            if due.len() < TIMER_BATCH || failed == due.len() {
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

    /// Once a day (and at the first look), with `retention.closed_raw_after` set: drops the
    /// raw mail and attachments of tickets resolved longer ago than that, with their
    /// journal files; returns how many mails lost their bytes.
    pub fn apply_retention(&mut self, now: Timestamp) -> store::Result<usize> {
        let Some(after) = self.policy.closed_raw_after else {
            return Ok(0);
        };
        if self.retention_due.is_some_and(|due| now < due) {
            return Ok(0);
        }
        self.retention_due = Some(Timestamp(now.0 + 86_400));
        let before = Timestamp(now.0 - after.as_secs() as i64);
        let (dropped, files) = self.store.drop_raw_of_closed(before)?;
        if dropped > 0 {
            info!(
                mails = dropped,
                files, "retention: raw mail of closed tickets dropped"
            );
        }
        Ok(dropped)
    }

    /// Queues the scheduled reports due at `now` (`[reports.<name>]`), each with the
    /// record of how far it went out, then flushes; returns how many mails it queued. A
    /// report that panics is logged and tried again on the next pass.
    pub fn send_reports(&mut self, now: Timestamp) -> store::Result<usize> {
        if self.policy.reports.is_empty() {
            return Ok(0);
        }
        let sent = match catch_unwind(AssertUnwindSafe(|| {
            super::reports::send_due(&self.store, &self.policy, self.knowledge.as_deref(), now)
        })) {
            Ok(sent) => sent?,
            Err(panic) => {
                error!(error = %panic_text(&*panic), "scheduled reports failed; trying again later");
                0
            }
        };
        if sent > 0 {
            self.store.flush()?;
        }
        Ok(sent)
    }

    /// Fires one timer, containing a panic: `None` when it failed and was kept (or,
    /// after `TIMER_ATTEMPTS` failures, dropped with a history entry on its ticket).
    fn fire_contained(&mut self, due: &DueTimer, now: Timestamp) -> store::Result<Option<usize>> {
        let why = match catch_unwind(AssertUnwindSafe(|| self.fire(due, now))) {
            Ok(Ok(queued)) => {
                self.timer_failures.remove(due);
                return Ok(Some(queued));
            }
            Ok(Err(e)) => return Err(e),
            Err(panic) => panic_text(&*panic),
        };
        let attempts = self.timer_failures.entry(due.clone()).or_default();
        *attempts += 1;
        let attempts = *attempts;
        if attempts < TIMER_ATTEMPTS {
            error!(ticket = %due.ticket, timer = %due.kind, attempt = attempts, error = %why, "timer failed; will retry");
            return Ok(None);
        }
        self.timer_failures.remove(due);
        self.drop_failed_timer(due, &why, now)?;
        error!(ticket = %due.ticket, timer = %due.kind, attempts, error = %why, "timer failed every time; dropped, see the ticket's history");
        Ok(None)
    }

    /// Takes a timer that keeps failing out of the index, saying so on its ticket.
    fn drop_failed_timer(&self, due: &DueTimer, why: &str, now: Timestamp) -> store::Result<()> {
        let Some(ticket) = self.store.load_ticket(due.ticket)? else {
            return self.store.drop_timer(due);
        };
        let mut change = Change::to_ticket(ticket, false);
        change.history.push(HistoryEntry {
            at: now,
            happening: Happening::TimerDropped {
                timer: due.kind.clone(),
                due: due.due,
                error: why.to_string(),
            },
        });
        change.timers_removed.push(due.clone());
        self.store.commit(&change).map(|_| ())
    }

    /// One timer: load, decide, apply. Returns the mails it queued.
    fn fire(&self, due: &DueTimer, now: Timestamp) -> store::Result<usize> {
        #[cfg(test)]
        self.inject_panic(&due.kind);
        let snapshot = load::for_ticket(&self.store, due.ticket, &self.policy)?;
        let (before, step) = match decide::timer(due, &snapshot, &self.policy, now) {
            TimerStep::Drop(why) => {
                warn!(ticket = %due.ticket, timer = %due.kind, "{why}; dropped");
                self.store.drop_timer(due)?;
                return Ok(0);
            }
            TimerStep::Fire(before, step) => (before, *step),
        };
        let conversation = load::conversation_for(&self.store, &step, &self.policy)?;
        let change = change::for_ticket(before, step, &drafting(&snapshot, &conversation, now));
        let outbox_ids = self.store.commit(&change)?;
        info!(ticket = %before.id, timer = %due.kind, due = %due.due.to_rfc3339(), mails = outbox_ids.len(), "timer fired");
        Ok(outbox_ids.len())
    }

    /// Records a permanent delivery failure on its ticket, durably. A panic while doing so
    /// is logged with everything the failure said, and the worker goes on.
    pub fn process_failure(
        &mut self,
        ticket: TicketId,
        failure: &DeliveryFailure,
        now: Timestamp,
    ) -> store::Result<()> {
        match catch_unwind(AssertUnwindSafe(|| {
            self.record_failure(ticket, failure, now)
        })) {
            Ok(result) => result,
            Err(panic) => {
                error!(ticket = %ticket, message_id = %failure.message_id, failure = %failure.error,
                    error = %panic_text(&*panic), "delivery failure could not be recorded on its ticket");
                Ok(())
            }
        }
    }

    /// One delivery failure: load, decide, apply.
    fn record_failure(
        &self,
        ticket: TicketId,
        failure: &DeliveryFailure,
        now: Timestamp,
    ) -> store::Result<()> {
        #[cfg(test)]
        self.inject_panic(&failure.error);
        let snapshot = load::for_ticket(&self.store, ticket, &self.policy)?;
        let Some(before) = snapshot.tickets.get(&ticket) else {
            warn!(ticket = %ticket, message_id = %failure.message_id, "delivery failure for an unknown ticket");
            return Ok(());
        };
        let step = decide::failure(failure, before, &self.policy, now);
        let change = change::for_ticket(
            before,
            step,
            &drafting(&snapshot, &Conversation::default(), now),
        );
        self.store.commit(&change)?;
        self.store.flush()
    }

    #[cfg(test)]
    fn inject_panic(&self, text: &str) {
        if let Some(marker) = self.panic_marker {
            assert!(!text.contains(marker), "injected failure");
        }
    }
}

fn drafting<'a>(
    snapshot: &'a crate::engine::Snapshot,
    conversation: &'a Conversation,
    now: Timestamp,
) -> Drafting<'a> {
    Drafting {
        snapshot,
        conversation,
        arrival: None,
        now,
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
    for (into, _) in &change.others {
        info!(ticket = %ticket, into = %into.id, "ticket merged");
    }
    for id in outbox_ids {
        info!(ticket = %ticket, outbox_id = id, "mail queued");
    }
}

#[cfg(test)]
#[path = "worker_tests.rs"]
mod tests;
