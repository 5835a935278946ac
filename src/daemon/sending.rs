//! The sender task: sends what the worker made durable in the outbox, and hands
//! permanent failures back to the worker to be recorded on their tickets.

use super::worker::Input;
use crate::clock::Clock;
use crate::engine::DeliveryFailure;
use crate::outbox::Sender;
use crate::types::{TicketId, Timestamp};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio_util::sync::CancellationToken;
use tracing::{error, warn};

/// The longest the sender sleeps without being woken.
const SENDER_IDLE: Duration = Duration::from_secs(60);

/// Sends whatever is durable in the outbox, then sleeps until woken or a retry is due.
/// Permanent failures go to the worker to be recorded on their tickets; the sender holds
/// only a weak handle on the worker's queue, so that it never keeps the worker alive.
pub(super) async fn run(
    sender: Sender,
    worker: mpsc::WeakSender<Input>,
    durable: Arc<AtomicU64>,
    wake: Arc<Notify>,
    stop: CancellationToken,
    clock: Clock,
) {
    loop {
        let durable_up_to = durable.load(Ordering::SeqCst);
        let pause = match sender.drain(durable_up_to, clock.now()).await {
            Ok(report) => {
                report_failures(&worker, report.failed).await;
                until(report.next_attempt, clock.now())
            }
            Err(e) => {
                error!(error = %e, "cannot read the outbox");
                SENDER_IDLE
            }
        };
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(pause) => {}
            () = stop.cancelled() => return,
        }
    }
}

async fn report_failures(
    worker: &mpsc::WeakSender<Input>,
    failed: Vec<(TicketId, DeliveryFailure)>,
) {
    for (ticket, failure) in failed {
        let Some(queue) = worker.upgrade() else {
            warn!(ticket = %ticket, message_id = %failure.message_id, "worker stopped; failure not recorded on the ticket");
            continue;
        };
        let _ = queue.send(Input::DeliveryFailed { ticket, failure }).await;
    }
}

fn until(next: Option<Timestamp>, now: Timestamp) -> Duration {
    let secs = next.map_or(SENDER_IDLE.as_secs() as i64, |t| t.0 - now.0);
    Duration::from_secs(secs.clamp(1, SENDER_IDLE.as_secs() as i64) as u64)
}
