//! The daemon: builds the parts from the `Policy`, runs them as tasks, stops them in order.
//!
//! Tasks: the spool intake, the engine worker (one thread, the only writer), the sender,
//! and the control socket. On SIGINT/SIGTERM intake stops first, the worker finishes and
//! flushes what it holds, then the sender and the control socket stop.

pub mod control;
pub mod worker;

use crate::config::Policy;
use crate::intake::spool::Spool;
use crate::intake::Arrival;
use crate::outbox::{Sender, Transport};
use crate::shutdown::{self, Tasks};
use crate::store::{self, Store};
use crate::types::Timestamp;
use anyhow::Context;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};
use worker::{BatchReport, Worker};

/// How long tasks get to finish after a stop request.
const GRACE: Duration = Duration::from_secs(20);
/// The longest the sender sleeps without being woken.
const SENDER_IDLE: Duration = Duration::from_secs(60);

/// A batch of arrivals and the way to tell its source that the batch is done.
struct Batch {
    arrivals: Vec<Arrival>,
    done: oneshot::Sender<()>,
}

/// What `run --once` did, for its summary line.
#[derive(Debug, Default, Clone, Copy)]
pub struct OnceReport {
    /// Totals over every batch.
    pub intake: BatchReport,
    /// Mails sent.
    pub sent: usize,
    /// Mails deferred or failed.
    pub not_sent: usize,
}

/// Opens the store with a message that says what to do when another process holds it.
pub fn open_store(policy: &Policy) -> anyhow::Result<Store> {
    if let Some(parent) = policy
        .store_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Store::open(&policy.store_path).map_err(|e| match e {
        store::Error::Locked { .. } => anyhow::anyhow!(
            "{e}: stop the running daemon first (or use `loket ticket ...`, which asks it)"
        ),
        other => anyhow::Error::new(other),
    })
}

fn banner(policy: &Policy, store: &Store) {
    let tickets = store.next_ticket_id().map(|t| t.0 - 1).unwrap_or(0);
    info!(version = env!("CARGO_PKG_VERSION"), store = %policy.store_path.display(),
        schema = store::keys::SCHEMA_VERSION, tickets, "loket starting");
    info!(spool = %policy.spool.path.display(), "intake: maildir spool");
    info!(transport = %Transport::describe(&policy.transport), "outbox transport");
    for desk in &policy.desks {
        info!(desk = %desk.id, address = %desk.address, tag = %desk.tag, language = desk.language.code(), "desk");
    }
}

/// Does all pending work (spool → store → outbox) and returns.
pub async fn run_once(policy: Policy) -> anyhow::Result<OnceReport> {
    let store = open_store(&policy)?;
    banner(&policy, &store);
    let spool = Spool::new(&policy.spool.path);
    spool
        .create_folders()
        .with_context(|| format!("cannot create the spool at {}", policy.spool.path.display()))?;
    let transport =
        Transport::build(&policy.transport).context("cannot set up the outbox transport")?;
    let policy = Arc::new(policy);
    let mut worker = Worker::new(store.clone(), policy.clone());
    let mut report = OnceReport::default();
    loop {
        let arrivals = spool
            .take(policy.intake.batch_size)
            .context("cannot read the spool")?;
        if arrivals.is_empty() {
            break;
        }
        let batch =
            tokio::task::block_in_place(|| worker.process_batch(arrivals, Timestamp::now()))?;
        add(&mut report.intake, &batch);
        if batch.acknowledged == 0 && batch.retried == 0 {
            warn!("no message of the last batch could be acknowledged; stopping");
            break;
        }
    }
    let drained = Sender::new(store, transport)
        .drain(u64::MAX, Timestamp::now())
        .await?;
    report.sent = drained.sent;
    report.not_sent = drained.deferred + drained.failed;
    Ok(report)
}

fn add(total: &mut BatchReport, batch: &BatchReport) {
    total.stored += batch.stored;
    total.duplicates += batch.duplicates;
    total.quarantined += batch.quarantined;
    total.retried += batch.retried;
    total.acknowledged += batch.acknowledged;
    total.queued_mail += batch.queued_mail;
}

/// Runs the daemon until SIGINT/SIGTERM, or until the store fails.
pub async fn run(policy: Policy) -> anyhow::Result<()> {
    let store = open_store(&policy)?;
    banner(&policy, &store);
    let spool = Spool::new(&policy.spool.path);
    spool
        .create_folders()
        .with_context(|| format!("cannot create the spool at {}", policy.spool.path.display()))?;
    let transport =
        Transport::build(&policy.transport).context("cannot set up the outbox transport")?;
    let listener = control::bind(&policy.control_socket)
        .with_context(|| format!("cannot listen on {}", policy.control_socket.display()))?;
    let policy = Arc::new(policy);
    let tasks = Tasks::new();
    let failed = Arc::new(AtomicBool::new(false));
    let durable = Arc::new(AtomicU64::new(store.last_outbox_id()?));
    let wake_sender = Arc::new(Notify::new());
    let sender_stop = CancellationToken::new();
    let (batches, inbox) = mpsc::channel(1);

    tasks.spawn(intake_spool(
        spool,
        policy.clone(),
        batches,
        tasks.stop_token(),
    ));
    let worker = Worker::new(store.clone(), policy.clone());
    let worker_parts = WorkerParts {
        store: store.clone(),
        durable: durable.clone(),
        wake_sender: wake_sender.clone(),
        sender_stop: sender_stop.clone(),
        failed: failed.clone(),
        stop: tasks.stop_token(),
    };
    tasks.spawn_blocking(move || run_worker(worker, inbox, worker_parts));
    tasks.spawn(run_sender(
        Sender::new(store.clone(), transport),
        durable,
        wake_sender,
        sender_stop,
    ));
    tasks.spawn(control::serve(listener, store.clone(), tasks.stop_token()));
    info!("loket running");

    let fatal = tasks.stop_token();
    tokio::select! {
        () = shutdown::signalled() => info!("stop requested"),
        () = fatal.cancelled() => {}
    }
    tasks.stop();
    tasks.wait(GRACE).await;
    let _ = std::fs::remove_file(&policy.control_socket);
    store.flush()?;
    if failed.load(Ordering::SeqCst) {
        anyhow::bail!("stopped because the store failed; nothing uncommitted was acknowledged");
    }
    info!("loket stopped");
    Ok(())
}

/// Reads the spool in batches and waits for each batch to be committed before the next.
async fn intake_spool(
    spool: Spool,
    policy: Arc<Policy>,
    batches: mpsc::Sender<Batch>,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        let arrivals = match spool.take(policy.intake.batch_size) {
            Ok(arrivals) => arrivals,
            Err(e) => {
                warn!(error = %e, spool = %policy.spool.path.display(), "cannot read the spool; retrying");
                Vec::new()
            }
        };
        if arrivals.is_empty() {
            tokio::select! {
                () = tokio::time::sleep(policy.spool.poll_interval) => continue,
                () = stop.cancelled() => break,
            }
        }
        let (done, committed) = oneshot::channel();
        if batches.send(Batch { arrivals, done }).await.is_err() {
            break;
        }
        // The worker keeps the batch until it is flushed; a dropped reply means it stopped.
        if committed.await.is_err() {
            break;
        }
    }
}

struct WorkerParts {
    store: Store,
    durable: Arc<AtomicU64>,
    wake_sender: Arc<Notify>,
    sender_stop: CancellationToken,
    failed: Arc<AtomicBool>,
    stop: CancellationToken,
}

/// The worker thread: one batch at a time, until every intake has hung up.
fn run_worker(mut worker: Worker, mut inbox: mpsc::Receiver<Batch>, parts: WorkerParts) {
    while let Some(batch) = inbox.blocking_recv() {
        match worker.process_batch(batch.arrivals, Timestamp::now()) {
            Ok(report) => {
                if let Ok(last) = parts.store.last_outbox_id() {
                    parts.durable.store(last, Ordering::SeqCst);
                }
                if report.queued_mail > 0 {
                    parts.wake_sender.notify_one();
                }
                let _ = batch.done.send(());
            }
            Err(e) => {
                error!(error = %e, "store failed; stopping without acknowledging the batch");
                parts.failed.store(true, Ordering::SeqCst);
                parts.stop.cancel();
                break;
            }
        }
    }
    parts.sender_stop.cancel();
}

/// Sends whatever is durable in the outbox, then sleeps until woken or a retry is due.
async fn run_sender(
    sender: Sender,
    durable: Arc<AtomicU64>,
    wake: Arc<Notify>,
    stop: CancellationToken,
) {
    loop {
        let pause = match sender
            .drain(durable.load(Ordering::SeqCst), Timestamp::now())
            .await
        {
            Ok(report) => until(report.next_attempt),
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

fn until(next: Option<Timestamp>) -> Duration {
    let secs = next.map_or(SENDER_IDLE.as_secs() as i64, |t| t.0 - Timestamp::now().0);
    Duration::from_secs(secs.clamp(1, SENDER_IDLE.as_secs() as i64) as u64)
}
