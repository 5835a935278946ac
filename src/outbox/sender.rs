//! Drains the outbox: sends each pending mail, records the result, retries with backoff.
//!
//! Only mails whose commit is known to be flushed are sent (`durable_up_to`), so a crash
//! can never send a mail whose cause the store then forgets.

use super::transport::{self, Transport};
use crate::engine::DeliveryFailure;
use crate::store::{self, OutboxRecord, OutboxState, Store};
use crate::types::{TicketId, Timestamp};
use futures_util::StreamExt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tracing::{error, info, warn};

/// Give up on a temporarily failing mail after this many attempts.
const MAX_ATTEMPTS: u32 = 12;
/// Pending mails read from the store at a time.
const PAGE: usize = 256;
/// Mails handed to the transport at the same time (the SMTP pool has as many connections).
pub const CONCURRENCY: usize = 8;

/// The longest a batch of send results waits to be made durable together: a crash in
/// that window sends those mails once more (with the same Message-ID), never loses one.
const RESULTS_FLUSH: std::time::Duration = std::time::Duration::from_millis(50);
/// The most send results made durable together: with `CONCURRENCY`, the most mails a
/// crash can make go out twice.
pub const RESULTS_BATCH: usize = 16;

/// What one pass over the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Mails handed to the transport.
    pub sent: usize,
    /// Mails that failed for now and wait for their next attempt.
    pub deferred: usize,
    /// Mails given up on, with their tickets, to be recorded there.
    pub failed: Vec<(TicketId, DeliveryFailure)>,
    /// The earliest time a deferred mail is due again.
    pub next_attempt: Option<Timestamp>,
}

/// Sends the outbox's pending mail through one transport.
pub struct Sender {
    store: Store,
    transport: Transport,
    retry_after: Duration,
    /// Passes in a row that found the mail server unreachable (0: reachable).
    outage: AtomicU32,
}

/// Whether a pass over the outbox may go on.
enum Flow {
    Next,
    /// The transport cannot be reached: every other mail would fail the same way.
    Hold,
}

impl Sender {
    /// A sender over a store and a transport; a failed mail waits `retry_after`, then
    /// twice that, and so on up to an hour.
    pub fn new(store: Store, transport: Transport, retry_after: Duration) -> Sender {
        Sender {
            store,
            transport,
            retry_after,
            outage: AtomicU32::new(0),
        }
    }

    /// Sends every pending mail with an id up to `durable_up_to` that is due at `now`.
    pub async fn drain(&self, durable_up_to: u64, now: Timestamp) -> store::Result<DrainReport> {
        let mut report = DrainReport::default();
        let mut after = 0;
        loop {
            let page = self.store.pending_outbox(after, PAGE)?;
            let Some((last, _)) = page.last() else { break };
            after = last.id;
            let (due, durable_end) = self.due(page, durable_up_to, now, &mut report);
            if let Flow::Hold = self.send_all(due, now, &mut report).await? {
                return Ok(report);
            }
            if durable_end {
                break;
            }
        }
        Ok(report)
    }

    /// The mails of a page that may be sent now; `true` when the page reached mail whose
    /// commit is not yet known to be on disk (nothing after it is sent in this pass).
    fn due(
        &self,
        page: Vec<(OutboxRecord, Vec<u8>)>,
        durable_up_to: u64,
        now: Timestamp,
        report: &mut DrainReport,
    ) -> (Vec<(OutboxRecord, Vec<u8>)>, bool) {
        let mut due = Vec::with_capacity(page.len());
        for (record, raw) in page {
            if record.id > durable_up_to {
                return (due, true);
            }
            if record.next_attempt > now {
                report.next_attempt = earliest(report.next_attempt, record.next_attempt);
                continue;
            }
            due.push((record, raw));
        }
        (due, false)
    }

    /// Sends mails several at a time (lettre writes the end of DATA as a separate small
    /// packet, so one connection waits on delayed ACKs; parallel connections hide that).
    async fn send_all(
        &self,
        due: Vec<(OutboxRecord, Vec<u8>)>,
        now: Timestamp,
        report: &mut DrainReport,
    ) -> store::Result<Flow> {
        let attempts = due.into_iter().map(|(record, raw)| async move {
            let result = self
                .transport
                .send(&record.envelope_from, &record.envelope_to, &raw)
                .await;
            (record, result)
        });
        let mut results = futures_util::stream::iter(attempts).buffer_unordered(CONCURRENCY);
        let mut unreachable = None;
        let mut unflushed = 0;
        let mut last_flush = std::time::Instant::now();
        while let Some((record, result)) = results.next().await {
            match result {
                Err(e) if e.is_unreachable() => unreachable = unreachable.or(Some(e)),
                result => {
                    self.record(record, result, now, report)?;
                    unflushed += 1;
                    // Once "sent" is on disk, a crash cannot send this mail again; the
                    // marks are made durable together, at most RESULTS_FLUSH apart.
                    if unflushed >= RESULTS_BATCH || last_flush.elapsed() >= RESULTS_FLUSH {
                        self.store.flush_async().await?;
                        (unflushed, last_flush) = (0, std::time::Instant::now());
                    }
                }
            }
        }
        if unflushed > 0 {
            self.store.flush_async().await?;
        }
        Ok(match unreachable {
            Some(e) => self.hold(&e, now, report),
            None => Flow::Next,
        })
    }

    fn record(
        &self,
        mut record: OutboxRecord,
        result: Result<(), transport::Error>,
        now: Timestamp,
        report: &mut DrainReport,
    ) -> store::Result<()> {
        match result {
            Ok(()) => {
                self.reachable();
                record.attempts += 1;
                record.state = OutboxState::Sent { at: now };
                info!(outbox_id = record.id, ticket = %record.ticket, message_id = %record.message_id, "mail sent");
                report.sent += 1;
            }
            Err(e) => {
                self.reachable();
                record.attempts += 1;
                on_failure(&mut record, &e, self.retry_after, now, report);
            }
        }
        self.store.update_outbox(&record)
    }

    /// The mail server cannot be reached: no mail is charged an attempt (an outage must
    /// not make mail expire), the whole outbox waits, and only the first pass logs it.
    fn hold(&self, e: &transport::Error, now: Timestamp, report: &mut DrainReport) -> Flow {
        let passes = self.outage.fetch_add(1, Ordering::SeqCst) + 1;
        if passes == 1 {
            warn!(error = %e, "mail server unreachable; outgoing mail waits");
        }
        let retry = Timestamp(now.0 + backoff_secs(self.retry_after, passes));
        report.next_attempt = earliest(report.next_attempt, retry);
        report.deferred += 1;
        Flow::Hold
    }

    fn reachable(&self) {
        if self.outage.swap(0, Ordering::SeqCst) > 0 {
            info!("mail server reachable again");
        }
    }
}

fn on_failure(
    record: &mut OutboxRecord,
    e: &transport::Error,
    retry_after: Duration,
    now: Timestamp,
    report: &mut DrainReport,
) {
    if e.is_transient() && record.attempts < MAX_ATTEMPTS {
        record.next_attempt = Timestamp(now.0 + backoff_secs(retry_after, record.attempts));
        record.last_error = Some(e.to_string());
        warn!(outbox_id = record.id, ticket = %record.ticket, attempt = record.attempts, error = %e, "mail deferred");
        report.deferred += 1;
        report.next_attempt = earliest(report.next_attempt, record.next_attempt);
    } else {
        record.state = OutboxState::Failed {
            at: now,
            error: e.to_string(),
        };
        error!(outbox_id = record.id, ticket = %record.ticket, attempt = record.attempts, error = %e, "mail failed");
        let failure = DeliveryFailure {
            message_id: record.message_id.clone(),
            recipients: record.envelope_to.clone(),
            error: e.to_string(),
        };
        report.failed.push((record.ticket, failure));
    }
}

/// `first`, twice that, four times … capped at one hour.
fn backoff_secs(first: Duration, attempts: u32) -> i64 {
    let first = first.as_secs().max(1) as i64;
    (first << attempts.saturating_sub(1).min(20)).min(3600)
}

fn earliest(a: Option<Timestamp>, b: Timestamp) -> Option<Timestamp> {
    Some(a.map_or(b, |a| a.min(b)))
}

#[cfg(test)]
mod tests {
    use super::backoff_secs;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let first = Duration::from_secs(30);
        assert_eq!(backoff_secs(first, 1), 30);
        assert_eq!(backoff_secs(first, 2), 60);
        assert_eq!(backoff_secs(first, 5), 480);
        assert_eq!(backoff_secs(first, 40), 3600);
    }
}
