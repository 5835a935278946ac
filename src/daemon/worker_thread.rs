//! The worker thread: takes the inputs from the one queue in order, hands each to the
//! `Worker`, then publishes what the flush made durable (to the sender) and safe (to the
//! sources). A store failure stops the daemon: nothing uncommitted is acknowledged.

use super::worker::{BatchReport, Input, Worker};
use crate::clock::Clock;
use crate::intake;
use crate::store::Store;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_util::sync::CancellationToken;
use tracing::error;

/// What the worker thread shares with the rest of the daemon.
pub(super) struct Links {
    pub(super) store: Store,
    pub(super) clock: Clock,
    /// The highest outbox id whose commit is flushed: the sender sends nothing above it.
    pub(super) durable: Arc<AtomicU64>,
    pub(super) wake_sender: Arc<Notify>,
    pub(super) sender_stop: CancellationToken,
    pub(super) failed: Arc<AtomicBool>,
    pub(super) stop: CancellationToken,
}

/// The worker thread: one input at a time, until every intake has hung up.
pub(super) fn run(mut worker: Worker, mut inbox: mpsc::Receiver<Input>, links: Links) {
    // However the thread ends, the sender stops after it (it sends what is durable).
    let _sender_stop = links.sender_stop.clone().drop_guard();
    while let Some(input) = inbox.blocking_recv() {
        let result = match input {
            Input::Mail(batch) => worker
                .process_batch(batch.arrivals, links.clock.now())
                .map(|report| after_batch(report, batch.done, &links)),
            Input::DeliveryFailed { ticket, failure } => {
                worker.process_failure(ticket, &failure, links.clock.now())
            }
            Input::Timers(done) => worker.fire_due(links.clock.now()).and_then(|mut report| {
                report.queued_mail += worker.send_reports(links.clock.now())?;
                worker.apply_retention(links.clock.now())?;
                publish_durable(&links, report.queued_mail);
                let _ = done.send(report);
                Ok(())
            }),
        };
        if let Err(e) = result {
            error!(error = %e, "store failed; stopping without acknowledging anything uncommitted");
            links.failed.store(true, Ordering::SeqCst);
            links.stop.cancel();
            break;
        }
    }
}

/// Publishes what the flushed batch made durable and tells its source what is safe.
fn after_batch(report: BatchReport, done: oneshot::Sender<Vec<intake::Receipt>>, links: &Links) {
    publish_durable(links, report.queued_mail);
    let _ = done.send(report.safe);
}

/// After a flush: the sender may send up to the last outbox id, and is woken for new mail.
fn publish_durable(links: &Links, queued_mail: usize) {
    if let Ok(last) = links.store.last_outbox_id() {
        links.durable.store(last, Ordering::SeqCst);
    }
    if queued_mail > 0 {
        links.wake_sender.notify_one();
    }
}
