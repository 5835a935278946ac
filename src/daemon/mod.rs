//! The daemon: builds the parts from the `Policy`, runs them as tasks, stops them in order.
//!
//! Tasks: the spool intake, one task per IMAP mailbox, the engine worker (one thread,
//! the only writer of tickets), the sender, and the control socket. On SIGINT/SIGTERM the
//! intakes stop first, the worker finishes and flushes what it holds, then the sender and
//! the control socket stop.

mod change;
pub mod control;
mod decide;
mod load;
pub mod worker;

use crate::clock::Clock;
use crate::config::Policy;
use crate::engine::DeliveryFailure;
use crate::intake;
use crate::intake::imap::MailboxTask;
use crate::intake::spool::{self, Spool};
use crate::outbox::{Sender, Transport};
use crate::shutdown::{self, Tasks};
use crate::store::{self, Store};
use crate::types::{TicketId, Timestamp};
use anyhow::Context;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};
use worker::{BatchReport, Input, Worker};

/// How long tasks get to finish after a stop request.
const GRACE: Duration = Duration::from_secs(20);
/// How long start-up waits for a store held by a short-lived `loket ticket` command.
const STORE_PATIENCE: Duration = Duration::from_secs(5);
/// The longest the sender sleeps without being woken.
const SENDER_IDLE: Duration = Duration::from_secs(60);

/// What `run --once` did, for its summary line.
#[derive(Debug, Default, Clone)]
pub struct OnceReport {
    /// Totals over every batch (its `safe` list stays empty).
    pub intake: BatchReport,
    /// Mails sent.
    pub sent: usize,
    /// Mails deferred or failed.
    pub not_sent: usize,
    /// Timers fired.
    pub timers_fired: usize,
}

/// The longest the scheduler waits between two looks at the timers (a look reads one
/// key of the due-time index; the clock of a test build may jump meanwhile).
const SCHEDULER_POLL: Duration = Duration::from_secs(1);

/// The parts every mode needs, built and checked before any work starts.
struct Parts {
    store: Store,
    spool: Spool,
    transport: Transport,
    policy: Arc<Policy>,
    clock: Clock,
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
    Store::open_patiently(&policy.store_path, STORE_PATIENCE).map_err(|e| match e {
        store::Error::Locked { .. } => anyhow::anyhow!(
            "{e}: stop the running daemon first (`loket ticket ...` asks it instead)"
        ),
        other => anyhow::Error::new(other),
    })
}

fn build(policy: Policy) -> anyhow::Result<Parts> {
    let store = open_store(&policy)?;
    banner(&policy, &store);
    let spool = Spool::new(&policy.spool.path);
    spool
        .create_folders()
        .with_context(|| format!("cannot create the spool at {}", policy.spool.path.display()))?;
    let transport =
        Transport::build(&policy.transport).context("cannot set up the outbox transport")?;
    Ok(Parts {
        store,
        spool,
        transport,
        clock: Clock::new(&policy.testing),
        policy: Arc::new(policy),
    })
}

fn banner(policy: &Policy, store: &Store) {
    let tickets = store.next_ticket_id().map(|t| t.0 - 1).unwrap_or(0);
    info!(version = env!("CARGO_PKG_VERSION"), store = %policy.store_path.display(),
        schema = store::keys::SCHEMA_VERSION, tickets, "loket starting");
    info!(spool = %policy.spool.path.display(), "intake: maildir spool");
    for mailbox in &policy.mailboxes {
        info!(mailbox = %mailbox.id, host = %mailbox.host, port = mailbox.port,
            security = ?mailbox.security, user = %mailbox.user, folder = %mailbox.folder,
            "intake: imap mailbox");
    }
    info!(transport = %Transport::describe(&policy.transport), "outbox transport");
    for desk in &policy.desks {
        info!(desk = %desk.id, address = %desk.address, tag = %desk.tag,
            language = desk.language.code(), "desk");
    }
}

/// Does all pending spool and outbox work and returns (IMAP mailboxes are read only by
/// the daemon).
pub async fn run_once(policy: Policy) -> anyhow::Result<OnceReport> {
    let parts = build(policy)?;
    let mut worker = Worker::new(parts.store.clone(), parts.policy.clone());
    let mut report = OnceReport::default();
    loop {
        let arrivals = parts
            .spool
            .take(parts.policy.intake.batch_size)
            .context("cannot read the spool")?;
        if arrivals.is_empty() {
            break;
        }
        let batch =
            tokio::task::block_in_place(|| worker.process_batch(arrivals, parts.clock.now()))?;
        let removed = spool::acknowledge(&batch.safe);
        add(&mut report.intake, &batch);
        if removed == 0 && batch.retried == 0 {
            warn!("no message of the last batch could be removed from the spool; stopping");
            break;
        }
    }
    let timers = tokio::task::block_in_place(|| worker.fire_due(parts.clock.now()))?;
    report.timers_fired = timers.fired;
    let sender = Sender::new(parts.store, parts.transport, parts.policy.retry_after);
    let drained = sender.drain(u64::MAX, parts.clock.now()).await?;
    for (ticket, failure) in &drained.failed {
        worker.process_failure(*ticket, failure, parts.clock.now())?;
    }
    report.sent = drained.sent;
    report.not_sent = drained.deferred + drained.failed.len();
    Ok(report)
}

fn add(total: &mut BatchReport, batch: &BatchReport) {
    total.stored += batch.stored;
    total.duplicates += batch.duplicates;
    total.quarantined += batch.quarantined;
    total.retried += batch.retried;
    total.queued_mail += batch.queued_mail;
}

/// What the worker thread shares with the rest of the daemon.
struct WorkerLinks {
    store: Store,
    clock: Clock,
    /// The highest outbox id whose commit is flushed: the sender sends nothing above it.
    durable: Arc<AtomicU64>,
    wake_sender: Arc<Notify>,
    sender_stop: CancellationToken,
    failed: Arc<AtomicBool>,
    stop: CancellationToken,
}

/// Runs the daemon until SIGINT/SIGTERM, or until the store fails.
pub async fn run(policy: Policy) -> anyhow::Result<()> {
    let Parts {
        store,
        spool,
        transport,
        policy,
        clock,
    } = build(policy)?;
    let listener = control::bind(&policy.control_socket)
        .with_context(|| format!("cannot listen on {}", policy.control_socket.display()))?;
    let tasks = Tasks::new();
    let (batches, inbox) = mpsc::channel(4);
    let links = WorkerLinks {
        store: store.clone(),
        clock: clock.clone(),
        durable: Arc::new(AtomicU64::new(store.last_outbox_id()?)),
        wake_sender: Arc::new(Notify::new()),
        sender_stop: CancellationToken::new(),
        failed: Arc::new(AtomicBool::new(false)),
        stop: tasks.stop_token(),
    };
    let failed = links.failed.clone();
    let sender = run_sender(
        Sender::new(store.clone(), transport, policy.retry_after),
        batches.downgrade(),
        links.durable.clone(),
        links.wake_sender.clone(),
        links.sender_stop.clone(),
        clock.clone(),
    );
    tasks.spawn(run_scheduler(batches.clone(), tasks.stop_token()));
    spawn_intakes(&tasks, &policy, &store, spool, batches);
    let worker = Worker::new(store.clone(), policy.clone());
    tasks.spawn_blocking(move || run_worker(worker, inbox, links));
    tasks.spawn(sender);
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

/// Starts the spool intake and one task per IMAP mailbox; each holds a sender of the
/// worker's queue, so the worker ends once every intake has stopped.
fn spawn_intakes(
    tasks: &Tasks,
    policy: &Arc<Policy>,
    store: &Store,
    spool: Spool,
    batches: mpsc::Sender<Input>,
) {
    for mailbox in &policy.mailboxes {
        tasks.spawn(
            MailboxTask {
                policy: mailbox.clone(),
                store: store.clone(),
                worker: batches.clone(),
                batch_size: policy.intake.batch_size,
                stop: tasks.stop_token(),
            }
            .run(),
        );
    }
    tasks.spawn(intake_spool(
        spool,
        policy.clone(),
        batches,
        tasks.stop_token(),
    ));
}

/// Reads the spool in batches; removes each batch's files once the worker has them safe.
async fn intake_spool(
    spool: Spool,
    policy: Arc<Policy>,
    batches: mpsc::Sender<Input>,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        let arrivals = spool.take(policy.intake.batch_size).unwrap_or_else(|e| {
            warn!(error = %e, spool = %policy.spool.path.display(), "cannot read the spool; retrying");
            Vec::new()
        });
        if arrivals.is_empty() {
            tokio::select! {
                () = tokio::time::sleep(policy.spool.poll_interval) => continue,
                () = stop.cancelled() => break,
            }
        }
        let Some(safe) = intake::submit(&batches, arrivals).await else {
            break;
        };
        spool::acknowledge(&safe);
    }
}

/// The worker thread: one input at a time, until every intake has hung up.
fn run_worker(mut worker: Worker, mut inbox: mpsc::Receiver<Input>, links: WorkerLinks) {
    while let Some(input) = inbox.blocking_recv() {
        let result = match input {
            Input::Mail(batch) => worker
                .process_batch(batch.arrivals, links.clock.now())
                .map(|report| after_batch(report, batch.done, &links)),
            Input::DeliveryFailed { ticket, failure } => {
                worker.process_failure(ticket, &failure, links.clock.now())
            }
            Input::Timers(done) => worker.fire_due(links.clock.now()).map(|report| {
                publish_durable(&links, report.queued_mail);
                let _ = done.send(report);
            }),
        };
        if let Err(e) = result {
            error!(error = %e, "store failed; stopping without acknowledging anything uncommitted");
            links.failed.store(true, Ordering::SeqCst);
            links.stop.cancel();
            break;
        }
    }
    links.sender_stop.cancel();
}

/// Publishes what the flushed batch made durable and tells its source what is safe.
fn after_batch(
    report: BatchReport,
    done: oneshot::Sender<Vec<intake::Receipt>>,
    links: &WorkerLinks,
) {
    publish_durable(links, report.queued_mail);
    let _ = done.send(report.safe);
}

/// After a flush: the sender may send up to the last outbox id, and is woken for new mail.
fn publish_durable(links: &WorkerLinks, queued_mail: usize) {
    if let Ok(last) = links.store.last_outbox_id() {
        links.durable.store(last, Ordering::SeqCst);
    }
    if queued_mail > 0 {
        links.wake_sender.notify_one();
    }
}

/// Asks the worker to fire due timers, about once a second. The worker does the firing
/// (it is the only writer of tickets); this task only keeps time.
async fn run_scheduler(worker: mpsc::Sender<Input>, stop: CancellationToken) {
    loop {
        let (done, report) = oneshot::channel();
        if worker.send(Input::Timers(done)).await.is_err() {
            return;
        }
        if let Ok(report) = report.await {
            if report.fired > 0 {
                info!(
                    fired = report.fired,
                    mails = report.queued_mail,
                    "timers fired"
                );
            }
        }
        tokio::select! {
            () = tokio::time::sleep(SCHEDULER_POLL) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// Sends whatever is durable in the outbox, then sleeps until woken or a retry is due.
/// Permanent failures go to the worker to be recorded on their tickets; the sender holds
/// only a weak handle on the worker's queue, so that it never keeps the worker alive.
async fn run_sender(
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
