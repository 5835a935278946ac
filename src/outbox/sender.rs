//! Drains the outbox: sends each pending mail, records the result, retries with backoff.
//!
//! Only mails whose commit is known to be flushed are sent (`durable_up_to`), so a crash
//! can never send a mail whose cause the store then forgets.

use super::transport::{self, Transport};
use crate::engine::DeliveryFailure;
use crate::store::{self, OutboxRecord, OutboxState, Store};
use crate::types::{TicketId, Timestamp};
use std::time::Duration;
use tracing::{error, info, warn};

/// Give up on a temporarily failing mail after this many attempts.
const MAX_ATTEMPTS: u32 = 12;
/// Pending mails read from the store at a time.
const PAGE: usize = 256;

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
}

impl Sender {
    /// A sender over a store and a transport; a failed mail waits `retry_after`, then
    /// twice that, and so on up to an hour.
    pub fn new(store: Store, transport: Transport, retry_after: Duration) -> Sender {
        Sender {
            store,
            transport,
            retry_after,
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
            for (record, raw) in page {
                if record.id > durable_up_to {
                    return Ok(report);
                }
                self.attempt(record, &raw, now, &mut report).await?;
            }
        }
        Ok(report)
    }

    async fn attempt(
        &self,
        mut record: OutboxRecord,
        raw: &[u8],
        now: Timestamp,
        report: &mut DrainReport,
    ) -> store::Result<()> {
        if record.next_attempt > now {
            report.next_attempt = earliest(report.next_attempt, record.next_attempt);
            return Ok(());
        }
        record.attempts += 1;
        match self
            .transport
            .send(&record.envelope_from, &record.envelope_to, raw)
            .await
        {
            Ok(()) => {
                record.state = OutboxState::Sent { at: now };
                info!(outbox_id = record.id, ticket = %record.ticket, message_id = %record.message_id, "mail sent");
                report.sent += 1;
            }
            Err(e) => on_failure(&mut record, &e, self.retry_after, now, report),
        }
        self.store.update_outbox(&record)
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
